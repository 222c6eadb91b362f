/**
 * The same Hono app with a classic mistake: the streaming route is registered BEFORE the auth
 * middleware. Hono (like Express) runs handlers in registration order, and the stream handler
 * answers without calling next(), so the middleware never runs for it: the event stream is
 * open to anyone in every mode.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { authConfig, DEXTO_NAMES, type Env } from '../shared/api-key.js';
import { apiKeyAuth, registerRoutes, registerStream } from './app.js';

/** Builds the flawed app. */
export function createFlawedApp(env: Env, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Hono {
  const config = authConfig(env, DEXTO_NAMES, log);
  const app = new Hono();
  app.use('*', cors({ origin: '*', allowHeaders: ['Authorization', 'Content-Type'], maxAge: 600 }));
  registerStream(app); // <- the mistake: registered before app.use(auth)
  app.use('*', apiKeyAuth(config, log));
  return registerRoutes(app);
}
