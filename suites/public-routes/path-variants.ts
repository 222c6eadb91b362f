import { concretePath, type RouteSpec } from '../../src/contract/routes.js';
import type { Check, CheckContext } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { catchAll, is2xx, isCatchAll, jsonShape, routeRequest, verdict } from '../support.js';

const hex = (c: string): string => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Spellings of a protected path that any normalising router may map back onto it. None of
 * them may reach a 2xx without the key.
 */
export function pathVariants(path: string, publicPath: string): Array<{ path: string; how: string }> {
  const segs = path.split('/').filter(Boolean);
  const first = segs[0] ?? '';
  const rest = segs.slice(1).join('/');
  const last = path.slice(-1);
  const out: Array<{ path: string; how: string }> = [
    { path: path.toUpperCase(), how: 'upper case' },
    { path: `/${first.charAt(0).toUpperCase()}${first.slice(1)}/${rest}`, how: 'first letter upper case' },
    { path: `/${path}`, how: 'leading double slash' },
    { path: path.replace(/\//g, '//'), how: 'every slash doubled' },
    { path: `${path}/`, how: 'trailing slash' },
    { path: `/./${path.slice(1)}`, how: 'dot segment' },
    { path: `/x/..${path}`, how: 'dot-dot segment' },
    { path: `${publicPath}/..${path}`, how: 'dot-dot from a public path' },
    { path: `${publicPath}/%2e%2e${path}`, how: 'encoded dot-dot from a public path' },
    { path: `${publicPath}%2f..%2f${path.slice(1).replace(/\//g, '%2f')}`, how: 'encoded slashes from a public path' },
    { path: `${publicPath};/..${path}`, how: 'matrix parameter on a public path' },
    { path: `/${hex(first.charAt(0))}${first.slice(1)}/${rest}`, how: 'percent-encoded first letter' },
    { path: `${path.slice(0, -1)}${hex(last)}`, how: 'percent-encoded last letter' },
    { path: path.replace(/\//g, '%2F').replace(/^%2F/, '/'), how: 'percent-encoded slashes' },
    { path: `${path};`, how: 'empty matrix parameter' },
    { path: `${path};x=1`, how: 'matrix parameter' },
    { path: `${path};.json`, how: 'matrix parameter with a public-looking suffix' },
    { path: `${path}%00`, how: 'encoded NUL' },
    { path: `${path}%20`, how: 'encoded trailing space' },
    { path: `${path}?${publicPath}`, how: 'public path in the query' },
    { path: `${path}#${publicPath}`, how: 'public path as a fragment' },
    { path: `${path}/.`, how: 'trailing dot segment' },
    { path: `${path}\\`, how: 'trailing backslash' },
    { path: path.replace(/\//g, '\\').replace(/^\\/, '/'), how: 'backslashes for slashes' },
    { path: `/v1${path}`, how: 'legacy /v1 prefix' },
    { path: path.replace(/^\/api\//, '/api/v1/'), how: 'versioned /api/v1 alias' },
    { path: path.replace(/^\/api\//, '/'), how: 'without the /api prefix' },
  ];
  return out;
}

/** Does a 2xx body look like a public route's answer (the router mapped the spelling to it; health answers often carry timestamps, so JSON keys suffice)? */
export function looksPublic(body: string, publicBodies: readonly string[]): boolean {
  const shape = jsonShape(body);
  return publicBodies.some((b) => (b.length > 0 && b === body) || (shape !== undefined && shape === jsonShape(b)));
}


async function publicBodies(ctx: CheckContext): Promise<string[]> {
  const rs = await ctx.http.sendAll(ctx.publicRoutes.map((r) => ({ method: 'GET', path: r.path, label: 'public body for comparison' })));
  return rs.filter((r) => is2xx(r.status)).map((r) => r.body);
}

/** Routes worth spelling differently: concrete paths, streams included. */
function targets(ctx: CheckContext): RouteSpec[] {
  const seen = new Set<string>();
  return ctx.routes.filter((r) => {
    const k = `${r.method} ${concretePath(r.path)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** PUB-NORMALIZE: no spelling of a protected path reaches a 2xx without the key. */
export const pathVariantsCheck: Check = {
  id: 'public-routes.path-variants',
  requirement: 'PUB-NORMALIZE',
  level: 'MUST',
  category: 'public-routes',
  title: 'No spelling of a protected path (case, slashes, dot segments, encodings, ;params) is served without the key',
  modes: ['auth', 'fail-closed'],
  explain: {
    why: 'When the auth layer and the router see different paths, one spelling slips past auth and still reaches the handler.',
    typicalFault: 'Auth matches the raw path ("/api/...") while the router decodes, lower-cases or collapses slashes; or public routes are matched before normalisation.',
    fix: 'Apply auth to every path that is not exactly public (deny by default), or normalise once and use the same path for auth and routing.',
  },
  async run(ctx) {
    const publicPath = ctx.publicRoutes[0]?.path ?? '/health';
    const bodies = await publicBodies(ctx);
    const base = await catchAll(ctx);
    const reqs = targets(ctx).flatMap((route) =>
      pathVariants(concretePath(route.path), publicPath).map((v) => routeRequest(route, { path: v.path, label: `${v.how}, no credentials` })),
    );
    const results: ProbeResult[] = await ctx.http.sendAll(reqs);
    const offenders = results.filter((r) => is2xx(r.status) && !looksPublic(r.body, bodies) && !isCatchAll(r, base));
    return verdict(offenders, results.length, 'no 2xx for any spelling of a protected path without the key', 'no spelling of a protected path was served without the key');
  },
};
