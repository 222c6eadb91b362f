/** Severity of a log record, normalised from winston/pino/syslog names and pino's numbers. */
export type LogSeverity = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Order of severities (pino's numbers). */
export const SEVERITY_RANK: Readonly<Record<LogSeverity, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** How a line was read. */
export type LineFormat = 'json' | 'text';

/** One log line, read: level, message and fields, whatever the format. */
export interface LogRecord {
  /** The line as captured. */
  raw: string;
  /** The line without colour (SGR) escape codes. */
  text: string;
  format: LineFormat;
  level: LogSeverity | undefined;
  message: string | undefined;
  /** Structured fields: the JSON object, the JSON object after the message, or key=value pairs. */
  fields: Record<string, unknown>;
  /** Set when the line looked structured but could not be read; the line is still usable as text. */
  problem?: string;
}

/** Colour escape codes (SGR: ESC [ … m); other escape sequences are left in place. */
const SGR = /\u001b\[[0-9;]*m/g;

/** Removes colour escape codes. */
export function stripColours(line: string): string {
  return line.replace(SGR, '');
}

const LEVEL_NAMES: ReadonlyMap<string, LogSeverity> = new Map<string, LogSeverity>([
  ['trace', 'trace'],
  ['verbose', 'trace'],
  ['silly', 'trace'],
  ['debug', 'debug'],
  ['info', 'info'],
  ['information', 'info'],
  ['notice', 'info'],
  ['http', 'info'],
  ['log', 'info'],
  ['warn', 'warn'],
  ['warning', 'warn'],
  ['error', 'error'],
  ['err', 'error'],
  ['crit', 'error'],
  ['critical', 'error'],
  ['alert', 'fatal'],
  ['fatal', 'fatal'],
  ['emerg', 'fatal'],
  ['emergency', 'fatal'],
  ['panic', 'fatal'],
]);

/** Normalises a level value: names in any case, pino numbers (40 = warn), numeric strings. */
export function normaliseLevel(value: unknown): LogSeverity | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value < 20) return 'trace';
    if (value < 30) return 'debug';
    if (value < 40) return 'info';
    if (value < 50) return 'warn';
    if (value < 60) return 'error';
    return 'fatal';
  }
  if (typeof value !== 'string') return undefined;
  const t = stripColours(value).trim();
  if (/^\d+$/.test(t)) return normaliseLevel(Number(t));
  return LEVEL_NAMES.get(t.toLowerCase());
}

/** True for warn, error and fatal. */
export function isWarnOrWorse(record: LogRecord): boolean {
  return record.level !== undefined && SEVERITY_RANK[record.level] >= SEVERITY_RANK.warn;
}

const LEVEL_KEYS = ['level', 'severity', 'lvl', 'levelname', 'log.level'];
const MESSAGE_KEYS = ['message', 'msg', '@message'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstKey(obj: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const k of keys) if (k in obj) return obj[k];
  const log = obj.log;
  if (isPlainObject(log) && keys.includes('log.level')) return log.level;
  return undefined;
}

function readJson(raw: string, text: string): LogRecord {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch (error) {
    return { ...readText(raw, text), problem: `looks like JSON but does not parse: ${(error as Error).message}` };
  }
  if (!isPlainObject(value)) return { ...readText(raw, text), problem: 'a JSON value that is not an object' };
  const message = firstKey(value, MESSAGE_KEYS);
  return {
    raw,
    text,
    format: 'json',
    level: normaliseLevel(firstKey(value, LEVEL_KEYS)),
    message: typeof message === 'string' ? stripColours(message) : message === undefined ? undefined : JSON.stringify(message),
    fields: value,
  };
}

/** `key=value` pairs: bare values, "double-quoted" (JSON escapes) or 'single-quoted'. */
const PAIR = /(?:^|\s)([A-Za-z_@][\w.@-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*)/g;

function pairValue(text: string): unknown {
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text.slice(1, -1);
    }
  }
  if (text.startsWith("'")) return text.slice(1, -1);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null' || text === 'undefined' || text === '' || text === '-') return null;
  return text;
}

