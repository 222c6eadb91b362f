import { fileURLToPath } from 'node:url';
import type { EnvNames } from '../contract/modes.js';
import { ProcessTarget } from './command.js';

/** How to run the reference server's entry point from this installation (compiled or source). */
export function referenceLaunch(): { file: string; args: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const main = fileURLToPath(new URL('../reference/main.ts', import.meta.url));
    return { file: process.execPath, args: ['--import', 'tsx', main] };
  }
  return { file: process.execPath, args: [fileURLToPath(new URL('../reference/main.js', import.meta.url))] };
}

/** The built-in reference server, one child process per mode (the README's main job). */
export function referenceTarget(envNames: EnvNames, startTimeoutMs: number): ProcessTarget {
  return new ProcessTarget(
    { kind: 'reference', label: 'built-in reference server', loopback: true, plainHttp: true, restartable: true, logsVisible: true },
    referenceLaunch(),
    envNames,
    startTimeoutMs,
  );
}
