import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { confirms, controlHolds, DECISION, detectionFloor, diffsSince, judge, median, medianShift, pairedShift, quantileSorted } from './stats.js';

/** Paired differences: Laplace-like heavy-tailed noise around `shift`, ns. */
function diffs(n: number, shift: number, scale: number, seed: number): number[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => {
    const u = rng.next() - 0.5;
    const tail = rng.next() < 0.02 ? 50 : 1;
    return shift - Math.sign(u) * Math.log(1 - 2 * Math.abs(u)) * scale * tail;
  });
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
    const e = medianShift(diffs(20_000, shift, 5_000, seed));
    expect(e.n).toBe(20_000);
    expect(Math.abs(e.diffNs - shift)).toBeLessThan(DECISION.zInterval * e.seNs);
    expect(e.seNs).toBeGreaterThan(10);
    expect(e.seNs).toBeLessThan(100);
  });

  it('the interval covers the true shift in at least 97 % of 200 simulated runs (honest standard error)', () => {
    let covered = 0;
    for (let seed = 1; seed <= 200; seed += 1) {
      const e = medianShift(diffs(2_000, 100, 5_000, seed * 7));
      if (Math.abs(e.diffNs - 100) <= 2.5 * e.seNs) covered += 1;
    }
    expect(covered / 200).toBeGreaterThanOrEqual(0.97);
  });

  it('a position effect (the second request of a pair is faster) cancels between the two orders', () => {
    // other − baseline is shift + P with the baseline first, shift − P with it second
    const both = { baselineFirst: diffs(10_000, 150 + 900, 5_000, 11), baselineSecond: diffs(10_000, 150 - 900, 5_000, 12) };
    const e = pairedShift(both);
    expect(e.n).toBe(20_000);
    expect(Math.abs(e.diffNs - 150)).toBeLessThan(DECISION.zInterval * e.seNs);
    // pooled, the two orders make a bimodal mixture whose median sits in the valley
    const pooled = medianShift([...both.baselineFirst, ...both.baselineSecond]);
    expect(pooled.seNs).toBeGreaterThan(e.seNs);
    const fresh = diffsSince(both, { baselineFirst: 9_000, baselineSecond: 9_500 });
    expect([fresh.baselineFirst.length, fresh.baselineSecond.length]).toEqual([1_000, 500]);
  });

  it('too few pairs give an infinite standard error, never a verdict', () => {
    const e = pairedShift({ baselineFirst: [1, 2, 3], baselineSecond: [4] });
    expect(e.seNs).toBe(Infinity);
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
    [40, 20, 100, 'undecided'],
  ] as const)('judge(%d ± %d ns, θ=%d) is %s', (diffNs, seNs, theta, standing) => {
    const j = judge({ n: 10_000, diffNs, seNs }, theta);
    expect(j.standing).toBe(standing);
    expect(j.lowNs).toBe(diffNs - DECISION.zInterval * seNs);
    expect(j.upperNs).toBe(Math.abs(diffNs) + DECISION.zInterval * seNs);
  });

  it('a fresh batch confirms only with the same sign and its own margin over θ', () => {
    const cand = { n: 4_000, diffNs: 1_000, seNs: 50 };
    expect(confirms(cand, { n: 2_000, diffNs: 900, seNs: 70 }, 100)).toBe(true);
    expect(confirms(cand, { n: 2_000, diffNs: -900, seNs: 70 }, 100)).toBe(false);
    expect(confirms(cand, { n: 2_000, diffNs: 150, seNs: 70 }, 100)).toBe(false);
    expect(confirms(cand, { n: 10, diffNs: 900, seNs: Infinity }, 100)).toBe(false);
  });

  it('the A/A control fails beyond zControl standard errors; the floor includes θ', () => {
    expect(controlHolds({ n: 1, diffNs: 100, seNs: 30 })).toBe(true);
    expect(controlHolds({ n: 1, diffNs: 130, seNs: 30 })).toBe(false);
    expect(detectionFloor(20, 100)).toBeCloseTo(100 + (DECISION.zLeak + 1.645) * 20);
  });
});
