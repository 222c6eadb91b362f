import { concretePath } from '../../src/contract/routes.js';
import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { is2xx, jsonShape, routeRequest, validAuth, verdict } from '../support.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The same body, or a JSON object with the same non-empty set of top-level keys. */
function servesSameData(body: string, keyedBody: string): boolean {
  if (body.trim() === '') return false;
  if (body === keyedBody) return true;
  const shape = jsonShape(body);
  return shape !== undefined && shape !== '' && shape === jsonShape(keyedBody);
}

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
    typicalFault: 'The middleware is registered with app.post/app.delete only, skips GET/HEAD as "read-only", or lets every OPTIONS through for CORS while the router serves OPTIONS like GET.',
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
    const offenders = results.filter((r) => is2xx(r.status));
    // OPTIONS that is not a CORS preflight may be answered without a key (an Allow list), but
    // never with the data the route serves to the key.
    let total = results.length;
    if (ctx.key !== undefined) {
      const gets = [...new Map(ctx.routes.filter((r) => r.method === 'GET').map((r) => [concretePath(r.path), r])).values()];
      const options = await ctx.http.sendAll(gets.map((route) => routeRequest(route, { label: 'OPTIONS, not a CORS preflight, no credentials' }, 'OPTIONS')));
      const keyed = await ctx.http.sendAll(gets.map((route) => routeRequest(route, { headers: [validAuth(ctx)], label: 'valid key, for comparison' })));
      total += options.length;
      options.forEach((r, i) => {
        const k = keyed[i];
        if (is2xx(r.status) && k !== undefined && is2xx(k.status) && servesSameData(r.body, k.body)) offenders.push(r);
      });
    }
    return verdict(offenders, total, 'no 2xx for any method without the key (OPTIONS: no protected data)', 'no method of a protected path was served without the key');
  },
};
