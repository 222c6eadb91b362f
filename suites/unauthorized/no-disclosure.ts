import type { Check } from '../../src/engine/types.js';


/** SEC-NO-DISCLOSURE: no response, to any request the run made without the key, contains the key. */
export const noDisclosure: Check = {
  id: 'unauthorized.no-key-disclosure',
  requirement: 'SEC-NO-DISCLOSURE',
  level: 'MUST',
  category: 'unauthorized',
  title: 'No response in the whole run disclosed the key (or 8+ characters of it) to a request that did not carry it',
  modes: ['auth'],
  phase: 'final',
  explain: {
    why: 'Any response that contains the key hands it to whoever can reach that route.',
    typicalFault: 'Config dumps in /openapi.json, agent cards or debug routes; error pages that print the environment.',
    fix: 'Never serialise the environment or the auth config into a response.',
  },
  async run(ctx) {
    for (const r of ctx.publicRoutes) await ctx.http.send({ method: r.method, path: r.path, label: 'public route, scanned for the key' });
    await ctx.http.send({ method: 'GET', path: '/dac-probe-not-found', label: 'unknown route, scanned for the key' });
    const leaks = ctx.http.disclosures();
    const total = ctx.http.count();
    if (leaks.length === 0) return { status: 'pass', message: `${total} responses in this mode scanned; none contained the key` };
    return {
      status: 'fail',
      message: `${leaks.length} response(s) contained the key or a fragment of it: ${leaks.slice(0, 3).map((e) => `${e.request.method} ${e.request.path} -> ${e.response?.status}`).join('; ')}`,
      expected: 'no response contains the key',
      actual: `${leaks.length} disclosing response(s) (redacted as <API_KEY…> in the evidence)`,
      evidence: { exchanges: leaks.slice(0, 8) },
    };
  },
};

