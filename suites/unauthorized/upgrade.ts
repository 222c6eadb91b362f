import { concretePath } from '../../src/contract/routes.js';
import type { Check } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { auth, verdict, wrongKey } from '../support.js';

const WS_PATHS = ['/', '/ws', '/api/ws', '/socket', '/api/socket', '/api/events', '/events'];

/** UNAUTH-UPGRADE: a protocol upgrade (WebSocket) without the key is never accepted. */
export const websocketUpgrade: Check = {
  id: 'unauthorized.websocket-upgrade',
  requirement: 'UNAUTH-UPGRADE',
  level: 'MUST',
  category: 'unauthorized',
  title: 'A WebSocket upgrade without the valid key (none, or a wrong one) is refused on every path (no 101 Switching Protocols)',
  modes: ['auth', 'fail-closed'],
  explain: {
    why: 'Upgrade requests bypass the request handler chain in Node (server.on("upgrade")), so HTTP auth middleware never sees them.',
    typicalFault: 'A WebSocket server attached to the HTTP server without its own key check, or one that only checks that an Authorization header is present.',
    fix: 'Check the Authorization header in the upgrade handler too, and destroy the socket (or answer 401) when it is missing or wrong.',
  },
  async run(ctx) {
    const host = new URL(ctx.http.baseUrl).host;
    const paths = [...new Set([...WS_PATHS, ...ctx.routes.map((r) => concretePath(r.path))])];
    const results: ProbeResult[] = [];
    const wrong = `Bearer ${wrongKey(ctx)}`;
    // Every path without credentials; the usual socket paths also with a wrong key (an upgrade
    // handler that only checks that a Bearer credential is there).
    const probes: Array<{ path: string; authorization?: string }> = [
      ...paths.map((path) => ({ path })),
      ...WS_PATHS.map((path) => ({ path, authorization: wrong })),
    ];
    for (const { path, authorization } of probes) {
      const raw =
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        (authorization !== undefined ? `Authorization: ${authorization}\r\n` : '') +
        'Sec-WebSocket-Key: ZGFjLXByb2JlLW5vbmNlLTE=\r\nSec-WebSocket-Version: 13\r\n\r\n';
      const headers: Array<[string, string]> = [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ...(authorization !== undefined ? [auth(authorization)] : [])];
      const label = `WebSocket upgrade, ${authorization !== undefined ? 'wrong key' : 'no credentials'}`;
      results.push(await ctx.http.sendRaw(Buffer.from(raw, 'latin1'), { method: 'GET', path, headers, label, timeoutMs: 2_000 }));
    }
    // A 2xx means the server ignored the upgrade and served plain HTTP: the other checks judge that.
    return verdict(results.filter((r) => r.status === 101), results.length, 'no 101 Switching Protocols without the key', 'no upgrade was accepted without the key');
  },
};
