import type { ProbeRequest } from './types.js';

/** Shell variable the reproduction lines read the key from, unless the run names another. */
export const KEY_VAR = 'DEXTO_SERVER_API_KEY';

/** A name bash can expand as `$NAME`; anything else falls back to {@link KEY_VAR}. */
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A one-line curl reproduction of a request whose strings are already redacted: `<API_KEY>`
 * becomes `$VAR` (the variable the key is read from: `keyVar`, by default
 * `DEXTO_SERVER_API_KEY`), a fragment `<API_KEY[i:j]>` becomes bash's `${VAR:i:len}`.
 */
export function curlLine(baseUrl: string, req: ProbeRequest, keyVar: string = KEY_VAR): string {
  const quote = (text: string): string => quoteWith(text, SHELL_NAME.test(keyVar) ? keyVar : KEY_VAR);
  const parts = ['curl', '-sS', '-i', '--path-as-is'];
  if (req.method === 'HEAD') parts.push('-I');
  else if (req.method !== 'GET' || req.body !== undefined) parts.push('-X', quote(req.method));
  for (const [name, value] of req.headers ?? []) parts.push('-H', quote(`${name}: ${value}`));
  if (req.body !== undefined) parts.push('--data-binary', quote(req.body));
  parts.push(quote(`${baseUrl.replace(/\/$/, '')}${req.path.startsWith('/') ? req.path : ''}`));
  if (!req.path.startsWith('/')) parts.push('--request-target', quote(req.path));
  return parts.join(' ');
}

/** Quotes for bash: key markers become expansions of `keyVar`, non-printables ANSI-C escapes. */
function quoteWith(text: string, keyVar: string): string {
  const out: string[] = [];
  const marker = /<API_KEY(?:\[(\d+):(\d+)\])?>/g;
  let last = 0;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    if (m.index > last) out.push(literal(text.slice(last, m.index)));
    if (m[1] !== undefined && m[2] !== undefined) {
      out.push(`"\${${keyVar}:${m[1]}:${Number(m[2]) - Number(m[1])}}"`);
    } else out.push(`"$${keyVar}"`);
    last = m.index + m[0].length;
  }
  if (last < text.length || out.length === 0) out.push(literal(text.slice(last)));
  return out.join('');
}

/** A run of one character at least this long is written as a printf expansion. */
const RUN_MIN = 32;

function literal(text: string): string {
  const run = new RegExp(`([\\x21-\\x2c\\x2e-\\x5b\\x5d-\\x7e ])\\1{${RUN_MIN - 1},}`).exec(text);
  if (run && run[1] !== undefined) {
    const ch = run[1];
    const expansion = `"$(printf '%${run[0].length}s' '' | tr ' ' ${ch === ' ' ? "' '" : `'${ch === "'" ? "'\\''" : ch}'`})"`;
    const before = text.slice(0, run.index);
    const after = text.slice(run.index + run[0].length);
    return `${before ? literal(before) : ''}${expansion}${after ? literal(after) : ''}`;
  }
  return plainLiteral(text);
}

function plainLiteral(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `'${text.replace(/'/g, `'\\''`)}'`;
  let s = "$'";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === "'" || ch === '\\') s += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) s += ch;
    else if (code <= 0xff) s += `\\x${code.toString(16).padStart(2, '0')}`;
    else s += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${s}'`;
}
