import type { BlockResult } from '../http/keepalive-sender.js';
import { Random } from '../util/random.js';
import type { TimingTransport } from './measure.js';

/** How a simulated target answers: extra ns per class, and a status per request index. */
export interface SimulatedTarget {
  /** Extra server time per class index (first, control, last, middle, length), ns. */
  extraNs?: readonly number[];
  /** Status for the n-th request, of class index `cls` (default 401). */
  status?: (n: number, cls: number) => number;
  /** Noise scale: 1 is loopback-like (tens of µs, bursty, heavy-tailed). */
  noise?: number;
  /** How much faster the second request of each pair (odd index) is, ns: the position effect. */
  positionNs?: number;
  /** Clock step, ns: times are rounded down to a multiple of it (default 1, as hrtime). */
  resolutionNs?: number;
  seed?: number;
}

/**
 * A transport that answers instantly with simulated round-trip times: a two-state (fast/slow)
 * Markov chain like a scheduler's wake-ups, Gaussian jitter, and rare long outliers, plus each
 * class's extra time. For testing the statistics without sockets.
 */
export class SimulatedTransport implements TimingTransport {
  private readonly rng: Random;
  private slow = false;
  private n = 0;

  constructor(private readonly target: SimulatedTarget = {}) {
    this.rng = new Random(target.seed ?? 1);
  }

  private gauss(): number {
    const u = Math.max(this.rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rng.next());
  }

  async runBlock(_requests: readonly Buffer[], order: ArrayLike<number>, times: Float64Array, statuses: Uint16Array): Promise<BlockResult> {
    const k = this.target.noise ?? 1;
    for (let i = 0; i < order.length; i += 1) {
      if (this.rng.next() < 0.1) this.slow = !this.slow;
      let t = this.slow ? 130_000 + 20_000 * k * this.gauss() : 70_000 + 2_000 * k * this.gauss();
      if (this.rng.next() < 0.01) t += -Math.log(Math.max(this.rng.next(), 1e-12)) * 500_000 * k;
      t += this.target.extraNs?.[order[i] as number] ?? 0;
      if (i % 2 === 1) t -= this.target.positionNs ?? 0;
      // Reflected at 1 µs rather than clamped: clamping would pile times onto one value.
      const step = this.target.resolutionNs ?? 1;
      times[i] = Math.floor((t < 1_000 ? 2_000 - t : t) / step) * step;
      statuses[i] = this.target.status?.(this.n, order[i] as number) ?? 401;
      this.n += 1;
    }
    return { completed: order.length };
  }
}
