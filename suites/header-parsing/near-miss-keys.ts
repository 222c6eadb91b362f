import { createHash } from 'node:crypto';
import { WELL_KNOWN_KEYS } from '../../src/contract/credentials.js';
import { auth } from '../support.js';
import { changeAt, flipFirstLetter, rejectionCheck, type Variant } from './rejection.js';

const exact = {
  why: 'Only the exact key may authorise; anything "close" is a way to guess it piecewise or to bypass it.',
  typicalFault: 'startsWith/includes/prefix comparisons, case-insensitive compares, trimming or normalising the token.',
  fix: 'Hash both sides (SHA-256) and compare the digests with crypto.timingSafeEqual; no trimming, no case folding.',
};

const bearer = (token: string, label: string): Variant => ({ label, headers: [auth(`Bearer ${token}`)] });

/** HDR-EXACT: shortened keys are rejected. */
export const truncatedKey = rejectionCheck({
  id: 'header-parsing.truncated-key',
  requirement: 'HDR-EXACT',
  title: 'Shortened keys are rejected: prefixes, the key without its first character',
  explain: exact,
  variants: (_ctx, key) => [
    bearer(key.slice(0, -1), 'key without its last character'),
    bearer(key.slice(0, Math.ceil(key.length / 2)), 'first half of the key'),
    bearer(key.slice(0, 1), 'first character of the key'),
    bearer(key.slice(1), 'key without its first character'),
    bearer(key.slice(0, 8), 'first 8 characters of the key'),
    ...(key.endsWith('=') ? [bearer(key.replace(/=+$/, ''), 'key without its = padding')] : []),
  ],
});

/** HDR-EXACT: lengthened keys are rejected. */
export const extendedKey = rejectionCheck({
  id: 'header-parsing.extended-key',
  requirement: 'HDR-EXACT',
  title: 'Lengthened keys are rejected: key plus a character, key twice, key with words after it',
  explain: exact,
  variants: (_ctx, key) => [
    bearer(`${key}A`, 'key plus one character'),
    bearer(`${key}${key}`, 'key twice'),
    bearer(`${key}.x`, 'key plus ".x"'),
    bearer(`A${key}`, 'one character plus key'),
    { label: 'key followed by another word', headers: [auth(`Bearer ${key} extra`)] },
    { label: 'key followed by a comma and junk', headers: [auth(`Bearer ${key},junk`)] },
    { label: 'key followed by ;param', headers: [auth(`Bearer ${key};x=1`)] },
  ],
});

/** HDR-EXACT: keys with one change are rejected. */
export const alteredKey = rejectionCheck({
  id: 'header-parsing.altered-key',
  requirement: 'HDR-EXACT',
  title: 'Keys with one change are rejected: a character replaced, case changed, whitespace inside',
  explain: exact,
  variants: (_ctx, key) => {
    const out: Variant[] = [
      bearer(changeAt(key, 0), 'first character changed'),
      bearer(changeAt(key, Math.floor(key.length / 2)), 'middle character changed'),
      bearer(changeAt(key, key.length - 2), 'second-to-last character changed'),
      { label: 'space inside the key', headers: [auth(`Bearer ${key.slice(0, 10)} ${key.slice(10)}`)] },
      { label: 'tab inside the key', headers: [auth(`Bearer ${key.slice(0, 10)}\t${key.slice(10)}`)] },
    ];
    const flipped = flipFirstLetter(key);
    if (flipped) out.push(bearer(flipped, 'case of one letter flipped'));
    if (key.toUpperCase() !== key) out.push(bearer(key.toUpperCase(), 'key in upper case'));
    if (key.toLowerCase() !== key) out.push(bearer(key.toLowerCase(), 'key in lower case'));
    return out;
  },
});

