/**
 * Benchmark: wall time and peak memory of a full run against the reference server in every mode.
 * `npm run bench` (add `-- --runs 5` for more repetitions). Writes bench/results/full-run.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { run } from '../src/engine/api.js';
import { CATEGORIES } from '../src/engine/types.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

/** Resident memory (KiB) of every descendant of this process: the started reference servers. */
function childrenRssKb(): number {
  try {
    const out = execFileSync('ps', ['-o', 'rss=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    return out.split('\n').reduce((sum, line) => sum + (Number(line.trim()) || 0), 0);
  } catch {
    return 0;
  }
}

interface Row {
  label: string;
  only: string[];
}

const rows: Row[] = [
  { label: 'core categories (modes, public-routes, unauthorized, header-parsing)', only: ['modes', 'public-routes', 'unauthorized', 'header-parsing'] },
  { label: 'default run (every category)', only: [] },
];

const lines: string[] = ['| run | categories | wall time (s), each run | median (s) | harness peak RSS (MiB) | servers peak RSS, all modes (MiB) | requests |', '|---|---|---|---|---|---|---|'];
for (const row of rows) {
  const times: number[] = [];
  let childPeak = 0;
  let requests = 0;
  let categories = '';
  for (let i = 0; i < runs; i += 1) {
    const timer = setInterval(() => (childPeak = Math.max(childPeak, childrenRssKb())), 100);
    const started = performance.now();
    const report = await run({ seed: 1000 + i, only: row.only });
    times.push((performance.now() - started) / 1000);
    clearInterval(timer);
    requests = report.modes.reduce((n, m) => n + m.requests, 0);
    categories = CATEGORIES.filter((c) => report.results.some((r) => r.category === c)).join(', ');
    if (!report.summary.conformant) console.error(`warning: run ${i} was not conformant`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const line = `| ${row.label} | ${categories} | ${times.map((t) => t.toFixed(1)).join(', ')} | ${median.toFixed(1)} | ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} | ${(childPeak / 1024).toFixed(0)} | ${requests} |`;
  lines.push(line);
  console.log(line);
}
mkdirSync('bench/results', { recursive: true });
const text = `# Full reference run\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${runs} runs each, Node ${process.version}).\n\n${lines.join('\n')}\n`;
writeFileSync('bench/results/full-run.md', text);
console.log('\nwritten to bench/results/full-run.md');
