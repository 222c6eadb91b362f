/** Shortest run of key characters that counts as a leaked fragment. */
export const FRAGMENT_MIN = 8;

/**
 * Replaces secrets in text: the exact key becomes `<API_KEY>`, the key in another letter case
 * `<API_KEY~case>`, and any run of 8 or more of its characters `<API_KEY[i:j]>` (offsets into
 * the key). Extra secrets (presented sentinels, encodings) become `<SECRET>`.
 */
export class Redactor {
  private readonly keys: string[];
  private readonly extras: string[];
  /** Per key: its lower-case form and the index of its 8-character windows (built once). */
  private readonly indexes: Array<{ key: string; lowerKey: string; grams: Map<string, number[]> }>;

  constructor(keys: ReadonlyArray<string | undefined>, extras: readonly string[] = []) {
    this.keys = keys.filter((k): k is string => typeof k === 'string' && k.length >= FRAGMENT_MIN);
    this.extras = extras.filter((s) => s.length >= FRAGMENT_MIN);
    this.indexes = this.keys.map((key) => {
      const lowerKey = key.toLowerCase();
      return { key, lowerKey, grams: gramIndex(lowerKey) };
    });
  }

  /** Returns a redactor that also hides the given strings. */
  with(...more: string[]): Redactor {
    return new Redactor(this.keys, [...this.extras, ...more]);
  }

  /** True when text holds a key or a fragment of one (any case) or an extra secret. */
  leaks(text: string): boolean {
    return this.redact(text) !== text;
  }

  /**
   * Redacts a credential field's value (Authorization): as redact(), and also any word shorter
   * than FRAGMENT_MIN that is a piece of the (first) key, such as a key cut to its first
   * characters: the suite builds such tokens from the key, and not even one character of a real
   * key belongs in a report. The fragment marker keeps replays exact (curl lines expand it).
   */
  redactCredential(value: string): string {
    const out = this.redact(value);
    const key = this.keys[0];
    if (key === undefined) return out;
    return out.replace(/(^|[\s,:])([A-Za-z0-9\-._~+/]+=*)(?=$|[\s,])/g, (whole: string, lead: string, token: string) => {
      if (token.length >= FRAGMENT_MIN) return whole;
      const i = key.indexOf(token);
      return i < 0 ? whole : `${lead}<API_KEY[${i}:${i + token.length}]>`;
    });
  }

  redact(text: string): string {
    let out = text;
    for (const index of this.indexes) out = redactKey(out, index);
    for (const extra of this.extras) out = out.split(extra).join('<SECRET>');
    return out;
  }
}

function redactKey(text: string, { key, lowerKey, grams }: { key: string; lowerKey: string; grams: Map<string, number[]> }): string {
  if (text.length < FRAGMENT_MIN) return text;
  const lowerText = text.toLowerCase();
  const pieces: string[] = [];
  let copied = 0;
  let i = 0;
  while (i + FRAGMENT_MIN <= text.length) {
    const starts = grams.get(lowerText.slice(i, i + FRAGMENT_MIN));
    if (!starts) {
      i += 1;
      continue;
    }
    let best = { start: 0, length: 0 };
    for (const s of starts) {
      let len = FRAGMENT_MIN;
      while (i + len < text.length && s + len < lowerKey.length && lowerText[i + len] === lowerKey[s + len]) len += 1;
      if (len > best.length) best = { start: s, length: len };
    }
    const original = text.slice(i, i + best.length);
    const exact = original === key.slice(best.start, best.start + best.length);
    pieces.push(text.slice(copied, i));
    if (best.length === key.length) pieces.push(exact ? '<API_KEY>' : '<API_KEY~case>');
    else pieces.push(`<API_KEY[${best.start}:${best.start + best.length}]${exact ? '' : '~case'}>`);
    i += best.length;
    copied = i;
  }
  if (copied === 0) return text;
  pieces.push(text.slice(copied));
  return pieces.join('');
}

/** Every 8-character window of the key, with the offsets where it starts. */
function gramIndex(key: string): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (let s = 0; s + FRAGMENT_MIN <= key.length; s += 1) {
    const g = key.slice(s, s + FRAGMENT_MIN);
    const list = map.get(g);
    if (list) list.push(s);
    else map.set(g, [s]);
  }
  return map;
}
