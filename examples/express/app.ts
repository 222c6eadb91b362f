/**
 * An Express 5 app with its own API-key middleware, done right:
 * CORS preflights first, then auth (deny by default, exact public paths), then body parsing.
 */
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
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

/** Answers CORS preflights (which never carry credentials) before auth runs. */
export const corsPreflight: RequestHandler = (req, res, next) => {
  if (req.headers.origin !== undefined) res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method !== 'OPTIONS' || req.headers.origin === undefined || req.headers['access-control-request-method'] === undefined) return next();
  res.set({
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Max-Age': '600',
  });
  res.status(204).end();
};

/** The API-key middleware. */
export function apiKeyAuth(config: AuthConfig, log: (line: string) => void): RequestHandler {
  return (req, res, next) => {
    if (!config.required) return next();
    // originalUrl is the request target as received: no decoding, no dot-segment removal.
    const path = rawPath(req.originalUrl);
    if ((req.method === 'GET' || req.method === 'HEAD') && PUBLIC_PATHS.has(path)) return next();
    // headersDistinct keeps repeated Authorization lines; req.headers.authorization keeps only the first.
    const credential = parseAuthorization(req.headersDistinct.authorization ?? []);
    if (credential.kind === 'token' && keyMatches(credential.token, config.key)) return next();
    log(unauthorizedLogLine(path, req.headersDistinct.authorization !== undefined, req.headers.origin, req.headers['user-agent']));
    res.status(401).set(UNAUTHORIZED_HEADERS).json(UNAUTHORIZED);
  };
}

/** The app's routes. */
export function apiRoutes(): express.Router {
  const api = express.Router();
  api.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  api.get('/.well-known/agent-card.json', (_req, res) => void res.json(AGENT_CARD));
  api.get('/openapi.json', (_req, res) => void res.json(dextoOpenApi('Express example')));
  api.get('/api/llm/current', (_req, res) => void res.json({ provider: 'example', model: 'example-model' }));
  api.get('/api/sessions', (_req, res) => void res.json({ sessions: [] }));
  api.get('/api/sessions/:id', (req, res) => void res.status(404).json({ error: 'Not Found', id: req.params.id }));
  api.delete('/api/sessions/:id', (_req, res) => void res.status(404).json({ error: 'Not Found' }));
  api.post('/api/message', (req, res) => void res.status(202).json({ accepted: true, length: JSON.stringify(req.body ?? null).length }));
  api.post('/api/message-stream', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.end('data: {"text":"hello"}\n\n');
  });
  return api;
}

/** JSON errors (bad bodies, crashes) instead of Express's default HTML page and stderr stack. */
export const jsonErrors: ErrorRequestHandler = (err: { status?: number; expose?: boolean; message?: string }, _req, res, _next) => {
  const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
  res.status(status).json({ error: status === 500 ? 'Internal Server Error' : 'Bad Request', message: err.expose ? err.message : undefined });
};

/**
 * Builds the app for an environment (`process.env` in production); throws when auth is
 * required but no key is set, so a misconfigured server never starts.
 */
export function createApp(env: Env, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Express {
  const config = authConfig(env, DEXTO_NAMES, log);
  const app = express();
  app.disable('x-powered-by');
  app.use(corsPreflight);
  app.use(apiKeyAuth(config, log));
  app.use(express.json({ limit: '1mb' }));
  app.use(apiRoutes());
  app.use(jsonErrors);
  return app;
}
