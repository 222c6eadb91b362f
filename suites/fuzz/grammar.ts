import fc from 'fast-check';

/*
 * Request grammar for the fuzzer. Cases are plain data that never contain the key: they say what
 * to do to it ("replace character 17 by a full-width look-alike"), and render() applies that to
 * the real key. So a case prints safely, shrinks structurally, and a seed replays the same
 * mutations against any key.
 */

/** What happens to the key to make the token. Indices are taken modulo the key's length. */
export type TokenSpec =
  | { t: 'key' }
  | { t: 'prefix'; n: number }
  | { t: 'drop'; i: number }
  | { t: 'insert'; i: number; s: string }
  | { t: 'replace'; i: number; s: string }
  | { t: 'flip'; i: number }
  | { t: 'case'; upper: boolean }
  | { t: 'confusable'; i: number; pick: number; utf8: boolean }
  | { t: 'invisible'; i: number; pick: number; utf8: boolean }
  | { t: 'suffix'; s: string }
  | { t: 'lead'; s: string }
  | { t: 'padding'; n: number }
  | { t: 'unpad' }
  | { t: 'percent'; i: number; all: boolean; lower: boolean; double: boolean }
  | { t: 'base64'; url: boolean }
  | { t: 'quoted'; q: string }
  | { t: 'space'; i: number; ws: string }
  | { t: 'twice'; sep: string }
  | { t: 'wrong'; s: string }
  | { t: 'known'; pick: number }
  | { t: 'random'; s: string }
  | { t: 'empty' };

/** The auth scheme: Bearer with some letters' case flipped, a look-alike of it, another scheme, or none. */
export type SchemeSpec =
  | { s: 'bearer'; mask: number }
  | { s: 'lookalike'; i: number; pick: number }
  | { s: 'other'; pick: number }
  | { s: 'none' };

/** One Authorization line: junk, scheme, separator, token, junk. */
export interface LineSpec {
  before: string;
  scheme: SchemeSpec;
  sep: string;
  token: TokenSpec;
  after: string;
}

/** The whole Authorization field of a request. */
export type AuthSpec =
  | { k: 'none' }
  | { k: 'one'; line: LineSpec }
  | { k: 'repeat'; lines: LineSpec[] }
  | { k: 'same'; line: LineSpec; n: number }
  | { k: 'joined'; lines: LineSpec[]; joiner: string }
  | { k: 'long'; line: LineSpec; n: number; fill: string; before: boolean }
  | { k: 'random'; s: string };

/** A request of the header campaign: one GET route, GET or HEAD, a generated Authorization field. */
export interface HeaderCase {
  route: number;
  head: boolean;
  auth: AuthSpec;
}

/** One change to a protected path. */
export type PathOp =
  | { o: 'upper' }
  | { o: 'upperSeg'; i: number }
  | { o: 'flip'; i: number }
  | { o: 'dslash'; i: number }
  | { o: 'lead' }
  | { o: 'trail' }
  | { o: 'backslash'; i: number }
  | { o: 'encSlash'; i: number; lower: boolean }
  | { o: 'dot'; i: number }
  | { o: 'dotdot'; i: number; seg: string }
  | { o: 'viaPublic'; pub: number; how: number }
  | { o: 'enc'; i: number; lower: boolean; double: boolean }
  | { o: 'wide'; i: number }
  | { o: 'overlong'; i: number }
  | { o: 'latin1'; i: number }
  | { o: 'param'; i: number; p: string }
  | { o: 'suffix'; s: string };

/** A request of the path campaign: a protected route spelt differently, with no valid credential. */
export interface PathCase {
  route: number;
  ops: PathOp[];
  auth: AuthSpec;
}

/** Characters Node's client sends in a header value: HTAB, visible ASCII, SP, and latin-1 bytes. */
export const SENDABLE_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Characters Node's client sends in a request target. */
export const SENDABLE_PATH = /^[\x21-\xff]+$/;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const WS_UNITS = [' ', '\t'];
/** Junk characters: token68 punctuation, separators, quoting, percent, and non-ASCII bytes. */
const JUNK = ['=', '.', ',', ';', ':', '"', "'", '%', '-', '_', '~', '+', '/', '\\', '(', ')', '<', '>', '@', '[', ']', '{', '}', '?', '!', '#', '*', '&', '$', ' ', '\t', '0', 'A', 'z', '\u00a0', '\u00ad', '\u00e9', '\u00ff', '\u0085'];

