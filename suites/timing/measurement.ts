import { concretePath } from '../../src/contract/routes.js';
import type { CheckContext, Evidence, Outcome } from '../../src/engine/types.js';
import type { Prober } from '../../src/http/prober.js';
import { timingConfig, type TimingConfig } from '../../src/timing/config.js';
import type { Measurement, TestName, TestResult } from '../../src/timing/measure.js';
import { measureTiming } from '../../src/timing/run.js';
import { DECISION, detectionFloor } from '../../src/timing/stats.js';

/** Label of the reported interval ("95.4% CI"). */
const CI = `${DECISION.intervalCoverage}% CI`;

/** One target's timing, over the socket and (in-process targets) without one. */
export interface TimingMeasurements {
  socket: Measurement;
  inProcess?: Measurement;
  config: TimingConfig;
}

/** Share of the budget an in-process target's socket measurement gets; the rest goes in-process. */
const SOCKET_SHARE = 2 / 3;

/** One measurement per mode instance serves both timing checks. */
const cache = new WeakMap<Prober, Promise<TimingMeasurements>>();

/** The mode timing runs in when --modes is not given: production, or the URL target's one mode. */
export function defaultTimingMode(ctx: CheckContext): string {
  return ctx.target.fixedMode ?? 'production';
}

/** Measures (once per mode instance) both timing questions. */
export function timingMeasurements(ctx: CheckContext): Promise<TimingMeasurements> {
  let pending = cache.get(ctx.http);
  if (!pending) {
    pending = run(ctx);
    cache.set(ctx.http, pending);
  }
  return pending;
}

async function run(ctx: CheckContext): Promise<TimingMeasurements> {
  const config = timingConfig(ctx.options.timing);
  const key = ctx.key as string;
  const path = concretePath(ctx.primaryRoute.path);
  const connect = ctx.connectInProcess;
  const socketMs = connect ? Math.round(config.timeMs * SOCKET_SHARE) : config.timeMs;
  const common = { key, path, thresholdNs: config.thresholdNs, maxRequests: config.maxRequests, keepAwake: config.keepAwake, signal: ctx.signal };
  const socket = await measureTiming({
    ...common,
    target: ctx.http.baseUrl,
    tls: ctx.options.tls,
    rng: ctx.rng.fork('timing/socket'),
    timeMs: socketMs,
    progress: (line) => ctx.progress(`loopback ${line}`),
  });
  if (!connect) return { socket, config };
  const inProcess = await measureTiming({
    ...common,
    target: connect,
    rng: ctx.rng.fork('timing/in-process'),
    timeMs: config.timeMs - socketMs,
    progress: (line) => ctx.progress(`in-process ${line}`),
  });
  return { socket, inProcess, config };
}

const ns = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)}` : '∞');
const signed = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${Math.round(x)}` : '?');

/** The numbers of one measurement for one test, with a name prefix. */
function numbersOf(m: Measurement, test: TestName, prefix: string): Record<string, number | string | boolean | null> {
  const t = m.tests[test];
  const finite = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
  return {
    [`${prefix}verdict`]: t.verdict,
    [`${prefix}pairs`]: t.estimate.n,
    [`${prefix}diffNs`]: finite(t.estimate.diffNs),
    [`${prefix}seNs`]: finite(t.estimate.seNs),
    [`${prefix}ciLowNs`]: finite(t.judgement.lowNs),
    [`${prefix}ciHighNs`]: finite(t.judgement.highNs),
    [`${prefix}upperBoundNs`]: finite(t.judgement.upperNs),
    [`${prefix}zAboveThreshold`]: finite(t.judgement.zAboveThreshold),
    [`${prefix}tStatistic`]: finite(t.estimate.diffNs / t.estimate.seNs),
    [`${prefix}detectionFloorNs`]: finite(detectionFloor(t.estimate.seNs, m.thresholdNs)),
    [`${prefix}candidateDiffNs`]: t.candidate ? finite(t.candidate.diffNs) : null,
    [`${prefix}freshDiffNs`]: t.fresh ? finite(t.fresh.diffNs) : null,
    [`${prefix}freshSeNs`]: t.fresh ? finite(t.fresh.seNs) : null,
    [`${prefix}unconfirmed`]: t.unconfirmed,
    [`${prefix}controlDiffNs`]: finite(m.control.diffNs),
    [`${prefix}controlSeNs`]: finite(m.control.seNs),
    [`${prefix}controlHolds`]: m.controlHolds,
    ...(test === 'prefix' ? { [`${prefix}middleDiffNs`]: finite(m.middle.diffNs), [`${prefix}middleSeNs`]: finite(m.middle.seNs) } : {}),
    [`${prefix}requests`]: m.requests,
    [`${prefix}lostRequests`]: m.lostRequests,
    [`${prefix}stages`]: m.stages,
    [`${prefix}durationMs`]: m.durationMs,
    [`${prefix}medianRttUs`]: finite(m.medianRttUs),
    [`${prefix}status`]: m.status,
    [`${prefix}lengthStatus`]: m.lengthStatus ?? null,
    [`${prefix}stopReason`]: m.stopReason,
  };
}

