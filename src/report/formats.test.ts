import { describe, expect, it } from 'vitest';
import type { Check, Report, Result } from '../engine/types.js';
import type { Exchange } from '../http/types.js';
import { ALL_CHECKS } from '../../suites/index.js';
import { evaluate } from './baseline.js';
import { renderHtml } from './html.js';
import { cellText, matrixOf, renderMarkdown } from './markdown.js';
import { renderSarif, requirementTexts } from './sarif.js';

const exchange = (body: string): Exchange => ({
  request: { method: 'GET', path: '/api/llm/current', headers: [['Authorization', 'Bearer <API_KEY>']], label: 'wrong key' },
  response: { status: 403, headers: [['Content-Type', 'application/json']], body, truncated: false },
  ms: 2,
  curl: `curl -sS -i --path-as-is -H 'Authorization: Bearer '"$DEXTO_SERVER_API_KEY" 'http://127.0.0.1:1/api/llm/current'`,
});

const check = (id: string): Check => {
  const c = ALL_CHECKS.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};

function result(id: string, mode: string, status: Result['status'], extra: Partial<Result> = {}): Result {
  const c = check(id);
  return { id, requirement: c.requirement, category: c.category, mode, level: c.level, status, title: c.title, message: `${status} message`, durationMs: 3, ...extra };
}

const HOSTILE = '<script>alert(1)</script> | `` ``` ';

function sample(): Report {
  const results: Result[] = [
    result('modes.development-open', 'development', 'pass'),
    result('unauthorized.missing-key', 'production', 'fail', {
      message: `1 of 10 request(s) broke the rule: GET /api/llm/current -> 403 ${HOSTILE}`,
      expected: '401',
      actual: 'GET /api/llm/current -> 403',
      evidence: { exchanges: [exchange(`{"error":"${HOSTILE}"}`)], logLines: ['{"level":"warn","message":"Unauthorized API access attempt"}'] },
    }),
    result('unauthorized.wrong-key', 'production', 'pass'),
    result('unauthorized.cors-preflight', 'production', 'fail', { message: 'preflight needs the key', expected: '204', actual: '401' }),
    result('header-parsing.bare-key', 'production', 'skip', { message: 'not applicable' }),
  ];
  return {
    tool: { name: 'dexto-auth-conformance', version: '0.1.0' },
    target: { kind: 'command', label: 'node server.js', loopback: true, plainHttp: true, restartable: true, logsVisible: true },
    seed: 42,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1234,
    modes: [
      { mode: 'development', state: 'ran', requests: 3 },
      { mode: 'production', state: 'ran', requests: 30 },
      { mode: 'production-no-key', state: 'refused-start', note: 'exited', requests: 0 },
    ],
    results,
    summary: { passed: 2, failed: 2, skipped: 1, failedMust: 1, failedShould: 1, errors: 0, conformant: false },
  };
}

describe('the modes × categories matrix', () => {
  it('counts per cell and marks baselined failures', () => {
    const rep = sample();
    const ev = evaluate(rep, { failOn: 'must', baseline: { version: 1, tool: 'dexto-auth-conformance', expectedFailures: [{ id: 'unauthorized.missing-key', mode: 'production' }] } });
    const m = matrixOf(rep, ev);
    expect(m.categories).toEqual(['modes', 'unauthorized', 'header-parsing']);
    expect(m.cell('production', 'unauthorized')).toEqual({ pass: 1, fail: 2, skip: 0, accepted: 1 });
    expect(cellText(m.cell('production', 'unauthorized'))).toBe('❌ 2 of 3 failed, 1 baselined');
    expect(cellText(m.cell('development', 'modes'))).toBe('✅ 1 passed');
    expect(cellText(m.cell('production', 'header-parsing'), false)).toBe('0 passed (1 skipped)');
    expect(cellText(m.cell('production-no-key', 'modes'))).toBe('—');
  });
});

