import { concretePath } from '../../src/contract/routes.js';
import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { auth, wrongKey } from '../support.js';
import { evidenceLines, isRejected, logsVisible, markers, markHeaders, NO_LOGS, sendInOrder, settle } from './support.js';

/**
 * What servers log when a handler answers a response that was already sent: Node's error codes
 * and messages (Express and most frameworks print them), and the usual wording elsewhere.
 */
const LATE_ANSWER = /ERR_HTTP_HEADERS_SENT|ERR_STREAM_WRITE_AFTER_END|Cannot set headers after they are sent|headers (?:were )?already sent|write after end/i;

/** After the rejected requests' records, how long slower handlers get to fail, ms. */
const LATE_MS = 150;

/** LOG-REJECT-ENDS: a rejected request ends at the rejection; no route handler runs on. */
export const rejectionEnds: Check = {
  id: 'logging.rejection-ends-request',
  requirement: 'LOG-REJECT-ENDS',
  level: 'MUST',
  category: 'logging',
  title: 'A rejected request ends at the rejection: no route handler runs after the 401 ("headers already sent" in the log)',
  modes: ['auth'],
  applies: logsVisible,
  explain: {
    why: 'When the auth middleware sends the 401 but does not stop the request, the route still runs: the client sees a rejection while the action (a message sent, a session deleted) happens anyway. The only trace outside is the error the route raises when it tries to answer a second time.',
    typicalFault: 'res.status(401).json({...}) without return, followed by next(); or a callback-style check that calls both the reject and the continue path.',
    fix: 'Return right after sending the rejection (return res.status(401).json(...)); in Hono, return the c.json(...) response instead of calling next().',
  },
  async run(ctx) {
    const logs = ctx.logs;
    if (!logs) return NO_LOGS;
    const marker = markers(ctx, 'e');
    const gets = ctx.routes.filter((r) => r.method === 'GET' && !r.stream && !/[{:]/.test(r.path)).slice(0, 4);
    const paths = [...new Set([concretePath(ctx.primaryRoute.path), ...gets.map((r) => concretePath(r.path))])];
    const reqs: ProbeRequest[] = [
      ...paths.map((path, i) => ({ method: 'GET', path, headers: markHeaders(marker(i)), label: 'no credentials' })),
      { method: 'GET', path: paths[0] as string, headers: [...markHeaders(marker(50)), auth(`Bearer ${wrongKey(ctx)}`)], label: 'wrong key' },
    ];
    const mark = logs.size();
    const results = await sendInOrder(ctx, reqs);
    await settle(ctx, logs, mark, marker(99));
    await new Promise((r) => setTimeout(r, LATE_MS));
    const rejected = results.filter(isRejected);
    if (rejected.length === 0) return { status: 'skip', message: 'no request was rejected, so no handler could run after a rejection (see the unauthorized checks)' };
    const late = logs.lines(mark).filter((l) => LATE_ANSWER.test(l.text));
    if (late.length === 0) {
      return {
        status: 'pass',
        message: `${rejected.length} rejected request(s), and no "headers already sent" or "write after end" error in the log after them (a handler that runs on without answering leaves no trace outside)`,
      };
    }
    return {
      status: 'fail',
      message: `after ${rejected.length} rejected request(s) the log shows ${late.length} "headers already sent"-style error(s): a route handler ran on after the rejection and tried to answer`,
      expected: 'the request ends at the 401: no route handler runs, so no late answer fails',
      actual: late.slice(0, 2).map((l) => l.text.split('\n')[0]).join(' | '),
      evidence: { exchanges: rejected.slice(0, 4).map((r) => r.record), logLines: evidenceLines(late, ctx.http.redactor) },
    };
  },
};
