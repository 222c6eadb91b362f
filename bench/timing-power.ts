/**
 * Benchmark: power and false-positive rate of the timing checks.
 *
 *   npm run bench:timing -- [--runs 20] [--ref-runs 50] [--leaks 50,100,200,500,1000]
 *                           [--time 10] [--threshold 50] [--in-process-runs 10] [--strict-runs 5]
 *                           [--sliced-runs 20]
 *
 * Loopback rows run the checks' own measurement (measureTiming with the default budget and θ)
 * against a server in a child process, as the main job does: the early-exit fixture with a total
 * leak of N ns between a key wrong from its first character and one wrong only in its last
 * (power: share of runs that report a leak), the reference server (false positives: runs that
 * report any leak), and the plain `===` fixture. In-process rows repeat this without sockets
 * (an in-memory connection into a server in this process, with the in-process share of the
 * budget). Jobs are interleaved in a seeded random order so that changing machine load hits every
 * row alike. Writes bench/results/timing-power.md (the table the README quotes) and .json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { getRequestListener } from '@hono/node-server';
import { earlyExitCompare, earlyExitListener } from '../fixtures/servers/timing/early-exit.js';
import { fixture as slicedEqual } from '../fixtures/servers/timing/sliced-equal.js';
import { fixture as strictEqual } from '../fixtures/servers/timing/strict-equal.js';
import { DEXTO_ENV_NAMES, MODES, type ModeDef } from '../src/contract/modes.js';
import { generateKey } from '../src/engine/run.js';
import { createReferenceApp } from '../src/reference/app.js';
import { ProcessTarget } from '../src/targets/command.js';
import { referenceTarget } from '../src/targets/reference.js';
import type { Target } from '../src/targets/types.js';
import { TIMING_DEFAULTS } from '../src/timing/config.js';
import { inMemoryConnector } from '../src/timing/in-process.js';
import type { Measurement } from '../src/timing/measure.js';
import { measureTiming } from '../src/timing/run.js';
import { DECISION, detectionFloor } from '../src/timing/stats.js';
import { Random } from '../src/util/random.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const runs = Number(arg('runs', '20'));
const refRuns = Number(arg('ref-runs', '50'));
const leaks = arg('leaks', '50,100,200,500,1000').split(',').map(Number);
const timeMs = Number(arg('time', String(TIMING_DEFAULTS.timeMs / 1000))) * 1000;
const thresholdNs = Number(arg('threshold', String(TIMING_DEFAULTS.thresholdNs)));
const inProcessRuns = Number(arg('in-process-runs', '10'));
const strictRuns = Number(arg('strict-runs', '5'));
const slicedRuns = Number(arg('sliced-runs', '20'));
const out = arg('out', 'bench/results/timing-power.md');
const seed = Number(arg('seed', '2026'));
/** The in-process share of the budget, as the check gives it for in-process targets. */
const inProcessMs = Math.round(timeMs / 3);

const PRODUCTION = MODES.find((m) => m.name === 'production') as ModeDef;
/** Characters before the key's base64 padding: the `last` class matches all but the last of them. */
const KEY_BODY = generateKey().replace(/=+$/, '').length;
const PATH = '/api/llm/current';

type Server = 'early-exit' | 'reference' | 'strict-equal' | 'sliced-equal';
interface Job {
  server: Server;
  leakNs: number;
  transport: 'loopback' | 'in-process';
}
interface Outcome extends Job {
  prefix: string;
  length: string;
  diffNs: number;
  seNs: number;
  upperNs: number;
  floorNs: number;
  lengthDiffNs: number;
  lengthSeNs: number;
  lengthUpperNs: number;
  requests: number;
  durationMs: number;
  load: number;
  control: boolean;
}

