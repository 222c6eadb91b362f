import { describe, expect, it } from 'vitest';
import { run } from '../src/engine/api.js';
import type { Report } from '../src/engine/types.js';
import { EXPECTATIONS } from '../fixtures/expectations.js';
import { FIXTURES } from '../fixtures/servers/index.js';

/** Categories every fixture is run through here; the heavier ones have their own tests. */
const CORE = ['modes', 'public-routes', 'unauthorized', 'header-parsing'];
const SEED = 20261203;

function failures(report: Report): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of report.results) if (r.status === 'fail') (out[r.id] ??= []).push(r.mode);
  for (const modes of Object.values(out)) modes.sort();
  return out;
}

function sorted(fails: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(fails).map(([id, modes]) => [id, [...modes].sort()]));
}

describe('self-test: each fixture fails exactly the checks meant to catch it', () => {
  const known = FIXTURES.filter((f) => EXPECTATIONS[f.name]);

  it('every fault fixture of the core categories has an expectation', () => {
    expect(Object.keys(EXPECTATIONS).every((name) => FIXTURES.some((f) => f.name === name))).toBe(true);
  });

  it.concurrent.each(known.map((f) => [f.name, f] as const))(`%s (seed ${SEED})`, async (name, fixture) => {
    const report = await run({ seed: SEED, only: CORE, target: { kind: 'handler', factory: (env, io) => fixture.create(env, io) } });
    expect(report.summary.errors, JSON.stringify(report.results.filter((r) => r.message.startsWith('harness')))).toBe(0);
    expect(failures(report)).toEqual(sorted(EXPECTATIONS[name]?.fails ?? {}));
  });
});
