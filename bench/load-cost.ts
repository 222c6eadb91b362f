/**
 * Benchmark: what the `load` category measures on the reference server (production mode), and
 * how long it takes. `node --import tsx bench/load-cost.ts [--runs 3] [--load-time 3]`.
 * Writes bench/results/load-cost.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { run } from '../src/engine/api.js';
import type { Result } from '../src/engine/types.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  const v = i > 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const runs = arg('--runs', 3);
const loadTime = arg('--load-time', 3);

/** Numbers shown per check: evidence key and column title. */
const COLUMNS: Array<[string, string, string]> = [
  ['load.header-cost', 'ordinaryMedianMs', 'ordinary 401 (ms)'],
  ['load.header-cost', 'worstRatio', 'worst header ratio'],
  ['load.brute-force', 'rps', 'wrong keys /s'],
  ['load.valid-under-attack', 'p50Ratio', 'valid p50 ×'],
  ['load.valid-under-attack', 'p99Ratio', 'valid p99 ×'],
  ['load.auth-cost', 'publicRps', 'public /s'],
  ['load.auth-cost', 'validKeyRps', 'valid key /s'],
  ['load.auth-cost', 'rejectedRps', 'rejected /s'],
];

const lines = [
  `| run | load category (s) | ${COLUMNS.map((c) => c[2]).join(' | ')} | verdicts |`,
  `|---|---|${COLUMNS.map(() => '---').join('|')}|---|`,
];
for (let i = 1; i <= runs; i += 1) {
  const report = await run({ seed: i, only: ['load'], modes: ['production'], load: { timeMs: loadTime * 1000, connections: 32 } });
  const loadResults = report.results.filter((r) => r.category === 'load');
  const seconds = loadResults.reduce((s, r) => s + r.durationMs, 0) / 1000;
  const pick = (id: string, key: string): string => String((loadResults.find((r) => r.id === id) as Result | undefined)?.evidence?.numbers?.[key] ?? '–');
  const verdicts = loadResults.map((r) => `${r.id.slice(5)} ${r.status}`).join(', ');
  lines.push(`| ${i} | ${seconds.toFixed(1)} | ${COLUMNS.map(([id, key]) => pick(id, key)).join(' | ')} | ${verdicts} |`);
  process.stdout.write(`${lines.at(-1)}\n`);
}
const text = `# Load category on the reference server\n\nProduction mode, --load-time ${loadTime}, 32 connections, ${runs} run(s), ${new Date().toISOString()}.\n\n${lines.join('\n')}\n`;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/load-cost.md', import.meta.url), text);
process.stdout.write(text);
