import type { Check, Outcome } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { auth, is2xx, is5xx, rateLimitedSkip, verdict, wrongKey } from '../support.js';

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
    // Misconfigured (fail-closed) servers may report not-ready on a public route; they may not gate it behind auth.
    const acceptable = (s: number | undefined): boolean => is2xx(s) || (ctx.mode.kind === 'fail-closed' && is5xx(s));
    const bad = results.filter((r) => !acceptable(r.status));
    if (bad.length > 0 && bad.every((r) => r.status === 429)) return rateLimitedSkip(bad) as Outcome;
    return verdict(bad, results.length, ctx.mode.kind === 'fail-closed' ? '2xx (or a 5xx not-ready answer) without credentials, never 401/403' : '2xx for every public route (GET and HEAD)', 'public routes answered without credentials');
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
    const credentials = [`Bearer ${wrongKey(ctx)}`, 'Basic Zm9vOmJhcg==', 'Bearer', 'garbage'];
    const reqs: ProbeRequest[] = ctx.publicRoutes.flatMap((r) => credentials.map((v) => ({ method: r.method, path: r.path, headers: [auth(v)], label: `Authorization: ${v}` })));
    const results = await ctx.http.sendAll(reqs);
    const bad = results.filter((r) => !is2xx(r.status));
    if (bad.length > 0 && bad.every((r) => r.status === 429)) return rateLimitedSkip(bad) as Outcome;
    return verdict(bad, results.length, '2xx for every public route whatever Authorization says', 'public routes ignored bad credentials');
  },
};
