import { describe, expect, it } from 'vitest';
import { detectFormat, fieldOf, normaliseLevel, parseLogLine, stripColours, type LogSeverity } from './parse.js';

const MSG = 'Unauthorized API access attempt';

describe('parseLogLine', () => {
  it.each<[string, string, { format: 'json' | 'text'; level: LogSeverity | undefined; message: string | undefined; fields?: Record<string, unknown>; problem?: boolean }]>([
    [
      'winston JSON',
      `{"level":"warn","message":"${MSG}","path":"/api/x","hasKey":false,"origin":null,"userAgent":"ua/1"}`,
      { format: 'json', level: 'warn', message: MSG, fields: { path: '/api/x', hasKey: false, origin: null, userAgent: 'ua/1' } },
    ],
    ['pino JSON, level 40', `{"level":40,"time":1,"pid":7,"msg":"${MSG}","path":"/x"}`, { format: 'json', level: 'warn', message: MSG, fields: { path: '/x' } }],
    ['pino level 50', '{"level":50,"msg":"boom"}', { format: 'json', level: 'error', message: 'boom' }],
    ['pino level 30', '{"level":30,"msg":"hi"}', { format: 'json', level: 'info', message: 'hi' }],
    ['pino level 20', '{"level":20,"msg":"dbg"}', { format: 'json', level: 'debug', message: 'dbg' }],
    ['winston colourised level inside JSON', '{"level":"\\u001b[33mwarn\\u001b[39m","message":"m"}', { format: 'json', level: 'warn', message: 'm' }],
    ['severity field (GCP style)', '{"severity":"WARNING","message":"m"}', { format: 'json', level: 'warn', message: 'm' }],
    [
      'text, key=value fields',
      `2024-01-01T00:00:00.000Z WARN  ${MSG} path=/api/x hasKey=false origin=null userAgent="curl/8.0 (x)"`,
      { format: 'text', level: 'warn', message: MSG, fields: { path: '/api/x', hasKey: false, origin: null, userAgent: 'curl/8.0 (x)' } },
    ],
    [
      'winston simple format, colourised, JSON after the message',
      `\u001b[33mwarn\u001b[39m: ${MSG} {"path":"/x","hasKey":true,"origin":"https://a.example","userAgent":"ua"}`,
      { format: 'text', level: 'warn', message: MSG, fields: { path: '/x', hasKey: true, origin: 'https://a.example', userAgent: 'ua' } },
    ],
    ['bracketed level', `[warn] ${MSG} path=/x`, { format: 'text', level: 'warn', message: MSG, fields: { path: '/x' } }],
    ['pino-pretty', `[12:00:00.000] WARN (123): ${MSG}`, { format: 'text', level: 'warn', message: MSG }],
    ['logfmt with msg and level', `time=2024 level=warning msg="${MSG}" path=/x hasKey=true`, { format: 'text', level: 'warn', message: MSG, fields: { path: '/x', hasKey: true } }],
    ['emoji decoration', `⚠️ WARN ${MSG} path=/x`, { format: 'text', level: 'warn', message: MSG }],
    ['no level', 'Server listening on port 3000', { format: 'text', level: undefined, message: 'Server listening on port 3000' }],
    ['a crash message', 'Error: DEXTO_SERVER_API_KEY is required', { format: 'text', level: 'error', message: 'DEXTO_SERVER_API_KEY is required' }],
    ['truncated JSON', '{"level":"warn","message":', { format: 'text', level: undefined, message: '{"level":"warn","message":', problem: true }],
    ['JSON that is not an object', '{}'.slice(0, 1) + '"a"}', { format: 'text', level: undefined, message: '{"a"}', problem: true }],
    ['empty line', '', { format: 'text', level: undefined, message: undefined }],
  ])('%s', (_what, line, want) => {
    const r = parseLogLine(line);
    expect(r.format).toBe(want.format);
    expect(r.level).toBe(want.level);
    expect(r.message).toBe(want.message);
    if (want.fields) expect(r.fields).toMatchObject(want.fields);
    expect(r.problem !== undefined).toBe(want.problem ?? false);
  });

  it('never throws, whatever the bytes', () => {
    for (const line of ['{', '}', '{{{{', 'a=', '="', 'x="unterminated', '\u0000\u001b[2J{', `${'{'.repeat(50)}}`, 'warn: m {"a":1} {"b":', '\uffff\ud800']) {
      expect(() => parseLogLine(line)).not.toThrow();
    }
  });

  it('finds fields nested one level down', () => {
    const r = parseLogLine('{"level":"warn","message":"m","meta":{"path":"/x","hasKey":false}}');
    expect(fieldOf(r, 'path')).toBe('/x');
    expect(fieldOf(r, 'hasKey')).toBe(false);
    expect(fieldOf(r, 'origin')).toBeUndefined();
  });

  it('keeps non-colour escape sequences (they are evidence of injection)', () => {
    expect(stripColours('\u001b[31mred\u001b[0m \u001b[2J')).toBe('red \u001b[2J');
  });
});

describe('normaliseLevel', () => {
  it.each<[unknown, LogSeverity | undefined]>([
    [10, 'trace'],
    [20, 'debug'],
    [30, 'info'],
    [40, 'warn'],
    [50, 'error'],
    [60, 'fatal'],
    ['40', 'warn'],
    ['WARN', 'warn'],
    ['Warning', 'warn'],
    ['err', 'error'],
    ['notice', 'info'],
    ['nonsense', undefined],
    [null, undefined],
  ])('%s -> %s', (value, want) => {
    expect(normaliseLevel(value)).toBe(want);
  });
});

describe('detectFormat', () => {
  it.each<[string, string[], string]>([
    ['JSON lines', ['{"level":"info","message":"a"}', '{"level":30,"msg":"b"}'], 'json'],
    ['text lines', ['2024 INFO a', 'WARN b path=/x'], 'text'],
    ['a mix', ['{"level":"info","message":"a"}', 'WARN b'], 'mixed'],
    ['nothing', ['', '  '], 'none'],
  ])('%s', (_what, lines, format) => {
    expect(detectFormat(lines).format).toBe(format);
  });

  it('counts unreadable lines', () => {
    expect(detectFormat(['{"level":', '{"level":"info","message":"a"}']).unreadable).toBe(1);
  });
});
