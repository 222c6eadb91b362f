import { DEXTO_ENV_NAMES, type EnvNames, type ModeName } from '../contract/modes.js';
import type { RouteSpec } from '../contract/routes.js';
import type { TlsOptions } from '../http/client.js';

/** Options every check can read; the CLI, config files and `run()` all produce this. */
export interface RunOptions {
  /** Modes to run; undefined means every mode the target supports. */
  modes?: ModeName[];
  /** Categories or id prefixes to run / leave out. */
  only: string[];
  skip: string[];
  seed: number;
  /** SHOULD failures also make the run non-conformant. */
  strict: boolean;
  /** Extra protected routes (`--route METHOD:PATH`). */
  extraRoutes: RouteSpec[];
  /** Replaces the contract's public routes (non-Dexto servers). */
  publicRoutes?: RouteSpec[];
  /** Replaces route discovery (non-Dexto servers). */
  protectedRoutes?: RouteSpec[];
  envNames: EnvNames;
  /**
   * The variable the `curl` reproduction lines read the key from: where the user keeps it. By
   * default the key variable of `envNames` (a URL target: the variable its key came from).
   */
  keyVar?: string;
  allowMutating: boolean;
  allowPlainHttp: boolean;
  allowRemoteLoad: boolean;
  startTimeoutMs: number;
  /** Modes started and checked at the same time. */
  modeConcurrency: number;
  tls: TlsOptions;
  logFile?: string;
  timing: { samples?: number; timeMs?: number; thresholdNs?: number; keepAwake?: boolean };
  fuzz: { runs: number; timeMs: number };
  load: { timeMs: number; connections: number };
  /** Called with progress lines for long checks (the CLI shows them on a TTY only). */
  onProgress?: (line: string) => void;
}

/** Defaults for everything not given. */
export function defaultOptions(overrides: Partial<RunOptions> = {}): RunOptions {
  return {
    only: [],
    skip: [],
    seed: 1,
    strict: false,
    extraRoutes: [],
    envNames: DEXTO_ENV_NAMES,
    allowMutating: false,
    allowPlainHttp: false,
    allowRemoteLoad: false,
    startTimeoutMs: 15_000,
    modeConcurrency: 4,
    tls: {},
    timing: {},
    fuzz: { runs: 1_000, timeMs: 5_000 },
    load: { timeMs: 3_000, connections: 32 },
    ...overrides,
  };
}
