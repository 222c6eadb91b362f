import type { FileHandle } from 'node:fs/promises';
import type { LogCapture, LogLine } from './log-capture.js';

/** A file being followed into a capture. */
export interface Follower {
  /** Reads whatever has been appended since the last read (resolves once it is captured). */
  pump(): Promise<void>;
  /** Reads the rest and stops; the handle is closed. */
  stop(): Promise<void>;
}

/**
 * Follows a file into `capture` by polling every `intervalMs`, from byte `from` on. Polling,
 * not change notifications: a notification per log line would wake this process once per request
 * the target answers, and those wake-ups sit in the path of every timed request (measured: ~25 µs
 * and most of the jitter of a loopback round trip to a server that logs each rejection).
 */
export function followFile(handle: FileHandle, capture: LogCapture, stream: LogLine['stream'], from: number, intervalMs = 20): Follower {
  let position = from;
  let current: Promise<void> | undefined;
  const buffer = Buffer.alloc(64 * 1024);
  const read = async (): Promise<void> => {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      // write() decodes the bytes at once, so the shared buffer can be reused for the next read.
      capture.write(stream, buffer.subarray(0, bytesRead));
    }
  };
  const pump = (): Promise<void> => {
    current ??= read()
      .catch(() => undefined)
      .finally(() => {
        current = undefined;
      });
    return current;
  };
  const timer = setInterval(() => void pump(), intervalMs);
  timer.unref();
  let stopped: Promise<void> | undefined;
  return {
    pump: async () => {
      await current;
      await pump();
    },
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(timer);
        await current;
        await pump();
        await handle.close().catch(() => undefined);
      })()),
  };
}
