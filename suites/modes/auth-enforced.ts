import { concretePath } from '../../src/contract/routes.js';
import type { ModeName } from '../../src/contract/modes.js';
import type { Check } from '../../src/engine/types.js';
import { auth, everyRouteRequest, is2xx, validAuth, verdict, wrongKey } from '../support.js';

function enforced(mode: ModeName, id: string, requirement: string, title: string, fault: string): Check {
  return {
    id,
    requirement,
    level: 'MUST',
    category: 'modes',
    title,
    modes: (m) => m.name === mode,
    explain: {
      why: 'This environment is one in which the contract requires every non-public route to demand the key.',
      typicalFault: fault,
      fix: 'Derive "auth required" as NODE_ENV === "production" || DEXTO_SERVER_REQUIRE_AUTH === "true", and nothing else may switch it off.',
    },
    async run(ctx) {
      const ok = await ctx.http.send({ method: 'GET', path: concretePath(ctx.primaryRoute.path), headers: [validAuth(ctx)], label: 'valid key' });
      if (!is2xx(ok.status)) {
        return { status: 'fail', message: `the valid key got ${ok.status ?? ok.error}`, expected: '2xx with the valid key', actual: String(ok.status ?? ok.error), evidence: { exchanges: [ok.record] } };
      }
      const reqs = [...everyRouteRequest(ctx, { label: 'no credentials' }), ...everyRouteRequest(ctx, { label: 'wrong key', headers: [auth(`Bearer ${wrongKey(ctx)}`)] })];
      const results = await ctx.http.sendAll(reqs);
      return verdict(results.filter((r) => is2xx(r.status)), results.length, 'no protected route answers 2xx without the valid key', 'no protected route was served without the valid key');
    },
  };
}

/** MODE-PROD: NODE_ENV=production + key enforces auth on every protected route. */
export const productionEnforced = enforced(
  'production',
  'modes.production-enforced',
  'MODE-PROD',
  'Production mode (NODE_ENV=production + key) enforces auth on every protected route',
  'Auth enabled only by DEXTO_SERVER_REQUIRE_AUTH, or only on some routers.',
);

/** MODE-EXPLICIT: REQUIRE_AUTH=true + key enforces auth outside production. */
export const explicitEnforced = enforced(
  'explicit',
  'modes.explicit-enforced',
  'MODE-EXPLICIT',
  'Explicit mode (DEXTO_SERVER_REQUIRE_AUTH=true + key, NODE_ENV=development) enforces auth',
  'Only NODE_ENV is consulted, so REQUIRE_AUTH=true in development is ignored.',
);

/** MODE-REQUIRE-FALSE: REQUIRE_AUTH=false does not switch auth off in production. */
export const requireFalseIgnored = enforced(
  'production-require-false',
  'modes.require-false-ignored',
  'MODE-REQUIRE-FALSE',
  'DEXTO_SERVER_REQUIRE_AUTH=false does not switch auth off in production',
  'REQUIRE_AUTH=false is read as an override that disables auth even when NODE_ENV=production.',
);
