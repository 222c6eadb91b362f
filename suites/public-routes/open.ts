import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { auth, is2xx, verdict, wrongKey } from '../support.js';

/** PUB-OPEN: the public routes answer 2xx without credentials in every mode the server runs in. */
export const publicOpen: Check = {
  id: 'public-routes.open',
  requirement: 'PUB-OPEN',
  level: 'MUST',
  category: 'public-routes',
  title: 'GET /health, /.well-known/agent-card.json and /openapi.json answer 2xx without a key',
  modes: () => true,
  explain: {
    why: 'Load balancers, A2A discovery and API tooling call these routes without credentials.',
    typicalFault: 'The auth middleware is mounted before the public routes without an allowlist, or the misconfiguration error also covers public routes.',
    fix: 'Let the exact public paths through before any key check.',
  },
  async run(ctx) {
    const reqs: ProbeRequest[] = ctx.publicRoutes.flatMap((r) => [
      { method: r.method, path: r.path, label: 'no credentials' },
      { method: 'HEAD', path: r.path, label: 'no credentials' },
    ]);
    const results = await ctx.http.sendAll(reqs);
    return verdict(results.filter((r) => !is2xx(r.status)), results.length, '2xx for every public route (GET and HEAD)', 'public routes answered 2xx');
  },
};

/** PUB-OPEN: a wrong or malformed credential does not close a public route. */
export const publicOpenWithBadCredentials: Check = {
  id: 'public-routes.open-with-bad-credentials',
  requirement: 'PUB-OPEN',
  level: 'MUST',
  category: 'public-routes',
  title: 'Public routes stay open when a wrong or malformed credential is sent',
  modes: ['auth'],
  explain: {
    why: '"Always accessible": a health checker that happens to send a stale key must still get its answer.',
    typicalFault: 'The credential is validated whenever present, before the public-route allowlist.',
    fix: 'Decide "public" first, from the path and method alone.',
  },
  async run(ctx) {
    const bad = [`Bearer ${wrongKey(ctx)}`, 'Basic Zm9vOmJhcg==', 'Bearer', 'garbage'];
    const reqs: ProbeRequest[] = ctx.publicRoutes.flatMap((r) => bad.map((v) => ({ method: r.method, path: r.path, headers: [auth(v)], label: `Authorization: ${v}` })));
    const results = await ctx.http.sendAll(reqs);
    return verdict(results.filter((r) => !is2xx(r.status)), results.length, '2xx for every public route whatever Authorization says', 'public routes ignored bad credentials');
  },
};
