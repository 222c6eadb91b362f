import type { Check } from '../../src/engine/types.js';
import { explicitEnforced, productionEnforced, requireFalseIgnored } from './auth-enforced.js';
import { declaredMode } from './declared-mode.js';
import { developmentOpen } from './development-open.js';
import { failClosed } from './fail-closed.js';
import { httpsTransport } from './https-transport.js';
import { keyRotation } from './key-rotation.js';

/** The `modes` category. */
export const modesChecks: Check[] = [developmentOpen, productionEnforced, explicitEnforced, requireFalseIgnored, failClosed, keyRotation, declaredMode, httpsTransport];
