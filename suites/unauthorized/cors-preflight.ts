import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { concretePath } from '../../src/contract/routes.js';
import { is2xx, verdict } from '../support.js';

/** UNAUTH-PREFLIGHT: a CORS preflight is answered without a key. */
export const corsPreflight: Check = {
  id: 'unauthorized.cors-preflight',
  requirement: 'UNAUTH-PREFLIGHT',
  level: 'SHOULD',
  category: 'unauthorized',
  title: 'A CORS preflight (OPTIONS + Origin + Access-Control-Request-Method) is answered without a key',
  modes: ['auth'],
  explain: {
    why: 'Browsers never send credentials on a preflight; demanding them there breaks every browser client.',
    typicalFault: 'The auth middleware runs before the CORS middleware.',
    fix: 'Mount CORS before auth (as Dexto does); the real request still needs the key.',
  },
  async run(ctx) {
    const reqs: ProbeRequest[] = ctx.routes.map((r) => ({
      method: 'OPTIONS',
      path: concretePath(r.path),
      headers: [
        ['Origin', 'http://app.example.test'],
        ['Access-Control-Request-Method', r.method],
        ['Access-Control-Request-Headers', 'authorization, content-type'],
      ],
      label: 'CORS preflight, no credentials',
    }));
    const results = await ctx.http.sendAll(reqs);
    // A server that does no CORS at all has no preflights to answer: nothing to judge.
    const cors = results.some((r) => r.header('access-control-allow-origin') !== undefined);
    if (!cors && results.every((r) => !is2xx(r.status))) {
      const probe = await ctx.http.send({ method: 'GET', path: ctx.publicRoutes[0]?.path ?? '/health', headers: [['Origin', 'http://app.example.test']], label: 'does the server do CORS?' });
      if (probe.header('access-control-allow-origin') === undefined) return { status: 'skip', message: 'the server sends no CORS headers at all, so there are no preflights to answer' };
    }
    return verdict(results.filter((r) => !is2xx(r.status)), results.length, '2xx (usually 204) for a preflight', 'preflights were answered without a key');
  },
};
