import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { MODE_NAMES, type EnvNames, type ModeDef, type ModeName } from '../contract/modes.js';
import { inMemoryConnector } from '../timing/in-process.js';
import { LogCapture } from './log-capture.js';
import type { StartResult, Target } from './types.js';

/** What a handler factory may return: a Node listener (Express), a fetch app (Hono), or a Fastify-like app. */
export type AppLike =
  | ((req: http.IncomingMessage, res: http.ServerResponse) => void)
  | { fetch(request: Request): Response | Promise<Response> }
  | { routing: (req: http.IncomingMessage, res: http.ServerResponse) => void; ready: () => PromiseLike<unknown> };

/** Tools handed to a factory: where to log so logging checks can see it. */
export interface HandlerIo {
  log: (line: string) => void;
}

/** `(env) => app`: builds the server under test for one mode's environment. */
export type HandlerFactory = (env: Record<string, string | undefined>, io: HandlerIo) => AppLike | Promise<AppLike>;

async function toListener(app: AppLike): Promise<http.RequestListener> {
  if (typeof app === 'function') return app;
  if ('fetch' in app && typeof app.fetch === 'function') return getRequestListener(app.fetch.bind(app));
  if ('routing' in app && typeof app.routing === 'function') {
    await app.ready();
    return (req, res) => app.routing(req, res);
  }
  throw new Error('the handler factory returned neither a (req, res) listener, a fetch app, nor a Fastify-like app');
}

/** Runs an app built by a factory in this process, on 127.0.0.1 with an ephemeral port. */
export class HandlerTarget implements Target {
  readonly info = {
    kind: 'handler' as const,
    label: 'in-process handler',
    loopback: true,
    plainHttp: true,
    restartable: true,
    logsVisible: true,
  };

  constructor(
    private readonly factory: HandlerFactory,
    private readonly envNames: EnvNames,
    label?: string,
  ) {
    if (label) this.info.label = label;
    // A factory that takes no `io` cannot route the app's log to the harness: what the app logs
    // (to the console, a file) is out of sight, so the logging checks skip instead of failing.
    this.info.logsVisible = factory.length >= 2;
  }

  modes(): ModeName[] {
    return [...MODE_NAMES];
  }

  async start(mode: ModeDef, key: string): Promise<StartResult> {
    const logs = new LogCapture();
    let listener: http.RequestListener;
    let app: AppLike;
    try {
      app = await this.factory({ ...mode.env(key, this.envNames) }, { log: (line) => logs.line(line) });
      listener = await toListener(app);
    } catch (error) {
      return { state: 'refused', reason: `the factory threw: ${(error as Error).message}`, logs };
    }
    const server = http.createServer(listener);
    // A WebSocket (or other upgrade) handler travels as an `upgrade` property of the app.
    const upgrade = (app as { upgrade?: unknown }).upgrade;
    if (typeof upgrade === 'function') server.on('upgrade', upgrade as (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void);
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    let open = true;
    return {
      state: 'ready',
      running: {
        baseUrl: `http://127.0.0.1:${port}`,
        logs,
        alive: () => open,
        connectInProcess: inMemoryConnector(server),
        stop: () =>
          new Promise<void>((resolve) => {
            open = false;
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      },
    };
  }
}
