import type { Check } from '../../src/engine/types.js';
import { fuzzAcceptance, fuzzAlive, fuzzNoEcho, fuzzPathBypass, fuzzRobust } from './properties.js';

/** The `fuzz` category; still-serving last, after the mode's campaign. */
export const fuzzChecks: Check[] = [fuzzAcceptance, fuzzPathBypass, fuzzRobust, fuzzNoEcho, fuzzAlive];
