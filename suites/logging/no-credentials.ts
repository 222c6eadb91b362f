import { concretePath } from '../../src/contract/routes.js';
import type { Check, CheckContext } from '../../src/engine/types.js';
import { Redactor } from '../../src/http/redact.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { auth } from '../support.js';
import { evidenceLines, logsVisible, markers, markHeaders, NO_LOGS, sendInOrder, settle } from './support.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fake credential that is easy to find in any output (28 characters, no 8-character overlap with another). */
function sentinel(ctx: CheckContext): string {
  let s = 'dacS';
  for (let i = 0; i < 24; i += 1) s += ALPHABET[ctx.rng.int(ALPHABET.length)];
  return s;
}

/** Where a client may present a credential: each gets its own sentinel. */
const PLACEMENTS: ReadonlyArray<{ label: string; place: (s: string) => { query?: string; headers: Array<[string, string]> } }> = [
  { label: 'Authorization: Bearer <sentinel>', place: (s) => ({ headers: [auth(`Bearer ${s}`)] }) },
  { label: 'Authorization: Basic base64(user:<sentinel>)', place: (s) => ({ headers: [auth(`Basic ${Buffer.from(`dacuser:${s}`).toString('base64')}`)] }) },
  { label: 'Authorization: Token <sentinel>', place: (s) => ({ headers: [auth(`Token ${s}`)] }) },
  { label: 'Authorization: <sentinel> (bare)', place: (s) => ({ headers: [auth(s)] }) },
  { label: '?access_token=<sentinel>&api_key=<sentinel>', place: (s) => ({ query: `?access_token=${s}&api_key=${s}`, headers: [] }) },
  { label: 'X-API-Key: <sentinel>', place: (s) => ({ headers: [['X-API-Key', s]] }) },
  { label: 'Cookie: token=<sentinel>', place: (s) => ({ headers: [['Cookie', `token=${s}; session=${s}`]] }) },
  { label: 'Proxy-Authorization: Bearer <sentinel>', place: (s) => ({ headers: [['Proxy-Authorization', `Bearer ${s}`]] }) },
];

/** LOG-NO-CREDENTIALS: credentials a client presents never reach the logs. */
export const noPresentedCredentials: Check = {
  id: 'logging.no-presented-credentials',
  requirement: 'LOG-NO-CREDENTIALS',
  level: 'MUST',
  category: 'logging',
  title: 'Credentials a client presents (Authorization of any scheme, query string, other headers, cookies) never appear in the logs',
  modes: ['auth', 'open', 'fail-closed'],
  applies: logsVisible,
  explain: {
    why: 'A "wrong" key in a log is often a real key for another environment, a typo of the right one, or the right key sent to the wrong place; logs are read by many more people than hold the key.',
    typicalFault: 'Logging req.headers (Authorization, Cookie, X-API-Key included) or the full URL with its query string on rejection.',
    fix: 'Log only the contract fields (path without the query, hasKey, origin, userAgent); never headers wholesale, never the query string.',
  },
  async run(ctx) {
    const logs = ctx.logs;
    if (!logs) return NO_LOGS;
    const marker = markers(ctx, 'c');
    const path = concretePath(ctx.primaryRoute.path);
    const secrets = PLACEMENTS.map(() => sentinel(ctx));
    const reqs: ProbeRequest[] = PLACEMENTS.map((p, i) => {
      const placed = p.place(secrets[i] as string);
      return { method: 'GET', path: `${path}${placed.query ?? ''}`, headers: [...markHeaders(marker(i)), ...placed.headers], label: p.label };
    });
    const mark = logs.size();
    const results = await sendInOrder(ctx, reqs);
    await settle(ctx, logs, mark, marker(99));
    const lines = logs.lines(mark);
    const finders = secrets.map((s) => new Redactor([s], [Buffer.from(`dacuser:${s}`).toString('base64')]));
    const hits = lines.flatMap((line) => finders.flatMap((f, i) => (f.leaks(line.text) ? [{ line, i }] : [])));
    if (hits.length === 0) return { status: 'pass', message: `${reqs.length} requests presented sentinel credentials; none of them (nor an 8-character fragment) appears in the log output` };
    const placements = [...new Set(hits.map((h) => h.i))];
    return {
      status: 'fail',
      message: `presented credentials appear in ${new Set(hits.map((h) => h.line)).size} log line(s), from: ${placements.map((i) => PLACEMENTS[i]?.label).join('; ')}`,
      expected: 'no presented credential (or 8+ characters of one) in any log output',
      actual: `sentinels from ${placements.length} of ${PLACEMENTS.length} placements were logged`,
      evidence: {
        exchanges: placements.slice(0, 6).flatMap((i) => (results[i] ? [results[i].record] : [])),
        logLines: evidenceLines(hits.map((h) => h.line), ctx.http.redactor),
        note: 'the credentials shown are sentinels made up by the harness, not real keys',
      },
    };
  },
};
