import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODE_NAMES, type EnvNames, type ModeDef, type ModeName } from '../contract/modes.js';
import { followFile, type Follower } from './follow-file.js';
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
    const output = await captureOutput(logs);
    let child: ChildProcess;
    try {
      child = this.launch.shell
        ? spawn(this.launch.file, { shell: true, env, detached: true, stdio: ['ignore', output.fds[0], output.fds[1]] })
        : spawn(this.launch.file, this.launch.args, { env, detached: true, stdio: ['ignore', output.fds[0], output.fds[1]] });
    } catch (e) {
      await output.close();
      return { state: 'refused', reason: `the server could not be started: ${e instanceof Error ? e.message : String(e)}`, logs };
    }
    track(child);
    let exit: string | undefined;
    child.once('exit', (code, signal) => {
      void output.pump().then(() => logs.flush());
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
        await output.close();
        return { state: 'refused', reason: `the server ${exit} before answering GET /health`, logs };
      }
      if ((await probeHealth(baseUrl, 500)) !== undefined) {
        return {
          state: 'ready',
          running: {
            baseUrl,
            logs,
            alive: () => exit === undefined,
            stop: async () => {
              await stopTree(child);
              await output.close();
            },
          },
        };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await stopTree(child);
    await output.close();
    return { state: 'refused', reason: `GET /health got no answer within ${this.startTimeoutMs} ms (the process was still running)`, logs };
  }
}

/**
 * The child's standard output and error go to two files in a private temporary folder, followed
 * into the capture by polling (see follow-file.ts): a pipe would wake this process for every line
 * the server logs, in the path of every timed request. Files also never block or break the
 * server when this process is slow or gone. The folder is removed on close().
 */
async function captureOutput(logs: LogCapture): Promise<{ fds: [number, number]; pump(): Promise<void>; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dac-logs-'));
  const file = (name: string): Promise<FileHandle> => open(join(dir, `${name}.log`), 'a+', 0o600);
  const [out, err] = await Promise.all([file('stdout'), file('stderr')]);
  const followers: Follower[] = [followFile(out, logs, 'stdout', 0), followFile(err, logs, 'stderr', 0)];
  let closed: Promise<void> | undefined;
  return {
    fds: [out.fd, err.fd],
    pump: async () => {
      await Promise.all(followers.map((f) => f.pump()));
    },
    close: () =>
      (closed ??= (async () => {
        await Promise.all(followers.map((f) => f.stop()));
        logs.flush();
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}
