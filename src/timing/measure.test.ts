import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { measure, type Measurement } from './measure.js';
import { buildRequests, CLASS_INDEX, CLASS_NAMES, classKeys, pairBlock, PAIR_CLASSES, wrongKey } from './schedule.js';
import { SimulatedTransport, type SimulatedTarget } from './simulate.js';

const KEY = 'q3Vh2+9xYcL0aZ/7TkPp4sWmE1uJ8dRbN6oGfHiK5lQ=';
const REQUESTS = buildRequests('/api/llm/current', '127.0.0.1:1', classKeys(KEY, new Random(1)));

function extra(by: Partial<Record<(typeof CLASS_NAMES)[number], number>>): number[] {
  return CLASS_NAMES.map((c) => by[c] ?? 0);
}

function simulate(target: SimulatedTarget, maxRequests = 60_000, thresholdNs = 100): Promise<Measurement> {
  return measure(new SimulatedTransport(target), REQUESTS, new Random(target.seed ?? 1), { thresholdNs, timeMs: 600_000, maxRequests, warmupPairs: 100 });
}

describe('wrong keys and the schedule', () => {
  const keys = classKeys(KEY, new Random(7));
  const byName = Object.fromEntries(CLASS_NAMES.map((c, i) => [c, keys[i] as string]));

  it('every class is a wrong key; all but one have the key length; prefixes are as named', () => {
    for (const k of keys) expect(k).not.toBe(KEY);
    expect(byName.first?.length).toBe(KEY.length);
    expect(byName.first?.[0]).not.toBe(KEY[0]);
    expect(byName.control).not.toBe(byName.first);
    // KEY ends in one '=' of padding, which every wrong key keeps
    expect(byName.last?.slice(0, -2)).toBe(KEY.slice(0, -2));
    expect(byName.last?.at(-2)).not.toBe(KEY.at(-2));
    expect(byName.last?.at(-1)).toBe('=');
    expect(byName.middle?.slice(0, 21)).toBe(KEY.slice(0, 21));
    expect(byName.middle?.[21]).not.toBe(KEY[21]);
    expect(byName.length?.length).toBe(KEY.length + 1);
    expect([...wrongKey('abc123', 0, 6, new Random(3))].every((c, i) => c !== 'abc123'[i] && /[A-Za-z0-9]/.test(c))).toBe(true);
  });

  it('base64 padding is kept, so every wrong key stays a valid token68', () => {
    const padded = 'q3Vh2+9xYcL0aZ/7TkPp4g==';
    const [first, control, last, middle, length] = classKeys(padded, new Random(9));
    for (const k of [first, control, last, middle, length]) expect(k).toMatch(/^[A-Za-z0-9+/]+={2}$/);
    expect(last?.slice(0, 21)).toBe(padded.slice(0, 21));
    expect(last?.[21]).not.toBe(padded[21]);
    expect(length).toHaveLength(padded.length + 1);
  });

  it('every request has the same byte length and carries its class key', () => {
    const own = classKeys(KEY, new Random(1));
    expect(new Set(REQUESTS.map((r) => r.length)).size).toBe(1);
    REQUESTS.forEach((r, i) => expect(r.toString('latin1')).toContain(`\r\nAuthorization: Bearer ${own[i]}\r\n`));
  });

  it('a block holds the asked-for pairs in proportion, each pair its two classes in random order', () => {
    const block = pairBlock(1_000, { prefix: 4, control: 2, length: 3, middle: 1 }, new Random(5));
    expect(block.kinds).toHaveLength(1_000);
    expect(block.kinds.filter((k) => k === 'prefix')).toHaveLength(400);
    expect(block.kinds.filter((k) => k === 'middle')).toHaveLength(100);
    const swaps: Record<string, number> = {};
    block.kinds.forEach((kind, i) => {
      const [a, b] = PAIR_CLASSES[kind];
      const pair = [block.order[2 * i], block.order[2 * i + 1]];
      expect(pair).toEqual(block.swapped[i] ? [CLASS_INDEX[b], CLASS_INDEX[a]] : [CLASS_INDEX[a], CLASS_INDEX[b]]);
      swaps[kind] = (swaps[kind] ?? 0) + (block.swapped[i] ?? 0);
    });
    // balanced: half of each kind's pairs send the baseline second
    expect(swaps).toEqual({ prefix: 200, length: 150, control: 100, middle: 50 });
  });
});

