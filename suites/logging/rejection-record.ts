import { concretePath } from '../../src/contract/routes.js';
import type { Check, CheckContext } from '../../src/engine/types.js';
import type { ProbeRequest, ProbeResult } from '../../src/http/types.js';
import { detectFormat, fieldOf, isWarnOrWorse } from '../../src/logs/parse.js';
import { auth, rateLimitedSkip, wrongKey } from '../support.js';
import {
  evidenceLines,
  isRejected,
  isUnauthorizedRecord,
  logsVisible,
  markers,
  markHeaders,
  NO_LOGS,
  noteUntied,
  readLines,
  sendInOrder,
  tiedTo,
  UNAUTHORIZED_MESSAGE,
  waitForMarkers,
  type ReadLine,
} from './support.js';

/** One request that must be rejected, and what its record must say. */
interface Probe {
  label: string;
  path: string;
  authorization?: string;
  hasKey: boolean;
}

function probes(ctx: CheckContext): Probe[] {
  const primary = concretePath(ctx.primaryRoute.path);
  const other = ctx.routes.find((r) => r.method === 'GET' && !r.stream && !/[{:]/.test(r.path) && concretePath(r.path) !== primary);
  const second = other ? concretePath(other.path) : primary;
  return [
    { label: 'no Authorization header', path: primary, hasKey: false },
    { label: 'no Authorization header, another route', path: second, hasKey: false },
    { label: 'wrong key', path: primary, authorization: `Bearer ${wrongKey(ctx)}`, hasKey: true },
    { label: 'malformed header: Basic credentials', path: primary, authorization: `Basic ${Buffer.from('dac-log:probe').toString('base64')}`, hasKey: true },
    { label: 'malformed header: scheme without a token', path: second, authorization: 'Bearer', hasKey: true },
  ];
}

/** The logged path names the requested one: as sent, percent-decoded, with a query, or as a full URL. */
function samePath(logged: unknown, sent: string): boolean {
  if (typeof logged !== 'string') return false;
  let path = logged;
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return false;
    }
  }
  path = path.split('?')[0] ?? path;
  if (path === sent) return true;
  try {
    return decodeURIComponent(path) === decodeURIComponent(sent);
  } catch {
    return false;
  }
}

const asBoolean = (v: unknown): boolean | undefined => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined);

/** What is wrong with the records tied to one rejected request; empty when it is exactly right. */
function judge(tied: readonly ReadLine[], probe: Probe, marker: string): string[] {
  if (tied.length === 0) return ['no log record carries its User-Agent or Origin'];
  const withMessage = tied.filter((r) => isUnauthorizedRecord(r.record));
  const problems: string[] = [];
  const unreadable = tied.filter((r) => r.record.problem).map((r) => r.record.problem);
  if (withMessage.length === 0) {
    problems.push(`no record with the message "${UNAUTHORIZED_MESSAGE}" (${tied.length} other record(s) mention the request)`);
    if (unreadable.length > 0) problems.push(`unreadable record: ${unreadable[0]}`);
    return problems;
  }
  if (withMessage.length > 1) problems.push(`${withMessage.length} records with the message, exactly one expected`);
  const first = withMessage[0] as ReadLine;
  const record = first.record;
  if (record.level !== 'warn') problems.push(`logged at ${record.level ?? 'no recognisable level'}, expected warn`);
  const path = fieldOf(record, 'path');
  if (path === undefined) problems.push('field path missing');
  else if (!samePath(path, probe.path)) problems.push(`path is ${JSON.stringify(path)}, sent ${JSON.stringify(probe.path)}`);
  const hasKey = fieldOf(record, 'hasKey');
  if (hasKey === undefined) problems.push('field hasKey missing');
  else if (asBoolean(hasKey) !== probe.hasKey) problems.push(`hasKey is ${JSON.stringify(hasKey)}, expected ${probe.hasKey}`);
  const origin = fieldOf(record, 'origin');
  if (origin === undefined) problems.push('field origin missing');
  else if (origin !== `https://${marker}.example`) problems.push(`origin is ${JSON.stringify(origin)}, not the Origin sent`);
  const userAgent = fieldOf(record, 'userAgent');
  if (userAgent === undefined) problems.push('field userAgent missing');
  else if (userAgent !== marker) problems.push(`userAgent is ${JSON.stringify(userAgent)}, not the User-Agent sent`);
  const otherAlerts = tied.filter((r) => !withMessage.includes(r) && isWarnOrWorse(r.record));
  if (otherAlerts.length > 0) problems.push(`${otherAlerts.length} further warning-level record(s) for the same request`);
  return problems;
}

