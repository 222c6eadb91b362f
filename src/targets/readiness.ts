import http from 'node:http';

/** One GET /health; resolves with the status, or undefined when nothing answered. */
export function probeHealth(baseUrl: string, timeoutMs = 1_000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const url = new URL('/health', baseUrl);
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