export const OTHER_SCHEMES = ['Basic', 'Token', 'ApiKey', 'Digest', 'Bearer:', 'Bearer=', 'Bearer;', 'Bear', 'Beare', 'Bearerr', 'Baerer', 'Berer', 'BearerToken', 'Bearer-Token', 'JWT', 'OAuth', 'Negotiate', 'Key', 'Api-Key', 'X-Bearer'];
export const KNOWN_TOKENS = ['dexto', 'password123', 'your-secret-api-key-here', 'your-api-key', 'changeme', 'null', 'undefined', 'true', '0', '[object Object]', 'Bearer', '*', 'sk-abc123', '""'];
const SEPARATORS = ['', '\u00a0', ',', ':', '=', ' :', '\t ', ' \u00a0'];
const QUOTES = ['"', "'", '`', '<', '('];
const JOINERS = [', ', ',', ' , ', ' ', ';', ',\t'];
const PARAMS = [';', ';x=1', ';.json', ';jsessionid=0', ';/', ';%2f..', '..;'];
const PATH_SUFFIXES = ['.json', '/', '/.', '.', '.json', ';.json', '.json', '/openapi.json', '.html', '%00', '%20', '%09', '%0a', '~', '?x=1', '?/health', '#x', '\\', '..;/', '%2e', '/%2e', '/..;/', '%23', '%3f', ';', '/x/..', '//', '*', '%2F'];

/**
 * Look-alikes per ASCII character: full-width forms (NFKC maps them back), mathematical bold
 * (NFKC too), Cyrillic and Greek homoglyphs, latin-1 accented letters, ASCII confusions.
 */
export function lookalikes(c: string): string[] {
  const code = c.charCodeAt(0);
  const out: string[] = [];
  if (code >= 0x21 && code <= 0x7e) out.push(String.fromCharCode(code + 0xfee0));
  if (c >= 'A' && c <= 'Z') out.push(String.fromCodePoint(0x1d400 + code - 65));
  if (c >= 'a' && c <= 'z') out.push(String.fromCodePoint(0x1d41a + code - 97));
  if (c >= '0' && c <= '9') out.push(String.fromCodePoint(0x1d7ce + code - 48));
  const table: Record<string, string> = {
    a: '\u0430\u00e0\u00e1\u00e4', c: '\u0441\u00e7', e: '\u0435\u00e8\u00e9', i: '\u0456\u00ed\u0131', j: '\u0458', o: '\u043e\u03bf\u00f6\u00f8', p: '\u0440', s: '\u0455', x: '\u0445', y: '\u0443\u00fd', v: '\u03bd', u: '\u00fc',
    A: '\u0410\u0391\u00c0\u00c5', B: '\u0412\u0392', C: '\u0421\u00c7', E: '\u0415\u0395\u00c9', H: '\u041d\u0397', I: '\u0406\u0399\u00cd', K: '\u041a\u039a', M: '\u041c\u039c', N: '\u039d\u00d1', O: '\u041e\u039f\u00d8', P: '\u0420\u03a1', T: '\u0422\u03a4', X: '\u0425\u03a7', Y: '\u03a5\u00dd', Z: '\u0396',
    '0': 'O\u00d8', '1': 'l|', l: '1|', '/': '\u2044\u2215', '+': '\u2795\u00b1', '=': '\u2550\u2261', '-': '\u2010\u2212',
  };
  for (const ch of table[c] ?? '') out.push(ch);
  return out;
}

