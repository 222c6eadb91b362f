import type { Level, Report, Result } from '../engine/types.js';

/** One accepted failure: a check in a mode. */
export interface BaselineEntry {
  id: string;
  mode: string;
  level?: Level;
  /** Why it is accepted for now (free text, kept when the baseline is rewritten). */
  reason?: string;
}

/** The baseline file (`--baseline`): known failures that do not fail the run. */
export interface Baseline {
  version: 1;
  tool: 'dexto-auth-conformance';
  expectedFailures: BaselineEntry[];
}

/** Which failures count: MUST only (default) or MUST and SHOULD (`--fail-on should`, `--strict`). */
export type FailOn = 'must' | 'should';

/** How a report compares with a baseline and a threshold. */
export interface Evaluation {
  failOn: FailOn;
  /** Failures at or above the threshold that the baseline does not accept: they fail the run. */
  failing: Result[];
  /** Failures the baseline accepts. */
  accepted: Result[];
  /** Failures below the threshold (SHOULD with `--fail-on must`), not in the baseline. */
  tolerated: Result[];
  /** Baseline entries whose check now passes: the run fails until they are removed. */
  stale: BaselineEntry[];
  /** Baseline entries this run did not check (mode or check not run, or skipped). */
  unchecked: BaselineEntry[];
  /** Exit verdict: no failing result and no stale entry. */
  ok: boolean;
}

const keyOf = (id: string, mode: string): string => `${id}\u0000${mode}`;

/** Compares a report with an optional baseline under a threshold. */
export function evaluate(report: Report, options: { failOn: FailOn; baseline?: Baseline }): Evaluation {
  const entries = options.baseline?.expectedFailures ?? [];
  const accepted = new Set(entries.map((e) => keyOf(e.id, e.mode)));
  const counts = (r: Result): boolean => r.level === 'MUST' || options.failOn === 'should';
  const failures = report.results.filter((r) => r.status === 'fail');
  const byKey = new Map(report.results.map((r) => [keyOf(r.id, r.mode), r]));
  const stale = entries.filter((e) => byKey.get(keyOf(e.id, e.mode))?.status === 'pass');
  const unchecked = entries.filter((e) => {
    const r = byKey.get(keyOf(e.id, e.mode));
    return r === undefined || r.status === 'skip';
  });
  const failing = failures.filter((r) => counts(r) && !accepted.has(keyOf(r.id, r.mode)));
  return {
    failOn: options.failOn,
    failing,
    accepted: failures.filter((r) => accepted.has(keyOf(r.id, r.mode))),
    tolerated: failures.filter((r) => !counts(r) && !accepted.has(keyOf(r.id, r.mode))),
    stale,
    unchecked,
    ok: failing.length === 0 && stale.length === 0,
  };
}

/**
 * A baseline accepting every failure of the report. Reasons of entries that are still failing
 * are kept from `previous`; entries for checks this run did not reach are kept as they were.
 */
export function baselineFromReport(report: Report, previous?: Baseline): Baseline {
  const old = new Map((previous?.expectedFailures ?? []).map((e) => [keyOf(e.id, e.mode), e]));
  const ran = new Set(report.results.filter((r) => r.status !== 'skip').map((r) => keyOf(r.id, r.mode)));
  const entries: BaselineEntry[] = report.results
    .filter((r) => r.status === 'fail')
    .map((r) => {
      const reason = old.get(keyOf(r.id, r.mode))?.reason;
      return { id: r.id, mode: r.mode, level: r.level, ...(reason ? { reason } : {}) };
    });
  for (const [k, e] of old) if (!ran.has(k)) entries.push(e);
  entries.sort((a, b) => a.id.localeCompare(b.id) || a.mode.localeCompare(b.mode));
  return { version: 1, tool: 'dexto-auth-conformance', expectedFailures: entries };
}

/** The baseline file's text. */
export function renderBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Parses a baseline file; throws an Error naming what is wrong. */
export function parseBaseline(text: string, source = 'baseline'): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${source}: expected an object with "expectedFailures"`);
  const obj = data as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (!['version', 'tool', 'expectedFailures', '$schema'].includes(k)) throw new Error(`${source}: unknown key "${k}"`);
  if (obj.version !== undefined && obj.version !== 1) throw new Error(`${source}: unsupported version ${JSON.stringify(obj.version)} (expected 1)`);
  if (!Array.isArray(obj.expectedFailures)) throw new Error(`${source}: "expectedFailures" must be an array`);
  const entries = obj.expectedFailures.map((e: unknown, i): BaselineEntry => {
    const where = `${source}: expectedFailures[${i}]`;
    if (typeof e !== 'object' || e === null) throw new Error(`${where} must be an object { id, mode }`);
    const x = e as Record<string, unknown>;
    for (const k of Object.keys(x)) if (!['id', 'mode', 'level', 'reason'].includes(k)) throw new Error(`${where}: unknown key "${k}"`);
    if (typeof x.id !== 'string' || x.id === '') throw new Error(`${where}: "id" must be a check id`);
    if (typeof x.mode !== 'string' || x.mode === '') throw new Error(`${where}: "mode" must be a mode name`);
    if (x.level !== undefined && x.level !== 'MUST' && x.level !== 'SHOULD') throw new Error(`${where}: "level" must be MUST or SHOULD`);
    if (x.reason !== undefined && typeof x.reason !== 'string') throw new Error(`${where}: "reason" must be a string`);
    return { id: x.id, mode: x.mode, ...(x.level ? { level: x.level as Level } : {}), ...(typeof x.reason === 'string' ? { reason: x.reason } : {}) };
  });
  return { version: 1, tool: 'dexto-auth-conformance', expectedFailures: entries };
}
