import type { Check, CheckContext, Outcome } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import type { TargetInfo } from '../../src/targets/types.js';
import { unprotectedBaseline } from '../support.js';
import {
  afterLoad,
  cannon,
  countStatus,
  loadAllowed,
  loadConnections,
  loadModeSkip,
  loadPaths,
  loadTimeMs,
  validClient,
  wrongCredentials,
  wrongKeyProbe,
  type AfterLoad,
  type CannonResult,
  type ClientTraffic,
  type LoadRequest,
} from './support.js';

/** A wrong credential the target accepted during the burst. */
export interface Accepted {
  label: string;
  path: string;
  authorization: string;
}

/** Everything one brute-force burst showed; three checks judge it. */
export interface Burst {
  connections: number;
  timeMs: number;
  /** Near-miss keys were part of the burst (loopback targets only). */
  nearMisses: boolean;
  /** The attack: wrong keys on every protected GET route. */
  attack: CannonResult;
  /** Up to 5 wrong credentials that got a 2xx. */
  accepted: Accepted[];
  /** Replays of the accepted credentials through the prober (evidence). */
  acceptedReplays: ProbeResult[];
  /** Rejections (401/400/403/429) seen before the first 429, and when the first 429 came (ms into the burst). */
  firstLimited?: { afterRejections: number; atMs: number };
  /** Rejections that were not 429s after the limiter started (attempts that still reached the key check). */
  unlimitedAfterFirst429: number;
  /** First Retry-After value seen on a 429. */
  retryAfter?: string;
  /** A 429 the load saw without Retry-After. */
  limitedWithoutRetryAfter: boolean;
  /** The valid-key client while nothing else runs, and while the burst runs. */
  quiet: ClientTraffic;
  during: ClientTraffic;
  /** A wrong-key probe right after the burst (an exchange to show). */
  afterWrongKey: ProbeResult;
  after: AfterLoad;
}

const bursts = new WeakMap<TargetInfo, Map<string, Promise<Burst>>>();

/**
 * The brute-force burst of this mode, run once and shared by the checks that judge it (the
 * brute-force, valid-traffic and rate-limit checks), so that the default run loads the target once.
 */
export function burstOf(ctx: CheckContext): Promise<Burst> {
  let perMode = bursts.get(ctx.target);
  if (!perMode) {
    perMode = new Map();
    bursts.set(ctx.target, perMode);
  }
  let burst = perMode.get(ctx.mode.name);
  if (!burst) {
    burst = runBurst(ctx);
    perMode.set(ctx.mode.name, burst);
    // A harness error is not cached: the next check may try again.
    burst.catch(() => perMode.delete(ctx.mode.name));
  }
  return burst;
}

async function runBurst(ctx: CheckContext): Promise<Burst> {
  const key = ctx.key;
  if (key === undefined) throw new Error('the burst needs a mode with a key');
  const timeMs = loadTimeMs(ctx.options);
  const connections = loadConnections(ctx.options);

  ctx.progress('quiet baseline of the valid key');
  const quietMs = Math.min(1_000, Math.max(300, timeMs / 6));
  const quietUntil = performance.now() + quietMs;
  const quiet = await validClient(ctx, { until: () => performance.now() >= quietUntil });

  ctx.progress(`brute-force burst: ${connections} connections for ${timeMs} ms`);
  const paths = loadPaths(ctx);
  const credential = wrongCredentials(ctx, key);
  let n = 0;
  const next = (): LoadRequest => {
    const c = credential();
    const path = paths[n % paths.length] as string;
    n += 1;
    return { path, authorization: c.value, label: c.label };
  };
  const accepted: Accepted[] = [];
  let rejected = 0;
  let firstLimited: Burst['firstLimited'];
  let unlimitedAfterFirst429 = 0;
  let retryAfter: string | undefined;
  let limitedWithoutRetryAfter = false;
  let attackDone = false;
  const started = performance.now();
  const onResponse = (status: number, req: LoadRequest, headers: Record<string, unknown>): void => {
    if (status >= 200 && status < 300) {
      if (accepted.length < 5) accepted.push({ label: req.label, path: req.path, authorization: req.authorization ?? '' });
      return;
    }
    if (status === 429) {
      if (!firstLimited) firstLimited = { afterRejections: rejected, atMs: Math.round(performance.now() - started) };
      const value = headers['retry-after'] ?? headers['Retry-After'];
      if (value === undefined) limitedWithoutRetryAfter = true;
      else retryAfter ??= String(value);
    } else if (status >= 400 && status < 500 && firstLimited) {
      unlimitedAfterFirst429 += 1;
    }
    if (status >= 400 && status < 500) rejected += 1;
  };
  const attack = cannon(ctx, { connections, durationMs: timeMs, next, onResponse }).finally(() => {
    attackDone = true;
  });
  const during = validClient(ctx, { until: () => attackDone });
  const [attackResult, duringResult] = await Promise.all([attack, during]);

  const afterWrongKey = await wrongKeyProbe(ctx, credential().value, 'wrong key right after the burst');
  const after = await afterLoad(ctx);
  const acceptedReplays: ProbeResult[] = [];
  for (const a of accepted.slice(0, 3)) acceptedReplays.push(await wrongKeyProbe(ctx, a.authorization, `accepted during the burst: ${a.label}`));
  return {
    connections,
    timeMs,
    nearMisses: ctx.target.loopback,
    attack: attackResult,
    accepted,
    acceptedReplays,
    ...(firstLimited ? { firstLimited } : {}),
    unlimitedAfterFirst429,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    limitedWithoutRetryAfter,
    quiet,
    during: duringResult,
    afterWrongKey,
    after,
  };
}

/** Responses of the attack that show the target limiting: 429, and 503 (load shedding). */
export function limitAnswers(b: Burst): number {
  return countStatus(b.attack.statuses, (s) => s === 429 || s === 503);
}

/** What a burst-judging check declares itself; the rest is the same for all of them. */
export type BurstCheckSpec = Pick<Check, 'id' | 'requirement' | 'level' | 'title' | 'explain'>;

/**
 * A load check that judges this mode's shared brute-force burst: auth modes only, alone on the
 * machine (phase exclusive), skipped where load is not allowed or the mode serves without a key,
 * and never run against a server that is open anyway (the other categories report that).
 */
export function burstCheck(spec: BurstCheckSpec, judge: (ctx: CheckContext, burst: Burst) => Outcome): Check {
  return {
    ...spec,
    category: 'load',
    modes: ['auth'],
    phase: 'exclusive',
    timeoutMs: 180_000,
    applies: loadAllowed,
    async run(ctx): Promise<Outcome> {
      const off = loadModeSkip(ctx);
      if (off) return { status: 'skip', message: off };
      const open = await unprotectedBaseline(ctx);
      if (open) return open;
      return judge(ctx, await burstOf(ctx));
    },
  };
}
