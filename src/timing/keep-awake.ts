import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { track } from '../targets/processes.js';

/**
 * Keeps every CPU busy at the lowest priority while timing is measured. An idle CPU sleeps
 * (a halted vCPU in a VM, a deep C-state on metal), and waking it for each request adds tens of
 * microseconds of jitter to every round trip; spinning threads at nice 19 keep the CPUs awake
 * and give way at once to the client and the server. Measured on the 2-core development VM: the
 * standard error of a 10 s measurement fell about threefold (53–78 ns → 20–23 ns, interleaved
 * runs). One child process, one spinning thread per CPU (at most 8); it ends by itself after
 * `maxMs`, when the harness's pipe to it closes, or on stop().
 */
export interface KeepAwake {
  /** The spinners' process, if it started. */
  pid: number | undefined;
  stop(): void;
}

const SCRIPT = `
const os = require('node:os');
const { Worker } = require('node:worker_threads');
try { os.setPriority(19); } catch {}
const threads = Number(process.argv[1]);
const until = Date.now() + Number(process.argv[2]);
const spin = 'const until = ' + until + '; let x = 0; for (;;) { for (let i = 0; i < 1e6; i += 1) x = (x + i) | 0; if (Date.now() > until) break; }';
for (let i = 0; i < threads; i += 1) new Worker(spin, { eval: true });
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), Number(process.argv[2]));
`;

/** Starts the spinners; a no-op handle when they cannot be started. */
export function keepAwake(maxMs: number): KeepAwake {
  const threads = Math.min(8, Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length));
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ['-e', SCRIPT, String(threads), String(Math.ceil(maxMs))], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    track(child);
  } catch {
    child = undefined;
  }
  return {
    pid: child?.pid,
    stop: () => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    },
  };
}