/** Invisible or ignorable characters (soft hyphen, C1 controls, zero-width characters, BOM). */
export const INVISIBLES = ['\u00ad', '\u0080', '\u0081', '\u008d', '\u008f', '\u0090', '\u009d', '\u009f', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u034f', '\u180e'];

/** A string as header bytes: UTF-8 when it has characters above U+00FF or when asked, else latin-1. */
export function asBytes(s: string, utf8 = false): string {
  return utf8 || /[^\x00-\xff]/.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

const at = (i: number, n: number): number => (n <= 0 ? 0 : i % n);
const hex = (code: number, lower: boolean): string => {
  const h = code.toString(16).toUpperCase().padStart(2, '0');
  return `%${lower ? h.toLowerCase() : h}`;
};
const pctByte = (c: string, lower: boolean, double: boolean): string =>
  Array.from(Buffer.from(c, 'utf8'))
    .map((b) => (double ? `%25${hex(b, lower).slice(1)}` : hex(b, lower)))
    .join('');

/** Applies a token mutation to the key. */
export function renderToken(spec: TokenSpec, key: string): string {
  const n = key.length;
  switch (spec.t) {
    case 'key':
      return key;
    case 'prefix':
      return key.slice(0, at(spec.n, n));
    case 'drop': {
      const i = at(spec.i, n);
      return key.slice(0, i) + key.slice(i + 1);
    }
    case 'insert': {
      const i = at(spec.i, n + 1);
      return key.slice(0, i) + spec.s + key.slice(i);
    }
    case 'replace': {
      const i = at(spec.i, n);
      return key.slice(0, i) + spec.s + key.slice(i + 1);
    }
    case 'flip': {
      for (let k = 0; k < n; k += 1) {
        const i = at(spec.i + k, n);
        const c = key.charAt(i);
        if (c.toUpperCase() !== c.toLowerCase()) return key.slice(0, i) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + key.slice(i + 1);
      }
      return `${key}a`;
    }
    case 'case':
      return spec.upper ? key.toUpperCase() : key.toLowerCase();
    case 'confusable': {
      const i = at(spec.i, n);
      const options = lookalikes(key.charAt(i));
      const alt = options[at(spec.pick, options.length)] ?? '\u00bf';
      return key.slice(0, i) + asBytes(alt, spec.utf8) + key.slice(i + 1);
    }
    case 'invisible': {
      const i = at(spec.i, n + 1);
      const ch = INVISIBLES[at(spec.pick, INVISIBLES.length)] ?? '\u00ad';
      return key.slice(0, i) + asBytes(ch, spec.utf8) + key.slice(i);
    }
    case 'suffix':
      return key + spec.s;
    case 'lead':
      return spec.s + key;
    case 'padding':
      return key + '='.repeat(spec.n);
    case 'unpad': {
      const unpadded = key.replace(/=+$/, '');
      return unpadded !== key ? unpadded : key.slice(0, -1);
    }
    case 'percent': {
      if (spec.all) return Array.from(key, (c) => pctByte(c, spec.lower, spec.double)).join('');
      const i = at(spec.i, n);
      return key.slice(0, i) + pctByte(key.charAt(i), spec.lower, spec.double) + key.slice(i + 1);
    }
    case 'base64': {
      const b = Buffer.from(key, 'utf8').toString(spec.url ? 'base64url' : 'base64');
      return b;
    }
    case 'quoted': {
      const close = spec.q === '<' ? '>' : spec.q === '(' ? ')' : spec.q;
      return spec.q + key + close;
    }
    case 'space': {
      const i = at(spec.i, n - 1) + 1;
      return key.slice(0, i) + spec.ws + key.slice(i);
    }
    case 'twice':
      return key + spec.sep + key;
    case 'wrong':
      return spec.s === key ? `${spec.s}A` : spec.s;
    case 'known':
      return KNOWN_TOKENS[at(spec.pick, KNOWN_TOKENS.length)] ?? 'dexto';
    case 'random':
      return spec.s;
    case 'empty':
      return '';
  }
}

const CONFUSABLE_SCHEME = ['\u0412', '\uff42', '\u0435', '\u0430', '\u0433', '\u0415'];

/** Renders the scheme. */
export function renderScheme(spec: SchemeSpec): string {
  switch (spec.s) {
    case 'bearer':
      return Array.from('Bearer', (c, i) => ((spec.mask >> i) & 1 ? (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) : c)).join('');
    case 'lookalike': {
      const i = at(spec.i, 6);
      const alt = asBytes(CONFUSABLE_SCHEME[at(spec.pick, CONFUSABLE_SCHEME.length)] ?? '\u0412');
      return `${'Bearer'.slice(0, i)}${alt}${'Bearer'.slice(i + 1)}`;
    }
    case 'other':
      return OTHER_SCHEMES[at(spec.pick, OTHER_SCHEMES.length)] ?? 'Basic';
    case 'none':
      return '';
  }
}

/** Renders one Authorization line. */
export function renderLine(line: LineSpec, key: string): string {
  const scheme = renderScheme(line.scheme);
  const token = renderToken(line.token, key);
  return `${line.before}${scheme}${scheme === '' ? '' : line.sep}${token}${line.after}`;
}

/** Tokens made without the key: everything else is the key changed somehow. */
const KEYLESS_TOKENS: ReadonlySet<TokenSpec['t']> = new Set(['wrong', 'known', 'random', 'empty']);

/**
 * Whether any token of the field is made from the key (a prefix, the key with a change, …). A
 * path case with such a credential that is let through shows a credential fault, not a path one.
 */
export function usesKey(spec: AuthSpec): boolean {
  const lines = spec.k === 'none' || spec.k === 'random' ? [] : spec.k === 'repeat' || spec.k === 'joined' ? spec.lines : [spec.line];
  return lines.some((l) => !KEYLESS_TOKENS.has(l.token.t));
}

/** Renders the Authorization field as header lines (none, one, or several). */
export function renderAuth(spec: AuthSpec, key: string): string[] {
  switch (spec.k) {
    case 'none':
      return [];
    case 'one':
      return [renderLine(spec.line, key)];
    case 'repeat':
      return spec.lines.map((l) => renderLine(l, key));
    case 'same':
      return Array.from({ length: spec.n }, () => renderLine(spec.line, key));
    case 'joined':
      return [spec.lines.map((l) => renderLine(l, key)).join(spec.joiner)];
    case 'long': {
      const base = renderLine(spec.line, key);
      const fill = spec.fill.repeat(Math.ceil(Math.max(0, spec.n - base.length) / Math.max(1, spec.fill.length))).slice(0, Math.max(0, spec.n - base.length));
      return [spec.before ? `${fill}${base}` : `${base}${fill}`];
    }
    case 'random':
      return [spec.s];
  }
}

const latin1Char = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  { weight: 1, arbitrary: fc.constant(0x09) },
).map((c) => String.fromCharCode(c));
const junkChar = fc.constantFrom(...JUNK);
const junk = (max: number): fc.Arbitrary<string> => fc.string({ unit: junkChar, minLength: 1, maxLength: max });
const ws = fc.array(fc.constantFrom(...WS_UNITS), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));

