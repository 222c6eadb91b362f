import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import yargs from 'yargs';
import { MODE_NAMES, type ModeName } from './contract/modes.js';
import { parseRouteArg, type RouteSpec } from './contract/routes.js';
import { makeTarget, withKeyVar, type TargetSpec } from './engine/api.js';
import { defaultOptions, type RunOptions } from './engine/options.js';
import { runSuite } from './engine/run.js';
import { selectChecks, UsageError } from './engine/select.js';
import type { Check, Report } from './engine/types.js';
import { renderConsole } from './report/console.js';
import { renderJson } from './report/json.js';
import { renderJunit } from './report/junit.js';
import { renderMarkdown } from './report/markdown.js';
import { renderSarif } from './report/sarif.js';
import { renderHtml } from './report/html.js';
import { baselineFromReport, evaluate, parseBaseline, renderBaseline, type Baseline, type Evaluation } from './report/baseline.js';
import { configAsFlags, configRunOptions, displayPath, loadConfig, printableConfig, type LoadedConfig } from './config/load.js';
import { startReferenceServer } from './reference/serve.js';
import { TargetError } from './targets/types.js';
import { randomSeed } from './util/random.js';
import { ALL_CHECKS } from '../suites/index.js';

/** Exit codes (README "Exit codes"). */
export const EXIT = { conformant: 0, notConformant: 1, usage: 2, internal: 3 } as const;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
  /** Where the default config file and a relative --config are looked for; default process.cwd(). */
  cwd?: string;
}

const defaultIo = (): Io => ({
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  isTty: Boolean(process.stdout.isTTY),
});

function parser(args: string[], fromConfig: Record<string, unknown> = {}) {
  return yargs(args)
    .scriptName('dexto-auth-conformance')
    .usage('$0 [options]\n$0 serve-reference\n\nRuns the Dexto API-key auth conformance suite (default target: the built-in reference server, every mode).')
    .option('target', { type: 'string', describe: 'URL of a running server (one mode); key from --api-key-env' })
    .option('target-cmd', { type: 'string', describe: 'shell command that starts your server; run once per mode with PORT, HOST and the mode variables' })
    .option('api-key-env', { type: 'string', describe: 'environment variable holding the key of a --target server (default: the key variable of --env-name, else DEXTO_SERVER_API_KEY)' })
    .option('mode', { type: 'string', choices: [...MODE_NAMES], describe: 'mode a --target server runs in (default: detected)' })
    .option('modes', { type: 'string', describe: `comma-separated modes to run (${MODE_NAMES.join(', ')})` })
    .option('only', { type: 'string', array: true, describe: 'categories or check-id prefixes to run' })
    .option('skip', { type: 'string', array: true, describe: 'categories or check-id prefixes to leave out' })
    .option('list', { type: 'boolean', describe: 'list the checks with their requirement and exit' })
    .option('explain', { type: 'string', describe: 'explain one check id and exit' })
    .option('json', { type: 'string', describe: 'write the JSON report to this file' })
    .option('junit', { type: 'string', describe: 'write a JUnit XML report to this file' })
    .option('strict', { type: 'boolean', default: false, describe: 'SHOULD failures also make the run fail' })
    .option('seed', { type: 'number', describe: 'seed for every randomised choice (printed in the report)' })
    .option('route', { type: 'string', array: true, describe: 'extra protected route METHOD:PATH (repeatable)' })
    .option('allow-mutating', { type: 'boolean', default: false, describe: 'let keyed requests to a --target use methods other than GET/HEAD' })
    .option('allow-plain-http', { type: 'boolean', default: false, describe: 'allow sending the key over http:// to a non-loopback host' })
    .option('ca', { type: 'string', describe: 'PEM file of the CA for an https --target' })
    .option('insecure-tls', { type: 'boolean', default: false, describe: 'accept any certificate from an https --target' })
    .option('start-timeout', { type: 'number', default: 15, describe: 'seconds to wait for GET /health after starting a server' })
    .option('log-file', { type: 'string', describe: "a --target server's log file, followed during the run" })
    .option('timing-samples', { type: 'number', describe: 'timing: maximum measurements per mode' })
    .option('timing-time', { type: 'number', describe: 'timing: time budget per mode, seconds' })
    .option('timing-threshold', { type: 'number', describe: 'timing: smallest leak that counts, ns' })
    .option('timing-keep-awake', { type: 'boolean', describe: 'timing: keep CPUs out of idle states with lowest-priority spinners while measuring (default on; --no-timing-keep-awake)' })
    .option('fuzz-runs', { type: 'number', default: 1000, describe: 'fuzz: generated header cases and path cases per mode' })
    .option('fuzz-time', { type: 'number', default: 5, describe: 'fuzz: time budget per mode, seconds (sending and shrinking)' })
    .option('load-time', { type: 'number', default: 3, describe: 'load: burst duration, seconds' })
    .option('load-connections', { type: 'number', default: 32, describe: 'load: concurrent connections' })
    .option('allow-remote-load', { type: 'boolean', default: false, describe: 'allow load checks against a non-loopback target' })
    .option('verbose', { type: 'boolean', default: false, describe: 'list passing and skipped checks too' })
    .option('color', { type: 'boolean', describe: 'colour output (default: on a TTY)' })
    .option('config', { type: 'string', describe: 'config file (default: dexto-auth-conformance.config.json or .mjs in the working directory); flags override it' })
    .option('print-config', { type: 'boolean', describe: 'print the merged configuration (config file + flags) as JSON and exit' })
    .option('markdown', { type: 'string', describe: 'write a Markdown summary to this file (also to $GITHUB_STEP_SUMMARY on GitHub Actions)' })
    .option('sarif', { type: 'string', describe: 'write a SARIF 2.1.0 report (code scanning) to this file' })
    .option('html', { type: 'string', describe: 'write a single-file HTML report to this file' })
    .option('baseline', { type: 'string', describe: 'JSON file of known failures: they do not fail the run; a listed check that passes again does' })
    .option('update-baseline', { type: 'boolean', describe: "write this run's failures to the --baseline file" })
    .option('fail-on', { type: 'string', choices: ['must', 'should'], describe: 'lowest level of failure that fails the run (should == --strict)' })
    .option('public-route', { type: 'string', array: true, describe: 'replaces the public routes: METHOD:PATH (repeatable; non-Dexto servers)' })
    .option('protected-route', { type: 'string', array: true, describe: 'replaces route discovery: METHOD:PATH (repeatable)' })
    .option('env-name', { type: 'string', array: true, describe: 'variable names of a non-Dexto server: nodeEnv=APP_ENV, apiKey=MY_API_KEY, requireAuth=MY_REQUIRE_AUTH' })
    .config(fromConfig)
    .command('serve-reference', 'start the reference server (reads PORT, HOST, NODE_ENV, DEXTO_SERVER_API_KEY, DEXTO_SERVER_REQUIRE_AUTH)')
    .conflicts('target', 'target-cmd')
    .strict()
    .help()
    .version('0.1.0')
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(msg || err?.message || 'invalid arguments');
    });
}

