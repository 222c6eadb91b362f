import type { Check } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { validAuth, verdict } from '../support.js';

/** Paths that share a prefix with a public route but are not one. */
export function nearMisses(publicPaths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of publicPaths) {
    out.push(`${p}x`, `${p}/x`, `${p}.bak`, `${p}-internal`);
    if (!p.includes('.')) out.push(`${p}z`, `${p}check`);
  }
  return out;
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
    const paths = nearMisses(ctx.publicRoutes.map((r) => r.path));
    const without = await ctx.http.sendAll(paths.map((path) => ({ method: 'GET', path, label: 'near miss of a public path, no credentials' })));
    const withKey = await ctx.http.sendAll(paths.map((path) => ({ method: 'GET', path, headers: [validAuth(ctx)], label: 'near miss of a public path, valid key' })));
    // A path is treated as public when the key makes no difference to the answer.
    const offenders: ProbeResult[] = without.filter((r, i) => r.status === undefined || r.status === withKey[i]?.status);
    return verdict(
      offenders,
      without.length,
      'a near miss of a public path is answered differently without the key (401) than with it (it is a protected path)',
      'every near miss of a public path needed the key',
    );
  },
};
