import { concretePath, PROBE_ID, type RouteSpec } from '../../src/contract/routes.js';
import type { Check } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { catchAll, rateLimitedSkip, validAuth, verdict } from '../support.js';

/**
 * Paths that look like a public route without being one: prefix extensions (a startsWith
 * allowlist), and public paths inside protected ones (an endsWith or includes allowlist).
 */
export function nearMisses(publicPaths: readonly string[], routes: readonly RouteSpec[]): string[] {
  const out = new Set<string>();
  const paramRoute = routes.find((r) => r.method === 'GET' && r.path.includes('{'));
  for (const p of publicPaths) {
    for (const suffix of ['x', '/x', '.bak', '-internal']) out.add(`${p}${suffix}`);
    if (!p.includes('.')) for (const suffix of ['z', 'check']) out.add(`${p}${suffix}`);
    out.add(`/api${p}`);
    out.add(`/x${p}`);
    const last = p.split('/').pop() ?? '';
    if (paramRoute && last) out.add(concretePath(paramRoute.path).replace(PROBE_ID, last));
  }
  return [...out];
}

/** PUB-EXACT: only the exact public paths are public; near misses need the key (401). */
export const exactMatch: Check = {
  id: 'public-routes.exact-match',
  requirement: 'PUB-EXACT',
  level: 'MUST',
  category: 'public-routes',
  title: 'Only the exact public paths are public: /healthz, /health/x, /openapi.json.bak need the key',
  modes: ['auth'],
  explain: {
    why: 'A prefix allowlist makes every present and future route that starts like a public one public as well.',
    typicalFault: 'path.startsWith("/health") or a wildcard route (/health/*) in the allowlist; the near miss then gets 404 or 200 instead of 401.',
    fix: 'Compare the path with each public path for exact equality.',
  },
  async run(ctx) {
    const paths = nearMisses(ctx.publicRoutes.map((r) => r.path), ctx.routes);
    const base = await catchAll(ctx);
    const without = await ctx.http.sendAll(paths.map((path) => ({ method: 'GET', path, label: 'near miss of a public path, no credentials' })));
    const withKey = await ctx.http.sendAll(paths.map((path) => ({ method: 'GET', path, headers: [validAuth(ctx)], label: 'near miss of a public path, valid key' })));
    // Treated as public: the key makes no difference, and the answer is not what any unknown path gets.
    // A 429 to the keyed request is the limiter speaking, not the route: no judgement either way.
    const offenders: ProbeResult[] = without.filter(
      (r, i) =>
        r.status === undefined ||
        (r.status === withKey[i]?.status && r.status !== 429 && !(r.status === base.keyless.status && (r.status !== 200 || r.body === base.keyless.body))),
    );
    if (offenders.length === 0) {
      const limited = rateLimitedSkip(withKey);
      if (limited) return limited;
    }
    return verdict(
      offenders,
      without.length,
      'a near miss of a public path is answered differently without the key (401) than with it (it is a protected path)',
      'every near miss of a public path needed the key',
    );
  },
};
