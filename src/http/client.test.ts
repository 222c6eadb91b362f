import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from './client.js';

let server: http.Server;
let client: HttpClient;
const seen: Array<{ url: string | undefined; raw: string[] }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url, raw: req.rawHeaders });
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      return;
    }
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  client = new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('HttpClient puts requests on the wire exactly as written', () => {
  it.each(['//api//x', '/a/../b', '/./x', '/%2e%2e/x', '/x;y=1', '/x%00', '/API/X', '/x\\y', 'http://elsewhere/x'])('path %s', async (path) => {
    const r = await client.send({ method: 'GET', path });
    expect(r.response?.status).toBe(200);
    expect(seen.at(-1)?.url).toBe(path);
  });

  it('keeps repeated headers, their order and latin-1 bytes', async () => {
    await client.send({ method: 'GET', path: '/h', headers: [['Authorization', 'Bearer a'], ['authorization', 'Bearer \u00e9\u00ff']] });
    const raw = seen.at(-1)?.raw ?? [];
    const values = raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === 'authorization');
    expect(values).toEqual(['Bearer a', 'Bearer \u00e9\u00ff']);
  });

  it('cuts an event stream short instead of waiting for its end', async () => {
    const r = await client.send({ method: 'POST', path: '/stream' });
    expect(r.response?.status).toBe(200);
    expect(r.response?.truncated).toBe(true);
    expect(r.ms).toBeLessThan(3_000);
  });

  it('reports refused connections as errors, not exceptions', async () => {
    const dead = new HttpClient('http://127.0.0.1:9');
    const r = await dead.send({ method: 'GET', path: '/' });
    dead.close();
    expect(r.error).toBe('ECONNREFUSED');
  });

  it('sends raw bytes that Node refuses to build', async () => {
    const r = await client.sendRaw(Buffer.from('GET /raw HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n', 'latin1'));
    expect(r.response?.status).toBe(400);
  });
});
