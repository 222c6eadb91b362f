import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { auth, routeRequest, verdict } from '../support.js';

/** UNAUTH-NO-ECHO: rejections never echo the presented credential (nor the key). */
export const noEcho: Check = {
  id: 'unauthorized.no-echo',
  requirement: 'UNAUTH-NO-ECHO',
  level: 'MUST',
  category: 'unauthorized',
  title: 'Rejections never echo the presented credential or the key in their body or headers',
  modes: ['auth'],
  explain: {
    why: 'Echoed credentials end up in client logs, browser caches and error trackers; an echo of the real key is a disclosure.',
    typicalFault: '"Invalid API key: <value>" in the error message, or debugging headers that repeat Authorization.',
    fix: 'Use a fixed error message; never interpolate request headers into responses.',
  },
  async run(ctx) {
    const sentinel = `dacSentinel${ctx.rng.int(1e9).toString(36)}Zq9`;
    const redactor = ctx.http.redactor.with(sentinel);
    const forms = [`Bearer ${sentinel}`, sentinel, `Basic ${Buffer.from(`user:${sentinel}`).toString('base64')}`, `Token ${sentinel}`];
    const reqs: ProbeRequest[] = [];
    for (const route of ctx.routes) for (const f of forms) reqs.push(routeRequest(route, { label: `presented ${f.split(' ')[0]} sentinel`, headers: [auth(f)] }));
    const results = await ctx.http.sendAll(reqs);
    const leaks = results.filter((r) => {
      const text = `${r.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}\n${r.body}`;
      return redactor.leaks(text) || text.includes(Buffer.from(`user:${sentinel}`).toString('base64'));
    });
    return verdict(leaks, results.length, 'no presented credential or key in any response', 'no response echoed the presented credential');
  },
};
