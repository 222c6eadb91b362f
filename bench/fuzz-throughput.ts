/**
 * Benchmark of the fuzz category: `npm run bench:fuzz` (options: `-- --seeds 20 --rounds 3
 * --parts throughput,reference,fixtures`). Writes bench/results/fuzz.md.
 *
 * - throughput: fuzz cases per second beside autocannon's requests per second, against the same
 *   reference server process and the same protected route, alternating, in the same run;
 * - reference: the fuzz category against the reference server with N seeds in a row (all pass?),
 *   and how long the category takes per mode;
 * - fixtures: how many of N seeds find each fuzz-only fixture within the default budget, with a
 *   shrunk, re-sent counterexample.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { MODES, DEXTO_ENV_NAMES } from '../src/contract/modes.js';
import { DOCUMENTED_ROUTES, PUBLIC_ROUTES } from '../src/contract/routes.js';
import { run } from '../src/engine/api.js';
import { defaultOptions } from '../src/engine/options.js';
import { generateKey } from '../src/engine/run.js';
import { Prober } from '../src/http/prober.js';
import { Redactor } from '../src/http/redact.js';
import { referenceTarget } from '../src/targets/reference.js';
import { FUZZ_FIXTURES } from '../fixtures/servers/index.js';
import { FUZZ_FINDINGS } from '../fixtures/servers/fuzz/expected.js';
import { CONCURRENCY, runCampaign } from '../suites/fuzz/campaign.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const seeds = Number(arg('seeds', '20'));
const rounds = Number(arg('rounds', '3'));
const parts = new Set(arg('parts', 'throughput,reference,fixtures').split(','));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const out: string[] = [
  `# Fuzz category\n\nMeasured by \`npm run bench:fuzz\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the start; ${seeds} seeds; default budget: ${JSON.stringify(defaultOptions().fuzz)}).\n`,
];
const say = (line: string): void => {
  console.log(line);
  out.push(line);
};

async function throughput(): Promise<void> {
  const key = generateKey();
  const target = referenceTarget(DEXTO_ENV_NAMES, 15_000);
  const mode = MODES.find((m) => m.name === 'production');
  if (!mode) throw new Error('no production mode');
  const started = await target.start(mode, key);
  if (started.state !== 'ready') throw new Error(`reference did not start: ${started.reason}`);
  const base = started.running.baseUrl;
  const primary = DOCUMENTED_ROUTES[0];
  if (!primary) throw new Error('no route');
  const rows: Array<{ ac: number; fz: number }> = [];
  try {
    for (let r = 0; r < rounds; r += 1) {
      const ac = await autocannon({ url: `${base}${primary.path}`, connections: CONCURRENCY, duration: 3, headers: { authorization: `Bearer ${'A'.repeat(43)}=` } });
      const http = new Prober({ baseUrl: base, key, redactor: new Redactor([key]), safety: { allowKeyedMutation: true } });
      const campaign = await runCampaign({
        http,
        key,
        routes: DOCUMENTED_ROUTES,
        publicRoutes: PUBLIC_ROUTES,
        primaryRoute: primary,
        options: defaultOptions({ seed: 100 + r, fuzz: { runs: 1_500, timeMs: 120_000 } }),
        mode,
        target: target.info,
        progress: () => undefined,
      });
      http.close();
      const fz = campaign.sent / (campaign.sendMs / 1000);
      rows.push({ ac: ac.requests.average, fz });
      console.log(`round ${r + 1}: autocannon ${ac.requests.average.toFixed(0)} req/s, fuzz ${fz.toFixed(0)} cases/s (${campaign.sent} cases)`);
    }
  } finally {
    await started.running.stop();
  }
  const ac = median(rows.map((x) => x.ac));
  const fz = median(rows.map((x) => x.fz));
  const ratio = median(rows.map((x) => x.fz / x.ac));
  say(`## Throughput (reference server, production mode, GET ${primary.path}, ${CONCURRENCY} connections)\n`);
  say('| round | autocannon req/s (wrong key) | fuzz cases/s | ratio |');
  say('|---|---|---|---|');
  rows.forEach((x, i) => say(`| ${i + 1} | ${x.ac.toFixed(0)} | ${x.fz.toFixed(0)} | ${(x.fz / x.ac).toFixed(2)} |`));
  say(`| median | ${ac.toFixed(0)} | ${fz.toFixed(0)} | ${ratio.toFixed(2)} (median of the rounds' ratios) |\n`);
}

async function reference(): Promise<void> {
  say(`## Reference server, ${seeds} seeds in a row (every auth mode, default budget)\n`);
  say('| seed | result | fuzz time per mode, s (max) | cases judged per mode (min) |');
  say('|---|---|---|---|');
  let passed = 0;
  const times: number[] = [];
  for (let seed = 1; seed <= seeds; seed += 1) {
    const report = await run({ seed, only: ['fuzz'] });
    const failed = report.results.filter((r) => r.status !== 'pass');
    const perMode = new Map<string, number>();
    const judged: number[] = [];
    for (const r of report.results) {
      perMode.set(r.mode, (perMode.get(r.mode) ?? 0) + r.durationMs);
      if (r.id === 'fuzz.no-server-error') judged.push(Number(r.evidence?.numbers?.casesJudged ?? 0));
    }
    const worst = Math.max(...perMode.values()) / 1000;
    times.push(worst);
    if (failed.length === 0) passed += 1;
    say(`| ${seed} | ${failed.length === 0 ? 'pass' : `FAIL: ${failed.map((f) => `${f.mode} ${f.id}: ${f.message.slice(0, 200)}`).join('; ')}`} | ${worst.toFixed(1)} | ${Math.min(...judged)} |`);
  }
  say(`\n${passed} of ${seeds} seeds passed; fuzz time per mode: median ${median(times).toFixed(1)} s, max ${Math.max(...times).toFixed(1)} s.\n`);
}

async function fixtures(): Promise<void> {
  say(`## Fuzz-only fixtures, ${seeds} seeds each (production mode, in-process, default budget)\n`);
  say('| fixture | finding check | found | shrunk and re-sent | median shrink steps | median cases to first failure | example (seed 1) |');
  say('|---|---|---|---|---|---|---|');
  for (const fixture of FUZZ_FIXTURES) {
    const expected = FUZZ_FINDINGS[fixture.name];
    let found = 0;
    let shrunk = 0;
    const steps: number[] = [];
    const firsts: number[] = [];
    let example = '';
    for (let seed = 1; seed <= seeds; seed += 1) {
      const report = await run({ seed, only: ['fuzz'], modes: ['production'], target: { kind: 'handler', factory: (env, io) => fixture.create(env, io), label: fixture.name } });
      const hit = report.results.find((r) => r.id === expected && r.status === 'fail');
      if (!hit) continue;
      found += 1;
      const n = hit.evidence?.numbers ?? {};
      if (n.reproducedAlone === true) shrunk += 1;
      if (typeof n.shrinks === 'number') steps.push(n.shrinks);
      if (typeof n.firstFailingCase === 'number') firsts.push(n.firstFailingCase);
      if (seed === 1) example = (hit.actual ?? '').replace(/\|/g, '\\|').slice(0, 160);
    }
    const alone = expected === 'fuzz.still-serving' ? 'n/a (a state, not one request)' : `${shrunk}/${found}`;
    say(`| ${fixture.name} | ${expected} | ${found}/${seeds} | ${alone} | ${steps.length ? median(steps) : '-'} | ${firsts.length ? median(firsts) : '-'} | ${example} |`);
  }
  say('');
}

if (parts.has('throughput')) await throughput();
if (parts.has('reference')) await reference();
if (parts.has('fixtures')) await fixtures();
mkdirSync('bench/results', { recursive: true });
const target = arg('out', 'bench/results/fuzz.md');
writeFileSync(target, `${out.join('\n')}\n`);
console.log(`written to ${target}`);
