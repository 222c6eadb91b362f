import { concretePath } from '../../src/contract/routes.js';
import type { Check, CheckContext } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { auth, everyRouteRequest, jsonShape, REJECTED_401, validAuth, verdict, wrongKey } from '../support.js';


/**
 * Rejections that are not 401, and "401s" that still carry the protected answer (a status set
 * before the handler ran anyway) or an event stream.
 */
async function rejectedBadly(ctx: CheckContext, results: ProbeResult[]): Promise<ProbeResult[]> {
  const keyed = await ctx.http.send({ method: 'GET', path: concretePath(ctx.primaryRoute.path), headers: [validAuth(ctx)], label: 'valid key, for comparison' });
  const protectedShape = keyed.status !== undefined && keyed.status >= 200 && keyed.status < 300 ? jsonShape(keyed.body) : undefined;
  return results.filter(
    (r) =>
      r.status === undefined ||
      !REJECTED_401.has(r.status) ||
      /text\/event-stream/i.test(r.header('content-type') ?? '') ||
      (protectedShape !== undefined && r.record.request.path === concretePath(ctx.primaryRoute.path) && jsonShape(r.body) === protectedShape),
  );
}

const explain = {
  why: 'Clients, proxies and monitors tell "no or bad credentials" from "forbidden" or "missing" by the status: RFC 9110 §15.5.2 defines 401 for it, and the security page tells operators to alert on 401s.',
  typicalFault: '403 or 404 instead of 401; a redirect to a login page; a 200 with an error body; a route (often the SSE stream or HEAD) that skips the check.',
  fix: 'Answer every protected route and method with 401 when the key is missing or wrong, before routing.',
};

/** UNAUTH-401: a request with no credentials gets 401 on every method of every protected route. */
export const missingKey401: Check = {
  id: 'unauthorized.missing-key',
  requirement: 'UNAUTH-401',
  level: 'MUST',
  category: 'unauthorized',
  title: 'No Authorization header: 401 on every protected route and method (HEAD and streams included)',
  modes: ['auth'],
  explain,
  async run(ctx) {
    const results = await ctx.http.sendAll(everyRouteRequest(ctx, { label: 'no credentials' }));
    return verdict(await rejectedBadly(ctx, results), results.length, '401, without the protected content, for each protected route and method', 'every protected route answered 401 without credentials');
  },
};

/** UNAUTH-401: a well-formed but wrong key gets 401 everywhere. */
export const wrongKey401: Check = {
  id: 'unauthorized.wrong-key',
  requirement: 'UNAUTH-401',
  level: 'MUST',
  category: 'unauthorized',
  title: 'A well-formed wrong key: 401 on every protected route and method',
  modes: ['auth'],
  explain,
  async run(ctx) {
    const results = await ctx.http.sendAll(everyRouteRequest(ctx, { label: 'wrong key of the right length', headers: [auth(`Bearer ${wrongKey(ctx)}`)] }));
    return verdict(await rejectedBadly(ctx, results), results.length, '401, without the protected content, for each protected route and method', 'every protected route answered 401 to a wrong key');
  },
};
