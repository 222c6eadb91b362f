import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { AUTH_REJECTION, routeRequest, verdict } from '../support.js';

/** UNAUTH-BEFORE-BODY: the 401 comes before the body is parsed or validated. */
export const beforeBody: Check = {
  id: 'unauthorized.before-body',
  requirement: 'UNAUTH-BEFORE-BODY',
  level: 'MUST',
  category: 'unauthorized',
  title: 'Unauthenticated requests with broken bodies get 401, not a parser or validation error',
  modes: ['auth'],
  explain: {
    why: 'A body parsed before auth exposes the parser (and its bugs and costs) to anyone, and 400 vs 401 tells an attacker which routes exist.',
    typicalFault: 'A JSON body parser or validator mounted before the auth middleware.',
    fix: 'Run auth first; parse bodies only in handlers of authorised requests.',
  },
  async run(ctx) {
    const bodies: Array<{ body: string; type: string; how: string }> = [
      { body: '{"message": ', type: 'application/json', how: 'truncated JSON' },
      { body: 'not json at all', type: 'application/json', how: 'not JSON' },
      { body: '<x/>', type: 'application/xml', how: 'unexpected content type' },
      { body: '{"message": 42, "extra": [1,2,3]}', type: 'application/json', how: 'schema-invalid JSON' },
    ];
    const reqs: ProbeRequest[] = [];
    for (const route of ctx.routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))) {
      for (const b of bodies) reqs.push({ ...routeRequest(route, { label: `${b.how}, no credentials` }), body: b.body, headers: [['Content-Type', b.type]] });
    }
    if (reqs.length === 0) return { status: 'skip', message: 'no protected route takes a body' };
    const results = await ctx.http.sendAll(reqs);
    return verdict(results.filter((r) => r.status === undefined || !AUTH_REJECTION.has(r.status)), results.length, 'an auth rejection (401) whatever the body', 'auth answered before any body parsing');
  },
};
