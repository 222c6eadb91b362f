/**
 * Framework-neutral pieces of an API-key (Bearer) check, shared by the example apps. A real
 * project would keep these beside its middleware; they are here once so that each example
 * shows only what is specific to its framework.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Environment the app reads its security settings from. */
export type Env = Record<string, string | undefined>;

/** Names of the variables that switch auth on and hold the key. */
export interface AuthEnvNames {
  nodeEnv: string;
  apiKey: string;
  requireAuth: string;
}

/** The Dexto names. */
export const DEXTO_NAMES: AuthEnvNames = { nodeEnv: 'NODE_ENV', apiKey: 'DEXTO_SERVER_API_KEY', requireAuth: 'DEXTO_SERVER_REQUIRE_AUTH' };

/** Whether auth is on, and the key when it is. */
export type AuthConfig = { required: false } | { required: true; key: string };

/**
 * Reads the security mode once, at startup: auth is on in production or when explicitly
 * required, and then a missing or blank key stops the app from starting (fail closed), with
 * an error record naming the variable written to `log`.
 */
export function authConfig(env: Env, names: AuthEnvNames = DEXTO_NAMES, log?: (line: string) => void): AuthConfig {
  const required = env[names.nodeEnv] === 'production' || env[names.requireAuth] === 'true';
  if (!required) return { required: false };
  const key = env[names.apiKey];
  if (key === undefined || key.trim() === '') {
    const message = `${names.apiKey} must be set when authentication is required`;
    // Say why in the log too: whoever reads it after a failed deploy must not have to guess.
    log?.(JSON.stringify({ level: 'error', message }));
    throw new Error(message);
  }
  return { required: true, key };
}

/** What a request's Authorization lines amount to. */
export type Credential = { kind: 'missing' } | { kind: 'malformed' } | { kind: 'token'; token: string };

const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Parses every Authorization line of a request (pass them unjoined: Node's
 * `req.headersDistinct.authorization`). Exactly one `Bearer <token68>`, scheme in any case.
 */
export function parseAuthorization(lines: readonly string[]): Credential {
  if (lines.length === 0) return { kind: 'missing' };
  if (lines.length > 1) return { kind: 'malformed' };
  const m = /^[ \t]*([A-Za-z]+) +([^ \t]+)[ \t]*$/.exec(lines[0] ?? '');
  if (!m || m[1]?.toLowerCase() !== 'bearer' || !TOKEN68.test(m[2] ?? '')) return { kind: 'malformed' };
  return { kind: 'token', token: m[2] ?? '' };
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison (digests have equal length, so timingSafeEqual never throws). */
export function keyMatches(token: string, key: string): boolean {
  return timingSafeEqual(sha256(token), sha256(key));
}

/** The request path as received, without the query string, never decoded. */
export function rawPath(url: string | undefined): string {
  const target = url ?? '/';
  const q = target.search(/[?#]/);
  return q < 0 ? target : target.slice(0, q);
}

/** Body of every 401. */
export const UNAUTHORIZED = { error: 'Unauthorized', message: 'Missing or invalid API key' } as const;

/** Headers of every 401. */
export const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer realm="api"', 'Cache-Control': 'no-store' } as const;

/** One JSON log line about a refused request (never the credential itself). */
export function unauthorizedLogLine(path: string, hasKey: boolean, origin: string | undefined, userAgent: string | undefined): string {
  const cut = (s: string | undefined): string | null => (s === undefined ? null : s.slice(0, 256));
  return JSON.stringify({ level: 'warn', message: 'Unauthorized API access attempt', path: cut(path), hasKey, origin: cut(origin), userAgent: cut(userAgent) }).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
