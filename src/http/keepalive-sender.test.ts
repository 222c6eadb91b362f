import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { inMemoryConnector } from '../timing/in-process.js';
import { KeepAliveSender } from './keepalive-sender.js';

const REQ = (path: string): Buffer => Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, 'latin1');
let closes = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/chunked') {
    res.writeHead(401, { 'Content-Type': 'text/plain' });
    res.write('a');
    setImmediate(() => res.end('b'));
  } else if (req.url === '/close') {
    closes += 1;
    res.writeHead(401, { Connection: 'close', 'Content-Length': '2' });
    res.end('no');
  } else if (req.url === '/slow') {
    setTimeout(() => res.end('late'), 2_000);
  } else {
    res.writeHead(req.url === '/ok' ? 200 : 401, { 'Content-Length': '5' });
    res.end('hello');
  }
});
const url = await new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function block(sender: KeepAliveSender, paths: string[], order: number[]) {
  const times = new Float64Array(order.length);
  const statuses = new Uint16Array(order.length);
  const r = await sender.runBlock(paths.map(REQ), order, times, statuses);
  return { ...r, times, statuses };
}

describe('KeepAliveSender', () => {
  it('times each request and reads statuses, with Content-Length and chunked framing, over one connection', async () => {
    const sender = new KeepAliveSender(url);
    const r = await block(sender, ['/a', '/ok', '/chunked'], [0, 1, 2, 0, 2, 1]);
    sender.close();
    expect(r.completed).toBe(6);
    expect([...r.statuses]).toEqual([401, 200, 401, 401, 401, 200]);
    expect([...r.times].every((t) => t > 1_000 && t < 1e9)).toBe(true);
    expect(sender.reconnectCount()).toBe(0);
  });

  it('reconnects when the server closes the connection', async () => {
    const before = closes;
    const sender = new KeepAliveSender(url);
    const r = await block(sender, ['/a', '/close'], [1, 0, 1, 0]);
    sender.close();
    expect(r.completed).toBe(4);
    expect(closes - before).toBe(2);
    expect([...r.statuses]).toEqual([401, 401, 401, 401]);
    expect(sender.reconnectCount()).toBe(2);
  });

  it('follows a server that says Connection: close after every answer (no limit on announced closes)', async () => {
    const sender = new KeepAliveSender(url);
    const r = await block(sender, ['/close'], new Array<number>(30).fill(0));
    sender.close();
    expect(r.error).toBeUndefined();
    expect(r.completed).toBe(30);
    expect(sender.reconnectCount()).toBe(29);
  });

  it('gives up on a request after its timeout and marks it lost', async () => {
    const sender = new KeepAliveSender(url, {}, 200);
    const r = await block(sender, ['/slow'], [0, 0]);
    sender.close();
    expect(r.error).toMatch(/no response within 200 ms/);
    expect(Number.isNaN(r.times[0])).toBe(true);
  });

  it('stops at the deadline', async () => {
    const sender = new KeepAliveSender(url);
    const times = new Float64Array(500);
    const r = await sender.runBlock([REQ('/a')], new Uint8Array(500), times, new Uint16Array(500), performance.now() - 1);
    sender.close();
    expect(r.completed).toBe(0);
  });

  it('works over an in-memory connection into an in-process server (no socket)', async () => {
    const sender = new KeepAliveSender(inMemoryConnector(server));
    const r = await block(sender, ['/a', '/ok', '/chunked', '/close'], [0, 1, 2, 3, 0]);
    sender.close();
    expect(r.completed).toBe(5);
    expect([...r.statuses]).toEqual([401, 200, 401, 401, 401]);
  });
});
