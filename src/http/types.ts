/** A request as the harness puts it on the wire: raw path, ordered headers (repeats allowed). */
export interface ProbeRequest {
  method: string;
  /** Request target exactly as written: not normalised, not re-encoded. */
  path: string;
  /** Header lines in order; values are latin-1 strings (one char per byte). */
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: string;
  /** What the request is meant to show, for reports ("key with last character changed"). */
  label?: string;
  timeoutMs?: number;
  /** Stop reading the body after this many bytes (streams never end on their own). */
  maxBodyBytes?: number;
}

/** What came back. */
export interface ProbeResponse {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  /** The body was cut at maxBodyBytes or a stream was closed by the harness. */
  truncated: boolean;
}

/** One request and its outcome, as it may appear in reports: the key is already redacted. */
export interface Exchange {
  request: { method: string; path: string; headers: Array<[string, string]>; body?: string; label?: string };
  response?: { status: number; headers: Array<[string, string]>; body: string; truncated: boolean };
  /** Transport failure: refused, reset, timeout, … */
  error?: string;
  ms: number;
  /** One line that reproduces the request, with the key as a shell variable. */
  curl: string;
}

/** The result a check judges: raw response (for detecting leaks) plus its redacted record. */
export interface ProbeResult {
  status: number | undefined;
  headers: Array<[string, string]>;
  body: string;
  error: string | undefined;
  ms: number;
  record: Exchange;
  /** First value of a response header (case-insensitive). */
  header(name: string): string | undefined;
}
