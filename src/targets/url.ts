import { open } from 'node:fs/promises';
import type { ModeDef, ModeName } from '../contract/modes.js';
import { followFile } from './follow-file.js';
import { LogCapture } from './log-capture.js';
import { TargetError, type StartResult, type Target, type TargetInfo } from './types.js';

/** True for localhost and the loopback ranges 127.0.0.0/8 and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h) || h === '::1';
}

/** Parses and vets a --target URL; throws TargetError with a one-line cause. */
export function parseTargetUrl(text: string, allowPlainHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetError(`--target is not a valid URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetError(`--target must be http:// or https://, got ${url.protocol}`);
  if (url.username || url.password) throw new TargetError('--target must not carry credentials in the URL');
  if (url.pathname !== '/' || url.search || url.hash) throw new TargetError(`--target must be an origin such as https://host:port, without a path or query (got ${url.pathname}${url.search})`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowPlainHttp) {
    throw new TargetError(
      `refusing to send the API key over plain http:// to ${url.hostname}, which is not loopback; use https:// or pass --allow-plain-http`,
    );
  }
  return url;
}

/** Follows a log file from the moment the run starts: only what is appended counts. */
async function followLogFile(path: string, capture: LogCapture): Promise<() => Promise<void>> {
  const handle = await open(path, 'r').catch((e: Error) => {
    throw new TargetError(`--log-file ${path} cannot be read: ${e.message}`);
  });
  const follower = followFile(handle, capture, 'file', (await handle.stat()).size);
  return () => follower.stop();
}

/** A server that is already running, in one mode. */
export class UrlTarget implements Target {
  readonly info: TargetInfo;

  constructor(
    private readonly url: URL,
    mode: ModeName,
    declaredMode: ModeName | undefined,
    private readonly logFile: string | undefined,
  ) {
    this.info = {
      kind: 'url',
      label: url.origin,
      loopback: isLoopbackHost(url.hostname),
      plainHttp: url.protocol === 'http:',
      restartable: false,
      fixedMode: mode,
      ...(declaredMode ? { declaredMode } : {}),
      logsVisible: logFile !== undefined,
    };
  }

  modes(): ModeName[] {
    return [this.info.fixedMode as ModeName];
  }

  async start(_mode: ModeDef): Promise<StartResult> {
    const logs = this.logFile ? new LogCapture() : undefined;
    const stopFollowing = this.logFile && logs ? await followLogFile(this.logFile, logs) : undefined;
    const base = this.url.href.replace(/\/$/, '');
    return {
      state: 'ready',
      running: {
        baseUrl: base,
        logs,
        alive: () => undefined,
        stop: async () => stopFollowing?.(),
      },
    };
  }
}
