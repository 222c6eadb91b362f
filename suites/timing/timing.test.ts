import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixtureByName } from '../../fixtures/servers/index.js';
import { run } from '../../src/engine/api.js';
import type { Report, Result } from '../../src/engine/types.js';
import { timingChecks } from './index.js';

const fixtureCmd = (name: string): string => `"${process.execPath}" --import tsx fixtures/servers/serve.ts ${name}`;
const handler = (name: string) => {
  const fixture = fixtureByName(name);
  if (!fixture) throw new Error(`no fixture ${name}`);
  return { kind: 'handler' as const, factory: (env: Record<string, string | undefined>, io: { log: (l: string) => void }) => fixture.create(env, io) };
};

function result(report: Report, id: string, mode = 'production'): Result {
  const r = report.results.find((x) => x.id === id && x.mode === mode);
  if (!r) throw new Error(`no result for ${id} in ${mode}`);
  return r;
}

/** A result that is not a failure must say "no leak above U ns" or "inconclusive", never "constant time" or "safe". */
function expectNotFlagged(r: Result): void {
  expect(r.status, r.message).not.toBe('fail');
  expect(r.message).not.toMatch(/harness error/);
  expect(r.message).not.toMatch(/constant[- ]time|\bsafe\b/i);
  if (r.status === 'pass') expect(r.message).toMatch(/^no leak above \d+ ns/);
  else expect(r.message).toMatch(/^inconclusive/);
  expect(r.evidence?.numbers?.thresholdNs).toBeGreaterThan(0);
}

describe('timing checks against real servers (robust cases only)', () => {
  it('an early-exit compare leaking ~21 µs in all (500 ns per character, child process) fails timing.prefix-leak', async () => {
    const report = await run({ seed: 31, checks: timingChecks, modes: ['production'], timing: { timeMs: 6_000 }, target: { kind: 'command', command: fixtureCmd('timing-early-exit') } });
    const r = result(report, 'timing.prefix-leak');
    expect(r.status, r.message).toBe('fail');
    expect(r.level).toBe('MUST');
    const n = r.evidence?.numbers ?? {};
    expect(n.verdict).toBe('leak');
    expect(Number(n.diffNs)).toBeGreaterThan(10_000);
    expect(Number(n.freshDiffNs)).toBeGreaterThan(10_000);
    expect(n.controlHolds).toBe(true);
    expect(JSON.stringify(report)).not.toMatch(/constant[- ]time/i);
  });

  it('a length check before an expensive compare (20 µs, in-process handler) fails timing.length-leak', async () => {
    const report = await run({ seed: 32, checks: timingChecks, modes: ['production'], timing: { timeMs: 6_000 }, target: handler('timing-length-leak') });
    const r = result(report, 'timing.length-leak');
    expect(r.status, r.message).toBe('fail');
    expect(r.message).toMatch(/keys of the wrong length \(the mean of one character longer and one shorter\) took -\d+ ns less/);
    expect(r.evidence?.numbers?.['inProcess.pairs']).toBeGreaterThan(0);
  });

  it('without --modes, timing is measured in production only; other auth modes say how to include them', async () => {
    const report = await run({ seed: 36, checks: timingChecks, timing: { timeMs: 500 }, target: handler('correct-node-http') });
    expect(report.results.filter((r) => r.id === 'timing.prefix-leak').map((r) => r.mode).sort()).toEqual(['explicit', 'production', 'production-require-false']);
    expect(result(report, 'timing.prefix-leak', 'explicit').message).toMatch(/one auth mode by default \(production\).*--modes/);
    expect(result(report, 'timing.prefix-leak', 'production').message).not.toMatch(/by default/);
  });
});

/**
 * Servers without a leak above θ: never flagged. These run at the same time as each other (and as
 * other test files): more noise can only make them inconclusive, never a leak.
 */
describe('timing checks do not flag servers without a leak', () => {
  it.concurrent('the reference server (the main job: child process) is not flagged', async () => {
    const report = await run({ seed: 33, checks: timingChecks, modes: ['production'], timing: { timeMs: 4_000 } });
    for (const id of ['timing.prefix-leak', 'timing.length-leak']) expectNotFlagged(result(report, id));
    expect(report.summary.conformant).toBe(true);
  });

  it.concurrent('the reference server under a CPU hog on the other core is not flagged (passes or is inconclusive)', async () => {
    const hog: ChildProcess = spawn(process.execPath, ['-e', 'const end = Date.now() + 60000; while (Date.now() < end) {}'], { stdio: 'ignore' });
    try {
      const report = await run({ seed: 34, checks: timingChecks, modes: ['production'], timing: { timeMs: 4_000 } });
      for (const id of ['timing.prefix-leak', 'timing.length-leak']) expectNotFlagged(result(report, id));
    } finally {
      hog.kill('SIGKILL');
    }
  });

  it.concurrent.each(['correct-node-http', 'timing-strict-equal'])('%s (timingSafeEqual on hashes / a plain === leaking a few ns) is not flagged', async (name) => {
    const report = await run({ seed: 35, checks: timingChecks, modes: ['production'], timing: { timeMs: 3_000 }, target: handler(name) });
    for (const id of ['timing.prefix-leak', 'timing.length-leak']) expectNotFlagged(result(report, id));
  });
});
