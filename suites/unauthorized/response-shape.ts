import { challengeSchemes } from '../../src/http/challenges.js';
import type { Check } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { auth, routeRequest, verdict, wrongKey } from '../support.js';
import type { CheckContext } from '../../src/engine/types.js';

async function rejected(ctx: CheckContext): Promise<ProbeResult[]> {
  return ctx.http.sendAll([
    routeRequest(ctx.primaryRoute, { label: 'no credentials' }),
    routeRequest(ctx.primaryRoute, { label: 'wrong key', headers: [auth(`Bearer ${wrongKey(ctx)}`)] }),
  ]);
}

function hasErrorShape(body: string): boolean {
  try {
    const v = JSON.parse(body) as Record<string, unknown>;
    return typeof v === 'object' && v !== null && typeof v.error === 'string' && typeof v.message === 'string';
  } catch {
    return false;
  }
}

/** UNAUTH-BODY: the 401 body is JSON `{error, message}`. */
export const jsonBody: Check = {
  id: 'unauthorized.json-body',
  requirement: 'UNAUTH-BODY',
  level: 'SHOULD',
  category: 'unauthorized',
  title: '401 responses carry a JSON body with string "error" and "message"',
  modes: ['auth'],
  explain: {
    why: 'Dexto clients show the server\'s error message; a JSON body keeps them from guessing.',
    typicalFault: 'Plain-text or empty 401 bodies, or HTML from a framework default.',
    fix: 'Return c.json({ error: "Unauthorized", message: "..." }, 401).',
  },
  async run(ctx) {
    const rs = (await rejected(ctx)).filter((r) => r.status === 401);
    if (rs.length === 0) return { status: 'skip', message: 'no 401 to inspect (see unauthorized.missing-key)' };
    const bad = rs.filter((r) => !/application\/(?:[\w.+-]+\+)?json/i.test(r.header('content-type') ?? '') || !hasErrorShape(r.body));
    return verdict(bad, rs.length, 'Content-Type application/json and a body {"error": string, "message": string}', '401 bodies are JSON {error, message}');
  },
};

/** UNAUTH-CHALLENGE: the 401 carries a Bearer challenge. */
export const wwwAuthenticate: Check = {
  id: 'unauthorized.www-authenticate',
  requirement: 'UNAUTH-CHALLENGE',
  level: 'SHOULD',
  category: 'unauthorized',
  title: '401 responses carry WWW-Authenticate: Bearer (RFC 9110 §11.6.1, RFC 6750 §3)',
  modes: ['auth'],
  explain: {
    why: 'The challenge tells a client which scheme the server wants; RFC 9110 requires it on every 401.',
    typicalFault: 'A hand-written 401 without the header.',
    fix: 'Add WWW-Authenticate: Bearer realm="dexto" (with error="invalid_token" for a wrong key).',
  },
  async run(ctx) {
    const rs = (await rejected(ctx)).filter((r) => r.status === 401);
    if (rs.length === 0) return { status: 'skip', message: 'no 401 to inspect (see unauthorized.missing-key)' };
    // Every WWW-Authenticate line, every challenge in it: a Bearer challenge among others counts.
    const bad = rs.filter((r) => !challengeSchemes(r.headers.filter(([n]) => n.toLowerCase() === 'www-authenticate').map(([, v]) => v)).includes('bearer'));
    return verdict(bad, rs.length, 'WWW-Authenticate: Bearer …', '401 responses challenge with Bearer');
  },
};
