import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEXTO_ENV_NAMES, MODE_NAMES, type EnvNames } from '../contract/modes.js';
import type { RunOptions } from '../engine/options.js';
import { UsageError } from '../engine/select.js';
import { routeText, toRouteSpecs, type RouteInput } from './routes.js';

/** Files looked for in the working directory when `--config` is not given, in this order. */
export const CONFIG_FILE_NAMES = ['dexto-auth-conformance.config.json', 'dexto-auth-conformance.config.mjs'] as const;

/**
 * The config file (`dexto-auth-conformance.config.json`, or `.mjs` with a default export).
 * Every key is optional; command-line flags override it. The API key itself never goes here,
 * only the name of the variable holding it (`apiKeyEnv`).
 */
export interface ConfigFile {
  $schema?: string;
  /** URL of a running server (one mode). */
  target?: string;
  /** Shell command that starts the server, once per mode. */
  targetCmd?: string;
  /** Variable the key of a `target` server is read from. */
  apiKeyEnv?: string;
  /** Mode a `target` server runs in. */
  mode?: string;
  modes?: string[];
  only?: string[];
  skip?: string[];
  /** Extra protected routes, `"METHOD /path"`. */
  routes?: RouteInput[];
  /** Replaces the Dexto public routes. */
  publicRoutes?: RouteInput[];
  /** Replaces route discovery. */
  protectedRoutes?: RouteInput[];
  /** Names of the variables that select the mode (non-Dexto servers). */
  envNames?: Partial<EnvNames>;
  seed?: number;
  strict?: boolean;
  failOn?: 'must' | 'should';
  allowMutating?: boolean;
  allowPlainHttp?: boolean;
  allowRemoteLoad?: boolean;
  /** Seconds. */
  startTimeout?: number;
  logFile?: string;
  ca?: string;
  insecureTls?: boolean;
  verbose?: boolean;
  timing?: { samples?: number; time?: number; threshold?: number; keepAwake?: boolean };
  fuzz?: { runs?: number; time?: number };
  load?: { time?: number; connections?: number };
  reports?: { json?: string; junit?: string; markdown?: string; sarif?: string; html?: string };
  baseline?: string;
}

type Kind = 'string' | 'boolean' | 'number' | 'strings' | 'routes' | { enum: readonly string[] } | { object: Record<string, Kind> };

/** Every key a config file may have, with its type and the CLI flag it stands for. */
const SCHEMA: Record<string, { kind: Kind; flag?: string }> = {
  $schema: { kind: 'string' },
  target: { kind: 'string', flag: 'target' },
  targetCmd: { kind: 'string', flag: 'target-cmd' },
  apiKeyEnv: { kind: 'string', flag: 'api-key-env' },
  mode: { kind: { enum: MODE_NAMES }, flag: 'mode' },
  modes: { kind: 'strings', flag: 'modes' },
  only: { kind: 'strings', flag: 'only' },
  skip: { kind: 'strings', flag: 'skip' },
  routes: { kind: 'routes', flag: 'route' },
  publicRoutes: { kind: 'routes', flag: 'public-route' },
  protectedRoutes: { kind: 'routes', flag: 'protected-route' },
  envNames: { kind: { object: { nodeEnv: 'string', apiKey: 'string', requireAuth: 'string' } } },
  seed: { kind: 'number', flag: 'seed' },
  strict: { kind: 'boolean', flag: 'strict' },
  failOn: { kind: { enum: ['must', 'should'] }, flag: 'fail-on' },
  allowMutating: { kind: 'boolean', flag: 'allow-mutating' },
  allowPlainHttp: { kind: 'boolean', flag: 'allow-plain-http' },
  allowRemoteLoad: { kind: 'boolean', flag: 'allow-remote-load' },
  startTimeout: { kind: 'number', flag: 'start-timeout' },
  logFile: { kind: 'string', flag: 'log-file' },
  ca: { kind: 'string', flag: 'ca' },
  insecureTls: { kind: 'boolean', flag: 'insecure-tls' },
  verbose: { kind: 'boolean', flag: 'verbose' },
  timing: { kind: { object: { samples: 'number', time: 'number', threshold: 'number', keepAwake: 'boolean' } } },
  fuzz: { kind: { object: { runs: 'number', time: 'number' } } },
  load: { kind: { object: { time: 'number', connections: 'number' } } },
  reports: { kind: { object: { json: 'string', junit: 'string', markdown: 'string', sarif: 'string', html: 'string' } } },
  baseline: { kind: 'string', flag: 'baseline' },
};

