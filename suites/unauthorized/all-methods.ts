import { concretePath } from '../../src/contract/routes.js';
import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { is2xx, routeRequest, verdict } from '../support.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** UNAUTH-METHODS: no method of any protected path is served without the key, declared or not. */
export const allMethods: Check = {
  id: 'unauthorized.all-methods',
  requirement: 'UNAUTH-METHODS',
  level: 'MUST',
  category: 'unauthorized',
  title: 'Every HTTP method on every protected path needs the key (not only the documented ones)',
  modes: ['auth', 'fail-closed'],
  explain: {
    why: 'Auth that is attached per method (or skips "safe" methods) leaves reads or HEAD open.',
    typicalFault: 'The middleware is registered with app.post/app.delete only, or skips GET/HEAD as "read-only".',
    fix: 'Register auth for all methods (app.use) before the routes.',
  },
  async run(ctx) {
    const seen = new Set<string>();
    const reqs: ProbeRequest[] = [];
    for (const route of ctx.routes) {
      const path = concretePath(route.path);
      for (const method of METHODS) {
        const k = `${method} ${path}`;
        if (seen.has(k)) continue;
        seen.add(k);
        reqs.push(routeRequest(route, { label: 'no credentials' }, method));
      }
    }
    const results = await ctx.http.sendAll(reqs);
    return verdict(results.filter((r) => is2xx(r.status)), results.length, 'no 2xx for any method without the key', 'no method of a protected path was served without the key');
  },
};
