import type { Check, Outcome } from '../../src/engine/types.js';
import { describe } from '../support.js';
import { burstCheck, limitAnswers } from './burst.js';
import { countStatus, statusText } from './support.js';

/** LOAD-BRUTE-FORCE: a burst of wrong keys authorises nothing, breaks nothing, and the server survives. */
export const bruteForce: Check = burstCheck(
  {
    id: 'load.brute-force',
    requirement: 'LOAD-BRUTE-FORCE',
    level: 'MUST',
    title: 'A brute-force burst of wrong keys: nothing authorised, no 5xx, no dropped connections, the server still serves afterwards',
    explain: {
      why: 'The security page names brute force and DDoS as threats. An attacker guessing keys sends thousands of wrong ones as fast as it can; a server must reject every one, and must not fall over, since a crash under failed logins is a denial of service anyone can trigger without a key.',
      typicalFault: 'Logging or bookkeeping per failed attempt that grows without bound (memory, file handles) until the process dies; an exception on some guesses (RangeError from timingSafeEqual on unequal lengths) turned into 500s; a failure counter that crashes the worker; auth that fails open when a dependency times out under load.',
      fix: 'Keep the rejection path cheap and constant in memory: hash-and-compare, a bounded log, no per-attempt state without a cap. Put a rate limiter on failed attempts (429 with Retry-After) in front if the server is exposed.',
    },
  },
  (ctx, b): Outcome => {
    const a = b.attack;
    const authorised = countStatus(a.statuses, (s) => s >= 200 && s < 300);
    const serverErrors = countStatus(a.statuses, (s) => s >= 500 && s !== 503);
    const limited = limitAnswers(b);
    const transport = a.errors + a.unanswered;
    // One broken connection each is tolerated (a keep-alive or per-connection request limit);
    // beyond that, dropped connections are explained only by a target that also says it is limiting.
    const transportTolerated = limited > 0 ? Number.POSITIVE_INFINITY : b.connections;
    const numbers = {
      connections: b.connections,
      durationMs: a.durationMs,
      requests: a.sent,
      responses: a.completed,
      rps: a.rps,
      status2xx: authorised,
      status401: countStatus(a.statuses, (s) => s === 401),
      status400: countStatus(a.statuses, (s) => s === 400),
      status429: countStatus(a.statuses, (s) => s === 429),
      status503: countStatus(a.statuses, (s) => s === 503),
      status5xxOther: serverErrors,
      connectionErrors: a.errors - a.timeouts,
      timeouts: a.timeouts,
      unanswered: a.unanswered,
      transportTolerated: Number.isFinite(transportTolerated) ? transportTolerated : 'any (the target signalled limiting)',
      latencyP50Ms: a.latency.p50,
      latencyP99Ms: a.latency.p99,
      nearMissKeys: b.nearMisses,
      afterHealthStatus: b.after.health.status ?? b.after.health.error ?? null,
      afterValidKeyStatus: b.after.valid?.status ?? b.after.valid?.error ?? null,
      recoveryMs: b.after.recoveryMs,
    };
    const problems: string[] = [];
    if (authorised > 0) {
      problems.push(`${authorised} wrong-key request(s) were authorised (2xx): ${b.accepted.map((x) => `${x.label} on ${x.path}`).slice(0, 3).join('; ')}`);
    }
    if (serverErrors > 0) problems.push(`${serverErrors} server error(s) (5xx other than 503)`);
    if (transport > transportTolerated) {
      problems.push(`${a.errors - a.timeouts} connection error(s), ${a.timeouts} timeout(s) and ${a.unanswered} request(s) never answered, with no 429/503 to say the target was limiting`);
    }
    if (!b.after.ok) {
      problems.push(`afterwards the server did not serve within ${b.after.recoveryMs} ms: ${describe(b.after.health)}${b.after.valid ? `; ${describe(b.after.valid)}` : ''}`);
    }
    const summary = `${a.sent} wrong-key requests on ${b.connections} connections in ${a.durationMs} ms (${a.rps}/s): ${statusText(a.statuses)}`;
    if (problems.length === 0) {
      return {
        status: 'pass',
        message: `${summary}; none authorised, no 5xx, ${a.errors + a.unanswered} transport failure(s); the server served the public route and the key afterwards${b.after.throttled ? ' (with 429: its limiter still holds this client back)' : ''}`,
        evidence: { numbers, seed: ctx.options.seed },
      };
    }
    return {
      status: 'fail',
      message: `${problems.join(' | ')} (${summary})`,
      expected: 'every wrong key rejected (401/400, or 429 from a limiter), no 5xx, no dropped connections, and the server still serving afterwards',
      actual: problems.join(' | '),
      evidence: {
        numbers,
        seed: ctx.options.seed,
        exchanges: [...b.acceptedReplays, b.afterWrongKey, b.after.health, ...(b.after.valid ? [b.after.valid] : [])].map((r) => r.record),
      },
    };
  },
);
