import { randomBytes } from 'node:crypto';
import { MODES, type ModeDef } from '../contract/modes.js';
import { concretePath, dedupeRoutes, DOCUMENTED_ROUTES, PUBLIC_ROUTES, routesFromOpenApi, type RouteSpec } from '../contract/routes.js';
import { Prober, SafetyRefusal } from '../http/prober.js';
import { Redactor } from '../http/redact.js';
import { probeHealth } from '../targets/readiness.js';
import { TargetError, type Running, type StartResult, type Target } from '../targets/types.js';
import { Random } from '../util/random.js';
import type { RunOptions } from './options.js';
import type { Check, CheckContext, ModeReport, Outcome, Report, Result } from './types.js';
import { startupExcerpt } from './startup-excerpt.js';

const VERSION = '0.1.0';
const DEFAULT_CHECK_TIMEOUT_MS = 30_000;

/** A strong random key, as `openssl rand -base64 32` would make. */
export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

/** Modes the run covers, in report order. */
export function selectedModes(target: Target, options: RunOptions): ModeDef[] {
  const supported = new Set(target.modes());
  return MODES.filter((m) => supported.has(m.name) && (!options.modes || options.modes.includes(m.name)));
}

function appliesToMode(check: Check, mode: ModeDef): boolean {
  return typeof check.modes === 'function' ? check.modes(mode) : check.modes.includes(mode.kind);
}

/** State of one mode while its checks run. */
interface ModeRun {
  mode: ModeDef;
  key: string | undefined;
  running: Running | undefined;
  startup: CheckContext['startup'];
  prober: Prober;
  routes: RouteSpec[];
  primary: RouteSpec;
  report: ModeReport;
  /** Set when the target died and could not be restarted. */
  down?: string;
  /** Requests sent by instances replaced after a crash. */
  priorRequests: number;
}

/**
 * Runs checks against a target in every selected mode and returns the report. Throws
 * TargetError when the target is unusable (never became ready, failed the positive control).
 */
export async function runSuite(target: Target, checks: readonly Check[], options: RunOptions, suppliedKey?: string): Promise<Report> {
  const started = Date.now();
  const rng = new Random(options.seed);
  const modes = selectedModes(target, options);
  if (modes.length === 0) throw new TargetError('no mode selected that this target can run in');
  const key = suppliedKey ?? generateKey();
  const redactor = new Redactor([key]);
  const runs: ModeRun[] = [];
  const results: Result[] = [];
  const rotated: string[] = [];
  try {
    await forEachLimited(modes, options.modeConcurrency, async (mode) => {
      const run = await startMode(target, mode, key, redactor, options);
      runs.push(run);
    });
    runs.sort((a, b) => modes.indexOf(a.mode) - modes.indexOf(b.mode));
    const redactorAll = (): Redactor => new Redactor([key, ...rotated]);
    const ctxFor = (run: ModeRun, check: Check): CheckContext => ({
      mode: run.mode,
      target: target.info,
      key: run.key,
      http: run.prober,
      routes: run.routes,
      publicRoutes: options.publicRoutes ?? PUBLIC_ROUTES,
      primaryRoute: run.primary,
      logs: run.running?.logs,
      options,
      rng: rng.fork(`${run.mode.name}/${check.id}`),
      signal: new AbortController().signal,
      startup: run.startup,
      ...(run.running?.connectInProcess ? { connectInProcess: run.running.connectInProcess } : {}),
      progress: (line) => options.onProgress?.(`[${run.mode.name}] ${check.id}: ${line}`),
      ...(target.info.restartable
        ? {
            startInstance: (newKey: string): Promise<StartResult> => {
              rotated.push(newKey);
              return target.start(run.mode, newKey);
            },
          }
        : {}),
    });
    const phase = (c: Check): string => c.phase ?? 'main';
    await forEachLimited(runs, options.modeConcurrency, async (run) => {
      for (const check of checks.filter((c) => phase(c) === 'main')) await runOne(target, run, check, ctxFor, results);
    });
    for (const run of runs) for (const check of checks.filter((c) => phase(c) === 'exclusive')) await runOne(target, run, check, ctxFor, results);
    for (const run of runs) for (const check of checks.filter((c) => phase(c) === 'final')) await runOne(target, run, check, ctxFor, results);
    const r = redactorAll();
    for (const result of results) scrub(result, r);
  } finally {
    await Promise.all(runs.map(async (run) => {
      run.prober.close();
      await run.running?.stop();
    }));
  }
  const order = (res: Result): number => modes.findIndex((m) => m.name === res.mode) * 10_000 + checks.findIndex((c) => c.id === res.id);
  results.sort((a, b) => order(a) - order(b));
  const failedMust = results.filter((x) => x.status === 'fail' && x.level === 'MUST').length;
  const failedShould = results.filter((x) => x.status === 'fail' && x.level === 'SHOULD').length;
  const errors = results.filter((x) => x.status === 'skip' && x.message.startsWith('harness error')).length;
  for (const run of runs) run.report.requests = run.priorRequests + run.prober.count();
  return {
    tool: { name: 'dexto-auth-conformance', version: VERSION },
    target: target.info,
    seed: options.seed,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    modes: runs.map((r) => r.report),
    results,
    summary: {
      passed: results.filter((x) => x.status === 'pass').length,
      failed: failedMust + failedShould,
      skipped: results.filter((x) => x.status === 'skip').length,
      failedMust,
      failedShould,
      errors,
      conformant: failedMust === 0 && (!options.strict || failedShould === 0),
    },
  };
}

