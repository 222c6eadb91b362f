import type { Check } from '../../src/engine/types.js';
import { bearerAccepted, schemeCase } from './accepted-forms.js';
import { alteredKey, emptyToken, encodedKey, extendedKey, oddTokens, truncatedKey, wellKnownKeys } from './near-miss-keys.js';
import { bodyKey, multipleCredentials, otherHeaders, queryKey, repeatedHeader } from './placement.js';
import { nonAsciiHeader, oversizedHeader } from './robustness.js';
import { bareKey, otherSchemes } from './scheme.js';

/** The `header-parsing` category. */
export const headerParsingChecks: Check[] = [
  bearerAccepted,
  schemeCase,
  truncatedKey,
  extendedKey,
  alteredKey,
  encodedKey,
  emptyToken,
  oddTokens,
  wellKnownKeys,
  otherSchemes,
  bareKey,
  repeatedHeader,
  multipleCredentials,
  queryKey,
  otherHeaders,
  bodyKey,
  oversizedHeader,
  nonAsciiHeader,
];
