import { beforeAll, describe, it } from 'vitest';
import { run } from '../engine/api.js';
import type { Check, Report } from '../engine/types.js';
import type { ModeName } from '../contract/modes.js';
import type { HandlerFactory } from '../targets/handler.js';
import { planConformance, toRunOptions, unknownExpectedFailures, verdictFor, type ConformanceOptions } from './plan.js';

export type { ConformanceOptions, PlannedMode, Verdict } from './plan.js';
export { planConformance, toRunOptions, verdictFor, describeFailure, isExpectedFailure } from './plan.js';
export type { HandlerFactory, HandlerIo, AppLike } from '../targets/handler.js';

/** What {@link describeConformance} gives back: the reports of the modes that have run. */
export interface ConformanceHandle {
  /** Reports by mode name; filled in as each mode's run finishes. */
  readonly reports: ReadonlyMap<string, Report>;
}

/** A failing conformance check inside a vitest test. */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
}

/**
 * Registers the conformance suite as vitest tests: one `describe` per mode and one `it` per
 * check that runs in that mode, so vitest's filters (`-t`, `.only`), reporters and watch mode
 * apply. Each mode's checks run once against a fresh instance built by `factory(env, io)`
 * (Express app, Hono app, Fastify instance or a node listener); only checks whose tests are
 * selected run. Modes run side by side (up to `modeConcurrency`), or one after the other when
 * timing or load checks are selected; a mode whose target cannot be used fails that mode's
 * tests only. Call it at the top level of a test file or inside a `describe`.
 */
export function describeConformance(factory: HandlerFactory, options: ConformanceOptions = {}): ConformanceHandle {
  const plan = planConformance(factory, options);
  const stale = unknownExpectedFailures(options.expectedFailures, plan);
  if (stale.length > 0) throw new Error(`describeConformance: expectedFailures names no selected check/mode: ${stale.join(', ')}`);
  const reports = new Map<string, Report>();
  const { name, label } = options;
  const modeTimeoutMs = options.modeTimeoutMs ?? 120_000;
  const runOptions = toRunOptions(options);
  const suiteName = (mode: string): string => `mode ${mode}`;
  /** Each mode's run, started in the outer beforeAll; settled so no rejection goes unhandled. */
  const runs = new Map<string, Promise<{ report?: Report; error?: unknown }>>();

  describe(name ?? `dexto-auth-conformance (${label ?? 'in-process handler'})`, () => {
    // The first argument must be an object pattern for vitest's fixture parser.
    // eslint-disable-next-line no-empty-pattern
    beforeAll(({}, suite) => {
      const jobs = plan.flatMap(({ mode, checks }) => {
        const modeSuite = suite.tasks.find((t) => t.type === 'suite' && t.name === suiteName(mode.name));
        const tasks = modeSuite?.type === 'suite' ? modeSuite.tasks : [];
        const selected = new Set(tasks.filter((t) => t.mode === 'run' || t.mode === 'only').map((t) => t.name));
        const toRun = checks.filter((c) => selected.has(testName(c)));
        return toRun.length > 0 ? [{ mode: mode.name, toRun }] : [];
      });
      const exclusive = jobs.some((j) => j.toRun.some((c) => c.phase === 'exclusive'));
      const limit = limiter(exclusive ? 1 : Math.max(1, runOptions.modeConcurrency));
      for (const job of jobs) {
        const started = limit(() =>
          // toRun is already selected (only/skip, vitest filters): no second selection.
          run({ ...runOptions, only: [], skip: [], checks: job.toRun, modes: [job.mode as ModeName], target: { kind: 'handler', factory, ...(label ? { label } : {}) } }),
        );
        runs.set(
          job.mode,
          started.then(
            (report) => {
              reports.set(job.mode, report);
              return { report };
            },
            (error: unknown) => ({ error }),
          ),
        );
      }
    });

    for (const { mode, checks } of plan) {
      describe(suiteName(mode.name), () => {
        let report: Report | undefined;
        beforeAll(async () => {
          const outcome = await runs.get(mode.name);
          if (outcome?.error !== undefined) throw outcome.error;
          report = outcome?.report;
        }, modeTimeoutMs * plan.length);
        for (const check of checks) {
          it(testName(check), (ctx) => {
            const result = report?.results.find((r) => r.id === check.id && r.mode === mode.name);
            const verdict = verdictFor(check, mode.name, result, options);
            if (verdict.action === 'skip') return ctx.skip(verdict.note);
            if (verdict.action === 'fail') throw new ConformanceFailure(verdict.message);
          });
        }
      });
    }
  });
  return { reports };
}

/** Runs at most `n` of the given tasks at a time. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  const next = (): void => {
    active -= 1;
    queue.shift()?.();
  };
  return (task) =>
    new Promise((resolve, reject) => {
      const start = (): void => {
        active += 1;
        task().then(resolve, reject).finally(next);
      };
      if (active < n) start();
      else queue.push(start);
    });
}

function testName(check: Check): string {
  return `${check.id} [${check.level} ${check.requirement}]`;
}
