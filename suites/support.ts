import { concretePath, type RouteSpec } from '../src/contract/routes.js';
import type { CheckContext, Outcome } from '../src/engine/types.js';
import type { ProbeRequest, ProbeResult } from '../src/http/types.js';

/** Body sent with unauthenticated probes of mutating routes: cannot touch real data. */
export const PROBE_BODY = JSON.stringify({ message: 'dexto-auth-conformance probe: must be rejected before it is read' });

/** An `Authorization` header line. */
export const auth = (value: string): [string, string] => ['Authorization', value];

export const is2xx = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;
export const is5xx = (status: number | undefined): boolean => status !== undefined && status >= 500;

/** Statuses that reject a request carrying no or wrong credentials (429: a rate limiter said no). */
export const REJECTED_401 = new Set([401, 429]);

/**
 * Statuses that show the auth layer turned a request away, for checks about *whether* auth ran
 * (not which status it chose: that is unauthorized.missing-key's job).
 */
export const AUTH_REJECTION = new Set([401, 403, 429]);

/** A probe of one route: concrete path, a harmless body for methods that take one, streams cut short. */
export function routeRequest(route: RouteSpec, extra: Partial<ProbeRequest> = {}, method = route.method): ProbeRequest {
  const takesBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  const ownType = (extra.headers ?? []).some(([n]) => n.toLowerCase() === 'content-type');
  const headers: Array<[string, string]> = takesBody && !ownType ? [['Content-Type', 'application/json']] : [];
  return {
    method,
    path: concretePath(route.path),
    ...(takesBody ? { body: PROBE_BODY } : {}),
    ...(route.stream ? { maxBodyBytes: 2048 } : {}),
    ...extra,
    headers: [...headers, ...(extra.headers ?? [])],
  };
}

/** Every protected route, plus HEAD for each GET route. */
export function everyRouteRequest(ctx: CheckContext, extra: Partial<ProbeRequest> = {}): ProbeRequest[] {
  const out: ProbeRequest[] = [];
  for (const route of ctx.routes) {
    out.push(routeRequest(route, extra));
    if (route.method === 'GET') out.push(routeRequest(route, extra, 'HEAD'));
  }
  return out;
}

/** Short text for one exchange in a failure message. */
export function describe(r: ProbeResult): string {
  const req = r.record.request;
  const what = `${req.method} ${req.path}${req.label ? ` [${req.label}]` : ''}`;
  return `${what} -> ${r.status ?? r.error ?? 'no response'}`;
}

/** Fails with the offending exchanges as evidence, or passes with a count. */
export function verdict(offenders: ProbeResult[], total: number, expected: string, what: string): Outcome {
  if (offenders.length === 0) return { status: 'pass', message: `${total} request(s): ${what}` };
  return {
    status: 'fail',
    message: `${offenders.length} of ${total} request(s) broke the rule: ${offenders.slice(0, 4).map(describe).join('; ')}${offenders.length > 4 ? '; …' : ''}`,
    expected,
    actual: offenders.slice(0, 4).map(describe).join('; '),
    evidence: { exchanges: offenders.slice(0, 8).map((o) => o.record) },
  };
}

/** Valid-key header for this mode (checks that need one run only in auth modes). */
export function validAuth(ctx: CheckContext): [string, string] {
  if (ctx.key === undefined) throw new Error('this check needs a mode with a key');
  return auth(`Bearer ${ctx.key}`);
}

/** A wrong key that has the valid key's length and alphabet (base64). */
export function wrongKey(ctx: CheckContext): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const length = ctx.key?.length ?? 44;
  let s = '';
  for (let i = 0; i < length - 1; i += 1) s += alphabet[ctx.rng.int(64)];
  const candidate = `${s}=`;
  return candidate === ctx.key ? `A${candidate.slice(1)}` : candidate;
}

/** Is the server still up and still accepting the valid key? Used after hostile inputs. */
export async function stillServing(ctx: CheckContext): Promise<ProbeResult | undefined> {
  const health = await ctx.http.send({ method: 'GET', path: ctx.publicRoutes[0]?.path ?? '/health', label: 'liveness after hostile input' });
  if (!is2xx(health.status) && health.status !== 429) return health;
  if (ctx.key === undefined) return undefined;
  const ok = await ctx.http.send({ method: 'GET', path: concretePath(ctx.primaryRoute.path), headers: [validAuth(ctx)], label: 'valid key after hostile input' });
  return is2xx(ok.status) || ok.status === 429 ? undefined : ok;
}

/**
 * Is the primary route protected at all? Checks about the finer points of auth skip themselves
 * when it is not, so that one open route is reported once (by the checks about it), not by all.
 */
export async function unprotectedBaseline(ctx: CheckContext): Promise<Outcome | undefined> {
  const r = await ctx.http.send({ method: 'GET', path: concretePath(ctx.primaryRoute.path), label: 'baseline: no credentials' });
  if (!is2xx(r.status)) return undefined;
  return { status: 'skip', message: `GET ${ctx.primaryRoute.path} is served without any credentials, so this check cannot tell anything (see unauthorized.missing-key)` };
}

/** What the server answers on a path that exists nowhere: the yardstick for "treated as public". */
export interface CatchAll {
  keyless: ProbeResult;
  keyed: ProbeResult | undefined;
}

const catchAlls = new WeakMap<object, Promise<CatchAll>>();

/**
 * The answers to an unknown path without and with the key, fetched once per mode. A server with
 * a catch-all (a web UI's index.html, a blanket 404 outside /api) answers near misses the same
 * way, and that is not a public-route fault.
 */
export function catchAll(ctx: CheckContext): Promise<CatchAll> {
  let found = catchAlls.get(ctx.http);
  if (!found) {
    found = (async () => {
      const path = '/dac-probe-not-found-7f3a';
      const keyless = await ctx.http.send({ method: 'GET', path, label: 'unknown path, no credentials (baseline)' });
      const keyed = ctx.key === undefined ? undefined : await ctx.http.send({ method: 'GET', path, headers: [validAuth(ctx)], label: 'unknown path, valid key (baseline)' });
      return { keyless, keyed };
    })();
    catchAlls.set(ctx.http, found);
  }
  return found;
}

/** A 2xx that is just the server's catch-all answer (same body as on an unknown path). */
export function isCatchAll(r: ProbeResult, base: CatchAll): boolean {
  return is2xx(base.keyless.status) && is2xx(r.status) && r.body === base.keyless.body;
}

/**
 * When requests that should succeed got 429, the check cannot judge: a rate limiter (which the
 * security page recommends) answered instead of the code under test.
 */
export function rateLimitedSkip(results: readonly ProbeResult[]): Outcome | undefined {
  const limited = results.filter((r) => r.status === 429);
  if (limited.length === 0) return undefined;
  return {
    status: 'skip',
    message: `${limited.length} request(s) that should have been served got 429 Too Many Requests: the target's rate limiter answered, so this check could not judge (allow-list the suite's address or raise the limit for the run)`,
  };
}

/** Sorted top-level keys of a JSON object body; undefined when the body is not a JSON object. */
export function jsonShape(body: string): string | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v).sort().join(',') : undefined;
  } catch {
    return undefined;
  }
}
