import { formatRecord, stdoutLog } from './log.js';
import { startReferenceServer, type RunningReferenceServer } from './serve.js';

let server: RunningReferenceServer | undefined;
let stopping = false;

// Handlers go in before listening, so a signal during startup still ends the process cleanly.
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  stdoutLog(formatRecord('info', 'Dexto reference server stopping', { signal }));
  (server?.close() ?? Promise.resolve()).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

try {
  server = await startReferenceServer({ env: { ...process.env, PORT: process.env.PORT || '3000' } });
} catch (err) {
  stdoutLog(formatRecord('error', 'Dexto reference server failed to start', { error: err instanceof Error ? err.message : String(err) }));
  process.exit(1);
}