async function startMode(target: Target, mode: ModeDef, key: string, redactor: Redactor, options: RunOptions): Promise<ModeRun> {
  const started = await target.start(mode, key);
  const modeKey = mode.usesKey ? key : undefined;
  const report: ModeReport = { mode: mode.name, state: 'ran', requests: 0 };
  if (started.state === 'refused') {
    if (mode.kind !== 'fail-closed') {
      const tail = startupExcerpt(started.logs?.lines() ?? []).map((l) => `    ${redactor.redact(l)}`).join('\n');
      throw new TargetError(`the target did not start in mode ${mode.name}: ${started.reason}${tail ? `\n  last output:\n${tail}` : ''}`);
    }
    report.state = 'refused-start';
    report.note = started.reason;
    const prober = new Prober({ baseUrl: 'http://127.0.0.1:9', key: modeKey, redactor, safety: { allowKeyedMutation: false }, keyVar: keyVarOf(options) });
    const routes = [...(options.protectedRoutes ?? DOCUMENTED_ROUTES), ...options.extraRoutes];
    return {
      mode,
      key: modeKey,
      running: { baseUrl: 'http://127.0.0.1:9', logs: started.logs, alive: () => false, stop: async () => undefined },
      startup: { state: 'refused', reason: started.reason },
      prober,
      routes,
      primary: primaryRoute(routes) ?? (routes[0] as RouteSpec),
      report,
      priorRequests: 0,
    };
  }
  const running = started.running;
  const safety = { allowKeyedMutation: target.info.kind !== 'url' || options.allowMutating };
  const prober = new Prober({ baseUrl: running.baseUrl, key: modeKey, redactor, safety, tls: options.tls, keyVar: keyVarOf(options) });
  try {
    const routes = await discoverRoutes(prober, options);
    const primary = primaryRoute(routes);
    if (!primary) throw new TargetError('no protected GET route without path parameters is known; name one with --route GET:/path');
    const run: ModeRun = { mode, key: modeKey, running, startup: { state: 'ready' }, prober, routes, primary, report, priorRequests: 0 };
    await positiveControl(run, options);
    return run;
  } catch (error) {
    prober.close();
    await running.stop();
    throw error;
  }
}

/** Protected routes: the target's OpenAPI document plus the documented Dexto routes plus --route. */
async function discoverRoutes(prober: Prober, options: RunOptions): Promise<RouteSpec[]> {
  if (options.protectedRoutes) return [...options.protectedRoutes, ...options.extraRoutes];
  const publicPaths = (options.publicRoutes ?? PUBLIC_ROUTES).map((r) => r.path);
  const res = await prober.send({ method: 'GET', path: '/openapi.json', label: 'route discovery' });
  let found: RouteSpec[] | undefined;
  if (res.status !== undefined && res.status >= 200 && res.status < 300) {
    try {
      found = routesFromOpenApi(JSON.parse(res.body), publicPaths);
    } catch {
      found = undefined;
    }
  }
  return dedupeRoutes([...(found ?? []), ...DOCUMENTED_ROUTES, ...options.extraRoutes]);
}

