import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { is2xx, routeRequest, verdict } from '../support.js';

/** Client-controlled headers that some servers wrongly trust to skip auth for "internal" callers. */
const SPOOFS: Array<[string, string]> = [
  ['X-Forwarded-For', '127.0.0.1'],
  ['X-Forwarded-For', '10.0.0.1'],
  ['X-Forwarded-For', '192.168.1.1'],
  ['X-Forwarded-For', '172.16.0.1'],
  ['X-Forwarded-For', '::1'],
  ['X-Forwarded-For', '::ffff:127.0.0.1'],
  ['X-Forwarded-For', '127.0.0.1, 10.0.0.1'],
  ['Forwarded', 'for="[::1]"'],
  ['X-Real-IP', '10.0.0.1'],
  ['X-Real-IP', '127.0.0.1'],
  ['Forwarded', 'for=127.0.0.1;host=localhost;proto=https'],
  ['X-Client-IP', '127.0.0.1'],
  ['True-Client-IP', '127.0.0.1'],
  ['X-Originating-IP', '127.0.0.1'],
  ['X-Remote-Addr', '127.0.0.1'],
  ['X-Forwarded-Host', 'localhost'],
  ['Host', 'localhost'],
  ['Origin', 'http://localhost:3000'],
  ['Referer', 'http://localhost:3000/'],
  ['User-Agent', 'kube-probe/1.30'],
  ['User-Agent', 'ELB-HealthChecker/2.0'],
  ['X-Internal', 'true'],
  ['X-Internal-Request', '1'],
  ['X-Debug', '1'],
  ['X-Dexto-Internal', 'true'],
  ['X-Authenticated', 'true'],
  ['X-Auth-User', 'admin'],
  ['X-Forwarded-User', 'admin'],
  ['X-Remote-User', 'admin'],
  ['X-Forwarded-Proto', 'https'],
  ['Sec-Fetch-Site', 'same-origin'],
  ['Sec-Fetch-Mode', 'navigate'],
  ['X-Requested-With', 'XMLHttpRequest'],
  ['Accept', 'text/event-stream'],
  ['Access-Control-Request-Method', 'GET'],
];

/** UNAUTH-NO-TRUST: no client-controlled header stands in for the key. */
export const trustedHeaders: Check = {
  id: 'unauthorized.no-trusted-headers',
  requirement: 'UNAUTH-NO-TRUST',
  level: 'MUST',
  category: 'unauthorized',
  title: 'Headers a client controls (X-Forwarded-For, Host, Origin, health-checker User-Agents, X-Internal, X-Remote-User, …) never replace the key',
  // Fail-closed modes too: "no key configured, so trust local callers" is the same hole.
  modes: ['auth', 'fail-closed'],
  explain: {
    why: 'Any header can be forged by any client; a server that skips auth for "local", "internal" or "health-check" requests is open to everyone who sends that header.',
    typicalFault: 'if (req.headers["x-forwarded-for"] === "127.0.0.1" || host === "localhost") next(); a bypass for probe User-Agents; or, with no key configured, serving "local" callers instead of failing closed.',
    fix: 'Decide auth from the Authorization header and the exact public paths only.',
  },
  async run(ctx) {
    const own = new URL(ctx.http.baseUrl).origin;
    const spoofs: Array<[string, string]> = [...SPOOFS, ['Origin', own], ['Referer', `${own}/`], ['Origin', own], ['Sec-Fetch-Site', 'same-origin']];
    const reqs: ProbeRequest[] = ctx.routes.flatMap((route) =>
      spoofs.map(([name, value]) => routeRequest(route, { headers: [[name, value]], label: `${name}: ${value}, no credentials` })),
    );
    const results = await ctx.http.sendAll(reqs);
    return verdict(results.filter((r) => is2xx(r.status)), results.length, 'no 2xx without the key, whatever other headers say', 'no client-controlled header opened a protected route');
  },
};