/** CLI entry: parses args, runs, writes reports; returns the exit code. */
export async function main(args: string[], io: Io = defaultIo()): Promise<number> {
  let argv;
  let helpText = '';
  const cwd = io.cwd ?? process.cwd();
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig(args, cwd);
  } catch (error) {
    io.err(`dexto-auth-conformance: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  try {
    const p = parser(args, configAsFlags(loaded.config, args));
    argv = await p.parseAsync(args, {}, (_err, _argv, output) => {
      helpText = output;
    });
  } catch (error) {
    io.err(`dexto-auth-conformance: ${(error as Error).message}\nRun with --help for usage.\n`);
    return EXIT.usage;
  }
  if (helpText) {
    io.out(`${helpText}\n`);
    return EXIT.conformant;
  }
  try {
    if (argv._[0] === 'serve-reference') return await serveReference(io);
    if (argv._.length > 0) throw new UsageError(`unknown command: ${String(argv._[0])}`);
    if (argv.list) return list(io);
    if (argv.explain !== undefined) return explain(argv.explain, io);
    if (argv['print-config']) return printConfig(argv, loaded, io);
    const options = { ...toOptions(argv, io), ...configRunOptions(loaded.config, argv) };
    const spec = toTarget(argv, io, options.envNames.apiKey);
    const checks = selectChecks(ALL_CHECKS, options.only, options.skip);
    const baseline = readBaseline(argv, cwd);
    const runOptions = withKeyVar(options, spec);
    const { target, key } = await makeTarget(spec, runOptions);
    const report = await runSuite(target, checks, runOptions, key);
    return writeReports(report, argv, io, { loaded, baseline, cwd });
  } catch (error) {
    if (error instanceof UsageError || error instanceof TargetError) {
      io.err(`dexto-auth-conformance: ${error.message}\n`);
      return EXIT.usage;
    }
    io.err(`dexto-auth-conformance: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.internal;
  }
}

type Argv = Awaited<ReturnType<ReturnType<typeof parser>['parseAsync']>>;

