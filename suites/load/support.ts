import autocannon from 'autocannon';
import { concretePath } from '../../src/contract/routes.js';
import type { CheckContext, Evidence } from '../../src/engine/types.js';
import { SafetyRefusal } from '../../src/http/prober.js';
import type { ProbeResult } from '../../src/http/types.js';
import type { TargetInfo } from '../../src/targets/types.js';
import type { RunOptions } from '../../src/engine/options.js';
import { changeAt, flipFirstLetter } from '../header-parsing/rejection.js';
import { auth, is2xx, validAuth } from '../support.js';

/** Upper bound on requests of one load run, whatever the duration. */
export const MAX_REQUESTS_PER_RUN = 200_000;
/** Load durations are clamped to this range (ms). */
const MIN_TIME_MS = 250;
const MAX_TIME_MS = 60_000;
/** A request of the load generator that gets no answer within this is a timeout. */
export const LOAD_TIMEOUT_MS = 2_000;

/** The load duration the user asked for (--load-time), clamped. */
export function loadTimeMs(options: RunOptions): number {
  return Math.min(MAX_TIME_MS, Math.max(MIN_TIME_MS, Math.round(options.load.timeMs)));
}

/** Concurrent connections of the load generator (--load-connections), clamped to 1..256. */
export function loadConnections(options: RunOptions): number {
  return Math.min(256, Math.max(1, Math.round(options.load.connections)));
}

/** `applies` of every load check: load goes to loopback targets, others only with --allow-remote-load. */
export function loadAllowed(target: TargetInfo, options: RunOptions): true | string {
  if (target.loopback || options.allowRemoteLoad) return true;
  return `load is only sent to a server on this machine; ${target.label} is not: pass --allow-remote-load if you own it and accept the load`;
}

/**
 * Why a load check does not run in this mode, if it does not: no key, or (by default) not the one
 * mode load checks run in: `production`, or the fixed mode of a URL target. `--modes` lifts that.
 */
export function loadModeSkip(ctx: CheckContext): string | undefined {
  if (ctx.key === undefined) return 'no key in this mode';
  const home = ctx.target.fixedMode ?? 'production';
  if (ctx.options.modes === undefined && ctx.mode.name !== home) {
    return `load checks run in one mode by default (${home}); name the modes to load with --modes`;
  }
  return undefined;
}

/** One request of the load generator. */
export interface LoadRequest {
  path: string;
  /** Authorization value; none when undefined. */
  authorization?: string;
  /** What kind of request it is (shown for accepted wrong keys). */
  label: string;
}

/** What a load run is told to do. */
export interface CannonSpec {
  connections: number;
  durationMs: number;
  maxRequests?: number;
  /** Chooses each request. */
  next: () => LoadRequest;
  /** Sees every response (status, the request's label, headers); only when response headers are needed. */
  onResponse?: (status: number, request: LoadRequest, headers: Record<string, unknown>) => void;
}

/** What a load run measured. */
export interface CannonResult {
  sent: number;
  completed: number;
  /** Responses by status code. */
  statuses: Map<number, number>;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** Requests sent and never answered nor failed, beyond one in flight per connection at the end. */
  unanswered: number;
  durationMs: number;
  /** Completed responses per second. */
  rps: number;
  latency: { p50: number; p90: number; p99: number; max: number };
}

/**
 * Runs the load generator (autocannon, in this process) against the context's target, bounded by
 * time, request count and a per-request timeout. Refuses (SafetyRefusal) non-loopback targets
 * without --allow-remote-load.
 */
