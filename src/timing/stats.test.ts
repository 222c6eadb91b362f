import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { confirms, controlHolds, DECISION, detectionFloor, judge, median, normalShift, pairedShift, quantileSorted, stratifiedShift } from './stats.js';

/** Heavy-tailed noise (Laplace, 2 % of it 50 times wider), ns. */
function noise(rng: Random, scale: number): number {
  const u = rng.next() - 0.5;
  const tail = rng.next() < 0.02 ? 50 : 1;
  return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u)) * scale * tail;
}

/**
 * Paired differences as the harness sees them: d = δ + σ·s, σ = ±1 the random order, and s the
 * second-minus-first round trip: skewed (usually −900 ns, sometimes +5 µs) and serially
 * correlated (bursts), the nastiest shape measured on loopback.
 */
function pairedDiffs(n: number, shift: number, seed: number): number[] {
  const rng = new Random(seed);
  let burst = 0;
  return Array.from({ length: n }, () => {
    if (rng.next() < 0.01) burst = burst > 0 ? 0 : 20_000;
    const s = (rng.next() < 0.8 ? -900 : 5_000) + noise(rng, 2_000) + burst * (rng.next() - 0.5);
    return shift + (rng.next() < 0.5 ? s : -s);
  });
}

/**
 * Pairs whose round trips take a quiet path (70 %: ±1 µs) or a slow one (30 %: +40 µs, ±15 µs
 * Laplace with a heavy tail), in bursts: what loopback looks like. Returns the paired
 * differences (other − baseline, random order) and each pair's total.
 */
function modalPairs(n: number, shift: number, seed: number): { diffs: number[]; sums: number[] } {
  const rng = new Random(seed);
  let slowBurst = false;
  const trip = (): number => {
    if (rng.next() < 0.05) slowBurst = !slowBurst;
    const slow = slowBurst || rng.next() < 0.15;
    return 80_000 + (slow ? 40_000 + noise(rng, 15_000) : noise(rng, 1_000));
  };
  const diffs: number[] = [];
  const sums: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const [first, second] = [trip(), trip()];
    const baselineFirst = rng.next() < 0.5;
    const base = baselineFirst ? first : second;
    const other = (baselineFirst ? second : first) + shift;
    diffs.push(other - base);
    sums.push(first + second + shift);
  }
  return { diffs, sums };
}

