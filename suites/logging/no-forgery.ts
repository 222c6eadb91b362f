import { concretePath } from '../../src/contract/routes.js';
import type { Check, CheckContext } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { stripColours } from '../../src/logs/parse.js';
import { auth } from '../support.js';
import { evidenceLines, logsVisible, markers, markHeaders, NO_LOGS, settle } from './support.js';

/** Control characters that must not reach a log line raw: C0 except tab, and DEL. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** How a payload reaches the server. */
type Vector =
  | { label: string; kind: 'path'; encoded: string }
  | { label: string; kind: 'query'; encoded: string }
  | { label: string; kind: 'basic'; raw: string }
  | { label: string; kind: 'raw-header'; header: 'User-Agent' | 'Origin'; raw: string };

/** Percent-encoded separators for paths and queries; raw bytes for headers (sent byte for byte). */
const VECTORS: readonly Vector[] = [
  { label: 'decoded path with %0a (LF)', kind: 'path', encoded: '%0a' },
  { label: 'decoded path with %0d%0a (CRLF)', kind: 'path', encoded: '%0d%0a' },
  { label: 'decoded path with %0d (CR)', kind: 'path', encoded: '%0d' },
  { label: 'decoded path with %1b[2J (terminal escape)', kind: 'path', encoded: '%1b%5b2J' },
  { label: 'decoded path with %00 and %08 (NUL, backspace)', kind: 'path', encoded: '%00%08' },
  { label: 'decoded query value with %0a', kind: 'query', encoded: '%0a' },
  { label: 'Basic credentials whose user name holds a newline', kind: 'basic', raw: '\n' },
  { label: 'User-Agent with ESC [2J', kind: 'raw-header', header: 'User-Agent', raw: '\u001b[2J' },
  { label: 'Origin with backspaces', kind: 'raw-header', header: 'Origin', raw: '\u0008\u0008\u0008' },
];

interface Sent {
  vector: Vector;
  /** Text just before and just after the control characters. */
  before: string;
  after: string;
  result: ProbeResult;
}

async function send(ctx: CheckContext, v: Vector, marker: string): Promise<Sent> {
  const before = `dacpre${marker.slice(-9)}`;
  const after = `FAKE-RECORD-dacfx${marker.slice(-9)}`;
  const base = concretePath(ctx.primaryRoute.path);
  const headers = markHeaders(marker);
  const label = `${v.label} (User-Agent ${marker})`;
  switch (v.kind) {
    case 'path':
      return { vector: v, before, after, result: await ctx.http.send({ method: 'GET', path: `${base}/${before}${v.encoded}${after}`, headers, label }) };
    case 'query':
      return { vector: v, before, after, result: await ctx.http.send({ method: 'GET', path: `${base}?q=${before}${v.encoded}${after}`, headers, label }) };
    case 'basic': {
      const basic = Buffer.from(`${before}${v.raw}${after}:pw`, 'latin1').toString('base64');
      return { vector: v, before, after, result: await ctx.http.send({ method: 'GET', path: base, headers: [...headers, auth(`Basic ${basic}`)], label }) };
    }
    case 'raw-header': {
      const host = new URL(ctx.http.baseUrl).host;
      const ua = v.header === 'User-Agent' ? `${marker} ${before}${v.raw}${after}` : marker;
      const origin = v.header === 'Origin' ? `https://${marker}.example/${before}${v.raw}${after}` : `https://${marker}.example`;
      const bytes = Buffer.from(`GET ${base} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${ua}\r\nOrigin: ${origin}\r\nConnection: close\r\n\r\n`, 'latin1');
      const shown: Array<[string, string]> = [
        ['User-Agent', JSON.stringify(ua).slice(1, -1)],
        ['Origin', JSON.stringify(origin).slice(1, -1)],
      ];
      return { vector: v, before, after, result: await ctx.http.sendRaw(bytes, { method: 'GET', path: base, headers: shown, label }) };
    }
  }
}

/** LOG-NO-INJECTION: request data cannot forge a log line. */
export const noForgery: Check = {
  id: 'logging.no-forgery',
  requirement: 'LOG-NO-INJECTION',
  level: 'MUST',
  category: 'logging',
  title: 'Control characters in decoded paths, queries, credentials and headers are escaped in the logs: no forged lines',
  modes: ['auth'],
  applies: logsVisible,
  explain: {
    why: 'Alerts and audits read the log line by line; a client that can put a newline into a record can write a fake record (or hide a real one), and terminal escapes act on whoever reads the log.',
    typicalFault: 'A text logger writing decodeURIComponent(path) or a decoded Basic user name as is; string concatenation instead of a structured logger.',
    fix: 'Use a JSON logger (JSON.stringify escapes control characters), or escape \\x00-\\x1f and \\x7f in every request value before it goes into a text line; prefer the raw path to the decoded one.',
  },
  async run(ctx) {
    const logs = ctx.logs;
    if (!logs) return NO_LOGS;
    const marker = markers(ctx, 'f');
    const mark = logs.size();
    const sent: Sent[] = [];
    for (const [i, v] of VECTORS.entries()) sent.push(await send(ctx, v, marker(i)));
    await settle(ctx, logs, mark, marker(99));
    const lines = logs.lines(mark);
    const findings = sent.flatMap((s) => {
      const mentions = lines.filter((l) => l.text.includes(s.before) || l.text.includes(s.after));
      const split = mentions.filter((l) => l.text.includes(s.after) && !l.text.includes(s.before));
      const raw = mentions.filter((l) => CONTROL.test(stripColours(l.text)));
      const problems = [
        ...(split.length > 0 ? [`the text after the control characters started a new line`] : []),
        ...(raw.length > 0 ? [`control characters written raw`] : []),
      ];
      return problems.length > 0 ? [{ sent: s, problems, lines: mentions }] : [];
    });
    const reached = sent.filter((s) => lines.some((l) => l.text.includes(s.before) || l.text.includes(s.after))).length;
    if (findings.length === 0) {
      return {
        status: 'pass',
        message: `${sent.length} payloads with control characters; ${reached} reached the log, all escaped or removed (each record one line)`,
        evidence: { numbers: { payloads: sent.length, reachedLog: reached } },
      };
    }
    const summary = findings.map((f) => `${f.sent.vector.label}: ${f.problems.join(', ')}`);
    return {
      status: 'fail',
      message: `${findings.length} of ${sent.length} payloads forged or corrupted log lines: ${summary.slice(0, 3).join(' | ')}${summary.length > 3 ? ' | …' : ''}`,
      expected: 'control characters from request data escaped or removed: every record stays one line',
      actual: summary.join(' | '),
      evidence: {
        exchanges: findings.slice(0, 6).map((f) => f.sent.result.record),
        logLines: evidenceLines(findings.flatMap((f) => f.lines), ctx.http.redactor),
        numbers: { payloads: sent.length, reachedLog: reached, forged: findings.length },
      },
    };
  },
};