/** Where a JSON object that runs to the end of the line starts, or -1 (bounded number of tries). */
function trailingObject(text: string): { at: number; value: Record<string, unknown> } | undefined {
  const end = text.trimEnd();
  if (!end.endsWith('}')) return undefined;
  let from = 0;
  for (let tries = 0; tries < 20; tries += 1) {
    const at = end.indexOf('{', from);
    if (at < 0) return undefined;
    try {
      const value: unknown = JSON.parse(end.slice(at));
      if (isPlainObject(value)) return { at, value };
    } catch {
      // not the start of the object; try the next brace
    }
    from = at + 1;
  }
  return undefined;
}

/** Punctuation around a level word: `[WARN]`, `warn:`, `(warn)`, `<warn>`, `WARN|`. */
const LEVEL_TOKEN = /^[[(<{|]*([A-Za-z]+)[\])>}|:,]*$/;

function readText(raw: string, text: string): LogRecord {
  // A level word among the first tokens: "2024-… WARN msg", "[warn] msg", "warn: msg", pino-pretty.
  const tokens = [...text.matchAll(/\S+/g)].slice(0, 5);
  let level: LogSeverity | undefined;
  let rest = text;
  for (const t of tokens) {
    if (t[0].includes('=')) break;
    const m = LEVEL_TOKEN.exec(t[0]);
    const found = m?.[1] ? normaliseLevel(m[1]) : undefined;
    if (found) {
      level = found;
      rest = text.slice((t.index ?? 0) + t[0].length);
      break;
    }
  }
  const fields: Record<string, unknown> = {};
  let messageEnd = rest.length;
  let problem: string | undefined;
  const object = trailingObject(rest);
  if (object) {
    Object.assign(fields, object.value);
    messageEnd = object.at;
  } else {
    if (/\s\{/.test(rest) && rest.trimEnd().endsWith('}')) problem = 'a JSON object after the message does not parse';
    for (const m of rest.matchAll(PAIR)) {
      const name = m[1] as string;
      fields[name] = pairValue(m[2] ?? '');
      messageEnd = Math.min(messageEnd, m.index ?? messageEnd);
    }
  }
  level ??= normaliseLevel(firstKey(fields, LEVEL_KEYS));
  const explicit = firstKey(fields, MESSAGE_KEYS);
  // After the level: separators, and pino-pretty's "(pid on host):".
  const head = rest
    .slice(0, messageEnd)
    .replace(/^\s*\([^)]*\)/, '')
    .replace(/^[\s:|>\-–—]+/, '')
    .trim();
  const message = typeof explicit === 'string' ? explicit : head === '' ? undefined : head;
  return { raw, text, format: 'text', level, message, fields, ...(problem ? { problem } : {}) };
}

/**
 * Reads one line of log output: a JSON record (winston, pino, bunyan: level/message plus fields,
 * pino's numeric levels understood), or a text line with a level word near the start and the
 * fields as `key=value` pairs or a JSON object after the message. Colour codes are ignored.
 * Never throws: a line it cannot read comes back as text, with `problem` set when it looked
 * structured.
 */
export function parseLogLine(raw: string): LogRecord {
  const text = stripColours(raw);
  try {
    return text.trimStart().startsWith('{') ? readJson(raw, text) : readText(raw, text);
  } catch (error) {
    return { raw, text, format: 'text', level: undefined, message: undefined, fields: {}, problem: `unreadable: ${(error as Error).message}` };
  }
}

/**
 * A field by its contract name: at the top level, else inside a nested object one level down
 * (`meta`, `context`, …). Undefined when absent.
 */
export function fieldOf(record: LogRecord, name: string): unknown {
  if (name in record.fields) return record.fields[name];
  for (const value of Object.values(record.fields)) if (isPlainObject(value) && name in value) return value[name];
  return undefined;
}

/** The target's log format, judged from its lines. */
export interface FormatSummary {
  format: 'json' | 'text' | 'mixed' | 'none';
  json: number;
  text: number;
  /** Lines that looked structured but could not be read. */
  unreadable: number;
}

/** Detects a target's log format: JSON lines, text lines, or a mix (e.g. JSON on stdout, text on stderr). */
export function detectFormat(lines: readonly string[]): FormatSummary {
  let json = 0;
  let text = 0;
  let unreadable = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const r = parseLogLine(line);
    if (r.format === 'json') json += 1;
    else text += 1;
    if (r.problem) unreadable += 1;
  }
  const total = json + text;
  const format = total === 0 ? 'none' : json >= 0.8 * total ? 'json' : text >= 0.8 * total ? 'text' : 'mixed';
  return { format, json, text, unreadable };
}