function primaryRoute(routes: readonly RouteSpec[]): RouteSpec | undefined {
  const gets = routes.filter((r) => r.method === 'GET' && !/[{:]/.test(r.path) && !r.stream);
  return gets.find((r) => r.path === '/api/llm/current') ?? gets[0];
}

/**
 * Before any negative check: the public routes answer, and in auth modes the valid key gets a
 * 2xx on a protected GET. Otherwise every "rejected" verdict would be meaningless.
 */
async function positiveControl(run: ModeRun, options: RunOptions): Promise<void> {
  const publicRoutes = options.publicRoutes ?? PUBLIC_ROUTES;
  const health = await run.prober.send({ method: 'GET', path: publicRoutes[0]?.path ?? '/health', label: 'positive control' });
  if (health.status === undefined) {
    throw new TargetError(`mode ${run.mode.name}: the target does not answer (${health.error ?? 'no response'}) at ${run.prober.baseUrl}`);
  }
  if (run.mode.kind !== 'auth' || run.key === undefined) return;
  const path = concretePath(run.primary.path);
  const ok = await run.prober.send({ method: 'GET', path, headers: [['Authorization', `Bearer ${run.key}`]], label: 'positive control' });
  if (ok.status === 429 || health.status === 429) {
    throw new TargetError(
      `mode ${run.mode.name}: the target answered 429 Too Many Requests before the suite began: its rate limiter would decide every verdict. Allow-list 127.0.0.1 or raise the limit for the run.`,
    );
  }
  if (ok.status === undefined || ok.status < 200 || ok.status >= 300) {
    throw new TargetError(
      `mode ${run.mode.name}: positive control failed: GET ${path} with the valid key got ${ok.status ?? ok.error}, expected 2xx. ` +
        'Is the server reading the key from its environment, and is the route right (--route GET:/path)?',
    );
  }
}

async function runOne(
  target: Target,
  run: ModeRun,
  check: Check,
  ctxFor: (run: ModeRun, check: Check) => CheckContext,
  results: Result[],
): Promise<void> {
  if (!appliesToMode(check, run.mode)) return;
  const base = { id: check.id, requirement: check.requirement, category: check.category, mode: run.mode.name, level: check.level, title: check.title };
  const started = performance.now();
  const push = (outcome: Outcome): void => {
    const durationMs = Math.round(performance.now() - started);
    if (outcome.status === 'fail') {
      results.push({ ...base, status: 'fail', message: outcome.message, expected: outcome.expected, actual: outcome.actual, ...(outcome.evidence ? { evidence: outcome.evidence } : {}), durationMs });
    } else {
      results.push({ ...base, status: outcome.status, message: outcome.message ?? '', ...(outcome.evidence ? { evidence: outcome.evidence } : {}), durationMs });
    }
  };
  const applies = check.applies?.(target.info, ctxFor(run, check).options) ?? true;
  if (applies !== true) return push({ status: 'skip', message: applies });
  if (run.startup.state === 'refused' && !check.runsWhenRefused) {
    return push({ status: 'skip', message: `the server refused to start in this mode (acceptable, it fails closed): ${run.startup.reason}` });
  }
  if (run.down) return push({ status: 'skip', message: run.down });
  const errorsBefore = run.prober.errorCount();
  push(await guarded(check, ctxFor(run, check)));
  if (run.startup.state === 'ready' && (run.prober.errorCount() > errorsBefore || run.running?.alive() === false)) {
    await recoverIfDown(target, run, check);
  }
}

async function guarded(check: Check, ctx: CheckContext): Promise<Outcome> {
  const limit = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          status: 'fail',
          message: `the check did not finish within ${limit} ms: the target stopped answering in time`,
          expected: 'every request answered within its timeout',
          actual: 'the check timed out',
        }),
      limit,
    );
  });
  try {
    return await Promise.race([check.run(ctx), timeout]);
  } catch (error) {
    if (error instanceof SafetyRefusal) return { status: 'skip', message: error.message };
    return { status: 'skip', message: `harness error: ${(error as Error).stack ?? String(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** After a check saw transport errors: is the target still up? Restart it if it died. */
async function recoverIfDown(target: Target, run: ModeRun, check: Check): Promise<void> {
  if (!run.running) return;
  if ((await probeHealth(run.running.baseUrl, 2_000)) !== undefined && run.running.alive() !== false) return;
  const note = `the target stopped answering during ${check.id}`;
  run.report.note = run.report.note ? `${run.report.note}; ${note}` : note;
  if (!target.info.restartable || run.key === undefined) {
    run.down = `${note}; later checks in this mode could not run`;
    return;
  }
  await run.running.stop();
  const restarted = await target.start(run.mode, run.key);
  if (restarted.state !== 'ready') {
    run.down = `${note} and did not come back: ${restarted.reason}`;
    return;
  }
  run.priorRequests += run.prober.count();
  run.prober.close();
  run.running = restarted.running;
  run.prober = new Prober({ baseUrl: restarted.running.baseUrl, key: run.key, redactor: run.prober.redactor, safety: { allowKeyedMutation: true }, keyVar: run.prober.keyVar });
  run.report.note += '; restarted for the remaining checks';
}

/** Final safety net: no string in a result may carry the key, however a check built it. */
function scrub(result: Result, redactor: Redactor): void {
  const clean = <T>(value: T): T => JSON.parse(redactor.redact(JSON.stringify(value))) as T;
  result.message = redactor.redact(result.message);
  if (result.expected !== undefined) result.expected = redactor.redact(result.expected);
  if (result.actual !== undefined) result.actual = redactor.redact(result.actual);
  if (result.evidence) result.evidence = clean(result.evidence);
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await fn(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (errors.length > 0) throw errors[0];
}

/** The variable curl lines read the key from: the one named for it, else the mode variable's. */
function keyVarOf(options: RunOptions): string {
  return options.keyVar ?? options.envNames.apiKey;
}
