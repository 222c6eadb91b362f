import { DEXTO_ENV_NAMES, MODES, type EnvNames, type ModeDef } from '../contract/modes.js';
import { toRouteSpecs, type RouteInput } from '../config/routes.js';
import type { RunConfig } from '../engine/api.js';
import { defaultOptions, type RunOptions } from '../engine/options.js';
import { selectChecks } from '../engine/select.js';
import type { Check, Result } from '../engine/types.js';
import { HandlerTarget, type HandlerFactory } from '../targets/handler.js';
import { ALL_CHECKS } from '../../suites/index.js';

/** Options of {@link describeConformance}: any `run()` option except the target, plus a few of the adapter's own. */
export interface ConformanceOptions extends Omit<RunConfig, 'target' | 'publicRoutes' | 'protectedRoutes' | 'extraRoutes' | 'envNames'> {
  /** Replaces the Dexto public routes: `"GET /status"` or RouteSpec. */
  publicRoutes?: readonly RouteInput[];
  /** Replaces route discovery (`/openapi.json`): the protected routes to probe. */
  protectedRoutes?: readonly RouteInput[];
  /** Protected routes added to the discovered ones. */
  extraRoutes?: readonly RouteInput[];
  /** Names of the variables that select the mode; any not given keep their Dexto name. */
  envNames?: Partial<EnvNames>;
  /** Name of the outer `describe` block; default `dexto-auth-conformance (<label>)`. */
  name?: string;
  /** Label of the target in reports and test names; default `in-process handler`. */
  label?: string;
  /**
   * Failures you know of and accept for now: `check-id` (every mode) or `check-id@mode`. Their
   * tests pass while the check fails and fail once it passes (the entry is stale then).
   */
  expectedFailures?: readonly string[];
  /** Time limit of one mode's run (the `beforeAll` hook), ms; default 120 000. */
  modeTimeoutMs?: number;
}

/** One (mode, checks) group: a `describe` block with one test per check. */
export interface PlannedMode {
  mode: ModeDef;
  checks: Check[];
}

/** True when the check runs in the mode (its `modes` field). */
export function checkRunsInMode(check: Check, mode: ModeDef): boolean {
  return typeof check.modes === 'function' ? check.modes(mode) : check.modes.includes(mode.kind);
}

/**
 * The tests to register, decided synchronously at collection time: every selected mode, and per
 * mode the selected checks that run in it and can apply to an in-process handler.
 */
export function planConformance(factory: HandlerFactory, options: ConformanceOptions = {}): PlannedMode[] {
  const runOptions = toRunOptions(options);
  const checks = selectChecks(options.checks ?? ALL_CHECKS, runOptions.only, runOptions.skip);
  const info = new HandlerTarget(factory, runOptions.envNames, options.label).info;
  const applicable = checks.filter((c) => (c.applies?.(info, runOptions) ?? true) === true);
  const modes = MODES.filter((m) => !runOptions.modes || runOptions.modes.includes(m.name));
  return modes.map((mode) => ({ mode, checks: applicable.filter((c) => checkRunsInMode(c, mode)) })).filter((p) => p.checks.length > 0);
}

/** The adapter's options as the engine's RunOptions (defaults filled in). */
export function toRunOptions(options: ConformanceOptions): RunOptions {
  const { name: _n, label: _l, expectedFailures: _e, modeTimeoutMs: _t, checks: _c, publicRoutes, protectedRoutes, extraRoutes, envNames, ...rest } = options;
  return defaultOptions({
    ...rest,
    ...(publicRoutes ? { publicRoutes: toRouteSpecs(publicRoutes, 'publicRoutes') } : {}),
    ...(protectedRoutes ? { protectedRoutes: toRouteSpecs(protectedRoutes, 'protectedRoutes') } : {}),
    ...(extraRoutes ? { extraRoutes: toRouteSpecs(extraRoutes, 'extraRoutes') } : {}),
    ...(envNames ? { envNames: { ...DEXTO_ENV_NAMES, ...envNames } } : {}),
  });
}

/** Is `(id, mode)` listed in `expectedFailures` (`id` or `id@mode`)? */
export function isExpectedFailure(expected: readonly string[] | undefined, id: string, mode: string): boolean {
  return (expected ?? []).some((e) => e === id || e === `${id}@${mode}`);
}

/** Entries of `expectedFailures` that name no selected check or mode: almost always a typo. */
export function unknownExpectedFailures(expected: readonly string[] | undefined, plan: readonly PlannedMode[]): string[] {
  return (expected ?? []).filter((e) => {
    const [id, mode] = e.split('@');
    return !plan.some((p) => (mode === undefined || p.mode.name === mode) && p.checks.some((c) => c.id === id));
  });
}

/** What one registered test does with its check's result. */
export type Verdict = { action: 'pass' } | { action: 'skip'; note: string } | { action: 'fail'; message: string };

/**
 * Turns a result into the test's verdict. MUST failures fail; SHOULD failures fail with
 * `strict`, else the test is skipped with a note (so they stay visible); expected failures
 * pass while failing and fail once they pass.
 */
export function verdictFor(check: Check, mode: string, result: Result | undefined, options: ConformanceOptions): Verdict {
  if (!result) return { action: 'fail', message: `no result for ${check.id} in mode ${mode}: the run did not reach this check` };
  const expected = isExpectedFailure(options.expectedFailures, check.id, mode);
  if (result.status === 'skip') return { action: 'skip', note: result.message };
  if (expected) {
    if (result.status === 'fail') return { action: 'pass' };
    return {
      action: 'fail',
      message: `${check.id} is listed in expectedFailures for mode ${mode} but now passes: remove the entry (stale expected failure)`,
    };
  }
  if (result.status === 'pass') return { action: 'pass' };
  if (result.level === 'SHOULD' && !options.strict) {
    return { action: 'skip', note: `SHOULD not met (tolerated; pass strict: true to fail on it): ${result.message}` };
  }
  return { action: 'fail', message: describeFailure(check, result) };
}

/** A failure as a readable multi-line message: what, expected, actual, how to reproduce, how to fix. */
export function describeFailure(check: Check, r: Result): string {
  const lines = [`[${r.level} ${r.requirement}] ${r.id} in mode ${r.mode}: ${r.title}`, r.message];
  if (r.expected) lines.push(`expected: ${r.expected}`);
  if (r.actual && r.actual !== r.message) lines.push(`actual:   ${r.actual}`);
  const numbers = r.evidence?.numbers;
  if (numbers) lines.push(`numbers:  ${Object.entries(numbers).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
  if (r.evidence?.seed !== undefined) lines.push(`seed:     ${r.evidence.seed}`);
  for (const e of (r.evidence?.exchanges ?? []).slice(0, 3)) lines.push(`reproduce: ${e.curl}`);
  for (const l of (r.evidence?.logLines ?? []).slice(0, 3)) lines.push(`log: ${l}`);
  if (check.explain) lines.push(`fix: ${check.explain.fix}`);
  return lines.join('\n');
}
