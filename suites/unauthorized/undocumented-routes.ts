import type { Check } from '../../src/engine/types.js';
import { catchAll, is2xx, isCatchAll, verdict } from '../support.js';
import { looksPublic } from '../public-routes/path-variants.js';

/**
 * API paths of Dexto servers (and common framework extras) that a target may serve without
 * listing them in its OpenAPI document. Probed read-only, without credentials.
 */
export const PROBE_PATHS = [
  '/api',
  '/api/',
  '/api/config',
  '/api/config.yaml',
  '/api/greeting',
  '/api/llm/catalog',
  '/api/llm/providers',
  '/api/mcp/servers',
  '/api/mcp/tools',
  '/api/webhooks',
  '/api/search/messages',
  '/api/search/sessions',
  '/api/memory',
  '/api/agents',
  '/api/agent/config',
  '/api/prompts',
  '/api/resources',
  '/api/tools',
  '/api/events',
  '/api/debug',
  '/api/env',
  '/api/admin',
  '/api/internal',
  '/api/metrics',
  '/metrics',
  '/debug',
  '/admin',
  '/env',
  '/config',
  '/swagger.json',
  '/docs',
];

/** UNAUTH-METHODS: paths nobody documented still need the key (deny by default). */
export const undocumentedRoutes: Check = {
  id: 'unauthorized.undocumented-routes',
  requirement: 'UNAUTH-METHODS',
  level: 'MUST',
  category: 'unauthorized',
  title: 'Undocumented API and debug paths (/api/config.yaml, /api/mcp/servers, /metrics, …) are not served without the key',
  modes: ['auth'],
  explain: {
    why: 'A route registered before the auth middleware, or left out of the API description, is open to anyone who guesses it.',
    typicalFault: 'app.get("/api/config.yaml", …) above app.use(auth); a metrics or debug router mounted outside the protected router.',
    fix: 'Mount auth for every path first (deny by default) and allow-list only the three public routes.',
  },
  async run(ctx) {
    const base = await catchAll(ctx);
    const publicBodies = (await ctx.http.sendAll(ctx.publicRoutes.map((r) => ({ method: 'GET', path: r.path, label: 'public body for comparison' }))))
      .filter((r) => is2xx(r.status))
      .map((r) => r.body);
    const results = await ctx.http.sendAll(PROBE_PATHS.map((path) => ({ method: 'GET', path, label: 'undocumented path, no credentials' })));
    const offenders = results.filter((r) => is2xx(r.status) && !isCatchAll(r, base) && !looksPublic(r.body, publicBodies));
    return verdict(offenders, results.length, 'no 2xx without the key on any API or debug path', 'no undocumented path was served without the key');
  },
};