/** LOG-REJECT: every rejected request yields exactly one warn record with the four fields. */
export const rejectionRecord: Check = {
  id: 'logging.rejection-record',
  requirement: 'LOG-REJECT',
  level: 'MUST',
  category: 'logging',
  title: 'Each rejected request logs exactly one warn record "Unauthorized API access attempt" with path, hasKey, origin, userAgent',
  modes: ['auth'],
  applies: logsVisible,
  explain: {
    why: 'The security page tells operators to alert on these warnings; a rejection that is not logged, logged at info, or logged without its fields is invisible to that monitoring.',
    typicalFault: 'No log call on the 401 path; the console format dropping the fields; logger.info instead of logger.warn; a second logger writing the record twice.',
    fix: 'In the auth middleware, before answering 401/400: logger.warn("Unauthorized API access attempt", { path, hasKey: Boolean(authorizationHeader), origin, userAgent }), once.',
  },
  async run(ctx) {
    const logs = ctx.logs;
    if (!logs) return NO_LOGS;
    const marker = markers(ctx, 'r');
    const list = probes(ctx);
    const mark = logs.size();
    const reqs: ProbeRequest[] = list.map((p, i) => ({
      method: 'GET',
      path: p.path,
      headers: [...markHeaders(marker(i)), ...(p.authorization !== undefined ? [auth(p.authorization)] : [])],
      label: `${p.label} (User-Agent ${marker(i)})`,
    }));
    const results = await sendInOrder(ctx, reqs);
    const judged = list.map((p, i) => ({ probe: p, marker: marker(i), result: results[i] as ProbeResult })).filter((x) => isRejected(x.result));
    if (judged.length === 0) {
      // 429: a rate limiter turned the request away before the credential was checked; LOG-REJECT is about credentials.
      const limited = rateLimitedSkip(results);
      if (limited) return { ...limited, message: `${limited.message}; a throttled request is not a credential rejection, so there is no record to demand` };
      return { status: 'skip', message: `none of the ${list.length} requests without a valid key was rejected, so there is no rejection to log (see the unauthorized checks)` };
    }
    await waitForMarkers(logs, mark, judged.map((x) => x.marker));
    const lines = readLines(logs.lines(mark));
    if (judged.every((x) => tiedTo(lines, x.marker).length === 0)) noteUntied(logs);
    const ours = new Set(list.map((_p, i) => marker(i)));
    const failures = judged
      .map((x) => ({ ...x, tied: tiedTo(lines, x.marker), problems: judge(tiedTo(lines, x.marker), x.probe, x.marker) }))
      .filter((x) => x.problems.length > 0);
    const format = detectFormat(logs.lines().map((l) => l.text));
    const numbers = { format: format.format, jsonLines: format.json, textLines: format.text, unreadableLines: format.unreadable, rejected: judged.length };
    if (failures.length === 0) {
      return { status: 'pass', message: `${judged.length} rejected request(s), each logged once at warn with path, hasKey, origin and userAgent (log format: ${format.format})`, evidence: { numbers } };
    }
    // Records with the message that carry none of our markers: fields missing, most likely.
    const untied = lines.filter((r) => isUnauthorizedRecord(r.record) && ![...ours].some((m) => r.line.text.includes(m)));
    const summary = failures.map((f) => `${f.probe.label}: ${f.problems.join('; ')}`);
    const note = untied.length > 0 ? `${untied.length} record(s) with the message carry neither the User-Agent nor the Origin that was sent` : undefined;
    return {
      status: 'fail',
      message: `${failures.length} of ${judged.length} rejected request(s) not logged as the contract says: ${summary.slice(0, 3).join(' | ')}${summary.length > 3 ? ' | …' : ''}`,
      expected: `exactly one warn record "${UNAUTHORIZED_MESSAGE}" per rejected request, with path, hasKey (false without an Authorization header, else true), origin and userAgent as sent`,
      actual: [...summary, ...(note ? [note] : [])].join(' | '),
      evidence: {
        exchanges: failures.slice(0, 6).map((f) => f.result.record),
        logLines: evidenceLines([...failures.flatMap((f) => f.tied.map((t) => t.line)), ...untied.map((u) => u.line)], ctx.http.redactor),
        numbers,
        ...(note ? { note } : {}),
      },
    };
  },
};
