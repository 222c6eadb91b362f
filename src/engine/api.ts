import { modeByName, type ModeName } from '../contract/modes.js';
import { ProcessTarget } from '../targets/command.js';
import { HandlerTarget, type HandlerFactory } from '../targets/handler.js';
import { referenceTarget } from '../targets/reference.js';
import { TargetError, type Target } from '../targets/types.js';
import { parseTargetUrl, UrlTarget } from '../targets/url.js';
import { detectMode } from '../targets/detect.js';
import { ALL_CHECKS } from '../../suites/index.js';
import { defaultOptions, type RunOptions } from './options.js';
import { runSuite } from './run.js';
import { selectChecks } from './select.js';
import type { Check, Report } from './types.js';

/** What to run against. */
export type TargetSpec =
  | { kind: 'reference' }
  | { kind: 'command'; command: string }
  | { kind: 'url'; url: string; apiKey: string | undefined; mode?: ModeName; /** The variable the key came from (for reproduction lines). */ keyEnv?: string }
  | { kind: 'handler'; factory: HandlerFactory; label?: string };

/** `run()`'s input: a target and any options (the rest take their defaults). */
export interface RunConfig extends Partial<RunOptions> {
  target?: TargetSpec;
  /** Replaces the built-in checks (tests, custom suites). */
  checks?: readonly Check[];
}

/** Builds the Target for a spec; URL targets get their mode detected or declared. */
export async function makeTarget(spec: TargetSpec, options: RunOptions): Promise<{ target: Target; key?: string }> {
  switch (spec.kind) {
    case 'reference':
      return { target: referenceTarget(options.envNames, options.startTimeoutMs) };
    case 'command':
      if (spec.command.trim() === '') throw new TargetError('--target-cmd is empty');
      return {
        target: new ProcessTarget(
          { kind: 'command', label: spec.command, loopback: true, plainHttp: true, restartable: true, logsVisible: true },
          { file: spec.command, args: [], shell: true },
          options.envNames,
          options.startTimeoutMs,
        ),
      };
    case 'handler':
      return { target: new HandlerTarget(spec.factory, options.envNames, spec.label) };
    case 'url': {
      const url = parseTargetUrl(spec.url, options.allowPlainHttp);
      if (spec.mode && !modeByName(spec.mode)) throw new TargetError(`unknown mode ${spec.mode}`);
      const detected = await detectMode(url, spec.apiKey, options);
      const mode = spec.mode ?? detected;
      const needsKey = modeByName(mode)?.usesKey ?? false;
      if (needsKey && !spec.apiKey) {
        throw new TargetError(`the server requires auth (mode ${mode}) but no key was given: set ${spec.keyEnv ?? options.envNames.apiKey} (or name another variable with --api-key-env)`);
      }
      return { target: new UrlTarget(url, mode, spec.mode, options.logFile), ...(spec.apiKey ? { key: spec.apiKey } : {}) };
    }
  }
}

/**
 * Runs the suite: against the built-in reference server by default, or the given target.
 * Throws TargetError for unusable targets and UsageError for bad options.
 */
export async function run(config: RunConfig = {}): Promise<Report> {
  const { target: spec = { kind: 'reference' }, checks, ...rest } = config;
  const options = withKeyVar(defaultOptions(rest), spec);
  const selected = selectChecks(checks ?? ALL_CHECKS, options.only, options.skip);
  const { target, key } = await makeTarget(spec, options);
  return runSuite(target, selected, options, key);
}

/** A URL target's key came from a variable of the caller's choosing; curl lines read that one. */
export function withKeyVar(options: RunOptions, spec: TargetSpec): RunOptions {
  return spec.kind === 'url' && spec.keyEnv !== undefined && options.keyVar === undefined ? { ...options, keyVar: spec.keyEnv } : options;
}
