/** Severity of a log record (winston names). */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const escapeNonAscii = (json: string): string =>
  json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Formats one log record as a single line of ASCII JSON. Control characters and every non-ASCII
 * code unit are escaped, so request data can neither break the line nor forge another record.
 */
export function formatRecord(level: LogLevel, message: string, fields: Record<string, unknown> = {}): string {
  return escapeNonAscii(JSON.stringify({ timestamp: new Date().toISOString(), level, message, ...fields }));
}

/** Writes one line to standard output. */
export function stdoutLog(line: string): void {
  process.stdout.write(`${line}\n`);
}
