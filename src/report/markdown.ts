import { CATEGORIES, type Category, type Report, type Result } from '../engine/types.js';
import type { Exchange } from '../http/types.js';
import type { Evaluation } from './baseline.js';

/** Counts of one matrix cell (a mode and a category). */
export interface Cell {
  pass: number;
  fail: number;
  skip: number;
  /** Failures the baseline accepts (also counted in `fail`). */
  accepted: number;
}

/** The modes × categories matrix: rows in report order, columns only for categories that ran. */
export interface Matrix {
  modes: Array<{ mode: string; state: string; note?: string }>;
  categories: Category[];
  cell(mode: string, category: Category): Cell;
}

const resultKey = (r: Result): string => `${r.id}\u0000${r.mode}`;

/** Builds the matrix of a report; `evaluation` marks baselined failures. */
export function matrixOf(report: Report, evaluation?: Evaluation): Matrix {
  const accepted = new Set((evaluation?.accepted ?? []).map(resultKey));
  const categories = CATEGORIES.filter((c) => report.results.some((r) => r.category === c));
  const cells = new Map<string, Cell>();
  for (const r of report.results) {
    const k = `${r.mode}\u0000${r.category}`;
    const cell = cells.get(k) ?? { pass: 0, fail: 0, skip: 0, accepted: 0 };
    cell[r.status] += 1;
    if (r.status === 'fail' && accepted.has(resultKey(r))) cell.accepted += 1;
    cells.set(k, cell);
  }
  return {
    modes: report.modes.map((m) => ({ mode: m.mode, state: m.state, ...(m.note ? { note: m.note } : {}) })),
    categories,
    cell: (mode, category) => cells.get(`${mode}\u0000${category}`) ?? { pass: 0, fail: 0, skip: 0, accepted: 0 },
  };
}

/** Short text of a cell: "✅ 5", "❌ 2 of 7", "—" when nothing ran. */
export function cellText(c: Cell, emoji = true): string {
  const total = c.pass + c.fail + c.skip;
  if (total === 0) return '—';
  const skipped = c.skip > 0 ? ` (${c.skip} skipped)` : '';
  const ran = c.pass + c.fail;
  if (c.fail === 0) return `${emoji ? '✅ ' : ''}${c.pass} passed${skipped}`;
  const open = c.fail - c.accepted;
  const mark = open > 0 ? (emoji ? '❌ ' : '') : emoji ? '⚠️ ' : '';
  const baselined = c.accepted > 0 ? `, ${c.accepted} baselined` : '';
  return `${mark}${c.fail} of ${ran} failed${baselined}${skipped}`;
}

/** Verdict line of a run, taking a baseline and threshold into account when given. */
export function verdictOf(report: Report, evaluation?: Evaluation): { ok: boolean; text: string } {
  if (!evaluation) {
    const s = report.summary;
    return { ok: s.conformant, text: s.conformant ? 'CONFORMANT' : 'NOT CONFORMANT' };
  }
  if (evaluation.ok) return { ok: true, text: evaluation.accepted.length > 0 ? 'CONFORMANT (with baselined failures)' : 'CONFORMANT' };
  return { ok: false, text: evaluation.failing.length > 0 ? 'NOT CONFORMANT' : 'STALE BASELINE' };
}

