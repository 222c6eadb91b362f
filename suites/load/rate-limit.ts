import type { Check, Outcome } from '../../src/engine/types.js';
import { burstCheck } from './burst.js';
import { countStatus, r3 } from './support.js';

/** LOAD-RATE-LIMIT (information): whether and how fast the target starts answering 429 to a brute-force burst. */
export const rateLimit: Check = burstCheck(
  {
    id: 'load.rate-limit',
    requirement: 'LOAD-RATE-LIMIT',
    level: 'SHOULD',
    title: 'Rate limiting under brute force (information): does the server answer 429 with Retry-After, and how many guesses per second get through?',
    explain: {
      why: 'The security page says API keys resist brute force only "when combined with rate limiting" and tells operators to add it. This check only reports what the server does; a server without a limiter may sit behind a proxy that has one.',
      typicalFault: 'No limiter at all (every guess reaches the key check); a limiter on every request that also throttles the real client; 429 without Retry-After.',
      fix: 'Limit failed attempts per client (e.g. hono-rate-limiter or the proxy in front) and answer 429 with Retry-After; keep the public routes and the valid key unaffected where possible.',
    },
  },
  (_ctx, b): Outcome => {
    const a = b.attack;
    const limited = countStatus(a.statuses, (s) => s === 429);
    const rejected = countStatus(a.statuses, (s) => s >= 400 && s < 500);
    const seconds = Math.max(a.durationMs, 1) / 1000;
    const limitedFor = b.firstLimited ? Math.max(a.durationMs - b.firstLimited.atMs, 1) / 1000 : 0;
    const throughLimiterPerSecond = b.firstLimited ? b.unlimitedAfterFirst429 / limitedFor : null;
    const numbers = {
      requests: a.sent,
      rejected,
      status429: limited,
      share429: r3(rejected > 0 ? limited / rejected : 0),
      rejectedPerSecond: Math.round(rejected / seconds),
      first429AfterRejections: b.firstLimited?.afterRejections ?? null,
      first429AtMs: b.firstLimited?.atMs ?? null,
      guessesReachingKeyCheckPerSecondWhileLimited: throughLimiterPerSecond === null ? null : Math.round(throughLimiterPerSecond),
      retryAfter: b.retryAfter ?? null,
      some429WithoutRetryAfter: b.limitedWithoutRetryAfter,
      afterBurstWrongKeyStatus: b.afterWrongKey.status ?? b.afterWrongKey.error ?? null,
      validKeyThrottled: b.during.throttled,
    };
    if (limited === 0) {
      return {
        status: 'pass',
        message: `information: no 429 among ${rejected} rejected guesses (${numbers.rejectedPerSecond}/s): the server itself does not rate-limit failed attempts; the security page recommends a limiter (here or in a proxy in front)`,
        evidence: { numbers },
      };
    }
    const retry = b.retryAfter !== undefined ? `Retry-After: ${b.retryAfter}` : 'no Retry-After header';
    return {
      status: 'pass',
      message:
        `information: the server rate-limits: ${limited} of ${rejected} rejected guesses got 429 (${retry}${b.limitedWithoutRetryAfter && b.retryAfter !== undefined ? ' on some' : ''}), ` +
        `the first after ${b.firstLimited?.afterRejections} rejections (${b.firstLimited?.atMs} ms in); while limited, about ${numbers.guessesReachingKeyCheckPerSecondWhileLimited} guesses/s still got a 401/400` +
        (b.during.throttled > 0 ? `; the valid key was throttled too (${b.during.throttled} × 429)` : ''),
      evidence: { numbers, exchanges: [b.afterWrongKey.record] },
    };
  },
);
