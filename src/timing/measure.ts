import type { BlockResult } from '../http/keepalive-sender.js';
import type { Random } from '../util/random.js';
import { CLASS_INDEX, CLASS_NAMES, PAIR_CLASSES, pairBlock, type PairKind } from './schedule.js';
import { averageShift, confirms, controlHolds, judge, MAX_TIE_SHARE, quantileSorted, sortedCopy, stratifiedShift, type Judgement, type ShiftEstimate } from './stats.js';

/** Sends a block of prepared requests and times each one (KeepAliveSender does this). */
export interface TimingTransport {
  runBlock(requests: readonly Buffer[], order: ArrayLike<number>, times: Float64Array, statuses: Uint16Array, deadline?: number): Promise<BlockResult>;
}

/** The two questions the timing checks answer. */
export type TestName = 'prefix' | 'length';
export const TEST_NAMES: readonly TestName[] = ['prefix', 'length'];

/** Limits and thresholds of one measurement. */
export interface MeasureOptions {
  /** θ: the smallest difference that counts as a leak, ns. */
  thresholdNs: number;
  /** Wall-clock budget for sampling, ms (warm-up included). */
  timeMs: number;
  /** Most requests to send (warm-up included). */
  maxRequests: number;
  /** Pairs in the first stage; later stages double the data. */
  firstStagePairs?: number;
  /** Pairs of warm-up, not analysed. */
  warmupPairs?: number;
  /** How far a confirming batch may run past the budget, as a share of it. */
  confirmOverrun?: number;
  /** Called after each stage with a one-line summary. */
  progress?: (line: string) => void;
  signal?: AbortSignal;
}

/** Final answer for one test. */
export type Verdict = 'leak' | 'no-leak' | 'inconclusive';

/** Everything measured about one test. */
export interface TestResult {
  verdict: Verdict;
  /** Why the verdict is what it is (plain words). */
  reason: string;
  /** Pooled estimate over every pair of this kind. */
  estimate: ShiftEstimate;
  judgement: Judgement;
  /** The estimate that first stood out, and the fresh batch that was to reproduce it. */
  candidate?: ShiftEstimate;
  fresh?: ShiftEstimate;
  /** Candidates that a fresh batch did not reproduce. */
  unconfirmed: number;
}

/** A whole measurement: both tests, the A/A control, the profile and the run's vital signs. */
export interface Measurement {
  tests: Record<TestName, TestResult>;
  control: ShiftEstimate;
  controlHolds: boolean;
  /** Key right in its first half vs wrong from the start (the leak's profile; not judged). */
  middle: ShiftEstimate;
  thresholdNs: number;
  requests: number;
  lostRequests: number;
  stages: number;
  durationMs: number;
  /** Median round trip of the analysed requests, µs. */
  medianRttUs: number;
  /** The status the keys of the right length got (0 when they differed). */
  status: number;
  /** The status keys of the wrong length (one longer or shorter) got, when it differs from `status` (else absent). */
  lengthStatus?: number;
  stopReason: string;
}

type State = 'running' | 'confirming' | 'leak' | 'no-leak' | 'inconclusive';

interface TestState {
  state: State;
  reason: string;
  candidate?: ShiftEstimate;
  fresh?: ShiftEstimate;
  unconfirmed: number;
  /** Per pair kind: index into its differences where the confirming batch begins. */
  freshFrom: Partial<Record<PairKind, number>>;
}

/**
 * The pair kinds each question rests on. The length question averages one character too long
 * and one too short against the right length, so a cost that grows with the presented length
 * cancels and only a difference the right length makes remains.
 */
const KINDS_OF: Record<TestName, readonly PairKind[]> = { prefix: ['prefix'], length: ['length', 'short'] };
/**
 * Share of the pairs per contrast while every test is open. The key-prefix question gets the
 * largest share (an early-exit compare is the fault the category exists for; its leak is spread
 * over the whole key, so it needs the finest resolution); the length question, whose typical
 * leak is a whole skipped compare, gets half as much (its two contrasts; the span pairs only
 * balance the lengths, see GROUPS); the A/A control only has to notice a broken measurement, and
 * the middle class only draws the leak's profile. A test that has decided hands its share to
 * those still open.
 */
