import type { ChildProcess } from 'node:child_process';

/** Process groups the harness started; all are killed if the harness exits or is interrupted. */
const groups = new Set<ChildProcess>();
let hooked = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Kills every registered process group at once (SIGKILL); safe inside an 'exit' handler. */
export function killAllNow(): void {
  for (const child of groups) killGroup(child, 'SIGKILL');
  groups.clear();
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  process.stderr.write(`dexto-auth-conformance: interrupted (${signal}); started servers stopped\n`);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/** Signal handlers are installed only while servers are running, so a host process keeps its own. */
function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllNow);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function unhookIfIdle(): void {
  if (!hooked || groups.size > 0) return;
  hooked = false;
  process.off('exit', killAllNow);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Registers a child started with `detached: true` (its own process group). */
export function track(child: ChildProcess): void {
  hook();
  groups.add(child);
  child.once('exit', () => {
    groups.delete(child);
    unhookIfIdle();
  });
}

/** Stops a tracked child's whole process tree: SIGTERM, then SIGKILL after graceMs. */
export async function stopTree(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL');
    groups.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  killGroup(child, 'SIGKILL');
  groups.delete(child);
  unhookIfIdle();
}
