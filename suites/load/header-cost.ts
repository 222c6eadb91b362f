import { concretePath } from '../../src/contract/routes.js';
import type { Check, CheckContext, Outcome } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { auth, describe, unprotectedBaseline, wrongKey } from '../support.js';
import { loadAllowed, loadModeSkip, median, r3 } from './support.js';

/** Header sizes tried, largest first: the largest one the server takes in is measured. */
const SIZES = [14 * 1024, 7 * 1024, 3584];
/** A variant fails when its median exceeds the ordinary 401's by both of these. */
export const EXCESS_MS = 5;
export const RATIO = 5;
const MIN_ROUNDS = 5;
const MAX_ROUNDS = 41;
/** Sampling stops after this long (once MIN_ROUNDS are in). */
const BUDGET_MS = 4_000;

/** A pathological Authorization value of about `n` characters. */
interface Shape {
  label: string;
  value: (n: number, token: string) => string;
}

/** Shapes that make naive parsers (regex trims, splits, scans) do more than linear work. */
export const SHAPES: readonly Shape[] = [
  { label: 'long token', value: (n) => `Bearer ${'A'.repeat(n - 7)}` },
  { label: 'run of spaces inside', value: (n) => `Bearer ${' '.repeat(n - 8)}x` },
  { label: 'wrong key, then a run of spaces', value: (n, t) => `Bearer ${t}${' '.repeat(Math.max(1, n - 8 - t.length))}x` },
  { label: 'run of tabs inside', value: (n) => `Bearer${'\t'.repeat(n - 7)}x` },
  { label: 'spaces and tabs alternating', value: (n) => `Bearer ${' \t'.repeat(Math.floor((n - 8) / 2))}x` },
  { label: 'run of commas', value: (n) => `Bearer ${','.repeat(n - 7)}` },
  { label: 'many comma-separated credentials', value: (n) => `Bearer a, ${'Bearer b, '.repeat(Math.floor((n - 20) / 10))}Bearer c` },
  { label: 'token68 padding run', value: (n) => `Bearer A${'='.repeat(n - 9)}!` },
  { label: 'many words', value: (n) => `Bearer ${'a '.repeat(Math.floor((n - 8) / 2))}x` },
];

interface Series {
  label: string;
  value: string;
  ms: number[];
  /** Answers from a rate limiter (429): not a measurement of the parser. */
  limited: number;
  worst?: ProbeResult;
  status: Set<string>;
}

async function largestAccepted(ctx: CheckContext, path: string): Promise<{ size: number; probes: ProbeResult[] }> {
  const probes: ProbeResult[] = [];
  for (const size of SIZES) {
    const r = await ctx.http.send({ method: 'GET', path, headers: [auth(`Bearer ${'A'.repeat(size - 7)}`)], label: `header size probe (${size} characters)`, timeoutMs: 5_000 });
    probes.push(r);
    if (r.status !== undefined && r.status !== 413 && r.status !== 431) return { size, probes };
  }
  return { size: SIZES.at(-1) as number, probes };
}

/**
 * A shape is settled once 3 interleaved samples put its median far past both thresholds (four
 * times each): it fails whatever more samples say, and each costs the server that much again.
 */
function settled(s: Series, base: Series): boolean {
  if (s === base || s.ms.length < 3 || base.ms.length < 3) return false;
  const b = median(base.ms);
  const m = median(s.ms);
  return m - b >= 4 * EXCESS_MS && m / b >= 4 * RATIO;
}

async function sample(ctx: CheckContext, path: string, series: Series[], rounds: { min: number; max: number; budgetMs: number }): Promise<number> {
  const started = performance.now();
  const base = series[0] as Series;
  let done = 0;
  while (done < rounds.max && (done < rounds.min || performance.now() - started < rounds.budgetMs)) {
    const active = series.filter((s) => !settled(s, base));
    if (active.length === 1 && done >= rounds.min) break;
    for (const s of ctx.rng.shuffle(active)) {
      const r = await ctx.http.send({ method: 'GET', path, headers: [auth(s.value)], label: s.label, timeoutMs: 5_000 });
      s.status.add(String(r.status ?? r.error));
      if (r.status === 429) {
        s.limited += 1;
        continue;
      }
      s.ms.push(r.ms);
      if (!s.worst || r.ms > s.worst.ms) s.worst = r;
    }
    done += 1;
  }
  return done;
}