export async function cannon(ctx: CheckContext, spec: CannonSpec): Promise<CannonResult> {
  const allowed = loadAllowed(ctx.target, ctx.options);
  if (allowed !== true) throw new SafetyRefusal(allowed);
  const statuses = new Map<number, number>();
  const durationMs = Math.min(MAX_TIME_MS, Math.max(100, spec.durationMs));
  const request: autocannon.Request = {
    method: 'GET',
    setupRequest: (req, context) => {
      const next = spec.next();
      (context as { current?: LoadRequest }).current = next;
      const headers: Record<string, string> = { 'user-agent': 'dexto-auth-conformance/load' };
      if (next.authorization !== undefined) headers.authorization = next.authorization;
      return { ...req, method: 'GET', path: next.path, headers };
    },
    ...(spec.onResponse
      ? {
          onResponse: (status: number, _body: string, context: object, headers: unknown) => {
            const current = (context as { current?: LoadRequest }).current;
            if (current) spec.onResponse?.(status, current, (headers ?? {}) as Record<string, unknown>);
          },
        }
      : {}),
  };
  const started = performance.now();
  const options: autocannon.Options = {
    url: ctx.http.baseUrl,
    connections: spec.connections,
    duration: durationMs / 1000,
    maxOverallRequests: Math.max(spec.connections, Math.min(MAX_REQUESTS_PER_RUN, spec.maxRequests ?? MAX_REQUESTS_PER_RUN)),
    timeout: LOAD_TIMEOUT_MS / 1000,
    sampleInt: 100,
    requests: [request],
  };
  let guard: NodeJS.Timeout | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, res: autocannon.Result) => (error ? reject(error as Error) : resolve(res)));
    instance.on('response', (_client, status) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
    // A hard stop in case the generator overruns its duration (a hung target, a slow machine).
    guard = setTimeout(() => instance.stop(), durationMs + 3 * LOAD_TIMEOUT_MS);
  }).finally(() => clearTimeout(guard));
  const wallMs = performance.now() - started;
  let completed = 0;
  for (const n of statuses.values()) completed += n;
  const sent = result.requests.sent;
  const seconds = (result.duration > 0 ? result.duration * 1000 : wallMs) / 1000;
  return {
    sent,
    completed,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    unanswered: Math.max(0, sent - completed - result.errors - spec.connections),
    durationMs: Math.round(seconds * 1000),
    rps: Math.round(completed / Math.max(seconds, 0.001)),
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  };
}

/** Count of responses with these statuses (or in [from, to]). */
export function countStatus(statuses: ReadonlyMap<number, number>, test: (status: number) => boolean): number {
  let n = 0;
  for (const [status, count] of statuses) if (test(status)) n += count;
  return n;
}

