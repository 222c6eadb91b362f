import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createReferenceApp, referenceMode } from './app.js';
import { formatRecord, stdoutLog } from './log.js';

/** Options of {@link startReferenceServer}. */
export interface StartOptions {
  /** Environment that selects the security mode; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Port to listen on; defaults to `env.PORT`, then 0 (ephemeral). */
  port?: number;
  /** Interface to bind; defaults to `env.HOST`, then 127.0.0.1. */
  host?: string;
  /** Receives each log record as one JSON line; defaults to standard output. */
  log?: (line: string) => void;
}

/** A listening reference server. */
export interface RunningReferenceServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** Stops listening and ends open connections, including event streams. */
  close(): Promise<void>;
}

function parsePort(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${JSON.stringify(text)}`);
  return port;
}

/** Starts the reference server on Node's HTTP server and resolves once it listens. */
export function startReferenceServer(options: StartOptions = {}): Promise<RunningReferenceServer> {
  const env = options.env ?? process.env;
  const log = options.log ?? stdoutLog;
  const host = options.host ?? (env.HOST || '127.0.0.1');
  const port = options.port ?? parsePort(env.PORT);
  const app = createReferenceApp(env, { log });

  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const actual = (server.address() as AddressInfo).port;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
      log(formatRecord('info', 'Dexto reference server listening', { host, port: actual, url, mode: referenceMode(env) }));
      resolve({
        url,
        port: actual,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
