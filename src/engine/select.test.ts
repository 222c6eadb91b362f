import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../suites/index.js';
import { selectChecks, UsageError } from './select.js';

describe('selectChecks', () => {
  it.each([
    [['header-parsing'], [], (id: string) => id.startsWith('header-parsing.')],
    [['header-parsing.truncated'], [], (id: string) => id === 'header-parsing.truncated-key'],
    [[], ['header-parsing', 'modes'], (id: string) => !id.startsWith('header-parsing.') && !id.startsWith('modes.')],
  ])('only %j skip %j', (only, skip, keep) => {
    const ids = selectChecks(ALL_CHECKS, only, skip).map((c) => c.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(ALL_CHECKS.map((c) => c.id).filter(keep));
  });

  it('names an unknown token', () => {
    expect(() => selectChecks(ALL_CHECKS, ['nope'], [])).toThrow(UsageError);
  });
});

describe('the check catalogue', () => {
  it('has unique ids of the form <category>.<name>, each citing a requirement in SPEC.md', async () => {
    const { readFileSync } = await import('node:fs');
    const spec = readFileSync('SPEC.md', 'utf8');
    const ids = ALL_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of ALL_CHECKS) {
      expect(c.id.startsWith(`${c.category}.`), c.id).toBe(true);
      expect(spec, `${c.id} cites ${c.requirement}`).toMatch(new RegExp(`\\| ${c.requirement} \\| ${c.level} \\|`));
    }
  });
});
