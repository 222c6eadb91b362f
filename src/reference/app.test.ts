import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceApp } from './app.js';
import { startReferenceServer } from './serve.js';

const KEY = randomBytes(32).toString('base64');
const PROD = { NODE_ENV: 'production', DEXTO_SERVER_API_KEY: KEY };
const PROTECTED = '/api/llm/current';
const bearer = (value: string) => ({ Authorization: value });

function harness(env: Record<string, string | undefined> = PROD) {
  const lines: string[] = [];
  const app = createReferenceApp(env, { log: (line) => lines.push(line) });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { app, lines, records };
}

function swapCase(s: string): string {
  return [...s].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('');
}

describe('security modes', () => {
  it.each([
    ['development (no variables)', {}, 200, 200],
    ['development with a key', { DEXTO_SERVER_API_KEY: KEY }, 200, 200],
    ['production', PROD, 401, 200],
    ['explicit', { NODE_ENV: 'development', DEXTO_SERVER_REQUIRE_AUTH: 'true', DEXTO_SERVER_API_KEY: KEY }, 401, 200],
    ['production + REQUIRE_AUTH=false', { ...PROD, DEXTO_SERVER_REQUIRE_AUTH: 'false' }, 401, 200],
    ['production, no key', { NODE_ENV: 'production' }, 500, 500],
    ['explicit, no key', { DEXTO_SERVER_REQUIRE_AUTH: 'true' }, 500, 500],
    ['production, empty key', { NODE_ENV: 'production', DEXTO_SERVER_API_KEY: '' }, 500, 500],
    ['production, whitespace key', { NODE_ENV: 'production', DEXTO_SERVER_API_KEY: ' \t ' }, 500, 500],
  ])('%s: protected route %i without key, %i with key', async (_name, env, without, withKey) => {
    const { app } = harness(env);
    expect((await app.request(PROTECTED)).status).toBe(without);
    expect((await app.request(PROTECTED, { headers: bearer(`Bearer ${KEY}`) })).status).toBe(withKey);
    expect((await app.request('/health')).status).toBe(200);
  });

  it.each([
    ['production', { NODE_ENV: 'production' }],
    ['empty key', { NODE_ENV: 'production', DEXTO_SERVER_API_KEY: '' }],
  ])('fails closed (%s): 500 Configuration Error and one error record at creation', async (_name, env) => {
    const { app, records } = harness(env);
    expect(records()).toHaveLength(1);
    expect(records()[0]).toMatchObject({ level: 'error', message: expect.stringContaining('API key missing') });
    const res = await app.request('/api/message', { method: 'POST', body: '{}', headers: bearer('Bearer anything') });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: 'Configuration Error', message: expect.any(String) });
  });
});

describe('public routes (exact path, GET/HEAD only)', () => {
  it.each(['/health', '/.well-known/agent-card.json', '/openapi.json'])('GET and HEAD %s are open', async (path) => {
    const { app } = harness();
    expect((await app.request(path)).status).toBe(200);
    expect((await app.request(path, { method: 'HEAD' })).status).toBe(200);
  });

  it.each([
    '/health/x',
    '/healthz',
    '/health/',
    '/HEALTH',
    '/%68ealth',
    '/health;x',
    '/openapi.json.bak',
    '/.well-known/agent-card.json/',
    '/api/health',
  ])('%s needs the key', async (path) => {
    const { app } = harness();
    expect((await app.request(path)).status).toBe(401);
  });

  it.each(['POST', 'PUT', 'DELETE'])('%s /health needs the key', async (method) => {
    const { app } = harness();
    expect((await app.request('/health', { method })).status).toBe(401);
  });
});

