import type { Check, Outcome } from '../../src/engine/types.js';
import { describe } from '../support.js';
import { burstCheck } from './burst.js';
import { latencyNumbers, quantile, r3 } from './support.js';

/** LOAD-VALID: during the burst the valid key keeps working; latency against a quiet baseline is reported. */
export const validUnderAttack: Check = burstCheck(
  {
    id: 'load.valid-under-attack',
    requirement: 'LOAD-VALID',
    level: 'SHOULD',
    title: 'While wrong keys hammer the server, requests with the valid key keep succeeding (latency against a quiet baseline)',
    explain: {
      why: 'A brute-force attempt must not lock the real client out: if failed attempts slow the server to a halt or make it refuse the valid key, the attacker gets a denial of service for free.',
      typicalFault: 'Expensive work per rejection (synchronous logging to disk, slow hashing such as bcrypt of every presented key) that starves the event loop; a lockout that blocks the key itself after failures; an auth cache that breaks under concurrency.',
      fix: 'Make rejections cheap (one hash and a constant-time compare), log asynchronously and bounded, and rate-limit failed attempts rather than the key.',
    },
  },
  (_ctx, b): Outcome => {
    const q = b.quiet;
    const d = b.during;
    const p50Ratio = quantile(d.latencies, 0.5) / quantile(q.latencies, 0.5);
    const p99Ratio = quantile(d.latencies, 0.99) / quantile(q.latencies, 0.99);
    const numbers = {
      ...latencyNumbers('quiet', q),
      ...latencyNumbers('underAttack', d),
      underAttackThrottled429: d.throttled,
      underAttackFailed: d.badCount,
      p50Ratio: r3(p50Ratio),
      p99Ratio: r3(p99Ratio),
      attackRps: b.attack.rps,
      connections: b.connections,
    };
    const latency = `valid-key p50 ${r3(quantile(q.latencies, 0.5))} ms quiet vs ${r3(quantile(d.latencies, 0.5))} ms under attack (×${r3(p50Ratio)}), p99 ${r3(quantile(q.latencies, 0.99))} vs ${r3(quantile(d.latencies, 0.99))} ms (×${r3(p99Ratio)})`;
    if (d.badCount === 0 && (d.ok > 0 || d.throttled > 0)) {
      const throttled = d.throttled > 0 ? `; ${d.throttled} answered 429 (the target's limiter cannot tell this client from the attacker: both come from one address)` : '';
      return {
        status: 'pass',
        message: `${d.ok} of ${d.sent} valid-key requests during the burst succeeded${throttled}; ${latency}`,
        evidence: { numbers },
      };
    }
    const what = d.sent === 0 || (d.ok === 0 && d.badCount === 0) ? 'no valid-key request completed during the burst' : `${d.badCount} of ${d.sent} valid-key requests during the burst failed: ${d.bad.slice(0, 3).map(describe).join('; ')}`;
    return {
      status: 'fail',
      message: `${what}; ${latency}`,
      expected: 'every valid-key request during the burst answered 2xx (429 accepted from a rate limiter)',
      actual: what,
      evidence: { numbers, exchanges: d.bad.map((r) => r.record) },
    };
  },
);
