/**
 * A Fastify app that is not a Dexto server: its variables are APP_ENV, MY_API_KEY and
 * MY_REQUIRE_AUTH, its public routes are GET /status and GET /version, and its API lives under
 * /v1. Auth runs in an `onRequest` hook: before routing decisions, body parsing and validation.
 */
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type onRequestHookHandler } from 'fastify';
import {
  authConfig,
  keyMatches,
  parseAuthorization,
  rawPath,
  UNAUTHORIZED,
  UNAUTHORIZED_HEADERS,
  unauthorizedLogLine,
  type AuthConfig,
  type AuthEnvNames,
  type Env,
} from '../shared/api-key.js';

/** This app's variable names. */
export const ENV_NAMES: AuthEnvNames = { nodeEnv: 'APP_ENV', apiKey: 'MY_API_KEY', requireAuth: 'MY_REQUIRE_AUTH' };

/** Paths open without a key (GET and HEAD only), compared exactly. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/status', '/version']);

/** Answers CORS preflights (which never carry credentials) before auth runs. */
export const corsPreflight: onRequestHookHandler = (request, reply, done) => {
  const { origin } = request.headers;
  if (origin !== undefined) void reply.header('Access-Control-Allow-Origin', '*');
  if (request.method !== 'OPTIONS' || origin === undefined || request.headers['access-control-request-method'] === undefined) return done();
  void reply
    .code(204)
    .headers({ 'Access-Control-Allow-Methods': 'GET, HEAD, POST, DELETE, OPTIONS', 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Max-Age': '600' })
    .send();
};

/** The API-key hook. */
export function apiKeyAuth(config: AuthConfig, log: (line: string) => void): onRequestHookHandler {
  return (request, reply, done) => {
    if (!config.required) return done();
    const path = rawPath(request.raw.url);
    if ((request.method === 'GET' || request.method === 'HEAD') && PUBLIC_PATHS.has(path)) return done();
    const lines = request.raw.headersDistinct.authorization ?? [];
    const credential = parseAuthorization(lines);
    if (credential.kind === 'token' && keyMatches(credential.token, config.key)) return done();
    log(unauthorizedLogLine(path, lines.length > 0, request.headers.origin, request.headers['user-agent']));
    void reply.code(401).headers(UNAUTHORIZED_HEADERS).send(UNAUTHORIZED);
  };
}

/**
 * Server options. Fastify's default handler for requests Node cannot parse (a space or control
 * character in the path, …) answers 400 and then destroys the socket without saying
 * `Connection: close`, so a keep-alive client may reuse the dead socket and see ECONNRESET on
 * its next request (the suite's fuzz checks catch that). Say it.
 */
export const SERVER_OPTIONS: FastifyServerOptions = {
  logger: false,
  clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
    if (socket.destroyed) return;
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ error: status === 431 ? 'Request Header Fields Too Large' : 'Bad Request' });
    socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  },
};

/** Registers the app's routes. */
export function registerRoutes(app: FastifyInstance): FastifyInstance {
  const items = new Map<string, { id: string; name: string }>([['1', { id: '1', name: 'first' }]]);
  app.get('/status', async () => ({ status: 'ok' }));
  app.get('/version', async () => ({ version: '1.0.0' }));
  app.get('/v1/items', async () => ({ items: [...items.values()] }));
  app.post<{ Body: { name: string } }>(
    '/v1/items',
    { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } }, additionalProperties: false } } },
    async (request, reply) => reply.code(201).send({ id: 'new', name: request.body.name }),
  );
  app.get<{ Params: { id: string } }>('/v1/items/:id', async (request, reply) => items.get(request.params.id) ?? reply.code(404).send({ error: 'Not Found' }));
  app.delete<{ Params: { id: string } }>('/v1/items/:id', async (request, reply) => reply.code(404).send({ error: 'Not Found', id: request.params.id }));
  return app;
}

/**
 * Builds the (not yet listening) app for an environment; throws when auth is required but
 * MY_API_KEY is not set, so a misconfigured server never starts.
 */
export function createApp(env: Env, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): FastifyInstance {
  const config = authConfig(env, ENV_NAMES, log);
  const app = Fastify(SERVER_OPTIONS);
  app.addHook('onRequest', corsPreflight);
  app.addHook('onRequest', apiKeyAuth(config, log));
  return registerRoutes(app);
}
