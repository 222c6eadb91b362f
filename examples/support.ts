/** Helpers shared by the example tests. */
import type { ConformanceOptions } from '../src/vitest/index.js';
import type { Report } from '../src/index.js';

/**
 * Budget for conformance runs inside unit tests: timing and load need a quiet machine and
 * minutes, so they run in CI through the CLI instead; fuzzing gets a small budget.
 */
export const UNIT_TEST_BUDGET: ConformanceOptions = { seed: 20260501, skip: ['timing', 'load'], fuzz: { runs: 100, timeMs: 1_000 } };

/**
 * The check categories the flawed examples' expected failures are written for. A category
 * added later is left out here so that a new check does not silently change what "the right
 * checks fail" means; the correct apps run everything.
 */
export const CORE_CATEGORIES = ['modes', 'public-routes', 'unauthorized', 'header-parsing'];

/** `check id -> modes` of the failures in a report, sorted. */
export function failures(report: Report): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of report.results) if (r.status === 'fail') (out[r.id] ??= []).push(r.mode);
  for (const modes of Object.values(out)) modes.sort();
  return out;
}
