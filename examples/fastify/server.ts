/**
 * Starts the Fastify example as a real process, the way `--target-cmd` runs a server: it reads
 * PORT, HOST and its own variables (APP_ENV, MY_API_KEY, MY_REQUIRE_AUTH) from the environment.
 *   node --import tsx examples/fastify/server.ts [flawed]
 */
import { createApp } from './app.js';
import { createFlawedApp } from './flawed-app.js';

const flawed = process.argv[2] === 'flawed';
let app;
try {
  app = flawed ? createFlawedApp({ ...process.env }) : createApp({ ...process.env });
} catch (error) {
  process.stderr.write(`refusing to start: ${(error as Error).message}\n`);
  process.exit(1);
}
await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
const stop = (): void => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
