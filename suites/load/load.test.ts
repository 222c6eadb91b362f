import { describe, expect, it } from 'vitest';
import { MODES, type ModeName } from '../../src/contract/modes.js';
import { run } from '../../src/engine/api.js';
import { defaultOptions } from '../../src/engine/options.js';
import type { CheckContext, Report, Result } from '../../src/engine/types.js';
import type { TargetInfo } from '../../src/targets/types.js';
import { Random } from '../../src/util/random.js';
import { fixtureByName } from '../../fixtures/servers/index.js';
import { loadChecks } from './index.js';
import { SHAPES } from './header-cost.js';
import { loadAllowed, loadModeSkip, median, quantile, wrongCredentials } from './support.js';

const KEY = 'q1w2E3r4T5y6U7i8O9p0AaSsDdFfGgHhJjKkLlZzXx=';
const SEED = 7;
/** Short bursts keep the tests quick; the checks' verdicts do not depend on the duration. */
const LOAD = { timeMs: 1_000, connections: 16 };

const info = (over: Partial<TargetInfo> = {}): TargetInfo => ({ kind: 'handler', label: 'test target', loopback: true, plainHttp: true, restartable: true, logsVisible: true, ...over });

function ctxFor(over: { mode?: ModeName; target?: Partial<TargetInfo>; modes?: ModeName[]; key?: string | undefined } = {}): CheckContext {
  const mode = MODES.find((m) => m.name === (over.mode ?? 'production')) ?? (MODES[1] as (typeof MODES)[number]);
  return {
    mode,
    target: info(over.target),
    key: 'key' in over ? over.key : KEY,
    options: defaultOptions(over.modes ? { modes: over.modes } : {}),
    rng: new Random(SEED),
  } as unknown as CheckContext;
}

const byId = (report: Report, id: string): Result[] => report.results.filter((r) => r.id === id && r.status !== 'skip');
const fixtureTarget = (name: string, extraEnv: Record<string, string> = {}) => {
  const fixture = fixtureByName(name);
  if (!fixture) throw new Error(`no fixture ${name}`);
  return { kind: 'handler' as const, factory: (env: Record<string, string | undefined>, io: { log: (line: string) => void }) => fixture.create({ ...env, ...extraEnv }, io) };
};

describe('load: where and when load is sent', () => {
  it.each([
    ['loopback target', info(), false, true],
    ['remote target', info({ kind: 'url', loopback: false }), false, 'refused'],
    ['remote target with --allow-remote-load', info({ kind: 'url', loopback: false }), true, true],
  ] as const)('%s', (_what, target, allowRemoteLoad, expected) => {
    const verdict = loadAllowed(target, defaultOptions({ allowRemoteLoad }));
    if (expected === true) expect(verdict).toBe(true);
    else expect(verdict).toMatch(/--allow-remote-load/);
  });

  it.each([
    ['production, no --modes', { mode: 'production' }, undefined],
    ['explicit, no --modes', { mode: 'explicit' }, /one mode by default/],
    ['explicit named by --modes', { mode: 'explicit', modes: ['explicit'] }, undefined],
    ['fixed-mode URL target in explicit', { mode: 'explicit', target: { kind: 'url', fixedMode: 'explicit' } }, undefined],
    ['a mode without a key', { mode: 'production', key: undefined }, /no key/],
  ] as const)('%s', (_what, over, expected) => {
    const skip = loadModeSkip(ctxFor(over as Parameters<typeof ctxFor>[0]));
    if (expected === undefined) expect(skip).toBeUndefined();
    else expect(skip).toMatch(expected);
  });

  it('every load check runs in the exclusive phase, only in auth modes, behind the remote-load gate', () => {
    for (const check of loadChecks) {
      expect(check.phase, check.id).toBe('exclusive');
      expect(check.modes, check.id).toEqual(['auth']);
      expect(check.applies, check.id).toBe(loadAllowed);
      expect(check.explain, check.id).toBeDefined();
    }
  });
});