function processTarget(server: Server, leakNs: number): Target {
  if (server === 'reference') return referenceTarget(DEXTO_ENV_NAMES, 15_000);
  const name = `timing-${server}`;
  process.env.TIMING_DELAY_NS_PER_CHAR = String(leakNs / (KEY_BODY - 1));
  return new ProcessTarget(
    { kind: 'command', label: name, loopback: true, plainHttp: true, restartable: true, logsVisible: true },
    { file: process.execPath, args: ['--import', 'tsx', 'fixtures/servers/serve.ts', name] },
    DEXTO_ENV_NAMES,
    15_000,
  );
}

function inProcessServer(server: Server, leakNs: number, key: string): http.Server {
  const env = PRODUCTION.env(key);
  const quiet = { log: (): void => undefined };
  if (server === 'reference') return http.createServer(getRequestListener(createReferenceApp(env, quiet).fetch));
  if (server === 'strict-equal') return http.createServer(strictEqual.create(env, quiet));
  if (server === 'sliced-equal') return http.createServer(slicedEqual.create(env, quiet));
  return http.createServer(earlyExitListener(env, quiet, leakNs / (KEY_BODY - 1)));
}

async function runJob(job: Job, rng: Random): Promise<Outcome> {
  const key = generateKey();
  const load = os.loadavg()[0] ?? NaN;
  let m: Measurement;
  if (job.transport === 'loopback') {
    const started = await processTarget(job.server, job.leakNs).start(PRODUCTION, key);
    if (started.state !== 'ready') throw new Error(`${job.server} did not start: ${started.reason}`);
    try {
      m = await measureTiming({ target: started.running.baseUrl, key, path: PATH, rng, timeMs, thresholdNs, maxRequests: TIMING_DEFAULTS.maxRequests, keepAwake: true });
    } finally {
      await started.running.stop();
    }
  } else {
    const server = inProcessServer(job.server, job.leakNs, key);
    try {
      m = await measureTiming({ target: inMemoryConnector(server), key, path: PATH, rng, timeMs: inProcessMs, thresholdNs, maxRequests: TIMING_DEFAULTS.maxRequests, keepAwake: true });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }
  const p = m.tests.prefix;
  return {
    ...job,
    prefix: p.verdict,
    length: m.tests.length.verdict,
    diffNs: p.estimate.diffNs,
    seNs: p.estimate.seNs,
    upperNs: p.judgement.upperNs,
    floorNs: detectionFloor(p.estimate.seNs, thresholdNs),
    lengthDiffNs: m.tests.length.estimate.diffNs,
    lengthSeNs: m.tests.length.estimate.seNs,
    lengthUpperNs: m.tests.length.judgement.upperNs,
    requests: m.requests,
    durationMs: m.durationMs,
    load,
    control: m.controlHolds,
  };
}

/** Effective leak of the fixture's compare, timed by direct calls (median of per-call differences). */
function fixtureLeak(leakNs: number): number {
  const key = generateKey();
  const compare = earlyExitCompare(leakNs / (KEY_BODY - 1));
  const flip = (c: string | undefined): string => (c === 'A' ? 'B' : 'A');
  const first = `${flip(key[0])}${key.slice(1)}`;
  const last = `${key.slice(0, KEY_BODY - 1)}${flip(key[KEY_BODY - 1])}${key.slice(KEY_BODY)}`;
  const diffs: number[] = [];
  for (let i = 0; i < 40_000; i += 1) {
    const t0 = process.hrtime.bigint();
    compare(first, key);
    const t1 = process.hrtime.bigint();
    compare(last, key);
    const t2 = process.hrtime.bigint();
    if (i >= 5_000) diffs.push(Number(t2 - t1) - Number(t1 - t0));
  }
  diffs.sort((a, b) => a - b);
  return diffs[diffs.length >> 1] ?? NaN;
}

const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const r0 = (x: number): string => (Number.isFinite(x) ? String(Math.round(x)) : '–');
const pct = (k: number, n: number): string => (n === 0 ? '–' : `${Math.round((100 * k) / n)} %`);

// Jobs, interleaved in a seeded random order.
const jobs: Job[] = [];
for (let i = 0; i < runs; i += 1) for (const leakNs of leaks) jobs.push({ server: 'early-exit', leakNs, transport: 'loopback' });
for (let i = 0; i < refRuns; i += 1) jobs.push({ server: 'reference', leakNs: 0, transport: 'loopback' });
for (let i = 0; i < strictRuns; i += 1) jobs.push({ server: 'strict-equal', leakNs: 0, transport: 'loopback' });
for (let i = 0; i < slicedRuns; i += 1) jobs.push({ server: 'sliced-equal', leakNs: 0, transport: 'loopback' });
for (let i = 0; i < inProcessRuns; i += 1) {
  for (const leakNs of leaks) jobs.push({ server: 'early-exit', leakNs, transport: 'in-process' });
  jobs.push({ server: 'reference', leakNs: 0, transport: 'in-process' });
  jobs.push({ server: 'strict-equal', leakNs: 0, transport: 'in-process' });
  if (slicedRuns > 0) jobs.push({ server: 'sliced-equal', leakNs: 0, transport: 'in-process' });
}
const rng = new Random(seed);
rng.shuffle(jobs);

const loopbackJobs = jobs.filter((j) => j.transport === 'loopback').length;
console.log(
  `timing bench: ${jobs.length} runs (${loopbackJobs} loopback up to ${timeMs / 1000} s each, ${jobs.length - loopbackJobs} in-process up to ${inProcessMs / 1000} s), θ = ${thresholdNs} ns, ` +
    `about ${Math.round((loopbackJobs * (timeMs + 1_500) + (jobs.length - loopbackJobs) * inProcessMs) / 60_000)} min or more`,
);

const calibration = leaks.map((leakNs) => ({ leakNs, measuredNs: fixtureLeak(leakNs) }));
console.log(`fixture check (direct calls): ${calibration.map((c) => `${c.leakNs} -> ${r0(c.measuredNs)} ns`).join(', ')}`);

const results: Outcome[] = [];
const started = Date.now();
for (const [i, job] of jobs.entries()) {
  const o = await runJob(job, rng.fork(`job ${i}`));
  results.push(o);
  console.log(
    `${String(i + 1).padStart(3)}/${jobs.length} ${o.transport.padEnd(10)} ${o.server.padEnd(12)} leak ${String(o.leakNs).padStart(5)} ns: prefix ${o.prefix.padEnd(12)} length ${o.length.padEnd(12)} ` +
      `diff ${r0(o.diffNs)} ± ${r0(o.seNs)} ns, U ${r0(o.upperNs)}; length ${r0(o.lengthDiffNs)} ± ${r0(o.lengthSeNs)} ns, U ${r0(o.lengthUpperNs)}; ${o.requests} req, ${(o.durationMs / 1000).toFixed(1)} s, load ${o.load.toFixed(1)}`,
  );
}
const elapsedMin = (Date.now() - started) / 60_000;

function table(transport: Job['transport']): string[] {
  const rows = [
    '| target | total leak (ns) | runs | leak reported | no leak above U | both checks pass | inconclusive | median estimate (ns) | median SE (ns) | median U (ns) | median detection floor (ns) | median time (s) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const groups: Array<[string, number, Outcome[]]> = [];
  for (const leakNs of leaks) groups.push([`early-exit fixture`, leakNs, results.filter((o) => o.transport === transport && o.server === 'early-exit' && o.leakNs === leakNs)]);
  groups.push(['reference server', 0, results.filter((o) => o.transport === transport && o.server === 'reference')]);
  groups.push(['plain === fixture', 0, results.filter((o) => o.transport === transport && o.server === 'strict-equal')]);
  groups.push(['sliced === fixture', 0, results.filter((o) => o.transport === transport && o.server === 'sliced-equal')]);
  for (const [label, leakNs, os_] of groups) {
    if (os_.length === 0) continue;
    const n = os_.length;
    const leaksSeen = os_.filter((o) => o.prefix === 'leak' || (label !== 'early-exit fixture' && o.length === 'leak')).length;
    const clear = os_.filter((o) => o.prefix === 'no-leak').length;
    const inconclusive = os_.filter((o) => o.prefix === 'inconclusive').length;
    const bothPass = os_.filter((o) => o.prefix === 'no-leak' && o.length === 'no-leak').length;
    const leakCell =
      label === 'early-exit fixture' ? `${leaksSeen} (power ${pct(leaksSeen, n)})` : label === 'sliced === fixture' ? `${leaksSeen} (${pct(leaksSeen, n)}; a real leak)` : `${leaksSeen} (false positives ${pct(leaksSeen, n)})`;
    rows.push(
      `| ${label} | ${label === 'early-exit fixture' ? leakNs : label === 'reference server' ? '0 (SHA-256 + timingSafeEqual)' : label === 'sliced === fixture' ? '≈ 25 in-process, 90–100 loopback (=== on a sliced token)' : '≈ 2–6 (=== on flat strings)'} | ${n} | ${leakCell} | ${clear} | ${bothPass} | ${inconclusive} | ` +
        `${r0(median(os_.map((o) => o.diffNs)))} | ${r0(median(os_.map((o) => o.seNs)))} | ${r0(median(os_.map((o) => o.upperNs)))} | ${r0(median(os_.map((o) => o.floorNs)))} | ${(median(os_.map((o) => o.durationMs)) / 1000).toFixed(1)} |`,
    );
  }
  return rows;
}

const loads = results.map((o) => o.load);
const text = `# Timing checks: power and false positives

Regenerate with \`npm run bench:timing -- --runs ${runs} --ref-runs ${refRuns} --leaks ${leaks.join(',')} --time ${timeMs / 1000} --threshold ${thresholdNs} --in-process-runs ${inProcessRuns} --strict-runs ${strictRuns} --sliced-runs ${slicedRuns}\`
(measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${elapsedMin.toFixed(0)} min, Node ${process.version}, ${os.cpus().length} cores,
1-minute load average at the start of each run: median ${median(loads).toFixed(1)}, range ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}; it includes
the measurement's own lowest-priority spinners, about one per core, and other people's jobs on the machine).

Each run is one complete measurement as the timing checks make it (both questions, the A/A
control, staged sampling that stops at a verdict), with θ = ${thresholdNs} ns and a budget of
${timeMs / 1000} s over loopback (${inProcessMs / 1000} s in-process, the in-process share). "Total leak" is
the extra server time for a key right in all but its last character over one wrong from its first
(early-exit fixture: ${'`'}TIMING_DELAY_NS_PER_CHAR${'`'} = leak / ${KEY_BODY - 1}, the characters a 44-character base64 key's last class has right). "Leak reported" counts runs that
failed timing.prefix-leak (for the reference and \`===\` rows: either timing check); "no leak above U" and
"inconclusive" are the prefix question's outcomes; "both checks pass" counts runs where timing.prefix-leak and
timing.length-leak both passed. The sliced \`===\` row is
Dexto's published compare (\`===\` on a token cut out of the header): it leaks for real, near θ, so a
report there is a true finding and "no leak above U" would be a miss. U is the
run's "no leak above U ns" bound (|estimate| + ${DECISION.zInterval} SE); the detection floor is
θ + ${DECISION.zLeak + 1.645} SE, the smallest leak that run would have reported in about 95 % of runs like it.

## Loopback (server in a child process, as in the main job)

${table('loopback').join('\n')}

## In-process (handler targets: in-memory connection, no socket)

${table('in-process').join('\n')}

Fixture check (effective leak of the early-exit compare, median over direct calls in this process):
${calibration.map((c) => `${c.leakNs} ns → ${r0(c.measuredNs)} ns`).join('; ')}.
`;
mkdirSync('bench/results', { recursive: true });
writeFileSync(out, text);
writeFileSync(out.replace(/\.md$/, '.json'), JSON.stringify({ runs, refRuns, leaks, timeMs, thresholdNs, inProcessMs, calibration, results }, null, 1));
console.log(`\n${text}\nwritten to ${out}`);
process.exit(0);
