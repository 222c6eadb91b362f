import type { TlsOptions } from '../http/client.js';
import { KeepAliveSender, type SenderTarget } from '../http/keepalive-sender.js';
import type { Random } from '../util/random.js';
import type { TimingConfig } from './config.js';
import { keepAwake } from './keep-awake.js';
import { measure, type MeasureOptions, type Measurement } from './measure.js';
import { buildRequests, classKeys } from './schedule.js';

/** Everything one timing measurement of a target needs. */
export interface TimingRun extends TimingConfig {
  /** Base URL (TCP/TLS) or an in-memory connection into an in-process server. */
  target: SenderTarget;
  /** The valid key: the wrong keys are built from it; it is never sent itself. */
  key: string;
  /** A protected GET path, sent as is. */
  path: string;
  rng: Random;
  tls?: TlsOptions;
  progress?: (line: string) => void;
  signal?: AbortSignal;
  /** Overrides for tests: stage and warm-up sizes. */
  firstStagePairs?: MeasureOptions['firstStagePairs'];
  warmupPairs?: MeasureOptions['warmupPairs'];
}

/**
 * Measures whether rejection time depends on how much of the presented key is right (and on
 * its length), over one keep-alive connection. See measure() for the procedure.
 */
export async function measureTiming(run: TimingRun): Promise<Measurement> {
  const host = typeof run.target === 'string' ? new URL(run.target).host : 'localhost';
  const requests = buildRequests(run.path, host, classKeys(run.key, run.rng));
  const sender = new KeepAliveSender(run.target, run.tls ?? {});
  // Room for the warm-up and a confirming batch past the budget.
  const awake = run.keepAwake === false ? undefined : keepAwake(run.timeMs * 2 + 30_000);
  try {
    return await measure(sender, requests, run.rng, {
      thresholdNs: run.thresholdNs,
      timeMs: run.timeMs,
      maxRequests: run.maxRequests,
      ...(run.firstStagePairs !== undefined ? { firstStagePairs: run.firstStagePairs } : {}),
      ...(run.warmupPairs !== undefined ? { warmupPairs: run.warmupPairs } : {}),
      ...(run.progress ? { progress: run.progress } : {}),
      ...(run.signal ? { signal: run.signal } : {}),
    });
  } finally {
    sender.close();
    awake?.stop();
  }
}
