import type { Report, Result } from '../engine/types.js';

const xml = (s: string): string =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** JUnit XML (`--junit`): one testsuite per mode, one testcase per check. */
export function renderJunit(report: Report): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const s = report.summary;
  out.push(`<testsuites name="dexto-auth-conformance" tests="${report.results.length}" failures="${s.failed}" skipped="${s.skipped}" time="${(report.durationMs / 1000).toFixed(3)}">`);
  for (const mode of report.modes) {
    const rs = report.results.filter((r) => r.mode === mode.mode);
    const failures = rs.filter((r) => r.status === 'fail').length;
    const skipped = rs.filter((r) => r.status === 'skip').length;
    const time = rs.reduce((t, r) => t + r.durationMs, 0) / 1000;
    out.push(`  <testsuite name="${xml(mode.mode)}" tests="${rs.length}" failures="${failures}" skipped="${skipped}" time="${time.toFixed(3)}">`);
    for (const r of rs) out.push(testcase(r));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function testcase(r: Result): string {
  const open = `    <testcase name="${xml(`${r.id} [${r.level}]`)}" classname="${xml(`${r.mode}.${r.category}`)}" time="${(r.durationMs / 1000).toFixed(3)}">`;
  if (r.status === 'pass') return `${open}</testcase>`;
  if (r.status === 'skip') return `${open}<skipped message="${xml(r.message)}"/></testcase>`;
  const body = [`requirement: ${r.requirement}`, `expected: ${r.expected ?? ''}`, `actual: ${r.actual ?? ''}`, ...(r.evidence?.exchanges ?? []).map((e) => `reproduce: ${e.curl}`)].join('\n');
  return `${open}<failure message="${xml(r.message)}" type="${r.level}">${xml(body)}</failure></testcase>`;
}
