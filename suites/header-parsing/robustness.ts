import { auth } from '../support.js';
import { rejectionCheck, type Variant } from './rejection.js';

const robust = {
  why: 'Anyone can send any header; a parser that throws turns a rejection into a 500 (or a crash that takes the server down).',
  typicalFault: 'crypto.timingSafeEqual on buffers of different byte lengths throws RangeError; regexes with catastrophic backtracking; unbounded string work on the header.',
  fix: 'Hash both sides before comparing, bound and validate the header (token68) before any work, and answer 400/401.',
};

/** HDR-ROBUST: very long Authorization values get a 4xx, never a 5xx, and the server survives. */
export const oversizedHeader = rejectionCheck({
  id: 'header-parsing.oversized',
  requirement: 'HDR-ROBUST',
  title: 'Oversized Authorization values (1 KiB to 64 KiB) get 400/401/413/431, never a 5xx; the server stays up',
  explain: robust,
  liveness: true,
  variants: (_ctx, key) => {
    const out: Variant[] = [];
    for (const n of [1024, 8 * 1024, 15 * 1024]) {
      out.push({ label: `Bearer + ${n} letters`, headers: [auth(`Bearer ${'A'.repeat(n)}`)] });
      out.push({ label: `key + ${n} spaces + x`, headers: [auth(`Bearer ${key}${' '.repeat(n)}x`)] });
      out.push({ label: `Bearer + ${n} commas`, headers: [auth(`Bearer ${','.repeat(n)}`)] });
    }
    out.push({ label: 'Bearer + 20 KiB (over the usual header limit)', headers: [auth(`Bearer ${'A'.repeat(20 * 1024)}`)], mayDrop: true });
    out.push({ label: 'Bearer + 64 KiB (over the usual header limit)', headers: [auth(`Bearer ${'A'.repeat(64 * 1024)}`)], mayDrop: true });
    return out;
  },
});

/** HDR-ROBUST: non-ASCII and control bytes in the header get a 4xx, never a 5xx. */
export const nonAsciiHeader = rejectionCheck({
  id: 'header-parsing.non-ascii',
  requirement: 'HDR-ROBUST',
  title: 'Non-ASCII and control bytes in Authorization get 400/401, never a 5xx; the server stays up',
  explain: robust,
  liveness: true,
  variants: (_ctx, key) => {
    const latin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
    return [
      { label: 'key with its last character replaced by é (latin-1, same length)', headers: [auth(`Bearer ${key.slice(0, -1)}\u00e9`)] },
      { label: 'token of ÿ bytes, the key\'s length', headers: [auth(`Bearer ${'\u00ff'.repeat(key.length)}`)] },
      { label: 'UTF-8 bytes of a Cyrillic word', headers: [auth(`Bearer ${latin1('ключ-доступа')}`)] },
      { label: 'NBSP between scheme and a wrong token', headers: [auth('Bearer\u00a0wrongtoken')] },
      { label: 'key with an NBSP inside', headers: [auth(`Bearer ${key.slice(0, 5)}\u00a0${key.slice(5)}`)] },
      { label: 'bytes 0x80-0x9f', headers: [auth(`Bearer ${Array.from({ length: 32 }, (_, i) => String.fromCharCode(0x80 + i)).join('')}`)] },
      { label: 'NUL byte in the header (raw)', raw: 'GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer a\u0000b\r\nConnection: close\r\n\r\n' },
      { label: 'control byte 0x01 in the header (raw)', raw: 'GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer a\u0001b\r\nConnection: close\r\n\r\n' },
      { label: 'DEL byte in the header (raw)', raw: 'GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer a\u007fb\r\nConnection: close\r\n\r\n' },
    ];
  },
});