/** CLI flags of nested config keys (`timing.samples` -> `--timing-samples`). */
const NESTED_FLAGS: Record<string, string> = {
  'timing.samples': 'timing-samples',
  'timing.time': 'timing-time',
  'timing.threshold': 'timing-threshold',
  'timing.keepAwake': 'timing-keep-awake',
  'fuzz.runs': 'fuzz-runs',
  'fuzz.time': 'fuzz-time',
  'load.time': 'load-time',
  'load.connections': 'load-connections',
  'reports.json': 'json',
  'reports.junit': 'junit',
  'reports.markdown': 'markdown',
  'reports.sarif': 'sarif',
  'reports.html': 'html',
};

function checkValue(value: unknown, kind: Kind, where: string, source: string): void {
  const bad = (what: string): never => {
    throw new UsageError(`${source}: "${where}" must be ${what}, got ${JSON.stringify(value)}`);
  };
  if (kind === 'string') {
    if (typeof value !== 'string') bad('a string');
  } else if (kind === 'boolean') {
    if (typeof value !== 'boolean') bad('true or false');
  } else if (kind === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) bad('a number');
  } else if (kind === 'strings') {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) bad('an array of strings');
  } else if (kind === 'routes') {
    if (!Array.isArray(value)) bad('an array of routes ("GET /path")');
    toRouteSpecs(value as RouteInput[], `${source}: "${where}"`);
  } else if ('enum' in kind) {
    if (typeof value !== 'string' || !kind.enum.includes(value)) bad(`one of ${kind.enum.join(', ')}`);
  } else {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('an object');
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const sub = kind.object[k];
      if (!sub) throw new UsageError(`${source}: unknown key "${where}.${k}" (known in ${where}: ${Object.keys(kind.object).join(', ')})`);
      checkValue(v, sub, `${where}.${k}`, source);
    }
  }
}

/** Validates parsed config data: an unknown key is an error naming it (exit code 2). */
export function validateConfig(data: unknown, source: string): ConfigFile {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UsageError(`${source}: the config must be a JSON object`);
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const spec = SCHEMA[key];
    if (!spec) throw new UsageError(`${source}: unknown key "${key}" (known keys: ${Object.keys(SCHEMA).filter((k) => k !== '$schema').join(', ')})`);
    if (value === undefined) continue;
    checkValue(value, spec.kind, key, source);
  }
  const config = data as ConfigFile;
  for (const m of config.modes ?? []) {
    if (!(MODE_NAMES as readonly string[]).includes(m)) throw new UsageError(`${source}: "modes": unknown mode "${m}" (known: ${MODE_NAMES.join(', ')})`);
  }
  if (config.target !== undefined && config.targetCmd !== undefined) throw new UsageError(`${source}: "target" and "targetCmd" cannot both be set`);
  return config;
}

/** Reads and validates one config file (`.json`, or `.mjs`/`.js` with a default export). */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  const source = path;
  if (/\.(mjs|js)$/.test(path)) {
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    } catch (e) {
      throw new UsageError(`${source}: cannot load: ${(e as Error).message}`);
    }
    return validateConfig(mod.default, source);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--config ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  return validateConfig(data, source);
}

/** The `--config` value in raw arguments, if any (read before the full parse, which needs the config). */
export function configArg(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (a === '--') break;
    if (a === '--config') {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError('--config needs a file name');
      return next;
    }
    if (a.startsWith('--config=')) return a.slice('--config='.length);
  }
  return undefined;
}

/** Whether a flag was given on the command line (`--name`, `--name=…`, `--no-name`). */
export function flagGiven(args: readonly string[], name: string): boolean {
  return args.some((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `--no-${name}`);
}

/** A config file found and read. */
export interface LoadedConfig {
  /** Path as given or found; undefined when no config file is used. */
  file?: string;
  config: ConfigFile;
}

/** Finds (`--config`, else a default file in `cwd`) and reads the config; none is fine. */
export async function loadConfig(args: readonly string[], cwd: string): Promise<LoadedConfig> {
  const given = configArg(args);
  if (given !== undefined) {
    const path = isAbsolute(given) ? given : resolve(cwd, given);
    if (!existsSync(path)) throw new UsageError(`--config ${given}: no such file`);
    return { file: path, config: await readConfigFile(path) };
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return { file: path, config: await readConfigFile(path) };
  }
  return { config: {} };
}

/**
 * The config's values keyed by CLI flag, for yargs' `.config()`: flags given on the command
 * line win over them, they win over the flags' defaults. `target`/`targetCmd` from the file are
 * dropped when the command line names either (so a flag can switch the kind of target).
 */
export function configAsFlags(config: ConfigFile, args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const cliTarget = flagGiven(args, 'target') || flagGiven(args, 'target-cmd');
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    const spec = SCHEMA[key];
    if ((key === 'target' || key === 'targetCmd' || key === 'mode') && cliTarget) continue;
    if (spec?.flag) {
      if (key === 'modes') out[spec.flag] = (value as string[]).join(',');
      else if (spec.kind === 'routes') out[spec.flag] = toRouteSpecs(value as RouteInput[], key).map((r) => `${r.method}:${r.path}`);
      else out[spec.flag] = value;
      continue;
    }
    if (typeof value === 'object' && value !== null && key !== 'envNames') {
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) {
        const flag = NESTED_FLAGS[`${key}.${sub}`];
        if (flag && v !== undefined) out[flag] = v;
      }
    }
  }
  return out;
}

