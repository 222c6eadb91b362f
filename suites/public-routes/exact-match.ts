import type { Check } from '../../src/engine/types.js';
import { REJECTED_401, verdict } from '../support.js';

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
    const results = await ctx.http.sendAll(paths.map((path) => ({ method: 'GET', path, label: 'near miss of a public path, no credentials' })));
    return verdict(
      results.filter((r) => r.status === undefined || !REJECTED_401.has(r.status)),
      results.length,
      '401 for every near miss of a public path (it is a protected path)',
      'every near miss of a public path needed the key',
    );
  },
};
