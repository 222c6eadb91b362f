import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureListener } from '../fixtures/servers/base.js';
import { generateKey } from '../src/engine/run.js';
import { cli } from './helpers.js';

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!haveOpenssl())('https targets', () => {
  const key = generateKey();
  const dir = mkdtempSync(join(tmpdir(), 'dac-tls-'));
  let server: https.Server;
  let url = '';

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    server = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      createFixtureListener({ NODE_ENV: 'production', DEXTO_SERVER_API_KEY: key }, { log: () => undefined }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, DEXTO_SERVER_API_KEY: key });
  const core = ['--only', 'modes', 'unauthorized', 'header-parsing.truncated-key'];

  it('refuses an untrusted certificate with a clear cause (exit 2)', async () => {
    const r = await cli(['--target', url, '--mode', 'production', ...core], env());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot reach .*(SELF_SIGNED|self.signed)/i);
  });

  it.each([
    ['--ca with the server certificate', (): string[] => ['--ca', join(dir, 'cert.pem')]],
    ['--insecure-tls', (): string[] => ['--insecure-tls']],
  ])('runs the checks over TLS with %s', async (_label, extra) => {
    const r = await cli(['--target', url, '--mode', 'production', ...core, ...extra()], env());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+ passed, 0 failed/m);
  });
});
