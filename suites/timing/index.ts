import type { Check } from '../../src/engine/types.js';
import { lengthLeak, prefixLeak } from './key-compare.js';

/** The `timing` category (phase `exclusive`: measured alone after the main checks). */
export const timingChecks: Check[] = [prefixLeak, lengthLeak];