describe('Markdown summary', () => {
  it('has the verdict, the table, then each failure with evidence; markup cannot break the table', () => {
    const md = renderMarkdown(sample());
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ dexto-auth-conformance: NOT CONFORMANT');
    expect(md).toContain('| mode | modes | unauthorized | header-parsing |');
    expect(md).toContain('| production | — | ❌ 2 of 3 failed | ✅ 0 passed (1 skipped) |');
    expect(md).toContain('| production-no-key (refused to start) | — | — | — |');
    expect(md).toContain('#### ❌ `unauthorized.missing-key` in mode `production` [MUST UNAUTH-401]');
    expect(md).toContain('#### ⚠️ `unauthorized.cors-preflight` in mode `production` [SHOULD UNAUTH-PREFLIGHT]');
    expect(md).toContain('<details><summary>Evidence</summary>');
    expect(md).toContain('HTTP/1.1 403');
    expect(md).toMatch(/\n```sh\ncurl -sS/);
    // Table rows keep their cell count whatever a message holds.
    for (const row of lines.filter((l) => l.startsWith('| ') && !l.startsWith('| mode'))) expect(row.split(/(?<!\\)\|/).length).toBe(6);
    // Code fences are longer than any run of backticks inside them.
    expect(md).toContain('````http');
  });

  it('shows the baseline: accepted failures and stale entries', () => {
    const rep = sample();
    const ev = evaluate(rep, {
      failOn: 'must',
      baseline: {
        version: 1,
        tool: 'dexto-auth-conformance',
        expectedFailures: [
          { id: 'unauthorized.missing-key', mode: 'production' },
          { id: 'unauthorized.wrong-key', mode: 'production' },
        ],
      },
    });
    const md = renderMarkdown(rep, { evaluation: ev });
    expect(md.split('\n')[0]).toBe('## ❌ dexto-auth-conformance: STALE BASELINE');
    expect(md).toContain('- `unauthorized.wrong-key` in mode `production`');
    expect(md).toContain('_(baselined)_');
  });

  it('lists failures past the limit briefly', () => {
    const md = renderMarkdown(sample(), { maxDetailed: 1 });
    expect(md).toContain('- `unauthorized.cors-preflight` in `production` [SHOULD UNAUTH-PREFLIGHT]: preflight needs the key');
  });
});

describe('SARIF 2.1.0', () => {
  const sarif = JSON.parse(renderSarif(sample(), { checks: ALL_CHECKS, artifactUri: 'dexto-auth-conformance.config.json' })) as {
    version: string;
    $schema: string;
    runs: Array<{
      tool: { driver: { name: string; rules: Array<{ id: string; fullDescription: { text: string }; help: { text: string; markdown: string }; defaultConfiguration: { level: string }; properties: Record<string, unknown> }> } };
      results: Array<{
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: Array<{ fullyQualifiedName: string }> }>;
        partialFingerprints: Record<string, string>;
      }>;
    }>;
  };
  const run = sarif.runs[0];

  it('is version 2.1.0 with the checks that ran as rules, with requirement and explain text', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(run?.tool.driver.name).toBe('dexto-auth-conformance');
    const ids = run?.tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual(['modes.development-open', 'unauthorized.missing-key', 'unauthorized.wrong-key', 'unauthorized.cors-preflight', 'header-parsing.bare-key']);
    const rule = run?.tool.driver.rules[1];
    const spec = requirementTexts().get('UNAUTH-401');
    expect(spec?.level).toBe('MUST');
    expect(rule?.fullDescription.text).toBe(`UNAUTH-401 (MUST): ${spec?.text ?? ''}`);
    expect(rule?.help.text).toContain(check('unauthorized.missing-key').explain?.fix ?? '?');
    expect(rule?.help.markdown).toContain('**How to fix it:**');
    expect(rule?.defaultConfiguration.level).toBe('error');
    expect(rule?.properties['security-severity']).toBe('8.0');
    expect(run?.tool.driver.rules[3]?.defaultConfiguration.level).toBe('warning');
  });

  it('has one result per failure, located in the repository and logically at target/mode/check', () => {
    expect(run?.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['unauthorized.missing-key', 'error'],
      ['unauthorized.cors-preflight', 'warning'],
    ]);
    const first = run?.results[0];
    expect(first?.ruleIndex).toBe(1);
    expect(first?.message.text).toMatch(/^\[mode production\] 1 of 10 request\(s\)/);
    expect(first?.message.text).toContain('Reproduce: curl');
    expect(first?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('dexto-auth-conformance.config.json');
    expect(first?.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toBe('node server.js/production/unauthorized.missing-key');
    expect(first?.partialFingerprints['dextoAuthConformance/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(first?.partialFingerprints).not.toEqual(run?.results[1]?.partialFingerprints);
  });
});

describe('HTML report', () => {
  const html = renderHtml(sample(), { checks: ALL_CHECKS });

  it('is one self-contained file: no scripts, no external resources', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!127\.0\.0\.1)/i);
  });

  it('escapes everything the target sent', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('has the matrix and one collapsed <details> per failure with request, response, logs and curl', () => {
    expect(html).toContain('<td class="cell fail" data-mode="production" data-category="unauthorized"><a href="#fail-production-unauthorized-missing-key">2 of 3 failed</a></td>');
    expect(html.match(/<details class="failure/g)?.length).toBe(2);
    expect(html).not.toMatch(/<details[^>]* open/);
    expect(html).toContain('<pre class="request">GET /api/llm/current HTTP/1.1\nAuthorization: Bearer &lt;API_KEY&gt;</pre>');
    expect(html).toContain('<pre class="curl">curl -sS -i --path-as-is');
    expect(html).toContain('<pre class="logs">');
    expect(html).toContain('refused to start');
  });
});