function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a positive number, got ${value}`);
  return value;
}

function toOptions(argv: Argv, io: Io): RunOptions {
  const modes = argv.modes?.split(',').map((m) => m.trim()).filter(Boolean);
  if (modes !== undefined && modes.length === 0) throw new UsageError(`--modes names no mode (known: ${MODE_NAMES.join(', ')})`);
  for (const m of modes ?? []) if (!(MODE_NAMES as readonly string[]).includes(m)) throw new UsageError(`--modes: unknown mode "${m}" (known: ${MODE_NAMES.join(', ')})`);
  const routes: RouteSpec[] = (argv.route ?? []).map((r) => {
    const parsed = parseRouteArg(r);
    if (!parsed) throw new UsageError(`--route must look like METHOD:/path, got "${r}"`);
    return parsed;
  });
  let ca: Buffer | undefined;
  if (argv.ca) {
    try {
      ca = readFileSync(argv.ca);
    } catch (e) {
      throw new UsageError(`--ca ${argv.ca}: ${(e as Error).message}`);
    }
  }
  const seed = argv.seed ?? randomSeed();
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${argv.seed}`);
  const timingTime = positive('timing-time', argv['timing-time']);
  const timingSamples = positive('timing-samples', argv['timing-samples']);
  const timingThreshold = positive('timing-threshold', argv['timing-threshold']);
  return defaultOptions({
    ...(modes ? { modes: modes as ModeName[] } : {}),
    only: argv.only ?? [],
    skip: argv.skip ?? [],
    seed,
    strict: argv.strict || argv['fail-on'] === 'should',
    extraRoutes: routes,
    allowMutating: argv['allow-mutating'],
    allowPlainHttp: argv['allow-plain-http'],
    allowRemoteLoad: argv['allow-remote-load'],
    startTimeoutMs: (positive('start-timeout', argv['start-timeout']) ?? 15) * 1000,
    tls: { ...(ca ? { ca } : {}), insecure: argv['insecure-tls'] },
    ...(argv['log-file'] ? { logFile: argv['log-file'] } : {}),
    timing: {
      ...(timingSamples ? { samples: timingSamples } : {}),
      ...(timingTime ? { timeMs: timingTime * 1000 } : {}),
      ...(timingThreshold ? { thresholdNs: timingThreshold } : {}),
      ...(argv['timing-keep-awake'] === false ? { keepAwake: false } : {}),
    },
    fuzz: { runs: positive('fuzz-runs', argv['fuzz-runs']) ?? 1000, timeMs: (positive('fuzz-time', argv['fuzz-time']) ?? 5) * 1000 },
    load: { timeMs: (positive('load-time', argv['load-time']) ?? 3) * 1000, connections: positive('load-connections', argv['load-connections']) ?? 32 },
    onProgress: io.isTty ? (line) => io.err(`\r\u001b[2K${line.slice(0, 150)}`) : undefined,
  });
}

function toTarget(argv: Argv, io: Io, keyVariable: string): TargetSpec {
  if (argv['target-cmd'] !== undefined) return { kind: 'command', command: argv['target-cmd'] };
  if (argv.target !== undefined) {
    const name = argv['api-key-env'] ?? keyVariable;
    const apiKey = io.env[name];
    return { kind: 'url', url: argv.target, apiKey: apiKey === '' ? undefined : apiKey, keyEnv: name, ...(argv.mode ? { mode: argv.mode as ModeName } : {}) };
  }
  if (argv.mode) throw new UsageError('--mode applies to --target only (other targets run every mode; use --modes)');
  return { kind: 'reference' };
}

interface ReportContext {
  loaded: LoadedConfig;
  baseline: Baseline | undefined;
  cwd: string;
}

