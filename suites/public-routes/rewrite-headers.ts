import { concretePath } from '../../src/contract/routes.js';
import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { is2xx, routeRequest, verdict } from '../support.js';
import { looksPublic } from './path-variants.js';

/** Headers some proxies and frameworks use to rewrite the path. */
const PATH_HEADERS = ['X-Original-URL', 'X-Rewrite-URL', 'X-Forwarded-Path', 'X-Forwarded-Uri', 'X-Envoy-Original-Path', 'X-Original-Path'];
/** Headers some frameworks use to override the method. */
const METHOD_HEADERS = ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override'];

/** PUB-REWRITE: path- and method-rewriting request headers do not open protected routes. */
export const rewriteHeaders: Check = {
  id: 'public-routes.rewrite-headers',
  requirement: 'PUB-REWRITE',
  level: 'MUST',
  category: 'public-routes',
  title: 'Path- and method-rewriting headers (X-Original-URL, X-HTTP-Method-Override, …) do not open protected routes',
  modes: ['auth'],
  explain: {
    why: 'If auth looks at the request line but routing honours a rewrite header (or the reverse), a public request line carries a protected route past auth.',
    typicalFault: 'Middleware that routes by X-Original-URL / X-Rewrite-URL or applies X-HTTP-Method-Override after the auth decision.',
    fix: 'Do not honour rewrite headers from clients, or apply them before auth so auth sees the final path and method.',
  },
  async run(ctx) {
    const primary = concretePath(ctx.primaryRoute.path);
    const publicPath = ctx.publicRoutes[0]?.path ?? '/health';
    const health = await ctx.http.send({ method: 'GET', path: publicPath, label: 'public body for comparison' });
    const reqs: ProbeRequest[] = [];
    for (const h of PATH_HEADERS) {
      reqs.push({ method: 'GET', path: publicPath, headers: [[h, primary]], label: `public request line, ${h}: protected path` });
      reqs.push({ method: 'GET', path: primary, headers: [[h, publicPath]], label: `protected request line, ${h}: public path` });
    }
    for (const route of ctx.routes.filter((r) => r.method !== 'GET')) {
      for (const h of METHOD_HEADERS) for (const m of ['GET', 'HEAD', 'OPTIONS']) reqs.push(routeRequest(route, { headers: [[h, m]], label: `${h}: ${m}, no credentials` }));
    }
    const results = await ctx.http.sendAll(reqs);
    // A 2xx that is exactly the public route's answer means the server routed to the public route: harmless.
    const offenders = results.filter((r) => is2xx(r.status) && !looksPublic(r.body, is2xx(health.status) ? [health.body] : []) && !(r.status === 204 && r.body === ''));
    return verdict(offenders, results.length, 'no protected content without the key, whatever rewrite headers say', 'rewrite headers did not open any protected route');
  },
};
