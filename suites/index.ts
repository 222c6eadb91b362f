import type { Check } from '../src/engine/types.js';
import { fuzzChecks } from './fuzz/index.js';
import { headerParsingChecks } from './header-parsing/index.js';
import { loggingChecks } from './logging/index.js';
import { loadChecks } from './load/index.js';
import { modesChecks } from './modes/index.js';
import { publicRoutesChecks } from './public-routes/index.js';
import { timingChecks } from './timing/index.js';
import { unauthorizedChecks } from './unauthorized/index.js';

/** Every check the suite knows, in report order. */
export const ALL_CHECKS: readonly Check[] = [...modesChecks, ...publicRoutesChecks, ...unauthorizedChecks, ...headerParsingChecks, ...timingChecks, ...loggingChecks, ...fuzzChecks, ...loadChecks];
