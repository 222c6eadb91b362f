import { HttpClient, type TlsOptions, type WireResult } from './client.js';
import { curlLine } from './curl.js';
import { Redactor } from './redact.js';
import type { Exchange, ProbeRequest, ProbeResult } from './types.js';

/** Request fields that carry credentials: short key pieces in them are masked too (redactCredential). */
const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization']);

/** Thrown when a request would break the target's safety rules (e.g. keyed mutation of a live server). */
export class SafetyRefusal extends Error {}

/** Limits on what may be sent to the target. */
export interface ProbeSafety {
  /** Requests carrying the valid key may use methods other than GET/HEAD. */
  allowKeyedMutation: boolean;
}

/**
 * The only way checks talk to a target: sends a request, keeps a redacted record of it, and
 * hands the raw response to the check for judging.
 */
export class Prober {
  readonly baseUrl: string;
  readonly client: HttpClient;
  readonly redactor: Redactor;
  private readonly safety: ProbeSafety;
  private readonly secret: string | undefined;
  /** Variable the curl lines read the key from (default DEXTO_SERVER_API_KEY). */
  readonly keyVar: string | undefined;
  private readonly leakLog: Exchange[] = [];
  private errors = 0;
  private sent = 0;

  constructor(options: { baseUrl: string; key: string | undefined; redactor: Redactor; safety: ProbeSafety; tls?: TlsOptions; keyVar?: string }) {
    this.baseUrl = options.baseUrl;
    this.keyVar = options.keyVar;
    this.client = new HttpClient(options.baseUrl, { tls: options.tls });
    this.redactor = options.redactor;
    this.safety = options.safety;
    this.secret = options.key;
  }

  /** Sends one request (see ProbeRequest for how exactly). Never throws for transport errors. */
  async send(req: ProbeRequest): Promise<ProbeResult> {
    this.guard(req);
    const wire = await this.client.send(req);
    return this.result(req, wire);
  }

  /** Sends raw bytes on a fresh connection; `described` is what reports show as the request. */
  async sendRaw(bytes: Buffer, described: ProbeRequest): Promise<ProbeResult> {
    const wire = await this.client.sendRaw(bytes, described.timeoutMs);
    return this.result(described, wire);
  }

  /** Sends many requests with bounded concurrency, results in input order. */
  async sendAll(reqs: readonly ProbeRequest[], concurrency = 8): Promise<ProbeResult[]> {
    const out: ProbeResult[] = new Array<ProbeResult>(reqs.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < reqs.length) {
        const i = next;
        next += 1;
        out[i] = await this.send(reqs[i] as ProbeRequest);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, reqs.length) }, worker));
    return out;
  }

  /**
   * Exchanges whose response disclosed the key (or an 8+ character fragment of it) to a request
   * that did not carry it: the evidence for SEC-NO-DISCLOSURE, collected across every check.
   */
  disclosures(): readonly Exchange[] {
    return this.leakLog;
  }

  /** Number of requests sent so far. */
  count(): number {
    return this.sent;
  }

  /** Number of transport errors so far; the engine compares it before and after a check. */
  errorCount(): number {
    return this.errors;
  }

  close(): void {
    this.client.close();
  }

  private guard(req: ProbeRequest): void {
    if (this.safety.allowKeyedMutation || this.secret === undefined) return;
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const text = `${req.path}\n${(req.headers ?? []).map(([, v]) => v).join('\n')}\n${req.body ?? ''}`;
    const carriesKey = this.redactor.leaks(text) || this.redactor.leaks(decodeSafely(text));
    if (carriesKey) throw new SafetyRefusal(`${req.method} with the valid key is not sent to a live target without --allow-mutating`);
  }

  private result(req: ProbeRequest, wire: WireResult): ProbeResult {
    if (wire.error) this.errors += 1;
    const redactor = this.redactor;
    const baseUrl = this.baseUrl;
    let record: Exchange | undefined;
    const build = (): Exchange => {
      const r = (s: string): string => redactor.redact(s);
      const request = {
        method: r(req.method),
        path: r(req.path),
        headers: (req.headers ?? []).map(([n, v]): [string, string] => [r(n), CREDENTIAL_FIELDS.has(n.toLowerCase()) ? redactor.redactCredential(v) : r(v)]),
        ...(req.body !== undefined ? { body: r(req.body.slice(0, 4096)) } : {}),
        ...(req.label !== undefined ? { label: r(req.label) } : {}),
      };
      return {
        request: { ...request, path: shorten(request.path), headers: request.headers.map(([n, v]): [string, string] => [n, shorten(v)]) },
        ...(wire.response
          ? {
              response: {
                status: wire.response.status,
                headers: wire.response.headers.map(([n, v]): [string, string] => [r(n), r(v)]),
                body: r(wire.response.body.slice(0, 4096)),
                truncated: wire.response.truncated || wire.response.body.length > 4096,
              },
            }
          : {}),
        ...(wire.error !== undefined ? { error: r(wire.error) } : {}),
        ms: Math.round(wire.ms * 1000) / 1000,
        curl: curlLine(baseUrl, request, this.keyVar),
      };
    };
    const headers = wire.response?.headers ?? [];
    const result: ProbeResult = {
      status: wire.response?.status,
      headers,
      body: wire.response?.body ?? '',
      error: wire.error,
      ms: wire.ms,
      get record(): Exchange {
        record ??= build();
        return record;
      },
      header(name: string): string | undefined {
        const lower = name.toLowerCase();
        return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
      },
    };
    this.sent += 1;
    if (wire.response && this.leakLog.length < 50 && this.disclosesKey(req, wire)) this.leakLog.push(result.record);
    return result;
  }

  private disclosesKey(req: ProbeRequest, wire: WireResult): boolean {
    const res = wire.response;
    if (!res) return false;
    const responseText = `${res.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}\n${res.body}`;
    if (!this.redactor.leaks(responseText)) return false;
    const requestText = `${req.path}\n${(req.headers ?? []).map(([n, v]) => `${n}: ${v}`).join('\n')}\n${req.body ?? ''}`;
    return !this.redactor.leaks(requestText);
  }
}

/** Values longer than this are shortened in reports (the curl line keeps them whole). */
const DISPLAY_MAX = 512;

function shorten(value: string): string {
  return value.length <= DISPLAY_MAX ? value : `${value.slice(0, 120)}…[${value.length} characters in all]`;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
