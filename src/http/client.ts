import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { ProbeRequest, ProbeResponse } from './types.js';

/** TLS settings for https targets. */
export interface TlsOptions {
  ca?: string | Buffer;
  insecure?: boolean;
}

/** Raw outcome of one request on the wire. */
export interface WireResult {
  response?: ProbeResponse;
  error?: string;
  ms: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BODY = 64 * 1024;
/** How long a streaming (SSE) response is read before the harness closes it. */
const STREAM_READ_MS = 300;

/**
 * Sends requests exactly as written over keep-alive connections: the path is not normalised,
 * header lines keep their order, case and repeats, and values go out as latin-1 bytes.
 */
export class HttpClient {
  readonly origin: URL;
  private readonly agent: http.Agent;
  private readonly tlsOptions: TlsOptions;

  constructor(baseUrl: string, options: { tls?: TlsOptions; maxSockets?: number } = {}) {
    this.origin = new URL(baseUrl);
    this.tlsOptions = options.tls ?? {};
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
    this.agent =
      this.origin.protocol === 'https:'
        ? new https.Agent({ ...agentOptions, ca: this.tlsOptions.ca, rejectUnauthorized: !this.tlsOptions.insecure })
        : new http.Agent(agentOptions);
  }

  send(req: ProbeRequest): Promise<WireResult> {
    const started = process.hrtime.bigint();
    const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e6;
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBody = req.maxBodyBytes ?? DEFAULT_MAX_BODY;
    return new Promise<WireResult>((resolve) => {
      let settled = false;
      const done = (r: WireResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const lib = this.origin.protocol === 'https:' ? https : http;
      const headers: string[] = [];
      let hasHost = false;
      for (const [name, value] of req.headers ?? []) {
        headers.push(name, value);
        if (name.toLowerCase() === 'host') hasHost = true;
      }
      if (!hasHost) headers.push('Host', this.origin.host);
      let clientReq: http.ClientRequest;
      try {
        clientReq = lib.request({
          agent: this.agent,
          host: this.origin.hostname.replace(/^\[|\]$/g, ''),
          port: this.origin.port || (this.origin.protocol === 'https:' ? 443 : 80),
          method: req.method,
          path: req.path,
          headers: headers as unknown as http.OutgoingHttpHeaders,
          setHost: false,
          servername: net.isIP(this.origin.hostname) ? undefined : this.origin.hostname,
        });
      } catch (error) {
        resolve({ error: `request not sendable: ${(error as Error).message}`, ms: elapsed() });
        return;
      }
      const timer = setTimeout(() => {
        clientReq.destroy(new Error('timeout'));
        done({ error: `timeout after ${timeoutMs} ms`, ms: elapsed() });
      }, timeoutMs);
      clientReq.on('error', (error: NodeJS.ErrnoException) => done({ error: error.code ?? error.message, ms: elapsed() }));
      clientReq.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const isStream = String(res.headers['content-type'] ?? '').includes('text/event-stream');
        const finish = (): void => {
          const pairs: Array<[string, string]> = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '']);
          done({
            response: { status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks).toString('utf8'), truncated },
            ms: elapsed(),
          });
        };
        const cut = (): void => {
          truncated = true;
          finish();
          res.destroy();
        };
        const streamTimer = isStream ? setTimeout(cut, STREAM_READ_MS) : undefined;
        res.on('data', (chunk: Buffer) => {
          if (size < maxBody) chunks.push(chunk.subarray(0, maxBody - size));
          size += chunk.length;
          if (size >= maxBody) cut();
        });
        res.on('end', () => {
          if (streamTimer) clearTimeout(streamTimer);
          finish();
        });
        res.on('error', () => {
          if (streamTimer) clearTimeout(streamTimer);
          finish();
        });
        res.on('close', () => {
          if (streamTimer) clearTimeout(streamTimer);
          finish();
        });
      });
      if (req.body !== undefined) clientReq.end(Buffer.from(req.body, 'utf8'));
      else clientReq.end();
    });
  }

  /**
   * Writes bytes as they are on a fresh connection and returns the status line's code, for
   * requests Node's client refuses to build (control characters, broken framing).
   */
  sendRaw(bytes: Buffer, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<WireResult> {
    const started = process.hrtime.bigint();
    const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e6;
    return new Promise((resolve) => {
      const port = Number(this.origin.port || (this.origin.protocol === 'https:' ? 443 : 80));
      const host = this.origin.hostname.replace(/^\[|\]$/g, '');
      const socket =
        this.origin.protocol === 'https:'
          ? tls.connect({ host, port, ca: this.tlsOptions.ca, rejectUnauthorized: !this.tlsOptions.insecure })
          : net.connect({ host, port });
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (error?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        const text = Buffer.concat(chunks).toString('latin1');
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
        if (!m) {
          resolve({ error: error ?? (text.length === 0 ? 'connection closed without a response' : 'unparseable response'), ms: elapsed() });
          return;
        }
        const headEnd = text.indexOf('\r\n\r\n');
        const head = headEnd >= 0 ? text.slice(0, headEnd) : text;
        const headers = head
          .split('\r\n')
          .slice(1)
          .map((line): [string, string] => {
            const i = line.indexOf(':');
            return [line.slice(0, i), line.slice(i + 1).trim()];
          });
        resolve({
          response: { status: Number(m[1]), headers, body: headEnd >= 0 ? text.slice(headEnd + 4) : '', truncated: true },
          ms: elapsed(),
        });
      };
      const timer = setTimeout(() => finish(`timeout after ${timeoutMs} ms`), timeoutMs);
      socket.on('data', (c: Buffer) => {
        chunks.push(c);
        if (Buffer.concat(chunks).includes('\r\n\r\n')) setTimeout(() => finish(), 50);
      });
      socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
      socket.on('close', () => finish());
      socket.write(bytes);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
