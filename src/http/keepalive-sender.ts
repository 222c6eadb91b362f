import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { TlsOptions } from './client.js';

/** Where timed requests go: a base URL (TCP or TLS), or a function opening an in-memory connection. */
export type SenderTarget = string | (() => Duplex);

/** Outcome of one block of timed requests. */
export interface BlockResult {
  /** Requests answered (a prefix of the order). */
  completed: number;
  /** Why the block stopped early, if it did. */
  error?: string;
}

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const CHUNKED_END = Buffer.from('0\r\n\r\n', 'latin1');
const MAX_HEAD = 64 * 1024;

/** How much of a response is in `buf`: total length once it is complete, else -1; status in `status`. */
function responseLength(buf: Buffer, out: { status: number; close: boolean }): number {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return buf.length > MAX_HEAD ? -2 : -1;
  const head = buf.toString('latin1', 0, end);
  out.status = Number(head.slice(9, 12));
  const lower = head.toLowerCase();
  out.close = /\r\nconnection:[ \t]*close/.test(lower);
  const cl = /\r\ncontent-length:[ \t]*(\d+)/.exec(lower);
  const bodyStart = end + 4;
  if (cl) {
    const total = bodyStart + Number(cl[1]);
    return buf.length >= total ? total : -1;
  }
  if (/\r\ntransfer-encoding:[^\r]*chunked/.test(lower)) {
    const term = buf.indexOf(CHUNKED_END, bodyStart);
    if (term < 0) return -1;
    // "0\r\n\r\n" may sit inside a chunk's data only if a chunk carries it; the harness's
    // timed routes answer small JSON bodies, where it marks the end.
    return term + CHUNKED_END.length;
  }
  // 204/304 or HEAD-like answers without a body; anything else without framing ends at close.
  if (out.status === 204 || out.status === 304 || (out.status >= 100 && out.status < 200)) return bodyStart;
  out.close = true;
  return -1;
}

/**
 * Sends prepared requests one at a time over a single keep-alive connection and times each from
 * the write to the last byte of its response with `process.hrtime.bigint()`. Built for timing
 * measurements: no per-request allocation beyond the socket's buffers, no header parsing beyond
 * framing. Reconnects (and marks the interrupted request as lost) if the server closes the
 * connection. The connection may also be an in-memory duplex stream into an in-process server.
 */
export class KeepAliveSender {
  private socket: Duplex | undefined;
  private reconnects = 0;
  private unannounced = 0;
  /** The last connection ended because the server said `Connection: close` (not a failure). */
  private announcedClose = false;

  constructor(
    private readonly target: SenderTarget,
    private readonly tlsOptions: TlsOptions = {},
    private readonly timeoutMs = 5_000,
  ) {}

  /** Connections opened again after the server closed one. */
  reconnectCount(): number {
    return this.reconnects;
  }

  private connect(): Promise<Duplex> {
    if (typeof this.target === 'function') return Promise.resolve(this.target());
    const url = new URL(this.target);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const secure = url.protocol === 'https:';
    const port = Number(url.port || (secure ? 443 : 80));
    return new Promise((resolve, reject) => {
      const socket = secure
        ? tls.connect({ host, port, ca: this.tlsOptions.ca, rejectUnauthorized: !this.tlsOptions.insecure, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port });
      const fail = (error: Error): void => reject(error);
      socket.once('error', fail);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        socket.off('error', fail);
        socket.setNoDelay(true);
        resolve(socket);
      });
    });
  }

  /**
   * Sends `requests[order[i]]` for i = 0, 1, … in turn; writes elapsed nanoseconds to
   * `times[i]` (NaN when the request was lost) and the status code to `statuses[i]`. Stops at
   * the end of `order`, at `deadline` (a `performance.now()` value), or after an error.
   */
  async runBlock(requests: readonly Buffer[], order: ArrayLike<number>, times: Float64Array, statuses: Uint16Array, deadline = Infinity): Promise<BlockResult> {
    let completed = 0;
    while (completed < order.length) {
      if (!this.socket || this.socket.destroyed) {
        // A server may close after every answer if it says so (Connection: close); only
        // unannounced closes count against the limit.
        if (this.socket) {
          this.reconnects += 1;
          if (!this.announcedClose) this.unannounced += 1;
        }
        this.announcedClose = false;
        if (this.unannounced > 20) return { completed, error: 'the server kept closing the connection without saying so' };
        try {
          this.socket = await this.connect();
        } catch (error) {
          return { completed, error: `cannot connect: ${(error as Error).message}` };
        }
      }
      const r = await this.runOnSocket(this.socket, requests, order, completed, times, statuses, deadline);
      completed = r.completed;
      if (r.error !== undefined) return r;
      if (r.stopped) break;
    }
    return { completed };
  }

  private runOnSocket(
    socket: Duplex,
    requests: readonly Buffer[],
    order: ArrayLike<number>,
    start: number,
    times: Float64Array,
    statuses: Uint16Array,
    deadline: number,
  ): Promise<BlockResult & { stopped?: boolean }> {
    return new Promise((resolve) => {
      let i = start;
      let pending: Buffer | undefined;
      let t0 = 0n;
      const head = { status: 0, close: false };
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: BlockResult & { stopped?: boolean }): void => {
        socket.off('data', onData);
        socket.off('close', onClose);
        socket.off('error', onError);
        clearTimeout(timer);
        resolve(result);
      };
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          socket.destroy();
          times[i] = NaN;
          finish({ completed: i + 1, error: `no response within ${this.timeoutMs} ms` });
        }, this.timeoutMs);
      };
      const sendNext = (): void => {
        if (i >= order.length) return finish({ completed: i, stopped: true });
        if ((i & 63) === 0) {
          if (performance.now() > deadline) return finish({ completed: i, stopped: true });
          arm();
        }
        const req = requests[order[i] as number] as Buffer;
        pending = undefined;
        t0 = process.hrtime.bigint();
        socket.write(req);
      };
      const onData = (chunk: Buffer): void => {
        const t1 = process.hrtime.bigint();
        pending = pending ? Buffer.concat([pending, chunk]) : chunk;
        const len = responseLength(pending, head);
        if (len === -2) {
          socket.destroy();
          return finish({ completed: i, error: 'response head too large' });
        }
        if (len < 0) return;
        times[i] = Number(t1 - t0);
        statuses[i] = head.status;
        i += 1;
        if (len < pending.length) {
          socket.destroy();
          return finish({ completed: i, error: 'the server sent more than one response' });
        }
        if (head.close) {
          this.announcedClose = true;
          socket.destroy();
          return finish({ completed: i });
        }
        sendNext();
      };
      const onClose = (): void => {
        if (i < order.length) times[i] = NaN;
        finish({ completed: Math.min(order.length, i + 1) });
      };
      const onError = (): void => {
        socket.destroy();
      };
      socket.on('data', onData);
      socket.on('close', onClose);
      socket.on('error', onError);
      arm();
      sendNext();
    });
  }

  /** Closes the connection. */
  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}
