import type { RunOptions } from '../engine/options.js';

/**
 * Defaults of the timing checks. θ (thresholdNs) is the smallest difference between wrong keys
 * that counts as a leak; bench/timing-power.ts measured the choice (see bench/results).
 */
export const TIMING_DEFAULTS = {
  /** Sampling budget per mode, ms (in-process targets split it between socket and in-process). */
  timeMs: 10_000,
  /** Most requests per measurement. */
  maxRequests: 400_000,
  thresholdNs: 100,
} as const;

/** Resolved timing settings. */
export interface TimingConfig {
  timeMs: number;
  maxRequests: number;
  thresholdNs: number;
  /** Lowest-priority spinners keep the CPUs awake while measuring (keep-awake.ts). */
  keepAwake: boolean;
}

/** `--timing-time` / `--timing-samples` / `--timing-threshold` over the defaults. */
export function timingConfig(timing: RunOptions['timing']): TimingConfig {
  return {
    timeMs: timing.timeMs ?? TIMING_DEFAULTS.timeMs,
    maxRequests: timing.samples ?? TIMING_DEFAULTS.maxRequests,
    thresholdNs: timing.thresholdNs ?? TIMING_DEFAULTS.thresholdNs,
    keepAwake: timing.keepAwake ?? true,
  };
}
