import { concretePath } from '../../src/contract/routes.js';
import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { is2xx, validAuth } from '../support.js';
import { alerting, evidenceLines, isUnauthorizedRecord, logsVisible, markers, markHeaders, NO_LOGS, readLines, sendInOrder, settle, tiedTo } from './support.js';

/** LOG-ACCEPT-QUIET: accepted requests raise no warning. */
export const acceptedQuiet: Check = {
  id: 'logging.accepted-quiet',
  requirement: 'LOG-ACCEPT-QUIET',
  level: 'MUST',
  category: 'logging',
  title: 'An accepted request logs no warning-level record (and never "Unauthorized API access attempt")',
  modes: ['auth', 'open'],
  applies: logsVisible,
  explain: {
    why: 'Operators alert on warnings about unauthorized access; if accepted requests produce them too, the alerts are noise and real attacks drown in them.',
    typicalFault: 'Logging the attempt before the key is compared, or logging successful authorizations at warn instead of debug.',
    fix: 'Log the warning only on the rejection path; log successes at debug level (or not at all).',
  },
  async run(ctx) {
    const logs = ctx.logs;
    if (!logs) return NO_LOGS;
    const marker = markers(ctx, 'a');
    const keyed = ctx.mode.kind === 'auth';
    const credential = keyed ? [validAuth(ctx)] : [];
    const gets = ctx.routes.filter((r) => r.method === 'GET' && !r.stream && !/[{:]/.test(r.path)).slice(0, 3);
    const paths = [...new Set([concretePath(ctx.primaryRoute.path), ...gets.map((r) => concretePath(r.path))])];
    const reqs: ProbeRequest[] = [
      ...paths.map((path) => ({ method: 'GET', path })),
      { method: 'HEAD', path: concretePath(ctx.primaryRoute.path) },
    ].map((r, i) => ({ ...r, headers: [...markHeaders(marker(i)), ...credential], label: `${keyed ? 'valid key' : 'no credentials (development)'} (User-Agent ${marker(i)})` }));
    const mark = logs.size();
    const results = await sendInOrder(ctx, reqs);
    await settle(ctx, logs, mark, marker(99));
    const lines = readLines(logs.lines(mark));
    const accepted = reqs.map((_r, i) => ({ marker: marker(i), result: results[i] })).filter((x) => is2xx(x.result?.status));
    if (accepted.length === 0) return { status: 'skip', message: 'no request was accepted, so there is nothing to judge (see the modes checks)' };
    const offenders = accepted
      .map((x) => ({ ...x, bad: tiedTo(lines, x.marker).filter((r) => alerting(r) || isUnauthorizedRecord(r.record)) }))
      .filter((x) => x.bad.length > 0);
    if (offenders.length === 0) return { status: 'pass', message: `${accepted.length} accepted request(s), no warning-level record about them` };
    const describeBad = offenders.map((o) => `${o.result?.record.request.method} ${o.result?.record.request.path}: ${o.bad.map((b) => b.record.level ?? 'unlevelled').join(', ')} record(s)`);
    return {
      status: 'fail',
      message: `${offenders.length} of ${accepted.length} accepted request(s) produced warning-level records: ${describeBad.slice(0, 3).join('; ')}`,
      expected: 'no warning-level (or worse) record and no "Unauthorized API access attempt" for an accepted request',
      actual: describeBad.join('; '),
      evidence: {
        exchanges: offenders.slice(0, 6).flatMap((o) => (o.result ? [o.result.record] : [])),
        logLines: evidenceLines(offenders.flatMap((o) => o.bad.map((b) => b.line)), ctx.http.redactor),
      },
    };
  },
};
