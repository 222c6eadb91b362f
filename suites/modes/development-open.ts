import { concretePath } from '../../src/contract/routes.js';
import type { Check } from '../../src/engine/types.js';
import { is2xx } from '../support.js';

/** MODE-DEV: with no auth variables, protected routes answer without a key. */
export const developmentOpen: Check = {
  id: 'modes.development-open',
  requirement: 'MODE-DEV',
  level: 'SHOULD',
  category: 'modes',
  title: 'Development mode (no auth variables) serves protected routes without a key',
  modes: ['open'],
  explain: {
    why: 'The contract makes development the default, keyless mode; a server that demands a key there breaks local tooling and hides which variable really turns auth on.',
    typicalFault: 'Auth switched on by the mere presence of the middleware, or by a default key baked into the code.',
    fix: 'Enforce auth only when NODE_ENV=production or DEXTO_SERVER_REQUIRE_AUTH=true.',
  },
  async run(ctx) {
    const r = await ctx.http.send({ method: 'GET', path: concretePath(ctx.primaryRoute.path), label: 'no credentials' });
    if (is2xx(r.status)) return { status: 'pass', message: `GET ${ctx.primaryRoute.path} answered ${r.status} without a key` };
    return {
      status: 'fail',
      message: `GET ${ctx.primaryRoute.path} without a key got ${r.status ?? r.error} in development mode`,
      expected: '2xx without credentials',
      actual: String(r.status ?? r.error),
      evidence: { exchanges: [r.record] },
    };
  },
};
