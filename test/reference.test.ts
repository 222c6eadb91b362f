import { describe, expect, it } from 'vitest';
import { MODE_NAMES } from '../src/contract/modes.js';
import { run } from '../src/engine/api.js';
import { createReferenceApp } from '../src/reference/app.js';
import type { Report } from '../src/engine/types.js';

function failuresOf(report: Report): string[] {
  return report.results.filter((r) => r.status === 'fail' || r.message.startsWith('harness')).map((r) => `${r.mode} ${r.id}: ${r.message}`);
}

describe('the reference server passes every check in every mode', () => {
  it('as a child process (the main job)', async () => {
    const report = await run({ seed: 424242 });
    expect(failuresOf(report)).toEqual([]);
    expect(report.summary.conformant).toBe(true);
    expect(report.modes.map((m) => m.mode)).toHaveLength(MODE_NAMES.length);
    expect(report.summary.passed).toBeGreaterThan(100);
  });

  it('in-process, from its app factory', async () => {
    const report = await run({ seed: 424243, skip: ['timing', 'load'], target: { kind: 'handler', factory: (env, io) => createReferenceApp(env, { log: io.log }) } });
    expect(failuresOf(report)).toEqual([]);
    expect(report.summary.conformant).toBe(true);
  });
});
