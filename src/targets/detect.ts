import type { ModeName } from '../contract/modes.js';
import { DOCUMENTED_ROUTES } from '../contract/routes.js';
import type { RunOptions } from '../engine/options.js';
import { HttpClient } from '../http/client.js';
import { TargetError } from './types.js';

/**
 * Works out a running server's mode from outside: is a protected GET open without a key
 * (development), refused (an auth mode: checked as production), or a server error (fail-closed)?
 */
export async function detectMode(url: URL, _key: string | undefined, options: RunOptions): Promise<ModeName> {
  const client = new HttpClient(url.href, { tls: options.tls });
  try {
    const route = (options.protectedRoutes ?? [...options.extraRoutes, ...DOCUMENTED_ROUTES]).find((r) => r.method === 'GET' && !/[{:]/.test(r.path));
    const path = route?.path ?? '/api/llm/current';
    const res = await client.send({ method: 'GET', path, timeoutMs: 5_000 });
    if (!res.response) throw new TargetError(`cannot reach ${url.origin}: ${res.error ?? 'no response'}`);
    const status = res.response.status;
    if (status >= 200 && status < 300) return 'development';
    if (status >= 500) return 'production-no-key';
    return 'production';
  } finally {
    client.close();
  }
}