function writeReports(report: Report, argv: Argv, io: Io, ctx: ReportContext): number {
  const failOn = argv['fail-on'] === 'should' || argv.strict ? 'should' : 'must';
  let baseline = ctx.baseline;
  if (argv['update-baseline'] && argv.baseline) {
    baseline = baselineFromReport(report, baseline);
    writeFile(argv.baseline, renderBaseline(baseline));
  }
  const evaluation: Evaluation = evaluate(report, { failOn, ...(baseline ? { baseline } : {}) });
  const withBaseline = baseline ? { evaluation } : {};
  if (argv.json) writeFile(argv.json, renderJson(report));
  if (argv.junit) writeFile(argv.junit, renderJunit(report));
  const markdown = (): string => renderMarkdown(report, withBaseline);
  if (argv.markdown) writeFile(argv.markdown, markdown());
  if (io.env.GITHUB_ACTIONS === 'true' && io.env.GITHUB_STEP_SUMMARY) {
    try {
      appendFileSync(io.env.GITHUB_STEP_SUMMARY, markdown());
    } catch (e) {
      io.err(`dexto-auth-conformance: cannot write the step summary: ${(e as Error).message}\n`);
    }
  }
  const artifactUri = ctx.loaded.file ? displayPath(ctx.loaded.file, ctx.cwd) : 'package.json';
  if (argv.sarif) writeFile(argv.sarif, renderSarif(report, { checks: ALL_CHECKS, artifactUri, ...withBaseline }));
  if (argv.html) writeFile(argv.html, renderHtml(report, { checks: ALL_CHECKS, ...withBaseline }));
  if (io.isTty) io.err('\r\u001b[2K');
  io.out(renderConsole(report, { color: argv.color ?? io.isTty, verbose: argv.verbose }));
  if (baseline) io.err(baselineSummary(evaluation, argv['update-baseline'] ? argv.baseline : undefined));
  if (!evaluation.ok) return EXIT.notConformant;
  return report.summary.errors > 0 ? EXIT.internal : EXIT.conformant;
}

function baselineSummary(ev: Evaluation, updated: string | undefined): string {
  const lines = [`baseline: ${ev.accepted.length} known failure(s) accepted, ${ev.failing.length} new failure(s) at --fail-on ${ev.failOn}`];
  if (updated) lines.push(`baseline: wrote ${ev.accepted.length} entr${ev.accepted.length === 1 ? 'y' : 'ies'} to ${updated}`);
  for (const e of ev.stale) lines.push(`baseline: STALE entry ${e.id} in mode ${e.mode}: the check passes now; remove it (or run with --update-baseline)`);
  if (ev.unchecked.length > 0) lines.push(`baseline: ${ev.unchecked.length} entr${ev.unchecked.length === 1 ? 'y was' : 'ies were'} not checked in this run (check or mode not run, or skipped)`);
  const unknown = ev.unchecked.filter((e) => !ALL_CHECKS.some((c) => c.id === e.id));
  for (const e of unknown) lines.push(`baseline: entry ${e.id} names no known check (see --list)`);
  return `${lines.join('\n')}\n`;
}

function readBaseline(argv: Argv, cwd: string): Baseline | undefined {
  if (argv['update-baseline'] && !argv.baseline) throw new UsageError('--update-baseline needs --baseline <file> (the file to write)');
  if (!argv.baseline) return undefined;
  const path = argv.baseline;
  if (!existsSync(path)) {
    if (argv['update-baseline']) return undefined;
    throw new UsageError(`--baseline ${path}: no such file (create it with --update-baseline)`);
  }
  try {
    return parseBaseline(readFileSync(path, 'utf8'), displayPath(path, cwd));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function printConfig(argv: Argv, loaded: LoadedConfig, io: Io): number {
  const merged = printableConfig(argv as unknown as Record<string, unknown>, loaded.config);
  io.out(`${JSON.stringify(merged, null, 2)}\n`);
  io.err(loaded.file ? `(config file ${loaded.file}, overridden by the command line)\n` : '(no config file; defaults and the command line)\n');
  return EXIT.conformant;
}

function writeFile(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

function list(io: Io): number {
  const rows = ALL_CHECKS.map((c: Check) => `${c.id.padEnd(44)} ${c.level.padEnd(6)} ${c.requirement.padEnd(20)} ${c.title}`);
  io.out(`${'check'.padEnd(44)} ${'level'.padEnd(6)} ${'requirement'.padEnd(20)} title\n${rows.join('\n')}\n`);
  return EXIT.conformant;
}

function explain(id: string, io: Io): number {
  if (id.trim() === '') throw new UsageError('--explain needs a check id, such as unauthorized.missing-key (see --list)');
  const check = ALL_CHECKS.find((c) => c.id === id);
  if (!check) throw new UsageError(`--explain: no check "${id}" (see --list)`);
  const e = check.explain;
  io.out(
    [
      `${check.id} [${check.level} ${check.requirement}]`,
      check.title,
      '',
      `Why it matters: ${e?.why ?? '(see SPEC.md)'}`,
      `What a failing server typically does: ${e?.typicalFault ?? '(see SPEC.md)'}`,
      `How to fix it: ${e?.fix ?? '(see SPEC.md)'}`,
      '',
    ].join('\n'),
  );
  return EXIT.conformant;
}

async function serveReference(io: Io): Promise<number> {
  const server = await startReferenceServer({ env: io.env, port: Number(io.env.PORT ?? 3000), host: io.env.HOST ?? '127.0.0.1' });
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return EXIT.conformant;
}