/** Latin-1 characters go out as one byte, and now and then as their UTF-8 bytes. */
const rarely = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

const tokenArb: fc.Arbitrary<TokenSpec> = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constant<TokenSpec>({ t: 'key' }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('prefix' as const), n: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('drop' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('insert' as const), i: fc.nat(), s: junk(3) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('replace' as const), i: fc.nat(), s: fc.oneof(fc.constantFrom(...B64), latin1Char) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('flip' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('case' as const), upper: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('confusable' as const), i: fc.nat(), pick: fc.nat(), utf8: rarely }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('invisible' as const), i: fc.nat(), pick: fc.nat(), utf8: rarely }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('suffix' as const), s: junk(6) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('lead' as const), s: junk(4) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('padding' as const), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.constant<TokenSpec>({ t: 'unpad' }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('percent' as const), i: fc.nat(), all: fc.boolean(), lower: fc.boolean(), double: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('base64' as const), url: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('quoted' as const), q: fc.constantFrom(...QUOTES) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('space' as const), i: fc.nat(), ws: fc.oneof(ws, fc.constantFrom('\u00a0', ' \u00a0', '\u0085')) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('twice' as const), sep: fc.constantFrom('', ' ', ',', ', ', '\t') }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('wrong' as const), s: fc.string({ unit: fc.constantFrom(...B64), minLength: 43, maxLength: 43 }).map((s) => `${s}=`) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('known' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('random' as const), s: fc.string({ unit: latin1Char, maxLength: 48 }) }) },
  { weight: 1, arbitrary: fc.constant<TokenSpec>({ t: 'empty' }) },
);