/** HDR-EXACT: encodings and quotings of the key are not the key. */
export const encodedKey = rejectionCheck({
  id: 'header-parsing.encoded-key',
  requirement: 'HDR-EXACT',
  title: 'Encoded, hashed or quoted keys are rejected: percent-encoded, base64, base64url, SHA-256/MD5 of the key, "quoted"',
  explain: exact,
  variants: (_ctx, key) =>
    [
    bearer(`"${key}"`, 'key in double quotes'),
    bearer(encodeURIComponent(key) === key ? `%${key.charCodeAt(0).toString(16)}${key.slice(1)}` : encodeURIComponent(key), 'percent-encoded key'),
    bearer(Buffer.from(key).toString('base64'), 'base64 of the key'),
    bearer(createHash('sha256').update(key).digest('hex'), 'SHA-256 of the key (hex)'),
    bearer(createHash('sha256').update(key).digest('base64'), 'SHA-256 of the key (base64)'),
    bearer(createHash('md5').update(key).digest('hex'), 'MD5 of the key (hex)'),
    bearer(key.replace(/\+/g, '-').replace(/\//g, '_'), 'key in base64url alphabet'),
    { label: 'key as a quoted auth-param', headers: [auth(`Bearer token="${key}"`)] },
    ].filter((v) => v.headers?.[0]?.[1] !== `Bearer ${key}`),
});

/** HDR-EXACT: an empty or blank token never matches. */
export const emptyToken = rejectionCheck({
  id: 'header-parsing.empty-token',
  requirement: 'HDR-EXACT',
  title: 'Empty and placeholder tokens are rejected: "Bearer", "Bearer ", "", "Bearer null", "Bearer undefined"',
  explain: exact,
  variants: () => [
    { label: 'Bearer with no token', headers: [auth('Bearer')] },
    { label: 'Bearer and a space', headers: [auth('Bearer ')] },
    { label: 'empty Authorization', headers: [auth('')] },
    { label: 'Bearer ""', headers: [auth('Bearer ""')] },
    { label: 'Bearer null', headers: [auth('Bearer null')] },
    { label: 'Bearer undefined', headers: [auth('Bearer undefined')] },
    { label: 'Bearer and a tab', headers: [auth('Bearer \t')] },
  ],
});

/**
 * Tokens that make a parser or verifier throw or take another path: JWT-shaped and dotted
 * tokens, JSON, numbers, lone separators and percent signs. A verifier whose exception is
 * caught as "let it through" opens every route to them.
 */
const ODD_TOKENS: ReadonlyArray<[string, string]> = [
  ['a.b.c', 'three dot-separated segments (JWT-shaped)'],
  ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.', 'unsigned JWT (alg none)'],
  ['eyJhbGciOiJIUzI1NiJ9.e30.AAAA', 'JWT with a bad signature'],
  ['e30.e30.e30', 'JWT of empty JSON objects'],
  ['.', 'a single dot'],
  ['..', 'two dots'],
  ['a.b', 'two segments'],
  ['{}', 'empty JSON object'],
  ['[]', 'empty JSON array'],
  ['{"key":true}', 'JSON object'],
  ['%', 'a lone percent sign'],
  ['%zz', 'a broken percent escape'],
  ['-1', 'a negative number'],
  ['1e309', 'a number that overflows to Infinity'],
  ['true', 'true'],
  ['*', 'a wildcard'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
];

/** HDR-EXACT: tokens that trip parsers are rejected, not waved through by an error path. */
export const oddTokens = rejectionCheck({
  id: 'header-parsing.odd-tokens',
  requirement: 'HDR-EXACT',
  title: 'Tokens that trip parsers are rejected: JWT-shaped, dotted, JSON, numbers, %, __proto__',
  explain: {
    why: 'A token that makes the verifier throw must end in a rejection; a catch block that calls next() turns every such token into a master key.',
    typicalFault: 'try { verify(token) } catch { return next() }; a lookup in a plain object (keys[token]) that finds __proto__ or constructor; JSON.parse of the token.',
    fix: 'Treat every error in the credential check as a rejection (fail closed), and compare the token with the key only (hashed, timingSafeEqual), never as a property name.',
  },
  variants: () => ODD_TOKENS.map(([token, label]) => bearer(token, label)),
});

/** HDR-NO-DEFAULT: only the configured key works; no default or documentation key. */
export const wellKnownKeys = rejectionCheck({
  id: 'header-parsing.well-known-keys',
  requirement: 'HDR-NO-DEFAULT',
  title: 'Default and documentation keys are rejected (dexto, password123, your-secret-api-key-here, …)',
  explain: {
    why: 'A fallback or example key that keeps working is a published backdoor.',
    typicalFault: 'process.env.DEXTO_SERVER_API_KEY ?? "dexto", or a test key left in the code.',
    fix: 'Compare only against the key from the environment; fail closed when it is missing.',
  },
  variants: () =>
    WELL_KNOWN_KEYS.map((t) => bearer(t, `well-known key "${t}"`)),
});
