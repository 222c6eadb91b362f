/**
 * The same Fastify app with a classic mistake: the token is taken as
 * `authorization.split(' ')[1]`. The scheme is never looked at, so `Basic <key>` or
 * `Token <key>` work; `Bearer <key> trailing-junk` works; and Node keeps only the first of
 * repeated Authorization lines in `request.headers`, so a second, conflicting line is ignored.
 */
import Fastify, { type FastifyInstance, type onRequestHookHandler } from 'fastify';
import { authConfig, rawPath, UNAUTHORIZED, UNAUTHORIZED_HEADERS, unauthorizedLogLine, type AuthConfig, type Env } from '../shared/api-key.js';
import { corsPreflight, ENV_NAMES, PUBLIC_PATHS, registerRoutes, SERVER_OPTIONS } from './app.js';

function sloppyAuth(config: AuthConfig, log: (line: string) => void): onRequestHookHandler {
  return (request, reply, done) => {
    if (!config.required) return done();
    const path = rawPath(request.raw.url);
    if ((request.method === 'GET' || request.method === 'HEAD') && PUBLIC_PATHS.has(path)) return done();
    const token = request.headers.authorization?.split(' ')[1]; // <- the mistake
    if (token === config.key) return done();
    log(unauthorizedLogLine(path, request.headers.authorization !== undefined, request.headers.origin, request.headers['user-agent']));
    void reply.code(401).headers(UNAUTHORIZED_HEADERS).send(UNAUTHORIZED);
  };
}

/** Builds the flawed app. */
export function createFlawedApp(env: Env, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): FastifyInstance {
  const config = authConfig(env, ENV_NAMES, log);
  const app = Fastify(SERVER_OPTIONS);
  app.addHook('onRequest', corsPreflight);
  app.addHook('onRequest', sloppyAuth(config, log));
  return registerRoutes(app);
}