/** `{"401": 1200, "429": 300}` for messages. */
export function statusText(statuses: ReadonlyMap<number, number>): string {
  const parts = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`);
  return parts.length > 0 ? parts.join(', ') : 'no responses';
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Makes wrong credentials for a brute-force burst: distinct random keys of the key's length and
 * alphabet and, on loopback targets only, near misses of the key (one character changed, one
 * short, one long, letter case). Near misses are never sent off the machine: the load generator
 * does not verify TLS certificates.
 */
export function wrongCredentials(ctx: CheckContext, key: string): () => { value: string; label: string } {
  const rng = ctx.rng.fork('load/wrong-credentials');
  const nearMiss = ctx.target.loopback;
  const flipped = flipFirstLetter(key);
  const randomKey = (): string => {
    let s = '';
    for (let i = 0; i < key.length; i += 1) s += BASE64[rng.int(64)];
    return s === key ? `${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}` : s;
  };
  let n = 0;
  return () => {
    n += 1;
    if (!nearMiss || n % 2 === 1) return { value: `Bearer ${randomKey()}`, label: 'random key of the key\'s length' };
    const kind = rng.int(4);
    if (kind === 0) return { value: `Bearer ${changeAt(key, rng.int(key.length))}`, label: 'key with one character changed' };
    if (kind === 1) return { value: `Bearer ${key.slice(0, key.length - 1 - rng.int(Math.min(3, key.length - 1)))}`, label: 'key cut short' };
    if (kind === 2) return { value: `Bearer ${key}${BASE64[rng.int(64)]}`, label: 'key with one character more' };
    return { value: `Bearer ${flipped ?? changeAt(key, 0)}`, label: 'key with a letter\'s case flipped' };
  };
}

/** Protected GET routes without streams, as concrete paths: where load goes. */
export function loadPaths(ctx: CheckContext): string[] {
  const paths = ctx.routes.filter((r) => r.method === 'GET' && !r.stream).map((r) => concretePath(r.path));
  return paths.length > 0 ? paths : [concretePath(ctx.primaryRoute.path)];
}

/** Value at quantile q (0..1) of ascending-sorted numbers; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Median of unsorted numbers. */
export function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** Rounds to 3 decimals (ms with µs resolution) for evidence. */
export const r3 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

/** Valid-key traffic of a well-behaved client: what it got and how fast. */
export interface ClientTraffic {
  sent: number;
  ok: number;
  /** 429 answers to the valid key (the target's limiter could not tell the client from the attacker). */
  throttled: number;
  /** Anything else: wrong status, transport error, timeout. Up to 8 kept. */
  bad: ProbeResult[];
  badCount: number;
  /** Latencies (ms) of 2xx answers, ascending. */
  latencies: number[];
}

/**
 * A client that keeps using the valid key: `workers` sequential loops of GET on the primary route,
 * one request every `gapMs` at most, until `until()` says stop (checked between requests) or the
 * request cap is reached.
 */
export async function validClient(ctx: CheckContext, spec: { until: () => boolean; workers?: number; gapMs?: number; maxRequests?: number }): Promise<ClientTraffic> {
  const path = concretePath(ctx.primaryRoute.path);
  const traffic: ClientTraffic = { sent: 0, ok: 0, throttled: 0, bad: [], badCount: 0, latencies: [] };
  const cap = spec.maxRequests ?? 20_000;
  const gap = spec.gapMs ?? 10;
  const worker = async (): Promise<void> => {
    while (!spec.until() && traffic.sent < cap) {
      traffic.sent += 1;
      const started = performance.now();
      const r = await ctx.http.send({ method: 'GET', path, headers: [validAuth(ctx)], label: 'valid key (client traffic)', timeoutMs: LOAD_TIMEOUT_MS + 1_000 });
      if (is2xx(r.status)) {
        traffic.ok += 1;
        traffic.latencies.push(r.ms);
      } else if (r.status === 429) {
        traffic.throttled += 1;
      } else {
        traffic.badCount += 1;
        if (traffic.bad.length < 8) traffic.bad.push(r);
      }
      const rest = gap - (performance.now() - started);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
  };
  await Promise.all(Array.from({ length: spec.workers ?? 2 }, worker));
  traffic.latencies.sort((a, b) => a - b);
  return traffic;
}

/** Latency percentiles of client traffic for evidence, under a prefix. */
export function latencyNumbers(prefix: string, t: ClientTraffic): Evidence['numbers'] {
  return {
    [`${prefix}Requests`]: t.sent,
    [`${prefix}Ok`]: t.ok,
    [`${prefix}P50Ms`]: r3(quantile(t.latencies, 0.5)),
    [`${prefix}P90Ms`]: r3(quantile(t.latencies, 0.9)),
    [`${prefix}P99Ms`]: r3(quantile(t.latencies, 0.99)),
    [`${prefix}MaxMs`]: r3(t.latencies.at(-1) ?? Number.NaN),
  };
}

/** How the target did right after load. */
export interface AfterLoad {
  ok: boolean;
  health: ProbeResult;
  valid: ProbeResult | undefined;
  /** How long it took to answer properly again (ms); the wait is bounded. */
  recoveryMs: number;
  /** The answers were 429s (the limiter still holds the client back). */
  throttled: boolean;
}

/**
 * After load: the public route answers and the valid key is served (2xx; 429 counts as served by a
 * limiter). Retries for up to `waitMs`, since a loaded server may need a moment to drain.
 */
export async function afterLoad(ctx: CheckContext, waitMs = 2_000): Promise<AfterLoad> {
  const started = performance.now();
  const publicPath = ctx.publicRoutes[0]?.path ?? '/health';
  const served = (r: ProbeResult | undefined): boolean => r === undefined || is2xx(r.status) || r.status === 429;
  for (;;) {
    const health = await ctx.http.send({ method: 'GET', path: publicPath, label: 'public route after the load', timeoutMs: 2_000 });
    const valid = ctx.key === undefined
      ? undefined
      : await ctx.http.send({ method: 'GET', path: concretePath(ctx.primaryRoute.path), headers: [validAuth(ctx)], label: 'valid key after the load', timeoutMs: 2_000 });
    const ok = served(health) && served(valid);
    const elapsed = performance.now() - started;
    if (ok || elapsed >= waitMs) {
      return { ok, health, valid, recoveryMs: Math.round(elapsed), throttled: health.status === 429 || valid?.status === 429 };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A wrong-key request through the prober (for an exchange to show as evidence). */
export function wrongKeyProbe(ctx: CheckContext, value: string, label: string): Promise<ProbeResult> {
  return ctx.http.send({ method: 'GET', path: concretePath(ctx.primaryRoute.path), headers: [auth(value)], label, timeoutMs: 2_000 });
}
