import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { streamSSE } from 'hono/streaming';
import { formatRecord, stdoutLog, type LogLevel } from './log.js';
import { Redactor } from '../http/redact.js';

/** Options of {@link createReferenceApp}. */
export interface ReferenceOptions {
  /** Receives each log record as one JSON line; defaults to standard output. */
  log?: (line: string) => void;
  /** Names of the variables that select the security mode; defaults to the Dexto names. */
  envNames?: { nodeEnv: string; apiKey: string; requireAuth: string };
}

/** Security mode the reference server runs in, derived from its environment. */
export type ReferenceMode = 'development' | 'production' | 'explicit' | 'fail-closed';

const DEFAULT_ENV_NAMES = { nodeEnv: 'NODE_ENV', apiKey: 'DEXTO_SERVER_API_KEY', requireAuth: 'DEXTO_SERVER_REQUIRE_AUTH' };

/** Public routes: exact raw path, GET or HEAD only (SECURITY.md "Public Routes"). */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health', '/.well-known/agent-card.json', '/openapi.json']);

/** RFC 6750 §2.1 b64token (RFC 9110 token68). */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Auth scheme names compare case-insensitively (RFC 9110 §11.1); spelled out to avoid Unicode case folding. */
const BEARER = /^[Bb][Ee][Aa][Rr][Ee][Rr]$/;

const UNAUTHORIZED_BODY = { error: 'Unauthorized', message: 'Missing or invalid API key. Send Authorization: Bearer <key>.' };
const LOG_FIELD_MAX = 512;

type Security = { mode: ReferenceMode; key: string | undefined };

function resolveSecurity(env: Record<string, string | undefined>, names: ReferenceOptions['envNames']): Security {
  const n = names ?? DEFAULT_ENV_NAMES;
  const raw = env[n.apiKey];
  const key = raw !== undefined && raw.trim() !== '' ? raw : undefined;
  const production = env[n.nodeEnv] === 'production';
  if (!production && env[n.requireAuth] !== 'true') return { mode: 'development', key };
  if (key === undefined) return { mode: 'fail-closed', key };
  return { mode: production ? 'production' : 'explicit', key };
}

/** The security mode an environment selects; production cannot be switched off by REQUIRE_AUTH=false. */
export function referenceMode(env: Record<string, string | undefined>, envNames?: ReferenceOptions['envNames']): ReferenceMode {
  return resolveSecurity(env, envNames).mode;
}

type Credential =
  | { kind: 'missing' }
  | { kind: 'multiple' }
  | { kind: 'malformed' }
  | { kind: 'token'; token: string };

function incomingOf(env: unknown): IncomingMessage | undefined {
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  return (env as { incoming?: IncomingMessage }).incoming;
}

/** Every Authorization field line of the request, unjoined (RFC 9110 §5.3 forbids joining it). */
function authorizationLines(c: Context): string[] {
  const incoming = incomingOf(c.env);
  if (incoming?.headersDistinct) return incoming.headersDistinct.authorization ?? [];
  if (incoming?.rawHeaders) {
    const lines: string[] = [];
    const raw = incoming.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]?.toLowerCase() === 'authorization') lines.push(raw[i + 1] ?? '');
    return lines;
  }
  const joined = c.req.header('authorization');
  return joined === undefined ? [] : [joined];
}

// Linear trim: a regex such as /[ \t]+$/ is quadratic on a long inner run of spaces (~150 ms at 14 KiB).
function trimEnds(value: string, chars: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && chars.includes(value.charAt(start))) start += 1;
  while (end > start && chars.includes(value.charAt(end - 1))) end -= 1;
  return value.slice(start, end);
}

