import type { Duplex } from 'node:stream';
import type { ModeDef } from '../contract/modes.js';
import type { RouteSpec } from '../contract/routes.js';
import type { Prober } from '../http/prober.js';
import type { Exchange } from '../http/types.js';
import type { LogCapture } from '../targets/log-capture.js';
import type { StartResult, TargetInfo } from '../targets/types.js';
import type { Random } from '../util/random.js';
import type { RunOptions } from './options.js';

/** MUST failures make a target non-conformant; SHOULD failures only with --strict. */
export type Level = 'MUST' | 'SHOULD';

/** Check categories, in report order (part of the CLI interface). */
export const CATEGORIES = ['modes', 'public-routes', 'unauthorized', 'header-parsing', 'timing', 'logging', 'fuzz', 'load'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Evidence a failing (or notable) result carries. */
export interface Evidence {
  exchanges?: Exchange[];
  /** Log lines tied to the finding, key masked. */
  logLines?: string[];
  /** Measured numbers (timing, load): samples, effect sizes, thresholds. */
  numbers?: Record<string, number | string | boolean | null>;
  /** Replay information for randomised checks. */
  seed?: number;
  note?: string;
}

/** What a check's run returns. */
export type Outcome =
  | { status: 'pass'; message?: string; evidence?: Evidence }
  | { status: 'skip'; message: string; evidence?: Evidence }
  | { status: 'fail'; message: string; expected: string; actual: string; evidence?: Evidence };

/** Everything a check may use while it runs in one mode. */
export interface CheckContext {
  mode: ModeDef;
  target: TargetInfo;
  /** The valid key in this mode; undefined in modes without one. Never print it. */
  key: string | undefined;
  http: Prober;
  /** Protected routes (concrete paths are made with concretePath). */
  routes: readonly RouteSpec[];
  publicRoutes: readonly RouteSpec[];
  /** A protected GET route without parameters: the positive control's route. */
  primaryRoute: RouteSpec;
  /** Captured stdout/stderr (or followed log file); undefined when the target's logs are not visible. */
  logs: LogCapture | undefined;
  options: RunOptions;
  rng: Random;
  signal: AbortSignal;
  /** Progress for long checks; shown on a TTY only. */
  progress(message: string): void;
  /** How the target started in this mode. */
  startup: { state: 'ready' } | { state: 'refused'; reason: string };
  /** Starts a further instance of the target in this mode with another key (restartable targets only). */
  startInstance?: (key: string) => Promise<StartResult>;
  /** In-process targets: opens an in-memory connection to the server (no socket), for timing. */
  connectInProcess?: () => Duplex;
}

/** One declared conformance check (h2spec style). */
export interface Check {
  /** Stable id, `<category>.<name>`. */
  id: string;
  /** SPEC.md requirement id. */
  requirement: string;
  level: Level;
  category: Category;
  title: string;
  /** Which modes the check runs in; other modes do not list it. */
  modes: ReadonlyArray<ModeDef['kind']> | ((mode: ModeDef) => boolean);
  /** Whether the check can run against this target; a string is the skip reason. */
  applies?: (target: TargetInfo, options: RunOptions) => true | string;
  /**
   * When the check runs: `main` (default, modes in parallel); `exclusive` (after every main
   * check, alone on the machine: timing, load); `final` (last in its mode, reads what all other
   * checks sent).
   */
  phase?: 'main' | 'exclusive' | 'final';
  /** Also runs when the server refused to start in a fail-closed mode (ctx.startup says so). */
  runsWhenRefused?: boolean;
  /** Wall-clock limit; default 30 s. */
  timeoutMs?: number;
  /** For --explain: why it matters, what broken servers do, how to fix. */
  explain?: { why: string; typicalFault: string; fix: string };
  run(ctx: CheckContext): Promise<Outcome>;
}

/** The result of one check in one mode (what reporters see). */
export interface Result {
  id: string;
  requirement: string;
  category: Category;
  mode: string;
  level: Level;
  status: 'pass' | 'fail' | 'skip';
  title: string;
  message: string;
  expected?: string;
  actual?: string;
  evidence?: Evidence;
  durationMs: number;
}

/** Notes about a mode's run (startup, restarts, refused start). */
export interface ModeReport {
  mode: string;
  state: 'ran' | 'refused-start' | 'not-run';
  note?: string;
  requests: number;
}

/** A whole run. */
export interface Report {
  tool: { name: string; version: string };
  target: TargetInfo;
  seed: number;
  startedAt: string;
  durationMs: number;
  modes: ModeReport[];
  results: Result[];
  summary: {
    passed: number;
    failed: number;
    skipped: number;
    failedMust: number;
    failedShould: number;
    /** Checks that broke inside the harness (a bug of ours, reported, exit code 3). */
    errors: number;
    conformant: boolean;
  };
}
