/**
 * How the contract classifies an Authorization field value, defined once for every check and
 * the fuzzer (SPEC.md HDR-ACCEPT, HDR-SCHEME-CASE, HDR-REJECT, HDR-BARE-KEY).
 * - required: `Bearer <key>` with one space, scheme in any case; a server MUST accept it.
 * - tolerated: the exact key after `Bearer` with other whitespace around or between; accepting
 *   or rejecting it are both correct.
 * - discouraged: the bare key with no scheme; a server SHOULD reject it.
 * - forbidden: anything else; a server MUST NOT accept it.
 */
export type CredentialClass = 'required' | 'tolerated' | 'discouraged' | 'forbidden';

/** `Bearer` in any letter case, without making the key case-insensitive too. */
const BEARER = '[Bb][Ee][Aa][Rr][Ee][Rr]';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Classifies the Authorization field values of one request (one entry per header line). */
export function classifyAuthorization(values: readonly string[], key: string): CredentialClass {
  if (values.length === 0 || key.length === 0) return 'forbidden';
  const classes = values.map((v) => classifyOne(v, key));
  if (values.length > 1) {
    const same = values.every((v) => v === values[0]);
    return same && classes[0] !== 'forbidden' && classes[0] !== 'discouraged' ? 'tolerated' : 'forbidden';
  }
  return classes[0] ?? 'forbidden';
}

function classifyOne(value: string, key: string): CredentialClass {
  const k = escape(key);
  if (new RegExp(`^[ \\t]*${BEARER} ${k}[ \\t]*$`).test(value)) return 'required';
  if (new RegExp(`^\\s*${BEARER}\\s+${k}\\s*$`).test(value)) return 'tolerated';
  if (new RegExp(`^\\s*${k}\\s*$`).test(value)) return 'discouraged';
  return 'forbidden';
}

/** Forms a correct server must accept (each is `Bearer <key>` with the scheme in another case). */
export function requiredForms(key: string): Array<{ label: string; value: string }> {
  return [
    { label: 'Bearer <key>', value: `Bearer ${key}` },
    { label: 'bearer <key> (lower-case scheme)', value: `bearer ${key}` },
    { label: 'BEARER <key> (upper-case scheme)', value: `BEARER ${key}` },
    { label: 'bEaReR <key> (mixed-case scheme)', value: `bEaReR ${key}` },
  ];
}

/**
 * Default, example and placeholder keys that a server must never accept: fallbacks written into
 * code (`?? "dexto"`), keys copied from documentation, and common test values.
 */
export const WELL_KNOWN_KEYS: readonly string[] = [
  'dexto',
  'password123',
  'your-secret-api-key-here',
  'your-api-key',
  'changeme',
  'secret',
  'test',
  'admin',
  'dev',
  'development',
  'sk-abc123',
  'default',
  'apikey',
  '12345678',
];
