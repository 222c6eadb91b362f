import type { Check } from '../../src/engine/types.js';
import { allMethods } from './all-methods.js';
import { beforeBody } from './before-body.js';
import { corsPreflight } from './cors-preflight.js';
import { noDisclosure } from './no-disclosure.js';
import { noEcho } from './no-echo.js';
import { jsonBody, wwwAuthenticate } from './response-shape.js';
import { missingKey401, wrongKey401 } from './status-401.js';
import { trustedHeaders } from './trusted-headers.js';
import { websocketUpgrade } from './upgrade.js';
import { undocumentedRoutes } from './undocumented-routes.js';

/** The `unauthorized` category. */
export const unauthorizedChecks: Check[] = [missingKey401, wrongKey401, allMethods, undocumentedRoutes, jsonBody, wwwAuthenticate, beforeBody, noEcho, trustedHeaders, websocketUpgrade, corsPreflight, noDisclosure];
