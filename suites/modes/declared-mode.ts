import { concretePath } from '../../src/contract/routes.js';
import { modeByName } from '../../src/contract/modes.js';
import type { Check } from '../../src/engine/types.js';
import { is2xx, is5xx } from '../support.js';

/** MODE-DECLARED: a URL target declared to be in a mode behaves like that mode. */
export const declaredMode: Check = {
  id: 'modes.declared-mode',
  requirement: 'MODE-DECLARED',
  level: 'MUST',
  category: 'modes',
  title: 'The server behaves like the mode it was declared to run in (--mode)',
  modes: () => true,
  applies: (target) => (target.kind === 'url' && target.declaredMode ? true : 'only for --target with --mode'),
  explain: {
    why: 'A deployed server is checked in the mode you believe it runs in; if it is in another one (often development, wide open), every other verdict of the run is about the wrong thing.',
    typicalFault: 'NODE_ENV or DEXTO_SERVER_REQUIRE_AUTH never reach the process (a missing line in the unit file, container env or PM2 config), so the server silently runs in development mode.',
    fix: 'Set NODE_ENV=production and DEXTO_SERVER_API_KEY in the environment of the server process itself, and check the startup log line that names the mode.',
  },
  async run(ctx) {
    const declared = modeByName(ctx.target.declaredMode ?? '');
    if (!declared) return { status: 'skip', message: 'no declared mode' };
    const r = await ctx.http.send({ method: 'GET', path: concretePath(ctx.primaryRoute.path), label: 'no credentials: which mode is this?' });
    const observed = is2xx(r.status) ? 'open' : is5xx(r.status) ? 'fail-closed' : 'auth';
    if (observed === declared.kind) return { status: 'pass', message: `behaves as ${declared.kind} (${r.status})` };
    return {
      status: 'fail',
      message: `declared ${declared.name} (${declared.kind}) but a keyless GET ${ctx.primaryRoute.path} got ${r.status ?? r.error}, which is ${observed}`,
      expected: `${declared.kind} behaviour`,
      actual: `${observed} behaviour`,
      evidence: { exchanges: [r.record] },
    };
  },
};
