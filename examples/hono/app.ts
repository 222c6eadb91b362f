/**
 * A Hono app with its own API-key middleware, done right: CORS first, then auth on every
 * route (deny by default, exact public paths), then the routes.
 */
import type { IncomingMessage } from 'node:http';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { streamSSE } from 'hono/streaming';
import { AGENT_CARD, dextoOpenApi } from '../shared/openapi.js';
import {
  authConfig,
  DEXTO_NAMES,
  keyMatches,
  parseAuthorization,
  rawPath,
  UNAUTHORIZED,
  UNAUTHORIZED_HEADERS,
  unauthorizedLogLine,
  type AuthConfig,
  type Env,
} from '../shared/api-key.js';

/** Paths open without a key (GET and HEAD only), compared exactly. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health', '/.well-known/agent-card.json', '/openapi.json']);

/** On @hono/node-server the Node request is `c.env.incoming`; elsewhere fall back to the Fetch request. */
function incoming(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming;
}

/**
 * Every Authorization line, unjoined. The Fetch `Headers` object joins repeated lines with
 * ", ", so read them from the Node request when there is one.
 */
function authorizationLines(c: Context): string[] {
  const req = incoming(c);
  if (req) return req.headersDistinct.authorization ?? [];
  const joined = c.req.header('authorization');
  return joined === undefined ? [] : [joined];
}

/** The API-key middleware. */
export function apiKeyAuth(config: AuthConfig, log: (line: string) => void): MiddlewareHandler {
  return async (c, next) => {
    if (!config.required) return next();
    const path = rawPath(incoming(c)?.url ?? new URL(c.req.url).pathname);
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && PUBLIC_PATHS.has(path)) return next();
    const lines = authorizationLines(c);
    const credential = parseAuthorization(lines);
    if (credential.kind === 'token' && keyMatches(credential.token, config.key)) return next();
    log(unauthorizedLogLine(path, lines.length > 0, c.req.header('origin'), c.req.header('user-agent')));
    return c.json(UNAUTHORIZED, 401, UNAUTHORIZED_HEADERS);
  };
}

/** Registers the app's routes. */
export function registerRoutes(app: Hono): Hono {
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/.well-known/agent-card.json', (c) => c.json(AGENT_CARD));
  app.get('/openapi.json', (c) => c.json(dextoOpenApi('Hono example')));
  app.get('/api/llm/current', (c) => c.json({ provider: 'example', model: 'example-model' }));
  app.get('/api/sessions', (c) => c.json({ sessions: [] }));
  app.get('/api/sessions/:id', (c) => c.json({ error: 'Not Found' }, 404));
  app.delete('/api/sessions/:id', (c) => c.json({ error: 'Not Found' }, 404));
  app.post('/api/message', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    return body === undefined ? c.json({ error: 'Bad Request' }, 400) : c.json({ accepted: true }, 202);
  });
  registerStream(app);
  return app;
}

/** The server-sent event stream. */
export function registerStream(app: Hono): void {
  app.post('/api/message-stream', (c) => streamSSE(c, async (stream) => stream.writeSSE({ data: JSON.stringify({ text: 'hello' }) })));
}

/**
 * Builds the app for an environment (`process.env` in production); throws when auth is
 * required but no key is set, so a misconfigured server never starts.
 */
export function createApp(env: Env, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Hono {
  const config = authConfig(env, DEXTO_NAMES, log);
  const app = new Hono();
  app.use('*', cors({ origin: '*', allowHeaders: ['Authorization', 'Content-Type'], maxAge: 600 }));
  app.use('*', apiKeyAuth(config, log));
  return registerRoutes(app);
}
