import type { Check } from '../../src/engine/types.js';
import type { ProbeRequest } from '../../src/http/types.js';
import { WELL_KNOWN_KEYS } from '../../src/contract/credentials.js';
import { auth, everyRouteRequest, is2xx, routeRequest, verdict } from '../support.js';

/** Credentials a server without a configured key might wrongly match ('' === '', 'undefined'). */
const EMPTY_KEY_GUESSES = ['Bearer ', 'Bearer', 'Bearer undefined', 'Bearer null', 'Bearer ""', "Bearer ''", 'Bearer NaN', 'Bearer false', 'Bearer 0', 'undefined', ''];

/** MODE-FAIL-CLOSED: auth required but no (or an empty) key: protected routes are never served. */
export const failClosed: Check = {
  id: 'modes.fail-closed',
  requirement: 'MODE-FAIL-CLOSED',
  level: 'MUST',
  category: 'modes',
  title: 'Auth required without a usable key fails closed (refuses to start, or never serves protected routes)',
  modes: ['fail-closed'],
  runsWhenRefused: true,
  explain: {
    why: 'A production server whose key variable is missing or empty must not quietly become an open server.',
    typicalFault: 'Logs a warning and lets requests through; compares the presented token with an empty/undefined key, so "Bearer " or "Bearer undefined" matches; or falls back to a built-in key (DEXTO_SERVER_API_KEY || "dexto").',
    fix: 'At startup, if auth is required and the key is missing or empty, exit with an error or answer every protected route with 500 Configuration Error.',
  },
  async run(ctx) {
    if (ctx.startup.state === 'refused') return { status: 'pass', message: `the server refused to start: ${ctx.startup.reason}` };
    const reqs: ProbeRequest[] = [...everyRouteRequest(ctx, { label: 'no credentials' })];
    for (const guess of EMPTY_KEY_GUESSES) reqs.push(...everyRouteRequest(ctx, { label: `Authorization: ${JSON.stringify(guess)}`, headers: [auth(guess)] }));
    // A fallback key in code (`?? 'dexto'`) opens every route at once: the primary route shows it.
    for (const k of WELL_KNOWN_KEYS) reqs.push(routeRequest(ctx.primaryRoute, { label: `fallback key "${k}"`, headers: [auth(`Bearer ${k}`)] }));
    const results = await ctx.http.sendAll(reqs);
    return verdict(results.filter((r) => is2xx(r.status)), results.length, 'no protected route answers 2xx while no usable key is configured', 'no protected route was served');
  },
};