const WEIGHTS: Record<PairKind, number> = { prefix: 6, length: 1, short: 1, span: 1, control: 1.5, middle: 0.5 };

/**
 * Requests go out in chunks of one group at a time. The groups differ in the key lengths they
 * send: the first only keys of the key's length, the second the three lengths (n − 1, n, n + 1)
 * equally often (the `span` pairs, short against long, are there for that balance). A mix in
 * which one length dominates trains the CPU's branch predictors on it, and every other length
 * then pays for the mispredicted loop exits: measured in-process on the reference server, keys of
 * the wrong length took 50–90 ns longer in a mix with 86 % right-length keys and 0–25 ns in a
 * balanced one, and a server that never reads the header still showed 15–20 ns. So the length
 * question is only asked inside balanced chunks, each after a few settling pairs.
 */
const GROUPS: ReadonlyArray<{ kinds: readonly PairKind[]; settles: boolean }> = [
  { kinds: ['prefix', 'control', 'middle'], settles: false },
  { kinds: ['length', 'short', 'span'], settles: true },
];
/** Pairs per chunk, and pairs sent but not analysed at the start of a length chunk after a switch. */
const CHUNK_PAIRS = 500;
const SETTLE_PAIRS = 50;
const REJECTIONS = new Set([400, 401, 403]);

const fmt = (ns: number): string => (Number.isFinite(ns) ? `${ns >= 0 ? '+' : ''}${Math.round(ns)}` : '?');

/**
 * Runs the staged, paired measurement: warm-up, then stages of randomly ordered pairs (each
 * stage doubles the data), judging after each stage and stopping as soon as every test has a
 * verdict, the budget is spent, or the A/A control fails.
 */
