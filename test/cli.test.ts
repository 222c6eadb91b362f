import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFixtureListener } from '../fixtures/servers/base.js';
import { fixture as prefixCompare } from '../fixtures/servers/prefix-compare.js';
import { generateKey } from '../src/engine/run.js';
import { cli, fixtureCmd, listen } from './helpers.js';

const CORE = ['--only', 'modes', 'public-routes', 'unauthorized', 'header-parsing'];

describe('CLI: bad input gets a one-line cause and exit code 2', () => {
  it.each([
    ['an unknown flag', ['--no-such-flag'], /Unknown argument/i],
    ['a malformed URL', ['--target', 'not a url'], /not a valid URL/],
    ['a non-http scheme', ['--target', 'ftp://127.0.0.1:21'], /http:\/\/ or https:\/\//],
    ['a URL with a path', ['--target', 'http://127.0.0.1:9/api'], /without a path/],
    ['plain http to a remote host', ['--target', 'http://192.0.2.1:80'], /refusing to send the API key over plain http/],
    ['an unreachable target', ['--target', 'http://127.0.0.1:9'], /cannot reach/],
    ['an unknown mode', ['--modes', 'staging'], /unknown mode "staging"/],
    ['an unknown category', ['--only', 'nonsense'], /names no category/],
    ['a bad route', ['--route', 'api/x'], /METHOD:\/path/],
    ['a negative budget', ['--fuzz-runs', '-5'], /positive number/],
    ['--mode without --target', ['--mode', 'production'], /--target only/],
    ['--modes naming nothing', ['--modes', ''], /--modes names no mode/],
    ['--explain without an id', ['--explain', ''], /--explain needs a check id/],
    ['both targets', ['--target', 'http://127.0.0.1:9', '--target-cmd', 'true'], /mutually exclusive|conflict/i],
    ['an unknown --explain id', ['--explain', 'nope.nothing'], /no check "nope.nothing"/],
  ])('%s', async (_what, args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('a command that exits at once', async () => {
    const r = await cli(['--target-cmd', 'echo booting; exit 3', '--modes', 'production']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/did not start in mode production: the server exited with code 3/);
    expect(r.err).toMatch(/booting/);
  });

  it('a command that never answers GET /health', async () => {
    const r = await cli(['--target-cmd', 'sleep 30', '--modes', 'production', '--start-timeout', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/got no answer within 1000 ms/);
  });

  it('a server whose valid key does not work fails the positive control', async () => {
    const server = await listen(createFixtureListener({ NODE_ENV: 'production', DEXTO_SERVER_API_KEY: 'some-other-key-0123456789' }, { log: () => undefined }));
    try {
      const r = await cli(['--target', server.url, '--mode', 'production'], { ...process.env, DEXTO_SERVER_API_KEY: generateKey() });
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/positive control failed/);
    } finally {
      await server.close();
    }
  });

  it('a URL target reads its key from the variable --env-name names, and the curl lines read that one too', async () => {
    const key = generateKey();
    const server = await listen(prefixCompare.create({ NODE_ENV: 'production', DEXTO_SERVER_API_KEY: key }, { log: () => undefined }));
    try {
      const r = await cli(['--target', server.url, '--mode', 'production', '--only', 'header-parsing', '--env-name', 'apiKey=MY_API_KEY'], { PATH: process.env.PATH, MY_API_KEY: key });
      expect(r.code, r.err).toBe(1);
      expect(r.out).toMatch(/reproduce: curl .*\$\{?MY_API_KEY/);
      expect(r.out).not.toContain('DEXTO_SERVER_API_KEY');
      expect(r.out).not.toContain(key);
    } finally {
      await server.close();
    }
  });

  it('an auth-mode URL target without a key in the environment', async () => {
    const server = await listen(createFixtureListener({ NODE_ENV: 'production', DEXTO_SERVER_API_KEY: generateKey() }, { log: () => undefined }));
    try {
      const r = await cli(['--target', server.url], { PATH: process.env.PATH });
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/no key was given: set DEXTO_SERVER_API_KEY /);
    } finally {
      await server.close();
    }
  });
});

describe('CLI: listing and explaining', () => {
  it('--list prints every check with its requirement', async () => {
    const r = await cli(['--list']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/header-parsing\.truncated-key\s+MUST\s+HDR-EXACT/);
    expect(r.out).toMatch(/public-routes\.exact-match\s+MUST\s+PUB-EXACT/);
  });

  it('--explain tells why, what goes wrong and how to fix it', async () => {
    const r = await cli(['--explain', 'public-routes.exact-match']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Why it matters: .+\nWhat a failing server typically does: .+\nHow to fix it: .+/);
  });
});

describe('CLI: --target against a plain node:http server (not the reference)', () => {
  it('passes a correct server in production mode and keeps the key out of every output', async () => {
    const key = generateKey();
    const server = await listen(createFixtureListener({ NODE_ENV: 'production', DEXTO_SERVER_API_KEY: key }, { log: () => undefined }));
    const dir = mkdtempSync(join(tmpdir(), 'dac-cli-'));
    try {
      const r = await cli(['--target', server.url, '--mode', 'production', ...CORE, '--json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml')], {
        ...process.env,
        DEXTO_SERVER_API_KEY: key,
      });
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/m);
      const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { summary: { conformant: boolean; failed: number } };
      expect(json.summary).toMatchObject({ conformant: true, failed: 0 });
      for (const text of [r.out, r.err, readFileSync(join(dir, 'r.json'), 'utf8'), readFileSync(join(dir, 'r.xml'), 'utf8')]) {
        expect(text.includes(key)).toBe(false);
        expect(text.includes(key.slice(4, 20))).toBe(false);
      }
    } finally {
      await server.close();
    }
  });

  it('detects the mode when none is declared, and flags a declared mode that disagrees', async () => {
    const key = generateKey();
    const server = await listen(createFixtureListener({}, { log: () => undefined }));
    try {
      const detected = await cli(['--target', server.url, ...CORE], { ...process.env, DEXTO_SERVER_API_KEY: key });
      expect(detected.code).toBe(0);
      expect(detected.out).toMatch(/mode development/);
      const declared = await cli(['--target', server.url, '--mode', 'production-no-key', ...CORE], { ...process.env, DEXTO_SERVER_API_KEY: '' });
      expect(declared.code).toBe(1);
      expect(declared.out).toMatch(/modes\.declared-mode/);
    } finally {
      await server.close();
    }
  });
});

describe('CLI: --target-cmd starts a server per mode', () => {
  it('a correct plain node:http server passes in every mode', async () => {
    const r = await cli(['--target-cmd', fixtureCmd('correct-node-http'), ...CORE, '--seed', '5']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const mode of ['development', 'production', 'explicit', 'production-no-key', 'explicit-no-key', 'production-require-false', 'production-empty-key', 'production-blank-key']) {
      expect(r.out).toContain(`mode ${mode}`);
    }
  });

  it('a fuzz finding prints a replay command with the same target, mode, seed and check', async () => {
    const r = await cli(['--target-cmd', fixtureCmd('truncating-compare'), '--modes', 'production', '--only', 'fuzz.accepts-only-valid', '--fuzz-runs', '400', '--seed', '1']);
    expect(r.code, r.err).toBe(1);
    const hint = /replay: (npx dexto-auth-conformance .*)$/m.exec(r.out)?.[1] ?? '';
    expect(hint).toContain('--target-cmd ');
    expect(hint).toContain('truncating-compare');
    expect(hint).toMatch(/--modes production .*--seed 1 --only fuzz\.accepts-only-valid --fuzz-runs 400/);
  });

  it('a broken one fails with exit code 1, the seed and a curl line without the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dac-keys-'));
    const keys = join(dir, 'keys');
    const cmd = `echo "$DEXTO_SERVER_API_KEY" >> ${keys}; exec ${fixtureCmd('leaks-key-in-openapi')}`;
    const r = await cli(['--target-cmd', cmd, '--modes', 'production', ...CORE, '--seed', '9']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/unauthorized\.no-key-disclosure/);
    expect(r.out).toMatch(/seed 9/);
    expect(r.out).toMatch(/reproduce: curl /);
    const seen = readFileSync(keys, 'utf8').split('\n').filter((k) => k.length > 0);
    expect(seen.length).toBeGreaterThan(0);
    for (const key of seen) expect(r.out.includes(key) || r.err.includes(key)).toBe(false);
  });
});
