import { describe, expect, it } from 'vitest';
import type { LogLine } from '../targets/log-capture.js';
import { startupExcerpt } from './startup-excerpt.js';

const lines = (...texts: string[]): LogLine[] => texts.map((text, i) => ({ at: i, stream: 'stderr', text }));

describe('startupExcerpt', () => {
  it('keeps the error heading of a Node crash that the last lines cut off', () => {
    const crash = lines(
      'node:internal/modules/cjs/loader:1228',
      '  throw err;',
      "Error: Cannot find module '/app/dist/server.js'",
      '    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)',
      '    at Module._load (node:internal/modules/cjs/loader:1051:27)',
      '    at node:internal/main/run_main_module:28:49 {',
      "  code: 'MODULE_NOT_FOUND',",
      '  requireStack: []',
      '}',
      '',
      'Node.js v20.20.2',
    );
    const shown = startupExcerpt(crash);
    expect(shown[0]).toBe("Error: Cannot find module '/app/dist/server.js'");
    expect(shown[1]).toBe('…');
    expect(shown.at(-1)).toBe('Node.js v20.20.2');
  });

  it('shows only the last lines when they hold the error or there is none', () => {
    expect(startupExcerpt(lines('a', 'b', 'Error: port in use'))).toEqual(['a', 'b', 'Error: port in use']);
    expect(startupExcerpt(lines('1', '2', '3', '4', '5', '6', '7'))).toEqual(['3', '4', '5', '6', '7']);
  });
});