/** An exchange as HTTP text: request line, headers, body; then the response (bodies cut at `maxBody`). */
export function exchangeText(e: Exchange, maxBody = 2_000): { request: string; response: string } {
  const cut = (s: string): string => (s.length > maxBody ? `${s.slice(0, maxBody)}\n… (${s.length - maxBody} more characters)` : s);
  const req = [`${e.request.method} ${e.request.path} HTTP/1.1`, ...e.request.headers.map(([k, v]) => `${k}: ${v}`)];
  if (e.request.body !== undefined) req.push('', cut(e.request.body));
  let res: string[];
  if (e.response) {
    res = [`HTTP/1.1 ${e.response.status}`, ...e.response.headers.map(([k, v]) => `${k}: ${v}`)];
    if (e.response.body !== '') res.push('', cut(e.response.body) + (e.response.truncated ? '\n… (truncated by the harness)' : ''));
  } else {
    res = [`(no response: ${e.error ?? 'unknown error'})`];
  }
  res.push('', `(${e.ms} ms)`);
  return { request: req.join('\n'), response: res.join('\n') };
}

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  evaluation?: Evaluation;
  /** At most this many failures get a detailed section (the step summary is limited to 1 MiB). */
  maxDetailed?: number;
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** A fence that the content cannot close. */
function fence(text: string, lang = ''): string {
  let ticks = '```';
  while (text.includes(ticks)) ticks += '`';
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

/** Markdown summary (`--markdown`, `$GITHUB_STEP_SUMMARY`): verdict, the modes × categories table, then failures with evidence. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const ev = options.evaluation;
  const verdict = verdictOf(report, ev);
  const s = report.summary;
  const out: string[] = [];
  out.push(`## ${verdict.ok ? '✅' : '❌'} dexto-auth-conformance: ${verdict.text}`, '');
  out.push(
    `Target: \`${mdCell(report.target.label)}\` (${report.target.kind}) · seed ${report.seed} · ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped · ` +
      `${s.failedMust} MUST / ${s.failedShould} SHOULD failure(s) · ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
  );
  if (s.errors > 0) out.push(`> **${s.errors} harness error(s)**: a check broke inside the suite (exit code 3); see the JSON report.`, '');
  const m = matrixOf(report, ev);
  out.push(`| mode | ${m.categories.join(' | ')} |`, `|---|${m.categories.map(() => '---').join('|')}|`);
  for (const row of m.modes) {
    const name = row.state === 'refused-start' ? `${row.mode} (refused to start)` : row.mode;
    out.push(`| ${mdCell(name)} | ${m.categories.map((c) => mdCell(cellText(m.cell(row.mode, c)))).join(' | ')} |`);
  }
  out.push('');
  if (ev) {
    if (ev.accepted.length > 0) out.push(`Baseline: ${ev.accepted.length} known failure(s) accepted.`);
    if (ev.tolerated.length > 0) out.push(`${ev.tolerated.length} SHOULD failure(s) below the threshold (--fail-on ${ev.failOn}).`);
    if (ev.stale.length > 0) {
      out.push(`**Stale baseline entries** (these checks pass now; remove them or run with --update-baseline):`);
      for (const e of ev.stale) out.push(`- \`${e.id}\` in mode \`${e.mode}\``);
    }
    if (ev.accepted.length + ev.tolerated.length + ev.stale.length > 0) out.push('');
  }
  const failures = report.results.filter((r) => r.status === 'fail');
  if (failures.length === 0) return `${out.join('\n')}\n`;
  const accepted = new Set((ev?.accepted ?? []).map(resultKey));
  const max = options.maxDetailed ?? 50;
  out.push(`### Failures (${failures.length})`, '');
  failures.forEach((r, i) => {
    const tag = accepted.has(resultKey(r)) ? ' _(baselined)_' : '';
    if (i >= max) {
      out.push(`- \`${r.id}\` in \`${r.mode}\` [${r.level} ${r.requirement}]${tag}: ${mdCell(r.message).slice(0, 200)}`);
      return;
    }
    out.push(`#### ${r.level === 'MUST' ? '❌' : '⚠️'} \`${r.id}\` in mode \`${r.mode}\` [${r.level} ${r.requirement}]${tag}`, '');
    out.push(mdCell(r.title), '');
    out.push(`- **What happened:** ${mdCell(r.message)}`);
    if (r.expected) out.push(`- **Expected:** ${mdCell(r.expected)}`);
    if (r.actual && r.actual !== r.message) out.push(`- **Actual:** ${mdCell(r.actual)}`);
    const numbers = r.evidence?.numbers;
    if (numbers) out.push(`- **Numbers:** ${Object.entries(numbers).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
    if (r.evidence?.seed !== undefined) out.push(`- **Seed:** ${r.evidence.seed}`);
    const first = r.evidence?.exchanges?.[0];
    if (first) out.push('', 'Reproduce:', '', fence(first.curl, 'sh'));
    const exchanges = r.evidence?.exchanges ?? [];
    const logs = r.evidence?.logLines ?? [];
    if (exchanges.length > 0 || logs.length > 0) {
      out.push('', '<details><summary>Evidence</summary>', '');
      for (const e of exchanges.slice(0, 3)) {
        const t = exchangeText(e, 1_000);
        out.push(fence(t.request, 'http'), '', fence(t.response, 'http'), '');
      }
      if (logs.length > 0) out.push('Log lines:', '', fence(logs.slice(0, 10).join('\n')), '');
      out.push('</details>');
    }
    out.push('');
  });
  if (failures.length > max) out.push(`(${failures.length - max} further failure(s) listed briefly; the JSON and HTML reports have all the evidence.)`, '');
  return `${out.join('\n')}\n`;
}