describe('the staged measurement (simulated loopback noise)', () => {
  it('a 20 µs prefix leak is found in the first stages and confirmed in a fresh batch', async () => {
    const m = await simulate({ extraNs: extra({ last: 20_000, middle: 10_000 }), seed: 3 });
    expect(m.tests.prefix.verdict).toBe('leak');
    expect(m.tests.prefix.estimate.diffNs).toBeGreaterThan(19_000);
    expect(m.tests.prefix.fresh?.diffNs).toBeGreaterThan(19_000);
    expect(m.middle.diffNs).toBeGreaterThan(9_000);
    expect(m.tests.length.verdict).not.toBe('leak');
  });

  it('a length leak is reported by the length test only', async () => {
    const m = await simulate({ extraNs: extra({ first: 20_000, control: 20_000, last: 20_000, middle: 20_000 }), seed: 4 });
    expect(m.tests.length.verdict).toBe('leak');
    expect(m.tests.length.estimate.diffNs).toBeLessThan(-19_000);
    expect(m.tests.prefix.verdict).not.toBe('leak');
  });

  it('keys of the wrong length go out only in chunks where the three lengths are equally frequent', async () => {
    const sim = new SimulatedTransport({ seed: 21, noise: 0.05 });
    const blocks: number[][] = [];
    const recorder = {
      runBlock: (requests: readonly Buffer[], order: ArrayLike<number>, times: Float64Array, statuses: Uint16Array) => {
        blocks.push(Array.from(order));
        return sim.runBlock(requests, order, times, statuses);
      },
    };
    await measure(recorder, REQUESTS, new Random(21), { thresholdNs: 100, timeMs: 600_000, maxRequests: 40_000, warmupPairs: 100 });
    const wrongLength = new Set<number>([CLASS_INDEX.length, CLASS_INDEX.short]);
    const mixed = blocks.filter((b) => b.some((c) => wrongLength.has(c)));
    expect(mixed.length).toBeGreaterThan(0);
    for (const b of mixed) {
      const count = (c: number): number => b.filter((x) => x === c).length;
      // only first, length and short; each about a third (pairs of three kinds in equal numbers)
      expect(b.every((c) => c === CLASS_INDEX.first || wrongLength.has(c))).toBe(true);
      for (const c of [CLASS_INDEX.first, CLASS_INDEX.length, CLASS_INDEX.short]) expect(Math.abs(count(c) - b.length / 3)).toBeLessThanOrEqual(2);
    }
  });

  it('a cost that grows with the presented length is not a length leak (n+1 slower, n-1 faster by the same)', async () => {
    const m = await simulate({ extraNs: extra({ length: 3_000, short: -3_000 }), seed: 20, noise: 0.05 });
    expect(m.tests.length.verdict).toBe('no-leak');
    expect(Math.abs(m.tests.length.estimate.diffNs)).toBeLessThan(100);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('no leak is never reported as a leak, even with a position effect (seed %d)', async (seed) => {
    const m = await simulate({ seed, positionNs: seed % 2 === 0 ? 900 : 0 }, 40_000);
    expect(m.tests.prefix.verdict).not.toBe('leak');
    expect(m.tests.length.verdict).not.toBe('leak');
    expect(m.requests).toBeLessThanOrEqual(40_000);
  });

  it('with little noise, no leak ends as "no leak above U" with U < θ', async () => {
    const m = await simulate({ seed: 11, noise: 0.05 });
    expect(m.tests.prefix.verdict).toBe('no-leak');
    expect(m.tests.prefix.judgement.upperNs).toBeLessThan(100);
    expect(m.stopReason).toBe('every test reached a verdict');
  });

  it('a leak just below θ is not a leak', async () => {
    const m = await simulate({ seed: 12, noise: 0.05, extraNs: extra({ last: 60 }) }, 200_000);
    expect(m.tests.prefix.verdict).not.toBe('leak');
  });

  it('a failing A/A control makes every open test inconclusive', async () => {
    const m = await simulate({ seed: 13, noise: 0.05, extraNs: extra({ control: 5_000 }) });
    expect(m.controlHolds).toBe(false);
    expect(m.tests.prefix.verdict).toBe('inconclusive');
    expect(m.tests.prefix.reason).toMatch(/A\/A control/);
  });

  it('a change of status mid-run (rate limiting) stops the measurement as inconclusive', async () => {
    const m = await simulate({ seed: 14, status: (n) => (n > 3_000 ? 429 : 401) });
    expect(m.tests.prefix.verdict).toBe('inconclusive');
    expect(m.stopReason).toMatch(/429 .*rate limited/);
  });

  it('a 400 for keys of the wrong length leaves the length question to the status and still answers the prefix one', async () => {
    const m = await simulate({ seed: 18, noise: 0.05, extraNs: extra({ last: 2_000 }), status: (_n, cls) => (cls === CLASS_INDEX.length ? 400 : 401) });
    expect(m.tests.prefix.verdict).toBe('leak');
    expect(m.tests.length.verdict).toBe('inconclusive');
    expect(m.tests.length.reason).toMatch(/wrong length \(one character longer or shorter\) got 400 .* right length 401/);
    expect(m.status).toBe(401);
    expect(m.lengthStatus).toBe(400);
  });

  it('keys of the same length answered differently cannot be timed against each other', async () => {
    const m = await simulate({ seed: 19, status: (_n, cls) => (cls === CLASS_INDEX.last ? 403 : 401) });
    expect(m.tests.prefix.verdict).toBe('inconclusive');
    expect(m.stopReason).toMatch(/same length got different answers \(401, 403\)|403, 401/);
  });

  it('wrong keys that are not rejected cannot be timed', async () => {
    const m = await simulate({ seed: 15, status: () => 200 });
    expect(m.tests.prefix.verdict).toBe('inconclusive');
    expect(m.stopReason).toMatch(/not a rejection/);
  });

  it('a 1 µs clock step hiding a 300 ns leak ends inconclusive (too coarse), never "no leak"', async () => {
    const m = await simulate({ seed: 17, noise: 0.05, resolutionNs: 1_000, extraNs: extra({ last: 300 }) }, 20_000);
    expect(m.tests.prefix.verdict).toBe('inconclusive');
    expect(m.tests.prefix.reason).toMatch(/too coarse/);
  });

  it('the sample budget bounds the run; heavy noise ends inconclusive', async () => {
    const m = await simulate({ seed: 16, noise: 20, extraNs: extra({ last: 300 }) }, 12_000);
    // A candidate's confirming batch may run past the budget by half of it, no further.
    expect(m.requests).toBeLessThanOrEqual(18_000);
    expect(m.tests.prefix.verdict).toBe('inconclusive');
    expect(m.tests.prefix.reason).toMatch(/too much noise|did not reproduce in a fresh batch/);
  });
});