function parseCredential(lines: string[]): Credential {
  if (lines.length > 1) return { kind: 'multiple' };
  const value = trimEnds(lines[0] ?? '', ' \t');
  if (value === '') return { kind: 'missing' };
  const sp = value.indexOf(' ');
  if (sp < 0 || !BEARER.test(value.slice(0, sp))) return { kind: 'malformed' };
  const token = trimEnds(value.slice(sp), ' ');
  return TOKEN68.test(token) ? { kind: 'token', token } : { kind: 'malformed' };
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time equality: fixed-length digests, so timingSafeEqual never sees unequal lengths. */
function keyMatches(token: string, keyDigest: Buffer): boolean {
  return timingSafeEqual(sha256(token), keyDigest);
}

/** Request path as received, without the query string; never percent-decoded. */
function rawPath(c: Context): string {
  const target = incomingOf(c.env)?.url;
  const path = target?.startsWith('/') ? target : new URL(c.req.url).pathname;
  const q = path.search(/[?#]/);
  return q < 0 ? path : path.slice(0, q);
}

function isPreflight(c: Context): boolean {
  return c.req.method === 'OPTIONS' && c.req.header('origin') !== undefined && c.req.header('access-control-request-method') !== undefined;
}

function openApiDocument(): Record<string, unknown> {
  const json = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({
    description,
    content: { 'application/json': { schema } },
  });
  const open = { security: [] };
  const sessionId = { name: 'sessionId', in: 'path', required: true, schema: { type: 'string' } };
  const body = { required: true, content: { 'application/json': { schema: { type: 'object' } } } };
  const denied = { '401': json('Missing or invalid API key'), '400': json('Malformed Authorization header') };
  return {
    openapi: '3.0.3',
    info: { title: 'Dexto reference server', version: '1.0.0' },
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearerAuth: [] }],
    paths: {
      '/health': { get: { ...open, summary: 'Health check', responses: { '200': json('Healthy') } } },
      '/.well-known/agent-card.json': { get: { ...open, summary: 'A2A agent card', responses: { '200': json('Agent card') } } },
      '/openapi.json': { get: { ...open, summary: 'This document', responses: { '200': json('OpenAPI document') } } },
      '/api/llm/current': { get: { summary: 'Current LLM configuration', responses: { '200': json('Configuration'), ...denied } } },
      '/api/message': {
        post: { summary: 'Send a message', requestBody: body, responses: { '202': json('Accepted'), ...denied } },
      },
      '/api/message-stream': {
        post: {
          summary: 'Send a message and stream the reply',
          requestBody: body,
          responses: { '200': { description: 'Server-sent events', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...denied },
        },
      },
      '/api/sessions': { get: { summary: 'List sessions', responses: { '200': json('Sessions'), ...denied } } },
      '/api/sessions/{sessionId}': {
        parameters: [sessionId],
        get: { summary: 'Get a session', responses: { '200': json('Session'), '404': json('Not found'), ...denied } },
        delete: { summary: 'Delete a session', responses: { '200': json('Deleted'), '404': json('Not found'), ...denied } },
        patch: { summary: 'Update a session', requestBody: body, responses: { '200': json('Session'), '404': json('Not found'), ...denied } },
      },
    },
  };
}

async function readJsonObject(c: Context): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await c.req.json();
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

interface Session {
  id: string;
  title: string;
  createdAt: string;
  messageCount: number;
}

/**
 * Creates the reference Dexto server: a Hono app that implements the API-key contract in full.
 * The security mode is read from `env` once, here.
 */
export function createReferenceApp(env: Record<string, string | undefined>, options: ReferenceOptions = {}): Hono {
  const log = options.log ?? stdoutLog;
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => log(formatRecord(level, message, fields));
  const { mode, key } = resolveSecurity(env, options.envNames);
  const keyDigest = key === undefined ? undefined : sha256(key);
  const debug = env.DEXTO_LOG_LEVEL === 'debug';

  if (mode === 'fail-closed') {
    write('error', 'API key missing: authentication is required but no API key is configured; protected routes answer 500', { mode });
  }

  /** Request data bound for a log: the key and any 8+ character piece of it (plain or percent-encoded) masked, length capped. */
  const redactor = new Redactor(key === undefined ? [] : [key, encodeURIComponent(key)]);
  const scrub = (value: string | undefined): string | null => {
    if (value === undefined) return null;
    const out = redactor.redact(value);
    return out.length > LOG_FIELD_MAX ? `${out.slice(0, LOG_FIELD_MAX)}...` : out;
  };

  const reject = (c: Context, hasKey: boolean, failure?: { error: 'invalid_request' | 'invalid_token'; message?: string }) => {
    write('warn', 'Unauthorized API access attempt', {
      path: scrub(rawPath(c)),
      hasKey,
      origin: scrub(c.req.header('origin')),
      userAgent: scrub(c.req.header('user-agent')),
    });
    c.header('WWW-Authenticate', failure ? `Bearer realm="dexto", error="${failure.error}"` : 'Bearer realm="dexto"');
    c.header('Cache-Control', 'no-store');
    if (failure?.error === 'invalid_request') return c.json({ error: 'invalid_request', message: failure.message }, 400);
    return c.json(UNAUTHORIZED_BODY, 401);
  };

  const auth: MiddlewareHandler = async (c, next) => {
    if (mode === 'development') return next();
    const method = c.req.method;
    if ((method === 'GET' || method === 'HEAD') && PUBLIC_PATHS.has(new URL(c.req.url).pathname)) return next();
    if (keyDigest === undefined) {
      return c.json({ error: 'Configuration Error', message: 'Authentication is required but no API key is configured on the server.' }, 500);
    }
    const lines = authorizationLines(c);
    const credential = parseCredential(lines);
    switch (credential.kind) {
      case 'missing':
        return reject(c, lines.length > 0);
      case 'multiple':
        return reject(c, true, { error: 'invalid_request', message: 'Multiple Authorization headers' });
      case 'malformed':
        return reject(c, true, { error: 'invalid_request', message: 'Malformed Authorization header' });
      case 'token':
        if (!keyMatches(credential.token, keyDigest)) return reject(c, true, { error: 'invalid_token' });
    }
    if (debug) write('debug', 'Authorization successful', { path: scrub(rawPath(c)) });
    return next();
  };

  const sessions = new Map<string, Session>([
    ['default', { id: 'default', title: 'Default session', createdAt: new Date().toISOString(), messageCount: 0 }],
  ]);
  const notFound = (c: Context) => c.json({ error: 'Not Found' }, 404);
  const badBody = (c: Context) => c.json({ error: 'Bad Request', message: 'Request body must be a JSON object.' }, 400);

  const app = new Hono();
  const corsHandler = cors({
    origin: '*',
    allowHeaders: ['Authorization', 'Content-Type'],
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  });
  // CORS applies to cross-origin requests only (those with Origin; the Fetch standard), and of the
  // OPTIONS requests only a real preflight is answered by it: any other OPTIONS goes through auth
  // like every method. Requests without Origin skip it, which also keeps the rejection path lean
  // (the CORS middleware materialises the response object, costing ~50 µs and much jitter).
  app.use('*', (c, next) => (c.req.header('origin') === undefined || (c.req.method === 'OPTIONS' && !isPreflight(c)) ? next() : corsHandler(c, next)));
  app.use('*', auth);

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/.well-known/agent-card.json', (c) =>
    c.json({
      name: 'dexto-reference',
      description: 'Reference server for the Dexto API-key authentication contract',
      url: new URL(c.req.url).origin,
      version: '1.0.0',
      capabilities: { streaming: true },
      skills: [],
    }),
  );
  const openapi = openApiDocument();
  app.get('/openapi.json', (c) => c.json(openapi));

  app.get('/api/llm/current', (c) => c.json({ config: { provider: 'reference', model: 'reference-model' } }));

  app.post('/api/message', async (c) => {
    const body = await readJsonObject(c);
    if (!body || typeof body.message !== 'string') return badBody(c);
    const sessionId = typeof body.sessionId === 'string' && body.sessionId !== '' ? body.sessionId : 'default';
    const session = sessions.get(sessionId) ?? { id: sessionId, title: sessionId, createdAt: new Date().toISOString(), messageCount: 0 };
    session.messageCount += 1;
    sessions.set(sessionId, session);
    return c.json({ accepted: true, sessionId, messageId: randomUUID() }, 202);
  });

  app.post('/api/message-stream', (c) =>
    streamSSE(c, async (stream) => {
      const chunks = ['Hello', ' from the', ' Dexto reference server.'];
      for (const [i, text] of chunks.entries()) {
        if (stream.aborted) return;
        await stream.writeSSE({ event: 'chunk', id: String(i), data: JSON.stringify({ text }) });
        await stream.sleep(50);
      }
      if (!stream.aborted) await stream.writeSSE({ event: 'done', id: String(chunks.length), data: JSON.stringify({ done: true }) });
    }),
  );

  app.get('/api/sessions', (c) => c.json({ sessions: [...sessions.values()] }));
  app.get('/api/sessions/:sessionId', (c) => {
    const session = sessions.get(c.req.param('sessionId'));
    return session ? c.json(session) : notFound(c);
  });
  app.delete('/api/sessions/:sessionId', (c) => {
    const id = c.req.param('sessionId');
    return sessions.delete(id) ? c.json({ deleted: true, id }) : notFound(c);
  });
  app.patch('/api/sessions/:sessionId', async (c) => {
    const session = sessions.get(c.req.param('sessionId'));
    if (!session) return notFound(c);
    const body = await readJsonObject(c);
    if (!body || (body.title !== undefined && typeof body.title !== 'string')) return badBody(c);
    if (typeof body.title === 'string') session.title = body.title;
    return c.json(session);
  });

  app.notFound(notFound);
  app.onError((err, c) => {
    write('error', 'Unhandled error', { name: err.name });
    return c.json({ error: 'Internal Server Error' }, 500);
  });
  return app;
}
