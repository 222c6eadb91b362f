import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { main } from '../src/cli.js';

/** Runs the CLI in-process and captures what it prints. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), env, isTty: false });
  return { code, out, err };
}

/** Starts a listener on 127.0.0.1:0; returns its URL and a stop function. */
export async function listen(listener: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Shell command that starts a fixture server (from source, via tsx). */
export const fixtureCmd = (name: string): string => `"${process.execPath}" --import tsx fixtures/servers/serve.ts ${name}`;
