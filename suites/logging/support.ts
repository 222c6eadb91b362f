import { concretePath } from '../../src/contract/routes.js';
import type { CheckContext, Outcome } from '../../src/engine/types.js';
import type { Redactor } from '../../src/http/redact.js';
import type { ProbeRequest, ProbeResult } from '../../src/http/types.js';
import { isWarnOrWorse, parseLogLine, stripColours, type LogRecord } from '../../src/logs/parse.js';
import type { LogCapture, LogLine } from '../../src/targets/log-capture.js';
import type { TargetInfo } from '../../src/targets/types.js';

/** The message of the contract's warning record for a rejected request. */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized API access attempt';

/** Longest wait for log records to arrive (child-process pipes, followed files). */
export const LOG_WAIT_MS = 1_500;

/** The `applies` of every logging check: the harness must see the target's output. */
export function logsVisible(target: TargetInfo): true | string {
  if (target.logsVisible) return true;
  if (target.kind === 'handler') {
    return "the app's log is not visible to the harness: the handler factory takes no io argument; declare it as (env, io) => createApp(env, io.log), with the app writing its log lines to io.log (logging checks are never passed without logs)";
  }
  return "the target's log output is not visible to the harness: pass --log-file <path> with --target (logging checks are never passed without logs)";
}

/** The skip for a context without logs (the applies test should have caught it). */
export const NO_LOGS: Outcome = { status: 'skip', message: "the target's log output is not visible to the harness (--log-file)" };

/** A log line read, with where it came from. */
export interface ReadLine {
  line: LogLine;
  record: LogRecord;
}

/** Reads captured lines. */
export function readLines(lines: readonly LogLine[]): ReadLine[] {
  return lines.map((line) => ({ line, record: parseLogLine(line.text) }));
}

/** True when the record's message is the contract's (case-insensitive, decorations such as an emoji allowed). */
export function isUnauthorizedRecord(record: LogRecord): boolean {
  return (record.message ?? '').toLowerCase().includes(UNAUTHORIZED_MESSAGE.toLowerCase());
}

/** Records that would raise an alert: warning level or worse. */
export const alerting = (r: ReadLine): boolean => isWarnOrWorse(r.record);

/**
 * Unique markers for one check run: sent as User-Agent and inside Origin, so a record can be
 * tied to the request that caused it whatever the log format.
 */
export function markers(ctx: CheckContext, tag: string): (i: number) => string {
  const nonce = ctx.rng.int(36 ** 6).toString(36).padStart(6, '0');
  return (i) => `dac-log-${tag}${nonce}-${String(i).padStart(2, '0')}`;
}

/** Headers that mark a request: `User-Agent: <marker>` and `Origin: https://<marker>.example`. */
export function markHeaders(marker: string): Array<[string, string]> {
  return [
    ['User-Agent', marker],
    ['Origin', `https://${marker}.example`],
  ];
}

/** Lines since `mark` that contain the marker. */
export function tiedTo(lines: readonly ReadLine[], marker: string): ReadLine[] {
  return lines.filter((r) => r.line.text.includes(marker));
}

/** Waits (bounded) until every marker has appeared in some line since `mark`. */
export function waitForMarkers(logs: LogCapture, mark: number, wanted: readonly string[], ms = LOG_WAIT_MS): Promise<boolean> {
  return logs.waitFor((lines) => wanted.every((m) => lines.some((l) => l.text.includes(m))), ms, mark);
}

/** Waits until no new line has arrived for `quietMs` (bounded by `maxMs`). */
export async function quiet(logs: LogCapture, quietMs = 150, maxMs = 1_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let size = logs.size();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(quietMs, Math.max(1, deadline - Date.now()))));
    if (logs.size() === size) return;
    size = logs.size();
  }
}

/** Captures whose target was seen not to log our markers on rejection: barriers would only time out. */
const untiedCaptures = new WeakMap<LogCapture, true>();

/** Records that rejections of this target cannot be tied to requests, so later checks settle by quiet. */
export function noteUntied(logs: LogCapture): void {
  untiedCaptures.set(logs, true);
}

/**
 * Makes sure everything the target logged for earlier requests has arrived: in auth modes a
 * rejected request with its own marker is sent last and its record awaited (records of
 * earlier requests were written before it); elsewhere, or when the target's rejection records
 * do not carry the markers, the output must go quiet. Returns true when the barrier was seen.
 */
export async function settle(ctx: CheckContext, logs: LogCapture, mark: number, marker: string): Promise<boolean> {
  if (ctx.mode.kind !== 'auth' || ctx.startup.state !== 'ready' || untiedCaptures.has(logs)) {
    await quiet(logs);
    return false;
  }
  await ctx.http.send({ method: 'GET', path: concretePath(ctx.primaryRoute.path), headers: markHeaders(marker), label: 'log barrier: no credentials' });
  const seen = await waitForMarkers(logs, mark, [marker]);
  if (!seen) noteUntied(logs);
  // The other stream (stdout vs stderr) may lag a little behind.
  await new Promise((r) => setTimeout(r, 30));
  return seen;
}

/** Sends requests one after another (their records then appear in order). */
export async function sendInOrder(ctx: CheckContext, reqs: readonly ProbeRequest[]): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const r of reqs) out.push(await ctx.http.send(r));
  return out;
}

const DISPLAY_MAX = 400;

/**
 * A log line as it may appear in a report: secrets masked, colour codes dropped, every other
 * control character shown as an escape (a forged line must not act on the reader's terminal).
 */
export function showLine(line: LogLine, redactor: Redactor): string {
  const text = redactor
    .redact(stripColours(line.text))
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => {
      if (ch === '\n') return '\\n';
      if (ch === '\r') return '\\r';
      if (ch === '\t') return '\\t';
      return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    });
  const shown = text.length > DISPLAY_MAX ? `${text.slice(0, DISPLAY_MAX)}…[${text.length} characters]` : text;
  return `[${line.stream} +${Math.round(line.at)}ms] ${shown}`;
}

/** Distinct lines for evidence, in capture order, at most `max`. */
export function evidenceLines(lines: readonly LogLine[], redactor: Redactor, max = 12): string[] {
  const seen = new Set<LogLine>();
  const out: string[] = [];
  for (const l of [...lines].sort((a, b) => a.at - b.at)) {
    if (seen.has(l)) continue;
    seen.add(l);
    out.push(showLine(l, redactor));
    if (out.length >= max) break;
  }
  return out;
}

/** A rejection of the auth layer (any 4xx but 429, which is a rate limiter's, given before any credential check). */
export const isRejected = (r: ProbeResult): boolean => r.status !== undefined && r.status >= 400 && r.status < 500 && r.status !== 429;
