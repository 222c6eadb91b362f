import type { Duplex } from 'node:stream';
import type { ModeDef, ModeName } from '../contract/modes.js';
import type { LogCapture } from './log-capture.js';

/** What checks and reports may know about the target (never the key). */
export interface TargetInfo {
  kind: 'reference' | 'command' | 'url' | 'handler';
  /** Human label: the command, the URL, "built-in reference server". */
  label: string;
  /** Every request stays on this machine. */
  loopback: boolean;
  /** The target is reached over plain http. */
  plainHttp: boolean;
  /** New instances can be started (key rotation, restart after a crash). */
  restartable: boolean;
  /** A URL target runs in exactly one mode. */
  fixedMode?: ModeName;
  /** The mode the user declared for a URL target, if any. */
  declaredMode?: ModeName;
  /** The harness can see what the target logs. */
  logsVisible: boolean;
}

/** A started instance of the target in one mode. */
export interface Running {
  baseUrl: string;
  logs: LogCapture | undefined;
  /** False once the process is known to have exited (undefined: cannot tell). */
  alive(): boolean | undefined;
  stop(): Promise<void>;
  /** In-process targets: an in-memory connection to the same server, without a socket. */
  connectInProcess?: () => Duplex;
}

/** Starting may succeed, or the server may refuse to start (acceptable in fail-closed modes). */
export type StartResult =
  | { state: 'ready'; running: Running }
  | { state: 'refused'; reason: string; logs: LogCapture | undefined };

/** Something the suite can run against. */
export interface Target {
  info: TargetInfo;
  /** Modes this target can be put in. */
  modes(): ModeName[];
  start(mode: ModeDef, key: string): Promise<StartResult>;
}

/** Raised for targets the run cannot use (exit code 2). */
export class TargetError extends Error {}
