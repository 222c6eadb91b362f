import { concretePath } from '../../src/contract/routes.js';
import type { Check } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { verdict } from '../support.js';

const WS_PATHS = ['/', '/ws', '/api/ws', '/socket', '/api/socket', '/api/events', '/events'];

/** UNAUTH-UPGRADE: a protocol upgrade (WebSocket) without the key is never accepted. */
export const websocketUpgrade: Check = {
  id: 'unauthorized.websocket-upgrade',
  requirement: 'UNAUTH-UPGRADE',
  level: 'MUST',
  category: 'unauthorized',
  title: 'A WebSocket upgrade without the key is refused on every path (no 101 Switching Protocols)',
  modes: ['auth', 'fail-closed'],
  explain: {
    why: 'Upgrade requests bypass the request handler chain in Node (server.on("upgrade")), so HTTP auth middleware never sees them.',
    typicalFault: 'A WebSocket server attached to the HTTP server without its own key check.',
    fix: 'Check the Authorization header in the upgrade handler too, and destroy the socket (or answer 401) when it is missing or wrong.',
  },
  async run(ctx) {
    const host = new URL(ctx.http.baseUrl).host;
    const paths = [...new Set([...WS_PATHS, ...ctx.routes.map((r) => concretePath(r.path))])];
    const results: ProbeResult[] = [];
    for (const path of paths) {
      const raw =
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: ZGFjLXByb2JlLW5vbmNlLTE=\r\nSec-WebSocket-Version: 13\r\n\r\n';
      results.push(await ctx.http.sendRaw(Buffer.from(raw, 'latin1'), { method: 'GET', path, headers: [['Upgrade', 'websocket'], ['Connection', 'Upgrade']], label: 'WebSocket upgrade, no credentials', timeoutMs: 2_000 }));
    }
    // A 2xx means the server ignored the upgrade and served plain HTTP: the other checks judge that.
    return verdict(results.filter((r) => r.status === 101), results.length, 'no 101 Switching Protocols without the key', 'no upgrade was accepted without the key');
  },
};
