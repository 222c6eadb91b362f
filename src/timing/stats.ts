/**
 * Statistics for the timing checks: a robust estimate of the time difference between two
 * classes of requests from paired measurements, intervals that stay honest whatever the noise
 * looks like, and the three-way decision against a minimum effect θ.
 *
 * Each pair is two requests sent back to back; which of the two goes first is decided by the
 * pre-shuffled schedule (half of each contrast's pairs each way). The pair's difference
 * (other − baseline) cancels drift and slow noise that both share, and is then
 *   d = δ + σ·s
 * where δ is the difference the server makes between the classes, s the difference between the
 * second and the first round trip of the pair whatever was sent, and σ = ±1 the order. Because
 * the order is random and decided in advance, σ is independent of s: d − δ is symmetric about
 * zero however skewed, heavy-tailed, bursty or serially correlated the round trips are (and they
 * are all of that: the second of two back-to-back requests was measured 300–900 ns faster).
 *
 * The estimate of δ is the median of the differences: it ignores the tails the way dudect's
 * percentile cropping does, without choosing a crop level. Its intervals are sign-test
 * intervals: order statistics at ranks n/2 ∓ z·√n/2. By the symmetry above they are exact
 * randomization intervals (distribution-free; no normal approximation, no independence of the
 * round trips needed), which is what keeps the false-alarm rate down on a noisy machine.
 */

/** Quantile `p` of sorted values, linearly interpolated. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const x = Math.min(Math.max(p, 0), 1) * (n - 1);
  const i = Math.floor(x);
  const lo = sorted[i] as number;
  const hi = sorted[Math.min(i + 1, n - 1)] as number;
  return lo + (hi - lo) * (x - i);
}

/** Sorted copy as a Float64Array. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Median of the values (NaN for none). */
export function median(values: ArrayLike<number>): number {
  return quantileSorted(sortedCopy(values), 0.5);
}

/** Estimated difference between two classes, in ns. */
export interface ShiftEstimate {
  /** Pairs the estimate rests on. */
  n: number;
  /** Estimated difference (other − baseline), ns: the median of the paired differences. */
  diffNs: number;
  /** Normal-equivalent standard error, ns (half the z = 1 interval's width, from its ranks). */
  seNs: number;
  /** The two-sided interval at `z` standard errors (infinite when there are too few pairs). */
  interval(z: number): [number, number];
  /**
   * Share of the differences exactly equal to the median one. A large share means a coarse
   * clock or clamped times: the differences are then not a shift of a symmetric noise, and
   * order-statistic intervals can collapse onto the atom ("[0, 0]" for a real leak below the
   * clock's step), so no verdict rests on them.
   */
  tieShare: number;
}

/** Largest tie share at the median that still allows a verdict. */
export const MAX_TIE_SHARE = 0.05;

/** Fewest pairs for any interval. */
const MIN_PAIRS = 50;

/**
 * The median of paired differences with sign-test intervals (see the module comment). The
 * normal-equivalent SE is taken from the z = 2 interval: (high − low) / 4.
 */
export function pairedShift(diffs: ArrayLike<number>): ShiftEstimate {
  const n = diffs.length;
  const sorted = sortedCopy(diffs);
  const diffNs = n > 0 ? quantileSorted(sorted, 0.5) : NaN;
  const interval = (z: number): [number, number] => {
    if (n < MIN_PAIRS) return [-Infinity, Infinity];
    const k = Math.floor((n - z * Math.sqrt(n)) / 2);
    if (k < 0) return [-Infinity, Infinity];
    return [sorted[k] as number, sorted[n - 1 - k] as number];
  };
  const [lo2, hi2] = interval(2);
  let ties = 0;
  if (n > 0) {
    const atom = sorted[(n - 1) >> 1] as number;
    for (const x of sorted) if (x === atom) ties += 1;
  }
  return { n, diffNs, seNs: (hi2 - lo2) / 4, interval, tieShare: n > 0 ? ties / n : 0 };
}

/** Strata of the stratified estimate (quantiles of the pair's total round trip). */
export const STRATA = 4;

/**
 * The stratified estimate: pairs are split into {@link STRATA} groups by the pair's total round
 * trip (first + second), each group gives a median with its sign-test SE, and the medians are
 * combined with inverse-variance weights; intervals are normal (estimate ± z·SE).
 *
 * Why it is valid: the pair's total does not depend on the order within the pair, so given the
 * total, d − δ is still symmetric about zero and each group's median estimates δ. Why it helps:
 * most of the noise sits in pairs that hit a slow path (a wake-up, a GC pause, a migration); the
 * pair total sorts those out, and the quiet pairs, whose differences are far tighter, get the
 * weight they deserve. On loopback it cut the SE by 15–30 % (the same as 1.4–2 times the data).
 * With fewer than {@link STRATA} × 200 pairs it is the plain median of {@link pairedShift}.
 */
export function stratifiedShift(diffs: ArrayLike<number>, sums: ArrayLike<number>): ShiftEstimate {
  const n = diffs.length;
  if (n < STRATA * 200 || sums.length !== n) return pairedShift(diffs);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (sums[a] as number) - (sums[b] as number));
  let weight = 0;
  let weighted = 0;
  for (let j = 0; j < STRATA; j += 1) {
    const from = Math.floor((j * n) / STRATA);
    const to = Math.floor(((j + 1) * n) / STRATA);
    const part = pairedShift(order.slice(from, to).map((i) => diffs[i] as number));
    if (!(part.seNs > 0) || !Number.isFinite(part.seNs)) return pairedShift(diffs);
    const w = 1 / (part.seNs * part.seNs);
    weight += w;
    weighted += w * part.diffNs;
  }
  const diffNs = weighted / weight;
  const seNs = 1 / Math.sqrt(weight);
  return { n, diffNs, seNs, interval: (z) => [diffNs - z * seNs, diffNs + z * seNs], tieShare: pairedShift(diffs).tieShare };
}

