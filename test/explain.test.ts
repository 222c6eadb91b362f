import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../suites/index.js';
import { cli } from './helpers.js';

/**
 * Every check, including those of categories added later, must have --explain text: why it
 * matters, what a failing server typically does, how to fix it.
 */
describe('--explain covers every check in ALL_CHECKS', () => {
  it('there are checks to cover', () => {
    expect(ALL_CHECKS.length).toBeGreaterThan(30);
  });

  it.each(ALL_CHECKS.map((c) => [c.id, c] as const))('%s has explain text', (_id, check) => {
    const e = check.explain;
    expect(e, `${check.id} has no explain`).toBeDefined();
    for (const field of ['why', 'typicalFault', 'fix'] as const) {
      const text = e?.[field] ?? '';
      expect(text.trim().length, `${check.id}: explain.${field} is empty or too short`).toBeGreaterThanOrEqual(15);
    }
  });

  it.each(ALL_CHECKS.map((c) => [c.id, c] as const))('--explain %s prints it', async (id, check) => {
    const r = await cli(['--explain', id]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${id} [${check.level} ${check.requirement}]`);
    expect(r.out).not.toContain('(see SPEC.md)');
    expect(r.out).toContain(`How to fix it: ${check.explain?.fix ?? ''}`);
  });
});
