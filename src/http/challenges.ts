const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/** Splits a field value at commas that are outside quoted strings (RFC 9110 §5.6.1, §5.6.4). */
function listElements(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i] as string;
    if (quoted && c === '\\') {
      current += c + (value[i + 1] ?? '');
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.map((e) => e.trim()).filter((e) => e !== '');
}

/**
 * The auth schemes of every challenge in the given WWW-Authenticate field values (RFC 9110
 * §11.6.1: one field may hold several challenges, and the field may be repeated). A list element
 * that starts with `name=` is an auth-param of the challenge before it; any other element starts
 * a challenge with its first token.
 */
export function challengeSchemes(values: readonly string[]): string[] {
  const schemes: string[] = [];
  for (const value of values) {
    for (const element of listElements(value)) {
      const scheme = TOKEN.exec(element)?.[0];
      if (scheme === undefined) continue;
      const rest = element.slice(scheme.length);
      if (/^\s*=/.test(rest)) continue;
      schemes.push(scheme.toLowerCase());
    }
  }
  return schemes;
}