describe('timing statistics', () => {
  it('quantiles interpolate and the median is the middle', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(median([5, 1, 3])).toBe(3);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it.each([
    [0, 1],
    [250, 2],
    [-400, 3],
  ])('the shift %d ns is recovered within its interval', (shift, seed) => {
    const e = pairedShift(pairedDiffs(20_000, shift, seed));
    const [lo, hi] = e.interval(DECISION.zInterval);
    expect(e.n).toBe(20_000);
    expect(lo).toBeLessThan(shift);
    expect(hi).toBeGreaterThan(shift);
    expect(e.seNs).toBeGreaterThan(5);
    expect(e.seNs).toBeLessThan(200);
  });

  it('the sign-test interval is exact under skewed, bursty position noise: z = 2 covers the shift in about 95 % of 300 runs', () => {
    let covered = 0;
    for (let seed = 1; seed <= 300; seed += 1) {
      const [lo, hi] = pairedShift(pairedDiffs(1_000, 100, seed * 7)).interval(2);
      if (lo <= 100 && hi >= 100) covered += 1;
    }
    expect(covered / 300).toBeGreaterThan(0.92);
    expect(covered / 300).toBeLessThan(0.99);
  });

  it('the stratified estimate covers the shift at its nominal rate (z = 2: about 95 % of 300 runs) and is tighter than the plain median', () => {
    let covered = 0;
    let tighter = 0;
    for (let seed = 1; seed <= 300; seed += 1) {
      const { diffs, sums } = modalPairs(4_000, 150, seed * 13);
      const e = stratifiedShift(diffs, sums);
      const [lo, hi] = e.interval(2);
      if (lo <= 150 && hi >= 150) covered += 1;
      if (e.seNs < pairedShift(diffs).seNs) tighter += 1;
    }
    expect(covered / 300).toBeGreaterThan(0.92);
    expect(covered / 300).toBeLessThan(0.99);
    expect(tighter / 300).toBeGreaterThan(0.9);
  });

  it('the stratified estimate falls back to the plain median for few pairs or mismatched totals', () => {
    const { diffs, sums } = modalPairs(500, 0, 5);
    expect(stratifiedShift(diffs, sums)).toMatchObject({ diffNs: pairedShift(diffs).diffNs, seNs: pairedShift(diffs).seNs });
    const big = modalPairs(4_000, 0, 6);
    expect(stratifiedShift(big.diffs, big.sums.slice(1)).seNs).toBe(pairedShift(big.diffs).seNs);
  });

  it('too few pairs give an infinite interval, never a verdict', () => {
    const e = pairedShift([1, 2, 3]);
    expect(e.seNs).toBe(Infinity);
    expect(e.interval(1)).toEqual([-Infinity, Infinity]);
    expect(judge(e, 100).standing).toBe('undecided');
    expect(controlHolds(e)).toBe(true);
  });

  it.each([
    // diff, se, θ, standing
    [1_000, 50, 100, 'leak-candidate'],
    [-1_000, 50, 100, 'leak-candidate'],
    [200, 50, 100, 'undecided'],
    [10, 20, 100, 'below-threshold'],
    [-10, 20, 100, 'below-threshold'],
    [40, 20, 100, 'below-threshold'],
    [70, 20, 100, 'undecided'],
  ] as const)('judge(%d ± %d ns, θ=%d) is %s', (diffNs, seNs, theta, standing) => {
    const j = judge(normalShift(10_000, diffNs, seNs), theta);
    expect(j.standing).toBe(standing);
    expect(j.lowNs).toBe(diffNs - DECISION.zInterval * seNs);
    expect(j.upperNs).toBe(Math.abs(diffNs) + DECISION.zInterval * seNs);
    expect(j.zAboveThreshold).toBeCloseTo((Math.abs(diffNs) - theta) / seNs);
  });

  it('a coarse clock (differences piled on one value) gives no verdict, not "no leak above 0 ns"', () => {
    // a 300 ns leak under a 1 µs clock step: 70 % of the differences read 0, 30 % read +1000
    const diffs = Array.from({ length: 10_000 }, (_, i) => (i % 10 < 3 ? 1_000 : 0));
    const e = pairedShift(diffs);
    expect(e.interval(DECISION.zInterval)).toEqual([0, 0]);
    expect(e.tieShare).toBeCloseTo(0.7);
    expect(judge(e, 100).standing).toBe('undecided');
    expect(confirms(normalShift(4_000, 1_000, 50), pairedShift(diffs.map((d) => d + 1_000)), 100)).toBe(false);
    // nanosecond data spread over a few hundred values is not coarse
    expect(pairedShift(Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 400)).tieShare).toBeLessThan(0.01);
  });

  it('a fresh batch confirms only on the same side of θ with its own margin', () => {
    const cand = normalShift(4_000, 1_000, 50);
    expect(confirms(cand, normalShift(2_000, 900, 70), 100)).toBe(true);
    expect(confirms(cand, normalShift(2_000, -900, 70), 100)).toBe(false);
    expect(confirms(cand, normalShift(2_000, 150, 70), 100)).toBe(false);
    expect(confirms(cand, pairedShift([900, 900]), 100)).toBe(false);
    expect(confirms(normalShift(4_000, -1_000, 50), normalShift(2_000, -900, 70), 100)).toBe(true);
  });

  it('the A/A control fails beyond zControl standard errors; the floor includes θ', () => {
    expect(controlHolds(normalShift(1, 100, 30))).toBe(true);
    expect(controlHolds(normalShift(1, 130, 30))).toBe(false);
    expect(detectionFloor(20, 100)).toBeCloseTo(100 + (DECISION.zLeak + 1.645) * 20);
  });
});