/** Parses `--env-name nodeEnv=APP_ENV` values over the config's `envNames`. */
export function mergeEnvNames(config: ConfigFile, flags: readonly string[] | undefined): EnvNames {
  const names: EnvNames = { ...DEXTO_ENV_NAMES, ...config.envNames };
  for (const f of flags ?? []) {
    const m = /^(nodeEnv|apiKey|requireAuth)=([A-Za-z_][A-Za-z0-9_]*)$/.exec(f);
    if (!m?.[1] || !m[2]) throw new UsageError(`--env-name must look like nodeEnv=APP_ENV, apiKey=MY_API_KEY or requireAuth=MY_REQUIRE_AUTH, got "${f}"`);
    names[m[1] as keyof EnvNames] = m[2];
  }
  return names;
}

/** Options a config file sets that are not plain flags: routes replacing the contract's, variable names. */
export function configRunOptions(config: ConfigFile, argv: { 'public-route'?: string[]; 'protected-route'?: string[]; 'env-name'?: string[] }): Partial<RunOptions> {
  const publicRoutes = argv['public-route'];
  const protectedRoutes = argv['protected-route'];
  return {
    envNames: mergeEnvNames(config, argv['env-name']),
    ...(publicRoutes && publicRoutes.length > 0 ? { publicRoutes: toRouteSpecs(publicRoutes, '--public-route') } : {}),
    ...(protectedRoutes && protectedRoutes.length > 0 ? { protectedRoutes: toRouteSpecs(protectedRoutes, '--protected-route') } : {}),
  };
}

/**
 * The merged settings in the config file's own shape (`--print-config`): loadable again as a
 * config file. Holds variable names only, never a key.
 */
export function printableConfig(argv: Record<string, unknown>, config: ConfigFile): ConfigFile {
  const get = <T>(flag: string): T | undefined => argv[flag] as T | undefined;
  const routes = (flag: string): string[] | undefined => {
    const v = get<string[]>(flag);
    return v && v.length > 0 ? toRouteSpecs(v, flag).map(routeText) : undefined;
  };
  const modes = get<string>('modes')?.split(',').map((m) => m.trim()).filter(Boolean);
  const envNames = mergeEnvNames(config, get<string[]>('env-name'));
  const obj = (o: Record<string, unknown>): Record<string, unknown> | undefined => {
    const clean = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    return Object.keys(clean).length > 0 ? clean : undefined;
  };
  const out: Record<string, unknown> = {
    target: get('target'),
    targetCmd: get('target-cmd'),
    apiKeyEnv: get<string>('api-key-env') ?? envNames.apiKey,
    mode: get('mode'),
    modes,
    only: get('only'),
    skip: get('skip'),
    routes: routes('route'),
    publicRoutes: routes('public-route'),
    protectedRoutes: routes('protected-route'),
    envNames,
    seed: get('seed'),
    strict: get('strict'),
    failOn: get('fail-on') ?? (get<boolean>('strict') ? 'should' : 'must'),
    allowMutating: get('allow-mutating'),
    allowPlainHttp: get('allow-plain-http'),
    allowRemoteLoad: get('allow-remote-load'),
    startTimeout: get('start-timeout'),
    logFile: get('log-file'),
    ca: get('ca'),
    insecureTls: get('insecure-tls'),
    verbose: get('verbose'),
    timing: obj({ samples: get('timing-samples'), time: get('timing-time'), threshold: get('timing-threshold'), keepAwake: get('timing-keep-awake') }),
    fuzz: obj({ runs: get('fuzz-runs'), time: get('fuzz-time') }),
    load: obj({ time: get('load-time'), connections: get('load-connections') }),
    reports: obj({ json: get('json'), junit: get('junit'), markdown: get('markdown'), sarif: get('sarif'), html: get('html') }),
    baseline: get('baseline'),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as ConfigFile;
}

/** A path for reports, relative to `cwd` when inside it. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