/**
 * The mean of two independent estimates, (a + b) / 2, with SE √(SEa² + SEb²) / 2 and a normal
 * interval. The length question uses it: (t(n+1) − t(n) + t(n−1) − t(n)) / 2 is zero for any cost
 * that grows steadily with the presented length, and the full skipped work for a server that
 * treats the right length differently.
 */
export function averageShift(a: ShiftEstimate, b: ShiftEstimate): ShiftEstimate {
  const diffNs = (a.diffNs + b.diffNs) / 2;
  const seNs = Math.sqrt(a.seNs * a.seNs + b.seNs * b.seNs) / 2;
  const finite = Number.isFinite(seNs);
  return {
    n: a.n + b.n,
    diffNs,
    seNs,
    interval: (z) => (finite ? [diffNs - z * seNs, diffNs + z * seNs] : [-Infinity, Infinity]),
    tieShare: Math.max(a.tieShare, b.tieShare),
  };
}

/** An estimate with a normal interval (for simulations and tests). */
export function normalShift(n: number, diffNs: number, seNs: number): ShiftEstimate {
  return { n, diffNs, seNs, interval: (z) => [diffNs - z * seNs, diffNs + z * seNs], tieShare: 0 };
}

/** Constants of the decision rule (exported for the SPEC, the report and the tests). */
export const DECISION = {
  /**
   * The reported confidence interval and the "no leak above U" bound, in standard errors
   * (two-sided 95.4 %; each side 2.3 %): a leak of θ or more is passed as "no leak above U < θ"
   * at most 2.3 % of the time per look, a leak of 1.5 θ practically never.
   */
  zInterval: 2,
  /** Two-sided coverage of the z = zInterval interval, percent (for labels). */
  intervalCoverage: 95.4,
  /**
   * A leak candidate: the z = 2.5 interval lies entirely beyond θ (one-sided 0.6 %). The fresh
   * batch below is the main guard against false alarms: a difference of exactly θ passes both
   * at about 0.6 % × 6.7 % ≈ 0.04 % per look and side, a difference well below θ practically
   * never.
   */
  zLeak: 2.5,
  /** A fresh batch confirms a candidate: its own z = 1.5 interval lies beyond θ on the same side. */
  zConfirm: 1.5,
  /** The A/A control fails when two pools of the same class differ: its z = 4 interval excludes 0. */
  zControl: 4,
} as const;

/** Where an estimate stands against θ. */
export type Standing = 'leak-candidate' | 'below-threshold' | 'undecided';

/** Interval, upper bound and standing of one estimate against θ. */
export interface Judgement {
  /** The reported confidence interval of the difference, ns. */
  lowNs: number;
  highNs: number;
  /** The largest |difference| the interval allows: "no leak above U ns". */
  upperNs: number;
  /** (|difference| − θ) / SE: the test statistic against θ (positive: above θ). */
  zAboveThreshold: number;
  standing: Standing;
}

/** Is the interval at `z` entirely beyond θ (either side)? */
function beyond(estimate: ShiftEstimate, z: number, thresholdNs: number): -1 | 0 | 1 {
  const [lo, hi] = estimate.interval(z);
  if (lo > thresholdNs) return 1;
  if (hi < -thresholdNs) return -1;
  return 0;
}

/** Judges one estimate against θ: a candidate leak, no leak above U < θ, or undecided. */
export function judge(estimate: ShiftEstimate, thresholdNs: number): Judgement {
  const [lowNs, highNs] = estimate.interval(DECISION.zInterval);
  const upperNs = Math.max(Math.abs(lowNs), Math.abs(highNs));
  const zAboveThreshold = estimate.seNs > 0 ? (Math.abs(estimate.diffNs) - thresholdNs) / estimate.seNs : NaN;
  let standing: Standing = 'undecided';
  if (estimate.tieShare > MAX_TIE_SHARE) standing = 'undecided';
  else if (beyond(estimate, DECISION.zLeak, thresholdNs) !== 0) standing = 'leak-candidate';
  else if (upperNs < thresholdNs) standing = 'below-threshold';
  return { lowNs, highNs, upperNs, zAboveThreshold, standing };
}

/** Does a fresh batch reproduce a candidate: its own zConfirm interval beyond θ on the same side? */
export function confirms(candidate: ShiftEstimate, fresh: ShiftEstimate, thresholdNs: number): boolean {
  if (fresh.tieShare > MAX_TIE_SHARE) return false;
  const side = beyond(fresh, DECISION.zConfirm, thresholdNs);
  return side !== 0 && side === Math.sign(candidate.diffNs);
}

/** Is the A/A control (two pools of one class) consistent with no difference? */
export function controlHolds(aa: ShiftEstimate): boolean {
  const [lo, hi] = aa.interval(DECISION.zControl);
  return lo <= 0 && hi >= 0;
}

/**
 * The smallest leak this run would have flagged in about 95 % of runs like it: θ plus the
 * candidate margin plus 1.645 standard errors (the run's own noise). Leaks below θ are never
 * flagged by design.
 */
export function detectionFloor(seNs: number, thresholdNs: number): number {
  return thresholdNs + (DECISION.zLeak + 1.645) * seNs;
}
