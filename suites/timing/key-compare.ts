import type { Check, CheckContext, Outcome } from '../../src/engine/types.js';
import type { TestName } from '../../src/timing/measure.js';
import { unprotectedBaseline } from '../support.js';
import { defaultTimingMode, timingMeasurements, timingOutcome } from './measurement.js';

const explain = {
  why:
    'A key compared with === or an early-exit loop answers a little later the more leading characters are right, ' +
    'so an attacker who can time many requests can find the key one character at a time.',
  typicalFault: 'providedKey !== apiKey; a loop returning at the first different character; a length check before a byte compare.',
  fix: 'Hash both sides (SHA-256) and compare the digests with crypto.timingSafeEqual: equal lengths, no early exit, no content-dependent work.',
};

/** Runs in one auth mode unless --modes asks for more; skips unprotected routes. */
async function timingCheck(ctx: CheckContext, test: TestName): Promise<Outcome> {
  const only = defaultTimingMode(ctx);
  if (!ctx.options.modes && ctx.mode.name !== only) {
    return { status: 'skip', message: `timing is measured in one auth mode by default (${only}); name this mode with --modes to measure it here too` };
  }
  if (ctx.key === undefined) return { status: 'skip', message: 'this mode has no key' };
  const open = await unprotectedBaseline(ctx);
  if (open) return open;
  return timingOutcome(test, await timingMeasurements(ctx));
}

const common = {
  level: 'MUST' as const,
  category: 'timing' as const,
  modes: ['auth'] as const,
  phase: 'exclusive' as const,
  // The measurement bounds itself (--timing-time, with room to confirm a leak); this only guards a hang.
  timeoutMs: 60 * 60_000,
  explain,
};

/** TIMING-PREFIX: rejection time does not depend on how much of the key is right. */
export const prefixLeak: Check = {
  ...common,
  id: 'timing.prefix-leak',
  requirement: 'TIMING-PREFIX',
  title: 'Rejection time does not grow with the number of leading characters of the key that are right',
  run: (ctx) => timingCheck(ctx, 'prefix'),
};

/** TIMING-LENGTH: rejection time does not depend on whether the key has the right length. */
export const lengthLeak: Check = {
  ...common,
  id: 'timing.length-leak',
  requirement: 'TIMING-LENGTH',
  title: 'Rejection time does not reveal whether the presented key has the right length',
  explain: {
    ...explain,
    why: 'A server that rejects keys of the wrong length faster tells an attacker the key length, the first step of guessing it piecewise.',
    typicalFault: 'if (a.length !== b.length) return false; before a byte compare (timingSafeEqual on unhashed buffers needs it).',
  },
  run: (ctx) => timingCheck(ctx, 'length'),
};
