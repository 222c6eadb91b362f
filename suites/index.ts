import type { Check } from '../src/engine/types.js';
import { headerParsingChecks } from './header-parsing/index.js';
import { modesChecks } from './modes/index.js';
import { publicRoutesChecks } from './public-routes/index.js';
import { unauthorizedChecks } from './unauthorized/index.js';

/** Every check the suite knows, in report order. */
export const ALL_CHECKS: readonly Check[] = [...modesChecks, ...publicRoutesChecks, ...unauthorizedChecks, ...headerParsingChecks];