describe('credential parsing', () => {
  it.each([`Bearer ${KEY}`, `bearer ${KEY}`, `BEARER ${KEY}`, `bEaReR ${KEY}`, `Bearer   ${KEY}  `])('accepts %j', async (value) => {
    const { app, records } = harness();
    expect((await app.request(PROTECTED, { headers: bearer(value) })).status).toBe(200);
    expect(records()).toHaveLength(0);
  });

  it.each([
    ['prefix of the key', KEY.slice(0, -1)],
    ['key with a suffix', `${KEY}=`],
    ['case-changed key', swapCase(KEY)],
    ['first character changed', (KEY.startsWith('A') ? 'B' : 'A') + KEY.slice(1)],
    ['last character changed', KEY.slice(0, -1) + (KEY.endsWith('=') ? 'A' : '=')],
    ['another key', randomBytes(32).toString('base64')],
  ])('rejects %s with 401 invalid_token', async (_name, token) => {
    expect(token).not.toBe(KEY);
    const { app } = harness();
    const res = await app.request(PROTECTED, { headers: bearer(`Bearer ${token}`) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="dexto", error="invalid_token"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: 'Unauthorized', message: 'Missing or invalid API key. Send Authorization: Bearer <key>.' });
  });

  it.each([
    ['bare key', KEY],
    ['Basic scheme', `Basic ${KEY}`],
    ['Token scheme', `Token ${KEY}`],
    ['scheme glued to key', `Bearer${KEY}`],
    ['scheme only', 'Bearer'],
    ['extra word', `Bearer ${KEY} extra`],
    ['trailing comma', `Bearer ${KEY},`],
    ['tab separator', `Bearer\t${KEY}`],
    ['NBSP after key', `Bearer ${KEY}\u00a0`],
    ['latin-1 token of key length', `Bearer ${'\u00e9'.repeat(KEY.length)}`],
    ['latin-1 byte inside the key', `Bearer ${KEY.slice(0, 5)}\u00ff${KEY.slice(6)}`],
    ['quoted key', `Bearer "${KEY}"`],
  ])('rejects %s with 400 invalid_request (never 500)', async (_name, value) => {
    const { app } = harness();
    const res = await app.request(PROTECTED, { headers: bearer(value) });
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"');
    expect(await res.json()).toEqual({ error: 'invalid_request', message: 'Malformed Authorization header' });
  });

  it.each([
    ['no Authorization header', {}],
    ['empty Authorization header', bearer('')],
    ['query access_token', {}, `?access_token=${encodeURIComponent(KEY)}`],
    ['query api_key', {}, `?api_key=${encodeURIComponent(KEY)}`],
    ['X-API-Key header', { 'X-API-Key': KEY }],
    ['cookie', { Cookie: `token=${KEY}; api_key=${KEY}` }],
    ['Proxy-Authorization', { 'Proxy-Authorization': `Bearer ${KEY}` }],
  ])('rejects %s with 401', async (_name, headers: Record<string, string>, query = '') => {
    const { app } = harness();
    const res = await app.request(PROTECTED + query, { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="dexto"');
  });

  it('authenticates before reading the body', async () => {
    const { app } = harness();
    const init = { method: 'POST', body: '{not json', headers: { 'Content-Type': 'application/json' } };
    expect((await app.request('/api/message', init)).status).toBe(401);
    const authed = await app.request('/api/message', { ...init, headers: { ...init.headers, ...bearer(`Bearer ${KEY}`) } });
    expect(authed.status).toBe(400);
  });
});

describe('CORS', () => {
  it('answers a preflight with 204 without a key', async () => {
    const { app } = harness();
    const res = await app.request('/api/message', {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });

  it('requires the key for a non-preflight OPTIONS', async () => {
    const { app } = harness();
    expect((await app.request('/api/message', { method: 'OPTIONS' })).status).toBe(401);
    expect((await app.request('/api/message', { method: 'OPTIONS', headers: { Origin: 'https://app.example' } })).status).toBe(401);
  });

  it('a cross-origin rejection carries the CORS headers (a browser can read the 401); a same-origin one needs none', async () => {
    const { app } = harness();
    const cross = await app.request('/api/sessions', { headers: { Origin: 'https://app.example' } });
    expect(cross.status).toBe(401);
    expect(cross.headers.get('access-control-allow-origin')).toBe('*');
    const same = await app.request('/api/sessions');
    expect(same.status).toBe(401);
    expect(same.headers.get('access-control-allow-origin')).toBeNull();
    expect(same.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });
});

describe('logging', () => {
  it.each([
    ['no header', '/api/sessions', {}, false],
    ['empty header', '/api/sessions', bearer(''), true],
    ['bare key', '/api/message', bearer(KEY), true],
    ['wrong key', '/api/x', bearer(`Bearer ${KEY}x`), true],
    ['near-public path', '/health/', { Origin: 'https://evil.example', 'User-Agent': 'probe/1.0' }, false],
  ])('one warn record per rejection (%s) with path, hasKey, origin, userAgent', async (_name, path, headers: Record<string, string>, hasKey) => {
    const { app, records } = harness();
    await app.request(`${path}?api_key=${encodeURIComponent(KEY)}`, { headers });
    expect(records()).toEqual([
      {
        timestamp: expect.any(String),
        level: 'warn',
        message: 'Unauthorized API access attempt',
        path,
        hasKey,
        origin: headers.Origin ?? null,
        userAgent: headers['User-Agent'] ?? null,
      },
    ]);
  });

  it('logs success only at debug level, with the path only', async () => {
    const quiet = harness();
    await quiet.app.request(PROTECTED, { headers: bearer(`Bearer ${KEY}`) });
    expect(quiet.lines).toEqual([]);
    const verbose = harness({ ...PROD, DEXTO_LOG_LEVEL: 'debug' });
    await verbose.app.request(PROTECTED, { headers: bearer(`Bearer ${KEY}`) });
    expect(verbose.records()).toEqual([{ timestamp: expect.any(String), level: 'debug', message: 'Authorization successful', path: PROTECTED }]);
  });

  it('never writes the key or raw control characters, one JSON object per line', async () => {
    const { app, lines } = harness({ ...PROD, DEXTO_LOG_LEVEL: 'debug' });
    const attempts: Array<[string, Record<string, string>]> = [
      [PROTECTED, bearer(`Bearer ${KEY}`)],
      [PROTECTED, bearer(KEY)],
      [PROTECTED, bearer(`Bearer ${KEY.slice(0, 20)}`)],
      [`/api/${encodeURIComponent(KEY)}`, {}],
      [`/api/${KEY.replace(/\//g, '_')}`, { 'User-Agent': `agent ${KEY}`, Origin: KEY }],
      ['/x%0a{"level":"error"}', { 'User-Agent': 'ua\u0085\u00e9\u0007' }],
    ];
    for (const [path, headers] of attempts) await app.request(path, { headers });
    expect(lines.length).toBe(attempts.length);
    for (const line of lines) {
      expect(line).not.toContain(KEY);
      expect(line).not.toContain(encodeURIComponent(KEY));
      expect(line).not.toContain(KEY.slice(0, 20));
      expect(line).toMatch(/^[\x20-\x7e]+$/);
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });
});

describe('routes', () => {
  const auth = bearer(`Bearer ${KEY}`);

  it('serves sessions from memory', async () => {
    const { app } = harness();
    expect(await (await app.request('/api/sessions', { headers: auth })).json()).toMatchObject({ sessions: [{ id: 'default' }] });
    const patched = await app.request('/api/sessions/default', { method: 'PATCH', headers: auth, body: '{"title":"t"}' });
    expect(await patched.json()).toMatchObject({ id: 'default', title: 't' });
    expect((await app.request('/api/sessions/default', { method: 'DELETE', headers: auth })).status).toBe(200);
    expect((await app.request('/api/sessions/default', { headers: auth })).status).toBe(404);
    expect((await app.request('/api/sessions/default', { method: 'DELETE', headers: auth })).status).toBe(404);
  });

  it('accepts a message with 202', async () => {
    const { app } = harness();
    const res = await app.request('/api/message', { method: 'POST', headers: auth, body: '{"message":"hi"}' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: true, sessionId: 'default' });
  });

  it('streams server-sent events', async () => {
    const { app } = harness();
    const res = await app.request('/api/message-stream', { method: 'POST', headers: auth, body: '{"message":"hi"}' });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text).toContain('event: chunk');
    expect(text).toContain('event: done');
  });

  it('documents every route in OpenAPI', async () => {
    const { app } = harness();
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).filter((m) => m !== 'parameters').map((m) => `${m.toUpperCase()} ${p}`));
    expect(ops.sort()).toEqual(
      [
        'GET /health',
        'GET /.well-known/agent-card.json',
        'GET /openapi.json',
        'GET /api/llm/current',
        'POST /api/message',
        'POST /api/message-stream',
        'GET /api/sessions',
        'GET /api/sessions/{sessionId}',
        'DELETE /api/sessions/{sessionId}',
        'PATCH /api/sessions/{sessionId}',
      ].sort(),
    );
    expect(JSON.stringify(doc.paths['/api/message-stream'])).toContain('text/event-stream');
  });

  it('answers unknown routes 404 only after auth', async () => {
    const { app } = harness();
    expect((await app.request('/nope')).status).toBe(401);
    expect((await app.request('/nope', { headers: auth })).status).toBe(404);
  });
});

describe('over a real socket', () => {
  const lines: string[] = [];
  let server: Awaited<ReturnType<typeof startReferenceServer>>;

  beforeAll(async () => {
    server = await startReferenceServer({ env: PROD, port: 0, log: (l) => lines.push(l) });
  });
  afterAll(() => server.close());

  function send(headers: string[], path = PROTECTED) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path, headers: ['Host', 'localhost', ...headers] }, (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('logs a startup record without the key', () => {
    const startup = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(startup).toMatchObject({ level: 'info', message: 'Dexto reference server listening', port: server.port, mode: 'production' });
    expect(lines[0]).not.toContain(KEY);
  });

  it.each([
    ['valid then invalid', ['Authorization', `Bearer ${KEY}`, 'Authorization', 'Bearer x']],
    ['invalid then valid', ['Authorization', 'Bearer x', 'Authorization', `Bearer ${KEY}`]],
    ['the valid key twice', ['Authorization', `Bearer ${KEY}`, 'authorization', `Bearer ${KEY}`]],
  ])('rejects repeated Authorization lines (%s) with 400', async (_name, headers) => {
    const before = lines.length;
    const res = await send(headers);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
    expect(lines.slice(before).map((l) => JSON.parse(l) as { level: string })).toEqual([expect.objectContaining({ level: 'warn', hasKey: true })]);
  });

  it('rejects a latin-1 token of the key length with 400, not 500', async () => {
    expect((await send(['Authorization', `Bearer ${'\u00e9'.repeat(KEY.length)}`])).status).toBe(400);
  });

  it('accepts one valid line', async () => {
    expect((await send(['Authorization', `Bearer ${KEY}`])).status).toBe(200);
  });

  it('logs the raw path, undecoded and without the query', async () => {
    const before = lines.length;
    await send([], `/a%0aB/../x?access_token=${encodeURIComponent(KEY)}`);
    expect(JSON.parse(lines[before] ?? '{}')).toMatchObject({ path: '/a%0aB/../x' });
    expect(lines.join('\n')).not.toContain(KEY);
  });
});
