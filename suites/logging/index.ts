import type { Check } from '../../src/engine/types.js';
import { acceptedQuiet } from './accepted-quiet.js';
import { missingKeyStartup } from './missing-key-startup.js';
import { noPresentedCredentials } from './no-credentials.js';
import { noForgery } from './no-forgery.js';
import { noKeyInLogs, noKeyLifecycle } from './no-key.js';
import { rejectionEnds } from './rejection-ends.js';
import { rejectionRecord } from './rejection-record.js';

/** The `logging` category. */
export const loggingChecks: Check[] = [rejectionRecord, rejectionEnds, acceptedQuiet, noPresentedCredentials, noForgery, missingKeyStartup, noKeyLifecycle, noKeyInLogs];
