import { concretePath } from '../../src/contract/routes.js';
import type { Check, Outcome } from '../../src/engine/types.js';
import { unprotectedBaseline } from '../support.js';
import {
  afterLoad,
  cannon,
  countStatus,
  loadAllowed,
  loadConnections,
  loadModeSkip,
  loadTimeMs,
  r3,
  statusText,
  wrongCredentials,
  type CannonResult,
  type LoadRequest,
} from './support.js';

type Leg = 'public' | 'valid' | 'rejected';

interface LegTotals {
  completed: number;
  ms: number;
  statuses: Map<number, number>;
  p50: number[];
  p99: number[];
  transport: number;
}

/** LOAD-COST (information): throughput of a public route, the valid key, and rejected requests, side by side. */
export const authCost: Check = {
  id: 'load.auth-cost',
  requirement: 'LOAD-COST',
  level: 'SHOULD',
  category: 'load',
  title: 'Cost of auth (information): requests per second of a public route, a protected route with the valid key, and rejected requests',
  modes: ['auth'],
  phase: 'exclusive',
  timeoutMs: 180_000,
  applies: loadAllowed,
  explain: {
    why: 'What a rejection costs next to a real request tells how cheaply an attacker can keep the server busy: rejected requests should be no dearer than served ones.',
    typicalFault: 'Slow hashing (bcrypt, scrypt) of every presented key, synchronous logging of each failure, or a database lookup before the key is checked.',
    fix: 'Compare a SHA-256 digest of the presented key with the configured key\'s in constant time; log failures asynchronously and with a cap.',
  },
  async run(ctx): Promise<Outcome> {
    const off = loadModeSkip(ctx);
    if (off) return { status: 'skip', message: off };
    const open = await unprotectedBaseline(ctx);
    if (open) return open;
    const key = ctx.key as string;
    const legMs = Math.max(250, Math.round(loadTimeMs(ctx.options) / 6));
    const connections = loadConnections(ctx.options);
    const publicPath = ctx.publicRoutes[0]?.path ?? '/health';
    const protectedPath = concretePath(ctx.primaryRoute.path);
    // The load generator does not verify TLS certificates: the valid key goes only to loopback targets.
    const legs: Leg[] = ctx.target.loopback ? ['public', 'valid', 'rejected'] : ['public', 'rejected'];
    const wrong = wrongCredentials(ctx, key);
    const requestFor = (leg: Leg) => (): LoadRequest => {
      if (leg === 'public') return { path: publicPath, label: 'public route' };
      if (leg === 'valid') return { path: protectedPath, authorization: `Bearer ${key}`, label: 'valid key' };
      const c = wrong();
      return { path: protectedPath, authorization: c.value, label: c.label };
    };
    const totals = new Map<Leg, LegTotals>(legs.map((l) => [l, { completed: 0, ms: 0, statuses: new Map(), p50: [], p99: [], transport: 0 }]));
    // A B C C B A: drift of the machine's load falls on every leg alike.
    for (const leg of [...legs, ...[...legs].reverse()]) {
      ctx.progress(`${leg} requests for ${legMs} ms`);
      const r: CannonResult = await cannon(ctx, { connections, durationMs: legMs, next: requestFor(leg) });
      const t = totals.get(leg) as LegTotals;
      t.completed += r.completed;
      t.ms += r.durationMs;
      for (const [s, n] of r.statuses) t.statuses.set(s, (t.statuses.get(s) ?? 0) + n);
      t.p50.push(r.latency.p50);
      t.p99.push(r.latency.p99);
      t.transport += r.errors + r.unanswered;
    }
    const after = await afterLoad(ctx);
    const rate = (leg: Leg): number | null => {
      const t = totals.get(leg);
      return t ? Math.round(t.completed / Math.max(t.ms / 1000, 0.001)) : null;
    };
    const mean = (xs: number[]): number | null => (xs.length > 0 ? r3(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
    const pub = rate('public');
    const valid = rate('valid');
    const rejected = rate('rejected');
    const numbers: Record<string, number | string | boolean | null> = {
      connections,
      legMs,
      publicRps: pub,
      validKeyRps: valid,
      rejectedRps: rejected,
      validVsPublic: valid !== null && pub ? r3(valid / pub) : null,
      rejectedVsPublic: rejected !== null && pub ? r3(rejected / pub) : null,
      rejectedVsValid: rejected !== null && valid ? r3(rejected / valid) : null,
    };
    for (const [leg, t] of totals) {
      numbers[`${leg}P50Ms`] = mean(t.p50);
      numbers[`${leg}P99Ms`] = mean(t.p99);
      numbers[`${leg}Statuses`] = statusText(t.statuses);
      numbers[`${leg}TransportFailures`] = t.transport;
    }
    const transport = [...totals.values()].reduce((n, t) => n + t.transport, 0);
    if (!after.ok || transport > 6 * connections) {
      return { status: 'skip', message: `could not measure: the server stopped answering under load (${transport} transport failures; see load.brute-force)` };
    }
    const rejectedT = totals.get('rejected') as LegTotals;
    const limited = countStatus(rejectedT.statuses, (s) => s === 429);
    const part = (label: string, value: number | null, ratio: number | string | boolean | null | undefined): string =>
      value === null ? `${label} not measured (valid-key load goes to loopback targets only)` : `${label} ${value}/s${ratio !== undefined && ratio !== null ? ` (×${ratio} of public)` : ''}`;
    return {
      status: 'pass',
      message:
        `information (${connections} connections): ${part('public route', pub, undefined)}, ${part('valid key', valid, numbers.validVsPublic)}, ${part('rejected', rejected, numbers.rejectedVsPublic)}` +
        (limited > 0 ? `; ${limited} of the rejected requests were answered 429 by the server's limiter` : ''),
      evidence: { numbers },
    };
  },
};

