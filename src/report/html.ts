import type { Check, Report, Result } from '../engine/types.js';
import type { Evaluation } from './baseline.js';
import { cellText, exchangeText, matrixOf, verdictOf } from './markdown.js';

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** Checks, for explain text (normally ALL_CHECKS). */
  checks?: readonly Check[];
  evaluation?: Evaluation;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Anchor id of a failure. */
export const failureAnchor = (r: Pick<Result, 'id' | 'mode'>): string => `fail-${r.mode}-${r.id}`.replace(/[^A-Za-z0-9_-]/g, '-');

const STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #6e7781; --line: #d0d7de; --bg2: rgba(127,127,127,.08); }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.verdict.ok { color: var(--ok); } .verdict.bad { color: var(--bad); }
.meta { color: var(--muted); margin: 0 0 16px; }
table.matrix { border-collapse: collapse; width: 100%; margin: 12px 0 24px; }
table.matrix th, table.matrix td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
table.matrix th { background: var(--bg2); font-weight: 600; }
td.cell.pass { background: rgba(26,127,55,.12); }
td.cell.fail { background: rgba(207,34,46,.15); font-weight: 600; }
td.cell.baselined { background: rgba(154,103,0,.15); }
td.cell.none { color: var(--muted); }
td.cell a { color: inherit; }
.note { color: var(--muted); font-size: 12px; }
details.failure { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 4px; margin: 8px 0; padding: 6px 10px; }
details.failure.should { border-left-color: var(--warn); }
details.failure.baselined { border-left-color: var(--muted); }
details.failure > summary { cursor: pointer; }
details.failure > summary code { font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; }
dt { font-weight: 600; }
dd { margin: 0; }
pre { background: var(--bg2); padding: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: 4px 0 10px; }
.exchange { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.stale { color: var(--bad); }
`;

function matrixHtml(report: Report, ev: Evaluation | undefined): string {
  const m = matrixOf(report, ev);
  const firstFailure = new Map<string, Result>();
  for (const r of report.results) if (r.status === 'fail' && !firstFailure.has(`${r.mode}\u0000${r.category}`)) firstFailure.set(`${r.mode}\u0000${r.category}`, r);
  const head = `<tr><th scope="col">mode</th>${m.categories.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}</tr>`;
  const rows = m.modes.map((row) => {
    const cells = m.categories.map((c) => {
      const cell = m.cell(row.mode, c);
      const total = cell.pass + cell.fail + cell.skip;
      const cls = total === 0 ? 'none' : cell.fail === 0 ? 'pass' : cell.fail === cell.accepted ? 'baselined' : 'fail';
      const text = esc(cellText(cell, false));
      const target = firstFailure.get(`${row.mode}\u0000${c}`);
      const body = target ? `<a href="#${failureAnchor(target)}">${text}</a>` : text;
      return `<td class="cell ${cls}" data-mode="${esc(row.mode)}" data-category="${esc(c)}">${body}</td>`;
    });
    const note = row.state === 'refused-start' ? '<div class="note">refused to start (fails closed)</div>' : row.note ? `<div class="note">${esc(row.note)}</div>` : '';
    return `<tr><th scope="row">${esc(row.mode)}${note}</th>${cells.join('')}</tr>`;
  });
  return `<table class="matrix" id="matrix"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** The message's gist for a one-line summary: up to its first colon, or cut at a word. */
function gist(message: string): string {
  const colon = message.indexOf(': ');
  if (colon > 0 && colon <= 120) return message.slice(0, colon);
  if (message.length <= 140) return message;
  const cut = message.slice(0, 140);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 100))} …`;
}

function failureHtml(r: Result, check: Check | undefined, baselined: boolean): string {
  const cls = ['failure', r.level === 'SHOULD' ? 'should' : 'must', ...(baselined ? ['baselined'] : [])].join(' ');
  const parts: string[] = [];
  parts.push(
    `<summary><code>${esc(r.id)}</code> in mode <code>${esc(r.mode)}</code> [${r.level} ${esc(r.requirement)}]${baselined ? ' <em>(baselined)</em>' : ''} — ${esc(gist(r.message))}</summary>`,
  );
  const dl = [`<dt>Check</dt><dd>${esc(r.title)}</dd>`, `<dt>What happened</dt><dd>${esc(r.message)}</dd>`];
  if (r.expected) dl.push(`<dt>Expected</dt><dd>${esc(r.expected)}</dd>`);
  if (r.actual && r.actual !== r.message) dl.push(`<dt>Actual</dt><dd>${esc(r.actual)}</dd>`);
  const numbers = r.evidence?.numbers;
  if (numbers) dl.push(`<dt>Numbers</dt><dd>${esc(Object.entries(numbers).map(([k, v]) => `${k}=${String(v)}`).join(', '))}</dd>`);
  if (r.evidence?.seed !== undefined) dl.push(`<dt>Seed</dt><dd>${r.evidence.seed}</dd>`);
  if (r.evidence?.note) dl.push(`<dt>Note</dt><dd>${esc(r.evidence.note)}</dd>`);
  if (check?.explain) {
    dl.push(`<dt>Why it matters</dt><dd>${esc(check.explain.why)}</dd>`);
    dl.push(`<dt>Typical fault</dt><dd>${esc(check.explain.typicalFault)}</dd>`);
    dl.push(`<dt>How to fix</dt><dd>${esc(check.explain.fix)}</dd>`);
  }
  parts.push(`<dl>${dl.join('')}</dl>`);
  (r.evidence?.exchanges ?? []).slice(0, 8).forEach((e, i) => {
    const t = exchangeText(e, 4_000);
    parts.push(
      `<h4>Exchange ${i + 1}${e.request.label ? `: ${esc(e.request.label)}` : ''}</h4>`,
      `<div class="exchange"><div><div class="note">request</div><pre class="request">${esc(t.request)}</pre></div><div><div class="note">response</div><pre class="response">${esc(t.response)}</pre></div></div>`,
      `<div class="note">reproduce</div><pre class="curl">${esc(e.curl)}</pre>`,
    );
  });
  const logs = r.evidence?.logLines ?? [];
  if (logs.length > 0) parts.push(`<h4>Log lines</h4><pre class="logs">${esc(logs.slice(0, 50).join('\n'))}</pre>`);
  return `<details class="${cls}" id="${failureAnchor(r)}">${parts.join('\n')}</details>`;
}

/**
 * A single-file HTML report (`--html`): verdict, the modes × categories matrix (cells link to
 * their first failure), and every failure as an expandable section with its requests,
 * responses, log lines and curl reproductions. No scripts, no external resources.
 */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const ev = options.evaluation;
  const verdict = verdictOf(report, ev);
  const s = report.summary;
  const checks = new Map((options.checks ?? []).map((c) => [c.id, c]));
  const accepted = new Set((ev?.accepted ?? []).map((r) => `${r.id}\u0000${r.mode}`));
  const failures = report.results.filter((r) => r.status === 'fail');
  const body: string[] = [];
  body.push(`<h1>dexto-auth-conformance: <span class="verdict ${verdict.ok ? 'ok' : 'bad'}">${esc(verdict.text)}</span></h1>`);
  body.push(
    `<p class="meta">Target <code>${esc(report.target.label)}</code> (${esc(report.target.kind)}) · seed ${report.seed} · started ${esc(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s · ` +
      `<span id="counts">${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped</span> · ${s.failedMust} MUST / ${s.failedShould} SHOULD failure(s)${s.errors > 0 ? ` · ${s.errors} harness error(s)` : ''}</p>`,
  );
  body.push('<h2>Modes × categories</h2>', matrixHtml(report, ev));
  if (ev && (ev.stale.length > 0 || ev.accepted.length > 0)) {
    body.push('<h2>Baseline</h2>', `<p>${ev.accepted.length} known failure(s) accepted.</p>`);
    if (ev.stale.length > 0) body.push(`<p class="stale">Stale entries (the check passes now):</p><ul>${ev.stale.map((e) => `<li><code>${esc(e.id)}</code> in <code>${esc(e.mode)}</code></li>`).join('')}</ul>`);
  }
  body.push(`<h2>Failures (${failures.length})</h2>`);
  if (failures.length === 0) body.push('<p>None.</p>');
  for (const r of failures) body.push(failureHtml(r, checks.get(r.id), accepted.has(`${r.id}\u0000${r.mode}`)));
  const skippedNotes = report.results.filter((r) => r.status === 'skip' && r.message.startsWith('harness error'));
  if (skippedNotes.length > 0) body.push('<h2>Harness errors</h2>', ...skippedNotes.map((r) => `<pre>${esc(`${r.mode} ${r.id}: ${r.message}`)}</pre>`));
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>dexto-auth-conformance: ${esc(verdict.text)} (${esc(report.target.label)})</title>`,
    `<style>${STYLE}</style></head>`,
    `<body>${body.join('\n')}</body></html>`,
    '',
  ].join('\n');
}