/** What the classes of a test are, in words (for messages). */
const WHAT: Record<TestName, { other: string; base: string }> = {
  prefix: { other: 'a key right in all but its last character', base: 'a key wrong from the first character' },
  length: { other: 'keys of the wrong length (the mean of one character longer and one shorter)', base: 'a key of the right length' },
};

function summary(t: TestResult, thresholdNs: number): string {
  const e = t.estimate;
  return (
    `${signed(e.diffNs)} ns (${CI} ${signed(t.judgement.lowNs)}..${signed(t.judgement.highNs)} ns, ` +
    `${e.n} pairs, θ = ${thresholdNs} ns, detection floor ${ns(detectionFloor(e.seNs, thresholdNs))} ns)`
  );
}

/**
 * Turns the measurements into an outcome: a confirmed leak (socket or in-process) fails; an
 * interval below θ passes as "no leak above U ns"; anything else is inconclusive (skip), never
 * a failure. Never claims constant time.
 */
export function timingOutcome(test: TestName, ms: TimingMeasurements): Outcome {
  const theta = ms.config.thresholdNs;
  const parts: Array<[string, Measurement]> = [['loopback', ms.socket], ...(ms.inProcess ? [['in-process', ms.inProcess] as [string, Measurement]] : [])];
  const numbers: Evidence['numbers'] = { thresholdNs: theta, timeBudgetMs: ms.config.timeMs, sampleBudget: ms.config.maxRequests, keepAwake: ms.config.keepAwake };
  for (const [label, m] of parts) Object.assign(numbers, numbersOf(m, test, label === 'loopback' ? '' : 'inProcess.'));
  const evidence: Evidence = {
    numbers,
    note: `difference = (time of ${WHAT[test].other}) − (time of ${WHAT[test].base}): stratified median over randomly ordered pairs (four groups by the pair's total round trip, each median with its sign-test SE, inverse-variance weights); interval = difference ± ${DECISION.zInterval} SE (${CI})`,
  };
  const line = ([label, m]: [string, Measurement]): string => `${label}: ${m.tests[test].verdict}, ${summary(m.tests[test], theta)}`;
  const leak = parts.find(([, m]) => m.tests[test].verdict === 'leak');
  if (leak) {
    const t = leak[1].tests[test];
    return {
      status: 'fail',
      message:
        `response time depends on the presented key: ${WHAT[test].other} took ${signed(t.estimate.diffNs)} ns ` +
        `${t.estimate.diffNs >= 0 ? 'longer' : 'less'} than ${WHAT[test].base} (${leak[0]}; reproduced in a fresh batch: ${signed(t.fresh?.diffNs ?? NaN)} ns). ` +
        parts.map(line).join('; '),
      expected: `no difference of θ = ${theta} ns or more between wrong keys`,
      actual: `${signed(t.estimate.diffNs)} ns, ${CI} ${signed(t.judgement.lowNs)}..${signed(t.judgement.highNs)} ns over ${leak[0]}`,
      evidence,
    };
  }
  const clear = parts.filter(([, m]) => m.tests[test].verdict === 'no-leak');
  if (clear.length > 0) {
    const best = clear.reduce((a, b) => (a[1].tests[test].judgement.upperNs <= b[1].tests[test].judgement.upperNs ? a : b));
    const u = best[1].tests[test].judgement.upperNs;
    return {
      status: 'pass',
      message: `no leak above ${ns(u)} ns (${best[0]}; θ = ${theta} ns). ` + parts.map(line).join('; '),
      evidence,
    };
  }
  const why = parts.map(([label, m]) => `${label}: ${m.tests[test].reason}`).join('; ');
  return {
    status: 'skip',
    message: `inconclusive (not a failure): ${why}. ` + parts.map(line).join('; ') + `; A/A control ${signed(ms.socket.control.diffNs)} ± ${ns(ms.socket.control.seNs)} ns`,
    evidence,
  };
}
