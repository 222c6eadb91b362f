import { describe, expect, it } from 'vitest';
import type { Report, Result } from '../engine/types.js';
import { baselineFromReport, evaluate, parseBaseline, renderBaseline, type Baseline } from './baseline.js';

const r = (id: string, mode: string, status: Result['status'], level: Result['level'] = 'MUST'): Result => ({
  id,
  requirement: 'REQ',
  category: 'unauthorized',
  mode,
  level,
  status,
  title: id,
  message: status,
  durationMs: 1,
});

const report = (results: Result[]): Report => ({
  tool: { name: 'dexto-auth-conformance', version: '0' },
  target: { kind: 'handler', label: 't', loopback: true, plainHttp: true, restartable: true, logsVisible: true },
  seed: 1,
  startedAt: new Date(0).toISOString(),
  durationMs: 1,
  modes: [],
  results,
  summary: { passed: 0, failed: 0, skipped: 0, failedMust: 0, failedShould: 0, errors: 0, conformant: true },
});

const base = (...entries: Array<[string, string]>): Baseline => ({ version: 1, tool: 'dexto-auth-conformance', expectedFailures: entries.map(([id, mode]) => ({ id, mode })) });

describe('evaluate: threshold and baseline decide the exit', () => {
  const rep = report([r('a', 'production', 'fail'), r('b', 'production', 'fail', 'SHOULD'), r('c', 'production', 'pass'), r('d', 'production', 'skip')]);
  it.each([
    ['no baseline, MUST threshold: the MUST failure fails', 'must', undefined, false, ['a'], []],
    ['SHOULD threshold: both fail', 'should', undefined, false, ['a', 'b'], []],
    ['baselined MUST failure: ok', 'must', base(['a', 'production']), true, [], []],
    ['baselined MUST only, SHOULD threshold: the SHOULD one fails', 'should', base(['a', 'production']), false, ['b'], []],
    ['a baselined check that passes now is stale', 'must', base(['a', 'production'], ['c', 'production']), false, [], ['c']],
    ['skipped or absent entries are neither stale nor failing', 'must', base(['a', 'production'], ['d', 'production'], ['a', 'explicit']), true, [], []],
  ] as const)('%s', (_name, failOn, baseline, ok, failing, stale) => {
    const ev = evaluate(rep, { failOn, ...(baseline ? { baseline } : {}) });
    expect(ev.ok).toBe(ok);
    expect(ev.failing.map((x) => x.id)).toEqual(failing);
    expect(ev.stale.map((x) => x.id)).toEqual(stale);
  });

  it('reports what was accepted, tolerated and not checked', () => {
    const ev = evaluate(rep, { failOn: 'must', baseline: base(['a', 'production'], ['d', 'production']) });
    expect(ev.accepted.map((x) => x.id)).toEqual(['a']);
    expect(ev.tolerated.map((x) => x.id)).toEqual(['b']);
    expect(ev.unchecked.map((x) => x.id)).toEqual(['d']);
  });
});

describe('baseline files', () => {
  it('--update-baseline writes every failure, keeps reasons and entries of checks not run', () => {
    const previous: Baseline = {
      version: 1,
      tool: 'dexto-auth-conformance',
      expectedFailures: [
        { id: 'a', mode: 'production', reason: 'ticket 12' },
        { id: 'z', mode: 'explicit', reason: 'not run this time' },
        { id: 'c', mode: 'production' },
      ],
    };
    const next = baselineFromReport(report([r('a', 'production', 'fail'), r('b', 'production', 'fail', 'SHOULD'), r('c', 'production', 'pass')]), previous);
    expect(next.expectedFailures).toEqual([
      { id: 'a', mode: 'production', level: 'MUST', reason: 'ticket 12' },
      { id: 'b', mode: 'production', level: 'SHOULD' },
      { id: 'z', mode: 'explicit', reason: 'not run this time' },
    ]);
    expect(parseBaseline(renderBaseline(next))).toEqual(next);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['no array', '{"expectedFailures": 1}', /must be an array/],
    ['an unknown key', '{"expectedFailures": [], "extra": 1}', /unknown key "extra"/],
    ['an entry without a mode', '{"expectedFailures": [{"id": "a"}]}', /"mode" must be a mode name/],
    ['an unknown entry key', '{"expectedFailures": [{"id": "a", "mode": "m", "why": "x"}]}', /unknown key "why"/],
    ['another version', '{"version": 2, "expectedFailures": []}', /unsupported version/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseBaseline(text, 'b.json')).toThrow(message);
  });
});
