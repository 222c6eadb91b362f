import { concretePath } from '../../src/contract/routes.js';
import { generateKey } from '../../src/engine/run.js';
import type { Check } from '../../src/engine/types.js';
import { Prober } from '../../src/http/prober.js';
import { auth, describe, is2xx, unprotectedBaseline } from '../support.js';

/** MODE-ROTATION: the key comes from the environment at start; a restart with a new key retires the old one. */
export const keyRotation: Check = {
  id: 'modes.key-rotation',
  requirement: 'MODE-ROTATION',
  level: 'MUST',
  category: 'modes',
  title: 'After a restart with a new key, the old key is refused and the new one accepted',
  modes: (m) => m.name === 'production',
  applies: (target) => (target.restartable ? true : 'the target cannot be restarted by the harness (URL target)'),
  explain: {
    why: 'Rotating a compromised key only helps if the server really uses the key it was started with.',
    typicalFault: 'A key cached on disk or compiled in; a fallback key that keeps working.',
    fix: 'Read DEXTO_SERVER_API_KEY once at startup and compare only against it.',
  },
  async run(ctx) {
    if (!ctx.startInstance || ctx.key === undefined) return { status: 'skip', message: 'the target cannot be restarted by the harness' };
    const open = await unprotectedBaseline(ctx);
    if (open) return open;
    const newKey = generateKey();
    const started = await ctx.startInstance(newKey);
    if (started.state !== 'ready') return { status: 'fail', message: `the server did not start with a new key: ${started.reason}`, expected: 'the server starts with any strong key', actual: started.reason };
    const prober = new Prober({ baseUrl: started.running.baseUrl, key: newKey, redactor: ctx.http.redactor.with(newKey), safety: { allowKeyedMutation: true } });
    try {
      const path = concretePath(ctx.primaryRoute.path);
      const old = await prober.send({ method: 'GET', path, headers: [auth(`Bearer ${ctx.key}`)], label: 'old key after rotation' });
      const fresh = await prober.send({ method: 'GET', path, headers: [auth(`Bearer ${newKey}`)], label: 'new key after rotation' });
      const problems = [is2xx(old.status) ? old : undefined, is2xx(fresh.status) ? undefined : fresh].filter((x) => x !== undefined);
      if (problems.length === 0) return { status: 'pass', message: 'old key refused, new key accepted after restart' };
      return {
        status: 'fail',
        message: problems.map(describe).join('; '),
        expected: 'old key rejected and new key accepted',
        actual: `old key -> ${old.status ?? old.error}, new key -> ${fresh.status ?? fresh.error}`,
        evidence: { exchanges: [old.record, fresh.record] },
      };
    } finally {
      prober.close();
      await started.running.stop();
    }
  },
};