/** LOAD-HEADER-COST: worst-case Authorization headers cost about what an ordinary 401 costs. */
export const headerCost: Check = {
  id: 'load.header-cost',
  requirement: 'LOAD-HEADER-COST',
  level: 'MUST',
  category: 'load',
  title: 'Maximum-size, pathological Authorization headers (whitespace runs, long tokens, many commas) are answered about as fast as an ordinary 401',
  modes: ['auth'],
  phase: 'exclusive',
  timeoutMs: 120_000,
  applies: loadAllowed,
  explain: {
    why: 'Anyone can send a 14 KiB Authorization header without a key. If the parser\'s cost grows faster than the header\'s length, each such request holds the event loop for tens or hundreds of milliseconds: a handful per second stops the server for everyone (a ReDoS).',
    typicalFault: 'Trimming or splitting with regexes that backtrack: value.replace(/^\\s+|\\s+$/g, "") or /\\s+$/ is quadratic on a long run of spaces followed by another character; nested quantifiers such as /^(\\w+\\s?)*$/ are exponential.',
    fix: 'Check the length and the token68 shape first, and trim with String.prototype.trim or an index scan instead of an unanchored trailing-whitespace regex.',
  },
  async run(ctx): Promise<Outcome> {
    const off = loadModeSkip(ctx);
    if (off) return { status: 'skip', message: off };
    const open = await unprotectedBaseline(ctx);
    if (open) return open;
    const path = concretePath(ctx.primaryRoute.path);
    ctx.progress('finding the largest Authorization header the server takes');
    const { size, probes } = await largestAccepted(ctx, path);
    const token = wrongKey(ctx);
    const ordinary: Series = { label: 'ordinary wrong key', value: `Bearer ${token}`, ms: [], limited: 0, status: new Set() };
    const shapes: Series[] = SHAPES.map((s) => ({ label: `${s.label} (${size} characters)`, value: s.value(size, token), ms: [], limited: 0, status: new Set() }));
    ctx.progress(`timing ${shapes.length} header shapes against an ordinary 401`);
    const rounds = await sample(ctx, path, [ordinary, ...shapes], { min: MIN_ROUNDS, max: MAX_ROUNDS, budgetMs: BUDGET_MS });
    const base = median(ordinary.ms);
    const measured = shapes.filter((s) => s.ms.length >= 3);
    if (!Number.isFinite(base) || measured.length === 0) {
      return { status: 'skip', message: `too few measurements (the server's rate limiter answered ${ordinary.limited + shapes.reduce((n, s) => n + s.limited, 0)} of them with 429)` };
    }
    const rated = measured
      .map((s) => ({ s, med: median(s.ms), excess: median(s.ms) - base, ratio: median(s.ms) / base }))
      .sort((x, y) => y.excess - x.excess);
    const worst = rated[0] as (typeof rated)[number];
    const failing = rated.filter((x) => x.excess >= EXCESS_MS && x.ratio >= RATIO);

    // How the worst shape scales: its cost at a quarter of the size (linear ~4x less, quadratic ~16x less).
    let growth: number | null = null;
    let quarterMedian: number | null = null;
    if (worst.excess >= 1) {
      const shape = SHAPES.find((s) => worst.s.label.startsWith(s.label)) as Shape;
      const quarter: Series = { label: `${shape.label} (${Math.round(size / 4)} characters)`, value: shape.value(Math.round(size / 4), token), ms: [], limited: 0, status: new Set() };
      const again: Series = { ...ordinary, ms: [], limited: 0, status: new Set() };
      await sample(ctx, path, [again, quarter], { min: MIN_ROUNDS, max: 15, budgetMs: 1_000 });
      quarterMedian = median(quarter.ms);
      const quarterExcess = quarterMedian - median(again.ms);
      if (quarterExcess > 0.05) growth = Math.log(worst.excess / quarterExcess) / Math.log(4);
    }

    const numbers: Record<string, number | string | boolean | null> = {
      headerSize: size,
      rounds,
      ordinaryMedianMs: r3(base),
      worstShape: worst.s.label,
      worstMedianMs: r3(worst.med),
      worstExcessMs: r3(worst.excess),
      worstRatio: r3(worst.ratio),
      thresholdExcessMs: EXCESS_MS,
      thresholdRatio: RATIO,
      worstQuarterSizeMedianMs: quarterMedian === null ? null : r3(quarterMedian),
      worstGrowthExponent: growth === null ? null : r3(growth),
      answered429: ordinary.limited + shapes.reduce((n, s) => n + s.limited, 0),
    };
    for (const x of rated) numbers[`ratio: ${x.s.label}`] = r3(x.ratio);
    const table = rated.slice(0, 4).map((x) => `${x.s.label}: ${r3(x.med)} ms (×${r3(x.ratio)})`).join('; ');
    if (failing.length === 0) {
      return {
        status: 'pass',
        message: `ordinary 401 ${r3(base)} ms (median of ${ordinary.ms.length}); worst shape ${worst.s.label}: ${r3(worst.med)} ms, ×${r3(worst.ratio)} (fails at +${EXCESS_MS} ms and ×${RATIO})`,
        evidence: { numbers, seed: ctx.options.seed },
      };
    }
    const what = failing.map((x) => `${x.s.label}: median ${r3(x.med)} ms vs ${r3(base)} ms (×${r3(x.ratio)})`).join('; ');
    const scaling = growth === null ? '' : `; at a quarter of the size the worst shape costs ${r3(quarterMedian ?? Number.NaN)} ms: cost grows like size^${r3(growth)}`;
    return {
      status: 'fail',
      message: `pathological Authorization headers are far slower than an ordinary 401: ${what}${scaling}`,
      expected: `each shape's median within +${EXCESS_MS} ms or ×${RATIO} of an ordinary 401's (interleaved samples)`,
      actual: table,
      evidence: {
        numbers,
        seed: ctx.options.seed,
        exchanges: [...failing.slice(0, 3).map((x) => x.s.worst?.record), ...probes.filter((p) => p.status === undefined).map((p) => p.record)].filter((e) => e !== undefined),
        note: `${describe(failing[0]?.s.worst as ProbeResult)}`,
      },
    };
  },
};
