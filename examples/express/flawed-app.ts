/**
 * The same Express app with a classic mistake: the JSON body parser is mounted BEFORE the
 * API-key middleware, so anyone can make the server parse a body, and a broken body gets the
 * parser's 400 instead of 401 (which also tells an attacker which routes exist).
 */
import express, { type Express } from 'express';
import { authConfig, DEXTO_NAMES, type Env } from '../shared/api-key.js';
import { apiKeyAuth, apiRoutes, corsPreflight, jsonErrors } from './app.js';

/** Builds the flawed app. */
export function createFlawedApp(env: Env, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Express {
  const config = authConfig(env, DEXTO_NAMES, log);
  const app = express();
  app.use(corsPreflight);
  app.use(express.json()); // <- the mistake: parses (and rejects) bodies of unauthenticated requests
  app.use(apiKeyAuth(config, log));
  app.use(apiRoutes());
  app.use(jsonErrors);
  return app;
}
