import type { Check } from '../../src/engine/types.js';
import { exactMatch } from './exact-match.js';
import { publicOpen, publicOpenWithBadCredentials } from './open.js';
import { pathVariantsCheck } from './path-variants.js';
import { rewriteHeaders } from './rewrite-headers.js';

/** The `public-routes` category. */
export const publicRoutesChecks: Check[] = [publicOpen, publicOpenWithBadCredentials, exactMatch, pathVariantsCheck, rewriteHeaders];
