import { describe, expect, it } from 'vitest';
import { fixtureByName } from '../../fixtures/servers/index.js';
import { run } from '../engine/api.js';
import type { Check, Result } from '../engine/types.js';
import { ALL_CHECKS } from '../../suites/index.js';
import { describeFailure, planConformance, toRunOptions, unknownExpectedFailures, verdictFor, type ConformanceOptions } from './plan.js';

const correct = fixtureByName('correct-node-http');
if (!correct) throw new Error('fixture correct-node-http missing');
const factory = (env: Record<string, string | undefined>, io: { log: (l: string) => void }) => correct.create(env, io);
const CORE = ['modes', 'public-routes', 'unauthorized', 'header-parsing'];

describe('planConformance: the tests registered at collection time', () => {
  it('are exactly the (check, mode) pairs the engine runs for a handler target', async () => {
    const plan = planConformance(factory, { only: CORE });
    const planned = new Set(plan.flatMap((p) => p.checks.map((c) => `${p.mode.name} ${c.id}`)));
    const report = await run({ seed: 9, only: CORE, target: { kind: 'handler', factory } });
    const notForHandlers = (r: Result): boolean => /only for --target/.test(r.message);
    const ran = new Set(report.results.filter((r) => !notForHandlers(r)).map((r) => `${r.mode} ${r.id}`));
    expect([...planned].sort()).toEqual([...ran].sort());
    expect(planned.size).toBeGreaterThan(50);
  });

  it('honours modes, only and skip, and leaves out checks that cannot apply to a handler', () => {
    const plan = planConformance(factory, { modes: ['production', 'development'], only: ['modes', 'unauthorized'], skip: ['unauthorized.no-echo'] });
    expect(plan.map((p) => p.mode.name)).toEqual(['development', 'production']);
    const ids = plan.flatMap((p) => p.checks.map((c) => c.id));
    expect(ids).not.toContain('unauthorized.no-echo');
    expect(ids).not.toContain('modes.https-transport');
    expect(ids.every((id) => id.startsWith('modes.') || id.startsWith('unauthorized.'))).toBe(true);
    expect(plan.find((p) => p.mode.name === 'development')?.checks.map((c) => c.id)).toContain('modes.development-open');
  });

  it('rejects unknown --only tokens at collection time', () => {
    expect(() => planConformance(factory, { only: ['no-such-category'] })).toThrow(/names no category/);
  });
});

describe('toRunOptions', () => {
  it('parses route strings and fills in variable names', () => {
    const o = toRunOptions({ publicRoutes: ['GET /status', 'HEAD:/ping'], protectedRoutes: [{ method: 'get', path: '/v1/x', source: 'user' }], envNames: { apiKey: 'MY_API_KEY' } });
    expect(o.publicRoutes).toEqual([
      { method: 'GET', path: '/status', source: 'user' },
      { method: 'HEAD', path: '/ping', source: 'user' },
    ]);
    expect(o.protectedRoutes).toEqual([{ method: 'GET', path: '/v1/x', source: 'user' }]);
    expect(o.envNames).toEqual({ nodeEnv: 'NODE_ENV', apiKey: 'MY_API_KEY', requireAuth: 'DEXTO_SERVER_REQUIRE_AUTH' });
  });

  it('rejects a malformed route with the field named', () => {
    expect(() => toRunOptions({ publicRoutes: ['status'] })).toThrow(/publicRoutes: a route is "METHOD \/path"/);
  });
});

const check = ALL_CHECKS.find((c) => c.id === 'unauthorized.missing-key') as Check;
const result = (status: Result['status'], level: Result['level'] = 'MUST'): Result => ({
  id: check.id,
  requirement: check.requirement,
  category: check.category,
  mode: 'production',
  level,
  status,
  title: check.title,
  message: status === 'fail' ? '1 of 10 request(s) broke the rule: GET /x -> 403' : 'fine',
  ...(status === 'fail' ? { expected: '401', actual: 'GET /x -> 403' } : {}),
  durationMs: 1,
});

describe('verdictFor: what each test does with its result', () => {
  const cases: Array<[string, Result | undefined, ConformanceOptions, string]> = [
    ['pass', result('pass'), {}, 'pass'],
    ['MUST failure', result('fail'), {}, 'fail'],
    ['SHOULD failure, not strict', result('fail', 'SHOULD'), {}, 'skip'],
    ['SHOULD failure, strict', result('fail', 'SHOULD'), { strict: true }, 'fail'],
    ['skipped check', result('skip'), {}, 'skip'],
    ['expected failure that fails', result('fail'), { expectedFailures: ['unauthorized.missing-key'] }, 'pass'],
    ['expected failure (id@mode) that fails', result('fail'), { expectedFailures: ['unauthorized.missing-key@production'] }, 'pass'],
    ['expected failure that passes (stale)', result('pass'), { expectedFailures: ['unauthorized.missing-key'] }, 'fail'],
    ['expected failure for another mode', result('fail'), { expectedFailures: ['unauthorized.missing-key@explicit'] }, 'fail'],
    ['no result', undefined, {}, 'fail'],
  ];
  it.each(cases)('%s', (_name, r, options, action) => {
    expect(verdictFor(check, 'production', r, options).action).toBe(action);
  });

  it('a failure message carries requirement, expected, actual and the fix', () => {
    const v = verdictFor(check, 'production', result('fail'), {});
    expect(v.action === 'fail' && v.message).toBe(describeFailure(check, result('fail')));
    const text = describeFailure(check, result('fail'));
    expect(text).toMatch(/^\[MUST UNAUTH-401\] unauthorized\.missing-key in mode production/);
    expect(text).toContain('expected: 401');
    expect(text).toContain(`fix: ${check.explain?.fix ?? ''}`);
  });

  it('a stale expected failure says to remove the entry', () => {
    const v = verdictFor(check, 'production', result('pass'), { expectedFailures: ['unauthorized.missing-key'] });
    expect(v.action === 'fail' && v.message).toMatch(/now passes: remove the entry/);
  });
});

describe('unknownExpectedFailures', () => {
  it('names entries that match no registered test', () => {
    const plan = planConformance(factory, { only: ['unauthorized'] });
    expect(unknownExpectedFailures(['unauthorized.missing-key', 'unauthorized.missing-key@production', 'unauthorized.typo', 'unauthorized.missing-key@development'], plan)).toEqual([
      'unauthorized.typo',
      'unauthorized.missing-key@development',
    ]);
  });
});