export async function measure(transport: TimingTransport, requests: readonly Buffer[], rng: Random, options: MeasureOptions): Promise<Measurement> {
  const started = performance.now();
  const deadline = started + options.timeMs;
  const hardDeadline = started + options.timeMs * (1 + (options.confirmOverrun ?? 0.5));
  const firstStage = options.firstStagePairs ?? 4_000;
  const theta = options.thresholdNs;
  const diffs: Record<PairKind, number[]> = { prefix: [], length: [], short: [], span: [], control: [], middle: [] };
  /** Per pair: first + second round trip (independent of the order; the stratifier). */
  const sums: Record<PairKind, number[]> = { prefix: [], length: [], short: [], span: [], control: [], middle: [] };
  /** The estimate over all of a kind's pairs, kept until more arrive (it is asked for several times a stage). */
  const whole = new Map<PairKind, { n: number; estimate: ShiftEstimate }>();
  const shift = (kind: PairKind, from = 0): ShiftEstimate => {
    if (from > 0) return stratifiedShift(diffs[kind].slice(from), sums[kind].slice(from));
    const n = diffs[kind].length;
    const kept = whole.get(kind);
    if (kept?.n === n) return kept.estimate;
    const estimate = stratifiedShift(diffs[kind], sums[kind]);
    whole.set(kind, { n, estimate });
    return estimate;
  };
  /** A question's estimate, from the given start per kind (a fresh batch) or over all pairs. */
  const estimateOf = (t: TestName, from: Partial<Record<PairKind, number>> = {}): ShiftEstimate => {
    const [a, b] = KINDS_OF[t].map((k) => shift(k, from[k] ?? 0));
    return b === undefined ? (a as ShiftEstimate) : averageShift(a as ShiftEstimate, b);
  };
  const rtts: number[] = [];
  const tests: Record<TestName, TestState> = {
    prefix: { state: 'running', reason: '', unconfirmed: 0, freshFrom: {} },
    length: { state: 'running', reason: '', unconfirmed: 0, freshFrom: {} },
  };
  let sent = 0;
  let lost = 0;
  let stages = 0;
  /** Status per class (CLASS_NAMES order), -1 until seen; each class must keep its own. */
  const classStatus = CLASS_NAMES.map(() => -1);
  const FIRST = CLASS_INDEX.first;
  const WRONG_LENGTHS = [CLASS_INDEX.length, CLASS_INDEX.short];
  let stopReason = '';

  /** The status of keys of the wrong length, when it is not that of the right length. */
  const lengthStatus = (): number | undefined => {
    const f = classStatus[FIRST] as number;
    if (f === -1) return undefined;
    return WRONG_LENGTHS.map((c) => classStatus[c] as number).find((l) => l !== -1 && l !== f);
  };
  /** A key of the wrong length answered differently: the status shows the length; no timing to compare. */
  const settleLengthByStatus = (): void => {
    const l = lengthStatus();
    if (l === undefined || !(tests.length.state === 'running' || tests.length.state === 'confirming')) return;
    tests.length.state = 'inconclusive';
    tests.length.reason = `keys of the wrong length (one character longer or shorter) got ${l} and keys of the right length ${classStatus[FIRST]}: the status itself shows whether the length is right, so the two are not timed against each other`;
  };

  const open = (): TestName[] => TEST_NAMES.filter((t) => tests[t].state === 'running' || tests[t].state === 'confirming');
  const stopAll = (reason: string): void => {
    for (const t of open()) {
      tests[t].state = 'inconclusive';
      tests[t].reason = reason;
    }
  };

  /**
   * Sends one chunk of `pairs` pairs of one group (fewer when the request limit is near); the
   * first `settle` pairs are sent but not analysed. Returns how many pairs went out; sets
   * `stopReason` when sampling must stop (error, status change).
   */
  const runChunk = async (pairs: number, weights: Partial<Record<PairKind, number>>, timeLimit: number, requestLimit: number, analyse: boolean, settle: number): Promise<number> => {
    const count = Math.min(pairs, Math.floor((requestLimit - sent) / 2));
    if (count <= 0) return 0;
    const block = pairBlock(count, weights, rng);
    const times = new Float64Array(block.order.length);
    const statuses = new Uint16Array(block.order.length);
    const result = await transport.runBlock(requests, block.order, times, statuses, timeLimit);
    sent += result.completed;
    const complete = Math.floor(result.completed / 2);
    for (let i = 0; i < complete; i += 1) {
      const a = times[2 * i] as number;
      const b = times[2 * i + 1] as number;
      if (Number.isNaN(a) || Number.isNaN(b)) {
        lost += 1;
        continue;
      }
      for (const j of [2 * i, 2 * i + 1]) {
        const cls = block.order[j] as number;
        const s = statuses[j] as number;
        const seen = classStatus[cls] as number;
        if (seen === -1) classStatus[cls] = s;
        else if (s !== seen) {
          stopReason = `the target's answer to wrong keys changed from ${seen} to ${s} during the measurement${s === 429 ? ' (rate limited)' : ''}`;
          return complete;
        }
      }
      if (!analyse || i < settle) continue;
      const kind = block.kinds[i] as PairKind;
      // other − baseline; the baseline went second when the pair was swapped
      diffs[kind].push(block.swapped[i] ? a - b : b - a);
      sums[kind].push(a + b);
      rtts.push(a, b);
    }
    const odd = classStatus.find((s) => s !== -1 && !REJECTIONS.has(s));
    const sameLength = classStatus.filter((s, c) => s !== -1 && !WRONG_LENGTHS.includes(c));
    if (odd !== undefined) {
      stopReason = `wrong keys got ${odd}, not a rejection (400/401/403): the timing of a rejection cannot be measured`;
    } else if (sameLength.some((s) => s !== sameLength[0])) {
      stopReason = `wrong keys of the same length got different answers (${[...new Set(sameLength)].join(', ')}): the server tells them apart by more than time`;
    } else if (result.error !== undefined) {
      stopReason = `the connection failed: ${result.error}`;
    } else if (lost > 10 && lost > 0.01 * (sent / 2)) {
      stopReason = `${lost} pairs were lost to closed connections or timeouts`;
    }
    return complete;
  };

  /** The group of the chunk sent last (a switch of group lets the next length chunk settle first). */
  let lastGroup = -1;
  /**
   * Sends `pairs` pairs in the given proportions, as alternating chunks of one group each (see
   * GROUPS). Returns how many pairs went out.
   */
  const runPairs = async (pairs: number, weights: Partial<Record<PairKind, number>>, timeLimit: number, requestLimit: number, analyse: boolean): Promise<number> => {
    const groups = GROUPS.map((g) => Object.fromEntries(g.kinds.filter((k) => (weights[k] ?? 0) > 0).map((k) => [k, weights[k] as number])) as Partial<Record<PairKind, number>>);
    const share = groups.map((g) => Object.values(g).reduce((x, y) => x + (y ?? 0), 0));
    const total = share.reduce((x, y) => x + y, 0);
    const remaining = share.map((w) => (total > 0 ? Math.round((pairs * w) / total) : 0));
    let done = 0;
    while (remaining.some((r) => r > 0)) {
      for (let g = 0; g < groups.length; g += 1) {
        const left = remaining[g] as number;
        if (left <= 0) continue;
        const size = Math.min(CHUNK_PAIRS, left);
        remaining[g] = left - size;
        const settle = GROUPS[g]?.settles && lastGroup !== g ? SETTLE_PAIRS : 0;
        lastGroup = g;
        const sentPairs = await runChunk(size + settle, groups[g] as Partial<Record<PairKind, number>>, timeLimit, requestLimit, analyse, settle);
        done += Math.max(sentPairs - settle, 0);
        if (stopReason !== '' || sentPairs < size + settle || performance.now() >= timeLimit) return done;
      }
    }
    return done;
  };

  // Warm-up: every class, so that both ends have compiled and cached the same paths.
  const warm = options.warmupPairs ?? 500;
  if (warm > 0) await runPairs(warm, WEIGHTS, deadline, options.maxRequests, false);
  settleLengthByStatus();
  if (stopReason !== '') stopAll(stopReason);

  const overrun = 1 + (options.confirmOverrun ?? 0.5);
  let cumulative = 0;
  while (open().length > 0) {
    if (options.signal?.aborted) {
      stopReason = 'aborted';
      stopAll('the run was aborted');
      break;
    }
    const confirming = open().some((t) => tests[t].state === 'confirming');
    const running = open().some((t) => tests[t].state === 'running');
    // A confirming batch may run past the budget (by `confirmOverrun`), so a leak found late
    // can still be reproduced.
    const timeLimit = confirming ? hardDeadline : deadline;
    const requestLimit = confirming ? Math.floor(options.maxRequests * overrun) : options.maxRequests;
    if (performance.now() >= timeLimit || sent >= requestLimit - 1) {
      stopReason = performance.now() >= timeLimit ? 'time budget spent' : 'sample budget spent';
      break;
    }
    const weights: Partial<Record<PairKind, number>> = { control: WEIGHTS.control };
    for (const t of open()) for (const k of KINDS_OF[t]) weights[k] = WEIGHTS[k];
    if (tests.prefix.state === 'running') weights.middle = WEIGHTS.middle;
    // The span pairs (short against long) only balance the lengths in the length chunks.
    if (open().includes('length')) weights.span = WEIGHTS.span;
    const size = running ? Math.max(firstStage, cumulative) : Math.max(Math.ceil(firstStage / 2), Math.ceil(cumulative / 2));
    const done = await runPairs(size, weights, timeLimit, requestLimit, true);
    settleLengthByStatus();
    stages += 1;
    cumulative += done;
    const control = shift('control');
    const holds = controlHolds(control);
    for (const t of open()) {
      const st = tests[t];
      const estimate = estimateOf(t);
      const j = judge(estimate, theta);
      if (st.state === 'confirming' && st.candidate) {
        st.fresh = estimateOf(t, st.freshFrom);
        if (holds && j.standing === 'leak-candidate' && confirms(st.candidate, st.fresh, theta)) {
          st.state = 'leak';
          st.reason = 'the difference exceeded θ by a wide margin, and a fresh batch reproduced it';
        } else {
          st.state = 'running';
          st.unconfirmed += 1;
        }
        continue;
      }
      if (!holds) continue;
      if (j.standing === 'leak-candidate') {
        st.state = 'confirming';
        st.candidate = estimate;
        st.freshFrom = Object.fromEntries(KINDS_OF[t].map((k) => [k, diffs[k].length]));
      } else if (j.standing === 'below-threshold') {
        st.state = 'no-leak';
        st.reason = `the confidence interval excludes every difference of θ = ${theta} ns or more`;
      }
    }
    options.progress?.(
      `stage ${stages}: ${sent} requests; prefix ${fmt(estimateOf('prefix').diffNs)} ns, length ${fmt(estimateOf('length').diffNs)} ns, A/A ${fmt(control.diffNs)} ns`,
    );
    if (stopReason !== '') {
      stopAll(stopReason);
      break;
    }
    if (!holds) {
      stopReason = `the A/A control (two pools of the same class) differed by ${fmt(control.diffNs)} ± ${Math.round(control.seNs)} ns: the measurement is not trustworthy (noise or drift)`;
      stopAll(stopReason);
      break;
    }
    if (done === 0) {
      stopReason = 'sample budget spent';
      break;
    }
  }
  if (stopReason === '') stopReason = 'every test reached a verdict';

  const result = (t: TestName): TestResult => {
    const st = tests[t];
    const estimate = estimateOf(t);
    const judgement = judge(estimate, theta);
    let verdict: Verdict;
    let reason = st.reason;
    if (st.state === 'leak' || st.state === 'no-leak') verdict = st.state;
    else {
      verdict = 'inconclusive';
      if (st.state === 'confirming') reason = `a difference above θ was seen, but the budget ended before a fresh batch could reproduce it (${stopReason})`;
      else if (reason === '' && estimate.tieShare > MAX_TIE_SHARE)
        reason = `${Math.round(100 * estimate.tieShare)} % of the pair differences are exactly equal: the clock or the target's timing is too coarse to bound a difference of θ = ${theta} ns`;
      else if (reason === '' && st.unconfirmed > 0) reason = `a difference above θ was seen ${st.unconfirmed} time(s) but did not reproduce in a fresh batch`;
      else if (reason === '') reason = `${stopReason} before the interval was narrow enough to decide: too much noise for θ = ${theta} ns`;
    }
    return {
      verdict,
      reason,
      estimate,
      judgement,
      ...(st.candidate ? { candidate: st.candidate } : {}),
      ...(st.fresh ? { fresh: st.fresh } : {}),
      unconfirmed: st.unconfirmed,
    };
  };
  const control = shift('control');
  return {
    tests: { prefix: result('prefix'), length: result('length') },
    control,
    controlHolds: controlHolds(control),
    middle: shift('middle'),
    thresholdNs: theta,
    requests: sent,
    lostRequests: lost * 2,
    stages,
    durationMs: Math.round(performance.now() - started),
    medianRttUs: rtts.length > 0 ? quantileSorted(sortedCopy(rtts), 0.5) / 1000 : NaN,
    status: Math.max(classStatus[FIRST] as number, 0),
    ...(lengthStatus() !== undefined ? { lengthStatus: lengthStatus() } : {}),
    stopReason,
  };
}

/** The class indexes a pair kind compares (for tests and reports). */
export function pairIndexes(kind: PairKind): [number, number] {
  const [a, b] = PAIR_CLASSES[kind];
  return [CLASS_INDEX[a], CLASS_INDEX[b]];
}