describe('load: wrong credentials of the burst', () => {
  it.each([
    ['loopback: random keys and near misses', true],
    ['remote: random keys only (the load generator does not verify TLS)', false],
  ] as const)('%s', (_what, loopback) => {
    const next = wrongCredentials(ctxFor({ target: { loopback } }), KEY);
    const made = Array.from({ length: 2_000 }, next);
    expect(made.every((c) => c.value !== `Bearer ${KEY}`)).toBe(true);
    expect(new Set(made.map((c) => c.value)).size).toBeGreaterThan(1_000);
    const nearMisses = made.filter((c) => !c.label.startsWith('random'));
    if (loopback) expect(nearMisses.length).toBeGreaterThan(800);
    else expect(nearMisses).toEqual([]);
  });
});

describe('load: header shapes and statistics', () => {
  it.each(SHAPES.map((s) => [s.label, s] as const))('%s has the asked-for size and no line breaks', (_label, shape) => {
    for (const n of [3584, 14 * 1024]) {
      const value = shape.value(n, 'A'.repeat(44));
      expect(value.length).toBeLessThanOrEqual(n);
      expect(value.length).toBeGreaterThan(n - 16);
      expect(value).not.toMatch(/[\r\n]/);
    }
  });

  it.each([
    [[3, 1, 2], 0.5, 2],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[5], 0.99, 5],
  ] as const)('quantile(%j, %d) = %d', (values, q, expected) => {
    expect(quantile([...values].sort((a, b) => a - b), q)).toBe(expected);
    if (q === 0.5) expect(median(values)).toBe(expected);
  });
});

describe('load: against servers (short bursts)', () => {
  it('the reference server passes every load check', async () => {
    const report = await run({ seed: SEED, only: ['load'], modes: ['production'], load: LOAD });
    expect(report.results.map((r) => `${r.id} ${r.status}`).sort()).toEqual(loadChecks.map((c) => `${c.id} pass`).sort());
    expect(byId(report, 'load.auth-cost')[0]?.evidence?.numbers?.publicRps).toBeGreaterThan(0);
  });

  it.each([['correct-node-http'], ['rate-limited']] as const)('%s passes every load check', async (name) => {
    const report = await run({ seed: SEED, only: ['load'], modes: ['production'], load: LOAD, target: fixtureTarget(name) });
    expect(report.results.map((r) => `${r.id} ${r.status}`).sort()).toEqual(loadChecks.map((c) => `${c.id} pass`).sort());
    const limit = byId(report, 'load.rate-limit')[0];
    const status429 = limit?.evidence?.numbers?.status429 as number;
    if (name === 'rate-limited') {
      expect(status429).toBeGreaterThan(0);
      expect(limit?.evidence?.numbers?.retryAfter).toBe('1');
      expect(limit?.message).toMatch(/rate-limits/);
    } else {
      expect(status429).toBe(0);
    }
  });

  it('quadratic-header fails load.header-cost, and its cost grows faster than linearly', async () => {
    const report = await run({ seed: SEED, only: ['load.header-cost'], modes: ['production'], load: LOAD, target: fixtureTarget('quadratic-header') });
    const cost = byId(report, 'load.header-cost')[0];
    expect(cost?.status).toBe('fail');
    expect(cost?.evidence?.numbers?.worstExcessMs).toBeGreaterThan(10);
    expect(cost?.evidence?.numbers?.worstGrowthExponent).toBeGreaterThan(1.4);
  });

  it.each([
    ['in process (sockets destroyed)', fixtureTarget('dies-under-brute-force', { FIXTURE_DIES_AFTER: '400' })],
    ['as a child process that exits', { kind: 'command' as const, command: `FIXTURE_CRASH=exit FIXTURE_DIES_AFTER=400 "${process.execPath}" --import tsx fixtures/servers/serve.ts dies-under-brute-force` }],
  ] as const)('dies-under-brute-force %s fails load.brute-force and load.valid-under-attack', async (_how, target) => {
    const report = await run({ seed: SEED, only: ['load.brute-force', 'load.valid-under-attack'], modes: ['production'], load: LOAD, target });
    const brute = byId(report, 'load.brute-force')[0];
    expect(brute?.status).toBe('fail');
    expect(brute?.message).toMatch(/did not serve/);
    expect(byId(report, 'load.valid-under-attack')[0]?.status).toBe('fail');
    expect(report.summary.errors).toBe(0);
  });
});
