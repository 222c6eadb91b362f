/**
 * Statistics for the timing checks: a robust estimate of the time difference between two
 * classes of requests from paired measurements, an honest standard error, and the three-way
 * decision against a minimum effect θ.
 *
 * Each pair is two requests sent back to back, the order within the pair random and balanced;
 * its difference (other − baseline) cancels drift and slow noise that both share. The estimate
 * is a median: loopback noise is a heavy-tailed mixture (scheduler wake-ups, other processes),
 * and the median ignores the tails the way dudect's percentile cropping does, without choosing a
 * crop level. The median is taken separately for pairs with the baseline first and with the
 * baseline second, and the two are averaged: consecutive round trips are not exchangeable (the
 * second of two requests is typically hundreds of ns faster, measured here), and pooling both
 * orders would make the differences bimodal, with the median sitting in the valley between the
 * modes, where it jumps. Each median's standard error is the larger of two estimates: one from
 * order statistics (valid for independent pairs) and one from batch means over contiguous
 * batches (valid when noise comes in bursts), so bursty noise cannot make the interval too
 * narrow.
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
  /** Estimated difference (other − baseline), ns. */
  diffNs: number;
  /** Standard error of `diffNs`, ns (the larger of the order-statistic and batch-means estimates). */
  seNs: number;
}

/** Contiguous batches for the batch-means standard error. */
const BATCHES = 20;
/** Fewest pairs per batch for batch means to mean anything. */
const MIN_BATCH = 25;

/**
 * Median of one set of differences with its standard error. `diffs` must be in measurement order
 * (batch means rely on it). Fewer than 2 × 25 give an infinite standard error.
 */
export function medianShift(diffs: ArrayLike<number>): ShiftEstimate {
  const n = diffs.length;
  if (n < 2 * MIN_BATCH) return { n, diffNs: n > 0 ? median(diffs) : NaN, seNs: Infinity };
  const sorted = sortedCopy(diffs);
  const diffNs = quantileSorted(sorted, 0.5);
  // Order statistics: the ranks n/2 ± z·√n/2 bound the median's z-interval (sign-test interval).
  const z = 2;
  const half = z / (2 * Math.sqrt(n));
  const seOrder = (quantileSorted(sorted, 0.5 + half) - quantileSorted(sorted, 0.5 - half)) / (2 * z);
  // Batch means: the spread of the medians of contiguous batches.
  const batches = Math.min(BATCHES, Math.floor(n / MIN_BATCH));
  const size = Math.floor(n / batches);
  const medians: number[] = [];
  for (let b = 0; b < batches; b += 1) {
    const part = new Float64Array(size);
    for (let i = 0; i < size; i += 1) part[i] = diffs[b * size + i] as number;
    medians.push(median(part));
  }
  const mean = medians.reduce((acc, x) => acc + x, 0) / batches;
  const variance = medians.reduce((acc, x) => acc + (x - mean) ** 2, 0) / (batches - 1);
  const seBatch = Math.sqrt(variance / batches);
  return { n, diffNs, seNs: Math.max(seOrder, seBatch) };
}

/** Differences (other − baseline) of one contrast, split by which of the pair went first. */
export interface PairedDiffs {
  /** Pairs with the baseline first, in measurement order. */
  baselineFirst: number[];
  /** Pairs with the baseline second, in measurement order. */
  baselineSecond: number[];
}

/** An empty set of paired differences. */
export function emptyDiffs(): PairedDiffs {
  return { baselineFirst: [], baselineSecond: [] };
}

/**
 * The paired estimate: the mean of the two orders' medians, so that any effect of a request's
 * position in its pair cancels, with the standard error of that mean.
 */
export function pairedShift(diffs: PairedDiffs): ShiftEstimate {
  const a = medianShift(diffs.baselineFirst);
  const b = medianShift(diffs.baselineSecond);
  return { n: a.n + b.n, diffNs: (a.diffNs + b.diffNs) / 2, seNs: Math.sqrt(a.seNs ** 2 + b.seNs ** 2) / 2 };
}

/** The pairs measured after `from` (counts per order), for a fresh batch. */
export function diffsSince(diffs: PairedDiffs, from: { baselineFirst: number; baselineSecond: number }): PairedDiffs {
  return { baselineFirst: diffs.baselineFirst.slice(from.baselineFirst), baselineSecond: diffs.baselineSecond.slice(from.baselineSecond) };
}

/** Constants of the decision rule (exported for the SPEC, the report and the tests). */
export const DECISION = {
  /** Half-width of the reported confidence interval, in standard errors (two-sided 99.7 %). */
  zInterval: 3,
  /** A leak candidate: |difference| exceeds θ by this many standard errors. */
  zLeak: 3.5,
  /** A fresh batch confirms a candidate: its own |difference| exceeds θ by this many of its standard errors. */
  zConfirm: 1.5,
  /** The A/A control fails when two pools of the same class differ by this many standard errors. */
  zControl: 4,
} as const;

/** Where an estimate stands against θ. */
export type Standing = 'leak-candidate' | 'below-threshold' | 'undecided';

/** Interval, upper bound and standing of one estimate against θ. */
export interface Judgement {
  /** Confidence interval of the difference, ns. */
  lowNs: number;
  highNs: number;
  /** The largest |difference| the interval allows: "no leak above U ns". */
  upperNs: number;
  /** (|difference| − θ) / SE: the test statistic against θ (positive: above θ). */
  zAboveThreshold: number;
  standing: Standing;
}

/** Judges one estimate against θ: a candidate leak, no leak above U < θ, or undecided. */
export function judge(estimate: ShiftEstimate, thresholdNs: number): Judgement {
  const { diffNs, seNs } = estimate;
  const lowNs = diffNs - DECISION.zInterval * seNs;
  const highNs = diffNs + DECISION.zInterval * seNs;
  const upperNs = Math.max(Math.abs(lowNs), Math.abs(highNs));
  const zAboveThreshold = seNs > 0 ? (Math.abs(diffNs) - thresholdNs) / seNs : Math.sign(Math.abs(diffNs) - thresholdNs) * Infinity;
  let standing: Standing = 'undecided';
  if (Number.isFinite(seNs) && zAboveThreshold > DECISION.zLeak) standing = 'leak-candidate';
  else if (Number.isFinite(upperNs) && upperNs < thresholdNs) standing = 'below-threshold';
  return { lowNs, highNs, upperNs, zAboveThreshold, standing };
}

/** Does a fresh batch reproduce a candidate: same sign, and |difference| above θ by zConfirm SEs? */
export function confirms(candidate: ShiftEstimate, fresh: ShiftEstimate, thresholdNs: number): boolean {
  if (!Number.isFinite(fresh.seNs) || Math.sign(fresh.diffNs) !== Math.sign(candidate.diffNs)) return false;
  return Math.abs(fresh.diffNs) - DECISION.zConfirm * fresh.seNs > thresholdNs;
}

/** Is the A/A control (two pools of one class) consistent with no difference? */
export function controlHolds(aa: ShiftEstimate): boolean {
  if (!Number.isFinite(aa.seNs)) return true;
  return Math.abs(aa.diffNs) <= DECISION.zControl * aa.seNs;
}

/**
 * The smallest leak this run would have flagged in about 95 % of runs like it: θ plus the
 * candidate margin plus 1.645 standard errors (the run's own noise). Leaks below θ are never
 * flagged by design.
 */
export function detectionFloor(seNs: number, thresholdNs: number): number {
  return thresholdNs + (DECISION.zLeak + 1.645) * seNs;
}
