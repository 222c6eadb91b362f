import type { Check, CheckContext } from '../../src/engine/types.js';
import { isWarnOrWorse, parseLogLine } from '../../src/logs/parse.js';
import type { LogLine } from '../../src/targets/log-capture.js';
import { evidenceLines, logsVisible, NO_LOGS } from './support.js';

/** Words that show an unlevelled line (a crash message, a plain console.error) is a complaint. */
const COMPLAINT = /\b(error|warn(ing)?|fatal|missing|required|not (set|configured|provided)|no api key|refus)/i;

/** A line about the missing key: names the key or its variable, at warn level or above (or plainly a complaint). */
function aboutMissingKey(ctx: CheckContext): (line: LogLine) => boolean {
  const names = [ctx.options.envNames.apiKey, 'DEXTO_SERVER_API_KEY'].map((n) => n.toLowerCase());
  return (line) => {
    const record = parseLogLine(line.text);
    const lower = record.text.toLowerCase();
    const mentionsKey = names.some((n) => lower.includes(n)) || /api[\s_-]?key|\bkey\b/.test(lower);
    if (!mentionsKey) return false;
    return record.level !== undefined ? isWarnOrWorse(record) : COMPLAINT.test(record.text);
  };
}

/** LOG-MISSING-KEY: a server without its key says so at startup. */
export const missingKeyStartup: Check = {
  id: 'logging.missing-key-startup',
  requirement: 'LOG-MISSING-KEY',
  level: 'SHOULD',
  category: 'logging',
  title: 'Auth required without a usable key: a startup warning or error names the missing key',
  modes: ['fail-closed'],
  runsWhenRefused: true,
  applies: logsVisible,
  explain: {
    why: 'A server that fails closed without saying why looks broken (every route answers 500) and invites the "fix" of turning auth off; a clear startup message points at the missing variable.',
    typicalFault: 'Exiting with code 1 and no message, or answering 500 on every protected route with nothing in the log.',
    fix: 'At startup, when auth is required and DEXTO_SERVER_API_KEY is missing or empty, log an error naming the variable (then exit, or serve 500 on protected routes).',
  },
  async run(ctx) {
    const logs = ctx.logs;
    if (!logs) return NO_LOGS;
    const matches = aboutMissingKey(ctx);
    // Startup output is normally long in; a short bounded wait covers slow pipes.
    const found = await logs.waitFor((lines) => lines.some(matches), 1_000, 0);
    const started = ctx.startup.state === 'refused' ? `the server refused to start (${ctx.startup.reason})` : 'the server started and serves without a key';
    if (found) {
      const line = logs.lines().find(matches);
      return { status: 'pass', message: `${started}; its output says why`, ...(line ? { evidence: { logLines: evidenceLines([line], ctx.http.redactor) } } : {}) };
    }
    const all = logs.lines();
    return {
      status: 'fail',
      message: `${started}, but no warning or error in its output names the missing API key (${all.length} line(s) of output)`,
      expected: `a warning- or error-level record at startup naming the missing key (${ctx.options.envNames.apiKey})`,
      actual: all.length === 0 ? 'no output at all' : `${all.length} line(s), none about the missing key`,
      evidence: { logLines: evidenceLines(all.slice(0, 10), ctx.http.redactor, 10) },
    };
  },
};
