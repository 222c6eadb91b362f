import { spawn, type ChildProcess } from 'node:child_process';
import { MODE_NAMES, type EnvNames, type ModeDef, type ModeName } from '../contract/modes.js';
import { freePort } from './free-port.js';
import { LogCapture } from './log-capture.js';
import { track, stopTree } from './processes.js';
import { probeHealth } from './readiness.js';
import type { StartResult, Target, TargetInfo } from './types.js';

/** How to launch a server process for one mode. */
export interface Launch {
  /** Executable and arguments; or a shell command line when `shell` is set. */
  file: string;
  args: string[];
  shell?: boolean;
}

/**
 * The caller's environment without anything that could select a mode: every NODE_ENV and
 * DEXTO_* variable (and the configured names), so each mode's environment is exactly its
 * definition even when CI sets NODE_ENV=production.
 */
export function scrubbedEnv(base: NodeJS.ProcessEnv, names: EnvNames): Record<string, string> {
  const drop = new Set([names.nodeEnv, names.apiKey, names.requireAuth]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || drop.has(k) || k === 'NODE_ENV' || k.startsWith('DEXTO_')) continue;
    out[k] = v;
  }
  return out;
}

/** Starts a process per mode with PORT/HOST and the mode's variables; waits for GET /health. */
export class ProcessTarget implements Target {
  constructor(
    readonly info: TargetInfo,
    private readonly launch: Launch,
    private readonly envNames: EnvNames,
    private readonly startTimeoutMs: number,
  ) {}

  modes(): ModeName[] {
    return [...MODE_NAMES];
  }

  async start(mode: ModeDef, key: string): Promise<StartResult> {
    const port = await freePort();
    const env = { ...scrubbedEnv(process.env, this.envNames), PORT: String(port), HOST: '127.0.0.1', ...mode.env(key, this.envNames) };
    const logs = new LogCapture();
    const child: ChildProcess = this.launch.shell
      ? spawn(this.launch.file, { shell: true, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(this.launch.file, this.launch.args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    child.stdout?.on('data', (c: Buffer) => logs.write('stdout', c));
    child.stderr?.on('data', (c: Buffer) => logs.write('stderr', c));
    let exit: string | undefined;
    child.once('exit', (code, signal) => {
      logs.flush();
      exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
    });
    child.once('error', (e) => {
      exit = `could not be started: ${e.message}`;
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + this.startTimeoutMs;
    while (Date.now() < deadline) {
      if (exit !== undefined) {
        await stopTree(child);
        return { state: 'refused', reason: `the server ${exit} before answering GET /health`, logs };
      }
      if ((await probeHealth(baseUrl, 500)) !== undefined) {
        return {
          state: 'ready',
          running: { baseUrl, logs, alive: () => exit === undefined, stop: () => stopTree(child) },
        };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await stopTree(child);
    return { state: 'refused', reason: `GET /health got no answer within ${this.startTimeoutMs} ms (the process was still running)`, logs };
  }
}
