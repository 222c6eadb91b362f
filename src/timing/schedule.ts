import type { Random } from '../util/random.js';

/**
 * The wrong keys the timing checks send, and the pre-shuffled order they go out in.
 *
 * Every class is a wrong key. `first` and `control` are wrong from the first character;
 * `last` is right in all but its last character (before any base64 `=` padding); `middle` is
 * right in its first half; all four have the key's exact length, so only the content differs.
 * `length` has one character more than the key and `short` one less (both wrong from the first
 * character): the pair of them against `first` tells a length-match leak from a cost that merely
 * grows with the presented length. Every request is padded to the same number of
 * bytes, so the harness does exactly the same work for each.
 */
export const CLASS_NAMES = ['first', 'control', 'last', 'middle', 'length', 'short'] as const;
export type ClassName = (typeof CLASS_NAMES)[number];

/** Index of a class in CLASS_NAMES (the request table's order). */
export const CLASS_INDEX: Record<ClassName, number> = { first: 0, control: 1, last: 2, middle: 3, length: 4, short: 5 };

/** A contrast measured with pairs: (baseline, other). */
export type PairKind = 'prefix' | 'middle' | 'length' | 'short' | 'span' | 'control';

/** The two classes of each pair kind; the difference is other − baseline. */
export const PAIR_CLASSES: Record<PairKind, readonly [ClassName, ClassName]> = {
  prefix: ['first', 'last'],
  middle: ['first', 'middle'],
  length: ['first', 'length'],
  short: ['first', 'short'],
  span: ['short', 'length'],
  control: ['first', 'control'],
};

export const PAIR_KINDS: readonly PairKind[] = ['prefix', 'middle', 'length', 'short', 'span', 'control'];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A character from the key's own alphabet that differs from `avoid`. */
function otherChar(rng: Random, avoid: string | undefined, alphabet: string): string {
  for (;;) {
    const c = alphabet[rng.int(alphabet.length)] as string;
    if (c !== avoid) return c;
  }
}

/** The alphabet the wrong keys are drawn from: the key's own (alphanumeric, or base64). */
function alphabetOf(key: string): string {
  return /^[A-Za-z0-9]*$/.test(key) ? ALNUM : B64;
}

/** Length of the key's trailing `=` padding (base64), which every wrong key keeps. */
function paddingOf(key: string): number {
  return key.length - key.replace(/=+$/, '').length;
}

/**
 * A wrong key of `length` characters whose first `prefix` characters are the key's and whose
 * every later character differs from the key's character at that position. A base64 key's
 * trailing `=` padding is kept as it is (a `=` followed by another character is not a valid
 * token and would be answered 400 by a strict parser, down another code path).
 */
export function wrongKey(key: string, prefix: number, length: number, rng: Random): string {
  const alphabet = alphabetOf(key);
  const pad = Math.min(paddingOf(key), Math.max(length - 1, 0));
  const body = length - pad;
  let s = key.slice(0, Math.min(prefix, body));
  for (let i = s.length; i < body; i += 1) s += otherChar(rng, key[i], alphabet);
  return s + '='.repeat(pad);
}

/** One wrong key per class, in CLASS_NAMES order. */
export function classKeys(key: string, rng: Random): string[] {
  const n = key.length;
  const body = Math.max(n - paddingOf(key), 1);
  const keys: Record<ClassName, string> = {
    first: wrongKey(key, 0, n, rng),
    control: wrongKey(key, 0, n, rng),
    last: wrongKey(key, body - 1, n, rng),
    middle: wrongKey(key, Math.floor(body / 2), n, rng),
    length: wrongKey(key, 0, n + 1, rng),
    short: wrongKey(key, 0, Math.max(n - 1, 1), rng),
  };
  if (keys.control === keys.first) keys.control = wrongKey(key, 0, n, rng);
  return CLASS_NAMES.map((c) => keys[c]);
}

/**
 * Raw HTTP/1.1 requests, one per class, all of the same byte length: a padding header makes up
 * for the longer or shorter key. The path and Host header are written as given.
 */
export function buildRequests(path: string, host: string, tokens: readonly string[]): Buffer[] {
  const longest = Math.max(...tokens.map((t) => t.length));
  return tokens.map((token) =>
    Buffer.from(
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nX-Timing-Pad: ${'p'.repeat(longest - token.length + 1)}\r\n\r\n`,
      'latin1',
    ),
  );
}

/** A block of pairs: what each pair measures, and the request order (two classes per pair). */
export interface PairBlock {
  kinds: PairKind[];
  /** Class index per request; pair i is requests 2i and 2i+1, in random order. */
  order: Uint8Array;
  /** Per pair: true when the baseline went second. */
  swapped: Uint8Array;
}

/**
 * `pairs` pairs of the given kinds in proportion to their weights, shuffled; within each kind,
 * half the pairs (to one) send the baseline first and half send it second, in random order.
 * Built before any request is sent, from the seeded generator.
 */
export function pairBlock(pairs: number, weights: Partial<Record<PairKind, number>>, rng: Random): PairBlock {
  const entries = PAIR_KINDS.map((k) => [k, weights[k] ?? 0] as const).filter(([, w]) => w > 0);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const slots: Array<[PairKind, boolean]> = [];
  let assigned = 0;
  entries.forEach(([kind, w], i) => {
    const count = i === entries.length - 1 ? pairs - assigned : Math.round((pairs * w) / total);
    const firstSwapped = rng.next() < 0.5;
    for (let j = 0; j < count; j += 1) slots.push([kind, j % 2 === 0 ? firstSwapped : !firstSwapped]);
    assigned += count;
  });
  rng.shuffle(slots);
  const kinds: PairKind[] = slots.map(([kind]) => kind);
  const order = new Uint8Array(slots.length * 2);
  const swapped = new Uint8Array(slots.length);
  slots.forEach(([kind, swap], i) => {
    const [a, b] = PAIR_CLASSES[kind];
    swapped[i] = swap ? 1 : 0;
    order[2 * i] = CLASS_INDEX[swap ? b : a];
    order[2 * i + 1] = CLASS_INDEX[swap ? a : b];
  });
  return { kinds, order, swapped };
}