const schemeArb: fc.Arbitrary<SchemeSpec> = fc.oneof(
  { withCrossShrink: true },
  { weight: 12, arbitrary: fc.record({ s: fc.constant('bearer' as const), mask: fc.nat(63) }) },
  { weight: 1, arbitrary: fc.record({ s: fc.constant('lookalike' as const), i: fc.nat(), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ s: fc.constant('other' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant<SchemeSpec>({ s: 'none' }) },
);

const sepArb = fc.oneof({ withCrossShrink: true }, { weight: 12, arbitrary: fc.constant(' ') }, { weight: 3, arbitrary: ws }, { weight: 2, arbitrary: fc.constantFrom(...SEPARATORS) });
const edgeArb = fc.oneof({ withCrossShrink: true }, { weight: 12, arbitrary: fc.constant('') }, { weight: 2, arbitrary: ws }, { weight: 2, arbitrary: junk(4) }, { weight: 1, arbitrary: fc.constantFrom('\u00a0', ',', ', x', ' Bearer', '\u0085') });

/** One Authorization line, built from the header grammar. */
export const lineArb: fc.Arbitrary<LineSpec> = fc.record({ before: edgeArb, scheme: schemeArb, sep: sepArb, token: tokenArb, after: edgeArb });

/** The whole Authorization field: none, one line, repeated lines, comma-joined credentials, very long values, random bytes. */
export const authArb: fc.Arbitrary<AuthSpec> = fc.oneof(
  { withCrossShrink: true },
  { weight: 24, arbitrary: fc.record({ k: fc.constant('one' as const), line: lineArb }) },
  { weight: 1, arbitrary: fc.constant<AuthSpec>({ k: 'none' }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('repeat' as const), lines: fc.array(lineArb, { minLength: 2, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('same' as const), line: lineArb, n: fc.integer({ min: 2, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('joined' as const), lines: fc.array(lineArb, { minLength: 2, maxLength: 3 }), joiner: fc.constantFrom(...JOINERS) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('long' as const),
      line: lineArb,
      n: fc.integer({ min: 256, max: 20 * 1024 }),
      fill: fc.constantFrom('A', ' ', ',', '=', 'a b', '\t', '\u00e9', 'Bearer x, '),
      before: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('random' as const), s: fc.string({ unit: latin1Char, maxLength: 96 }) }) },
);

/** Header campaign cases. */
export const headerCaseArb: fc.Arbitrary<HeaderCase> = fc.record({
  route: fc.nat(),
  // HEAD answers often come without a length, and Node's client then opens a new connection: keep them rare.
  head: fc.oneof({ withCrossShrink: true }, { weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  auth: authArb,
});

const pathOpArb: fc.Arbitrary<PathOp> = fc.oneof(
  { withCrossShrink: true },
  { weight: 4, arbitrary: fc.record({ o: fc.constant('suffix' as const), s: fc.constantFrom(...PATH_SUFFIXES) }) },
  { weight: 2, arbitrary: fc.record({ o: fc.constant('param' as const), i: fc.nat(), p: fc.constantFrom(...PARAMS) }) },
  { weight: 1, arbitrary: fc.constant<PathOp>({ o: 'upper' }) },
  { weight: 1, arbitrary: fc.record({ o: fc.constant('upperSeg' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ o: fc.constant('flip' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ o: fc.constant('dslash' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant<PathOp>({ o: 'lead' }) },
  { weight: 1, arbitrary: fc.constant<PathOp>({ o: 'trail' }) },
  { weight: 1, arbitrary: fc.record({ o: fc.constant('backslash' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ o: fc.constant('encSlash' as const), i: fc.nat(), lower: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ o: fc.constant('dot' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ o: fc.constant('dotdot' as const), i: fc.nat(), seg: fc.constantFrom('x', '..', '.', '%2e', 'health', '%2e%2e') }) },
  { weight: 2, arbitrary: fc.record({ o: fc.constant('viaPublic' as const), pub: fc.nat(), how: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ o: fc.constant('enc' as const), i: fc.nat(), lower: fc.boolean(), double: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ o: fc.constant('wide' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ o: fc.constant('overlong' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ o: fc.constant('latin1' as const), i: fc.nat() }) },
);

/** Credentials a path case carries: mostly none, else a wrong key or a generated field (never judged when valid). */
const pathAuthArb: fc.Arbitrary<AuthSpec> = fc.oneof(
  { withCrossShrink: true },
  { weight: 5, arbitrary: fc.constant<AuthSpec>({ k: 'none' }) },
  {
    weight: 2,
    arbitrary: fc
      .string({ unit: fc.constantFrom(...B64), minLength: 43, maxLength: 43 })
      .map((s): AuthSpec => ({ k: 'one', line: { before: '', scheme: { s: 'bearer', mask: 0 }, sep: ' ', token: { t: 'wrong', s: `${s}=` }, after: '' } })),
  },
  { weight: 2, arbitrary: authArb },
);

/**
 * Path campaign cases: one to three changes applied in order. Route 0 is the primary route (a GET
 * that answers 2xx with the key), picked half of the time: a bypass shows best where the key
 * would get a 2xx.
 */
export const pathCaseArb: fc.Arbitrary<PathCase> = fc.record({
  route: fc.oneof({ withCrossShrink: true }, fc.constant(0), fc.nat()),
  ops: fc.array(pathOpArb, { minLength: 1, maxLength: 3 }),
  auth: pathAuthArb,
});

/** Slash positions in a path (index of each '/'). */
function slashes(path: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < path.length; i += 1) if (path[i] === '/') out.push(i);
  return out;
}

/** Positions of letters and digits (characters worth encoding). */
function wordChars(path: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < path.length; i += 1) if (/[A-Za-z0-9]/.test(path[i] ?? '')) out.push(i);
  return out;
}

const replaceAt = (s: string, i: number, by: string): string => s.slice(0, i) + by + s.slice(i + 1);
const PUBLIC_VIA = ['/..', '/%2e%2e', '%2f..%2f', ';/..', '/..;', '/%2E%2E%2F..'];

/** Applies one path change. */
export function applyPathOp(path: string, op: PathOp, publicPaths: readonly string[]): string {
  const sl = slashes(path);
  const wc = wordChars(path);
  const slash = (i: number): number => sl[at(i, sl.length)] ?? 0;
  const word = (i: number): number | undefined => wc[at(i, wc.length)];
  switch (op.o) {
    case 'upper':
      return path.toUpperCase();
    case 'upperSeg': {
      const segs = path.split('/');
      const idx = 1 + at(op.i, Math.max(1, segs.length - 1));
      segs[idx] = (segs[idx] ?? '').toUpperCase();
      return segs.join('/');
    }
    case 'flip': {
      const i = word(op.i);
      if (i === undefined) return path;
      const c = path.charAt(i);
      return replaceAt(path, i, c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase());
    }
    case 'dslash':
      return replaceAt(path, slash(op.i), '//');
    case 'lead':
      return `/${path}`;
    case 'trail':
      return `${path}/`;
    case 'backslash':
      return replaceAt(path, slash(op.i), '\\');
    case 'encSlash': {
      const i = slash(op.i);
      return i === 0 ? path : replaceAt(path, i, op.lower ? '%2f' : '%2F');
    }
    case 'dot':
      return `${path.slice(0, slash(op.i))}/.${path.slice(slash(op.i))}`;
    case 'dotdot':
      return `${path.slice(0, slash(op.i))}/${op.seg}/..${path.slice(slash(op.i))}`;
    case 'viaPublic': {
      const pub = publicPaths[at(op.pub, publicPaths.length)] ?? '/health';
      return `${pub}${PUBLIC_VIA[at(op.how, PUBLIC_VIA.length)] ?? '/..'}${path}`;
    }
    case 'enc': {
      const i = word(op.i);
      if (i === undefined) return path;
      return replaceAt(path, i, pctByte(path.charAt(i), op.lower, op.double));
    }
    case 'wide': {
      const i = word(op.i);
      if (i === undefined) return path;
      return replaceAt(path, i, pctByte(String.fromCharCode(path.charCodeAt(i) + 0xfee0), false, false));
    }
    case 'overlong': {
      const i = word(op.i);
      if (i === undefined) return path;
      const c = path.charCodeAt(i);
      return replaceAt(path, i, `%${(0xc0 | (c >> 6)).toString(16).toUpperCase()}%${(0x80 | (c & 0x3f)).toString(16).toUpperCase()}`);
    }
    case 'latin1': {
      const i = word(op.i);
      if (i === undefined) return path;
      const alt = lookalikes(path.charAt(i)).find((s) => s.length === 1 && s.charCodeAt(0) >= 0x80 && s.charCodeAt(0) <= 0xff);
      return alt ? replaceAt(path, i, alt) : path;
    }
    case 'param': {
      const segs = path.split('/');
      const idx = 1 + at(op.i, Math.max(1, segs.length - 1));
      segs[idx] = `${segs[idx] ?? ''}${op.p}`;
      return segs.join('/');
    }
    case 'suffix':
      return `${path}${op.s}`;
  }
}

/** Renders a path case's path from a concrete protected path. */
export function renderPath(path: string, ops: readonly PathOp[], publicPaths: readonly string[]): string {
  let out = path;
  for (const op of ops) out = applyPathOp(out, op, publicPaths);
  return SENDABLE_PATH.test(out) ? out : out.replace(/[^\x21-\xff]/g, (c) => pctByte(c, false, false));
}

/** A short description of a token mutation, without the key. */
export function describeToken(t: TokenSpec): string {
  switch (t.t) {
    case 'key':
      return 'the key';
    case 'prefix':
      return `the key cut to its first ${t.n} characters (mod length)`;
    case 'drop':
      return `the key without character ${t.i} (mod length)`;
    case 'insert':
      return `the key with ${JSON.stringify(t.s)} inserted at ${t.i} (mod length+1)`;
    case 'replace':
      return `the key with character ${t.i} (mod length) replaced by ${JSON.stringify(t.s)}`;
    case 'flip':
      return `the key with the case of one letter (from ${t.i}) flipped`;
    case 'case':
      return `the key in ${t.upper ? 'upper' : 'lower'} case`;
    case 'confusable':
      return `the key with character ${t.i} (mod length) replaced by look-alike #${t.pick}${t.utf8 ? ' (UTF-8)' : ''}`;
    case 'invisible':
      return `the key with invisible character #${t.pick}${t.utf8 ? ' (UTF-8)' : ''} inserted at ${t.i} (mod length+1)`;
    case 'suffix':
      return `the key followed by ${JSON.stringify(t.s)}`;
    case 'lead':
      return `${JSON.stringify(t.s)} followed by the key`;
    case 'padding':
      return `the key with ${t.n} extra '=' padding`;
    case 'unpad':
      return 'the key without its = padding';
    case 'percent':
      return `the key ${t.all ? 'fully' : `with character ${t.i} (mod length)`} percent-encoded${t.double ? ' twice' : ''}`;
    case 'base64':
      return `base64${t.url ? 'url' : ''} of the key`;
    case 'quoted':
      return `the key in ${t.q} quotes`;
    case 'space':
      return `the key with ${JSON.stringify(t.ws)} inside`;
    case 'twice':
      return `the key twice, joined by ${JSON.stringify(t.sep)}`;
    case 'wrong':
      return 'a wrong key of the same shape';
    case 'known':
      return `the well-known token ${JSON.stringify(KNOWN_TOKENS[at(t.pick, KNOWN_TOKENS.length)])}`;
    case 'random':
      return `random bytes ${JSON.stringify(t.s)}`;
    case 'empty':
      return 'no token';
  }
}

function describeLine(l: LineSpec): string {
  const parts: string[] = [];
  if (l.before) parts.push(`junk ${JSON.stringify(l.before)}`);
  const scheme = renderScheme(l.scheme);
  parts.push(scheme ? `scheme ${JSON.stringify(scheme)}, separator ${JSON.stringify(l.sep)}` : 'no scheme');
  parts.push(describeToken(l.token));
  if (l.after) parts.push(`then ${JSON.stringify(l.after)}`);
  return parts.join(', ');
}

/** A short description of an Authorization field, without the key. */
export function describeAuth(a: AuthSpec): string {
  switch (a.k) {
    case 'none':
      return 'no Authorization';
    case 'one':
      return describeLine(a.line);
    case 'repeat':
      return `${a.lines.length} Authorization lines: ${a.lines.map(describeLine).join(' | ')}`;
    case 'same':
      return `the same Authorization line ${a.n} times: ${describeLine(a.line)}`;
    case 'joined':
      return `${a.lines.length} credentials joined by ${JSON.stringify(a.joiner)}: ${a.lines.map(describeLine).join(' | ')}`;
    case 'long':
      return `${describeLine(a.line)}, ${a.before ? 'preceded' : 'followed'} by ${JSON.stringify(a.fill)} up to ${a.n} characters`;
    case 'random':
      return `random bytes ${JSON.stringify(a.s.slice(0, 60))}`;
  }
}
