import { CATEGORIES, type Report, type Result } from '../engine/types.js';

/** Console rendering options. */
export interface ConsoleOptions {
  color: boolean;
  /** Show passing checks too (default: only a count per category). */
  verbose?: boolean;
}

const paint = (on: boolean) => (code: string, text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/** The human report: grouped by mode and category, failures with evidence, a closing count line. */
export function renderConsole(report: Report, options: ConsoleOptions): string {
  const c = paint(options.color);
  const out: string[] = [];
  out.push(c('1', `dexto-auth-conformance ${report.tool.version}`) + ` — target: ${report.target.label} — seed ${report.seed}`);
  for (const mode of report.modes) {
    const results = report.results.filter((r) => r.mode === mode.mode);
    out.push('');
    out.push(c('1', `mode ${mode.mode}`) + (mode.state === 'refused-start' ? c('2', ' (server refused to start)') : '') + c('2', ` — ${mode.requests} requests`));
    if (mode.note) out.push(c('2', `  note: ${mode.note}`));
    for (const category of CATEGORIES) {
      const inCat = results.filter((r) => r.category === category);
      if (inCat.length === 0) continue;
      const counts = count(inCat);
      out.push(`  ${category}: ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped`);
      for (const r of inCat) {
        if (r.status === 'pass' && !options.verbose) continue;
        if (r.status === 'skip' && !options.verbose && !r.message.startsWith('harness error')) continue;
        out.push(...renderResult(r, c));
      }
    }
  }
  const s = report.summary;
  out.push('');
  const verdict = s.conformant ? c('32;1', 'CONFORMANT') : c('31;1', 'NOT CONFORMANT');
  out.push(`${verdict}: ${s.failedMust} MUST and ${s.failedShould} SHOULD failure(s)${s.errors > 0 ? `, ${s.errors} harness error(s)` : ''} in ${(report.durationMs / 1000).toFixed(1)} s`);
  out.push(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  return `${out.join('\n')}\n`;
}

function count(rs: readonly Result[]): Record<Result['status'], number> {
  return { pass: rs.filter((r) => r.status === 'pass').length, fail: rs.filter((r) => r.status === 'fail').length, skip: rs.filter((r) => r.status === 'skip').length };
}

function renderResult(r: Result, c: (code: string, text: string) => string): string[] {
  const mark = r.status === 'pass' ? c('32', '✓') : r.status === 'fail' ? c(r.level === 'MUST' ? '31' : '33', '✗') : c('2', '-');
  const lines = [`    ${mark} ${r.id} ${c('2', `[${r.level} ${r.requirement}]`)} ${r.title}`];
  if (r.status === 'pass') return lines;
  lines.push(`        ${r.message}`);
  if (r.status === 'fail') {
    if (r.expected) lines.push(`        expected: ${r.expected}`);
    if (r.actual && r.actual !== r.message) lines.push(`        actual:   ${r.actual}`);
    const numbers = r.evidence?.numbers;
    if (numbers) lines.push(`        numbers:  ${Object.entries(numbers).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    if (r.evidence?.seed !== undefined) lines.push(`        seed:     ${r.evidence.seed}`);
    const first = r.evidence?.exchanges?.[0];
    if (first) lines.push(`        reproduce: ${first.curl}`);
    for (const line of (r.evidence?.logLines ?? []).slice(0, 3)) lines.push(`        log: ${line}`);
  }
  return lines;
}
