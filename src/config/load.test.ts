import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configArg, configAsFlags, configRunOptions, loadConfig, mergeEnvNames, printableConfig, validateConfig } from './load.js';
import { toRouteSpec } from './routes.js';

describe('config file validation', () => {
  it('accepts every documented key', () => {
    const full = {
      $schema: './schema.json',
      targetCmd: 'node server.js',
      apiKeyEnv: 'MY_API_KEY',
      modes: ['production', 'explicit'],
      only: ['unauthorized'],
      skip: ['timing'],
      routes: ['GET /api/extra'],
      publicRoutes: ['GET /status'],
      protectedRoutes: ['GET /v1/items', { method: 'POST', path: '/v1/items' }],
      envNames: { nodeEnv: 'APP_ENV', apiKey: 'MY_API_KEY', requireAuth: 'MY_REQUIRE_AUTH' },
      seed: 3,
      strict: false,
      failOn: 'should',
      allowMutating: false,
      allowPlainHttp: false,
      allowRemoteLoad: false,
      startTimeout: 20,
      logFile: 'server.log',
      insecureTls: false,
      verbose: true,
      timing: { samples: 1000, time: 5, threshold: 200 },
      fuzz: { runs: 500, time: 5 },
      load: { time: 2, connections: 8 },
      reports: { json: 'r.json', junit: 'r.xml', markdown: 'r.md', sarif: 'r.sarif', html: 'r.html' },
      baseline: 'baseline.json',
    };
    expect(validateConfig(full, 'c.json')).toEqual(full);
  });

  it.each([
    ['an unknown top-level key', { targetcmd: 'x' }, /c\.json: unknown key "targetcmd"/],
    ['an unknown nested key', { envNames: { apikey: 'X' } }, /unknown key "envNames\.apikey"/],
    ['an unknown report', { reports: { pdf: 'x.pdf' } }, /unknown key "reports\.pdf"/],
    ['a key in the config (there is no such key)', { apiKey: 'secret' }, /unknown key "apiKey"/],
    ['a wrong type', { seed: '3' }, /"seed" must be a number/],
    ['an unknown mode', { modes: ['staging'] }, /unknown mode "staging"/],
    ['a bad failOn', { failOn: 'may' }, /"failOn" must be one of must, should/],
    ['a bad route', { publicRoutes: ['status'] }, /"publicRoutes": a route is "METHOD \/path"/],
    ['both targets', { target: 'http://127.0.0.1:1', targetCmd: 'x' }, /cannot both be set/],
    ['not an object', ['x'], /must be a JSON object/],
  ])('rejects %s', (_what, data, message) => {
    expect(() => validateConfig(data, 'c.json')).toThrow(message);
  });
});

describe('finding and reading the config', () => {
  const dir = (): string => mkdtempSync(join(tmpdir(), 'dac-config-'));

  it('uses the .json file in the working directory by default, else .mjs, else none', async () => {
    const a = dir();
    expect(await loadConfig([], a)).toEqual({ config: {} });
    writeFileSync(join(a, 'dexto-auth-conformance.config.mjs'), 'export default { seed: 7, modes: ["production"] };\n');
    expect(await loadConfig([], a)).toEqual({ file: join(a, 'dexto-auth-conformance.config.mjs'), config: { seed: 7, modes: ['production'] } });
    writeFileSync(join(a, 'dexto-auth-conformance.config.json'), '{ "seed": 8 }');
    expect((await loadConfig([], a)).config).toEqual({ seed: 8 });
  });

  it('--config names another file (relative to the working directory); a missing one is an error', async () => {
    const a = dir();
    writeFileSync(join(a, 'ci.json'), '{ "targetCmd": "node app.js" }');
    expect((await loadConfig(['--config', 'ci.json'], a)).config).toEqual({ targetCmd: 'node app.js' });
    expect((await loadConfig(['--config=ci.json'], a)).config).toEqual({ targetCmd: 'node app.js' });
    await expect(loadConfig(['--config', 'nope.json'], a)).rejects.toThrow(/--config nope\.json: no such file/);
    writeFileSync(join(a, 'bad.json'), '{ "seed": ');
    await expect(loadConfig(['--config', 'bad.json'], a)).rejects.toThrow(/not valid JSON/);
  });

  it('configArg reads --config before the full parse', () => {
    expect(configArg(['--seed', '1', '--config', 'x.json'])).toBe('x.json');
    expect(configArg(['--config=y.json'])).toBe('y.json');
    expect(configArg(['--', '--config', 'x.json'])).toBeUndefined();
    expect(() => configArg(['--config'])).toThrow(/needs a file name/);
  });
});

describe('config -> flags and options', () => {
  it('maps keys to their flags; a target on the command line replaces the file\'s', () => {
    const config = validateConfig(
      { targetCmd: 'node a.js', modes: ['production', 'explicit'], routes: ['GET /x'], timing: { samples: 10 }, reports: { html: 'r.html' }, envNames: { apiKey: 'K' } },
      'c',
    );
    expect(configAsFlags(config, [])).toEqual({ 'target-cmd': 'node a.js', modes: 'production,explicit', route: ['GET:/x'], 'timing-samples': 10, html: 'r.html' });
    expect(configAsFlags(config, ['--target', 'http://127.0.0.1:1'])).not.toHaveProperty('target-cmd');
  });

  it('variable names: file, then --env-name', () => {
    expect(mergeEnvNames({ envNames: { nodeEnv: 'APP_ENV' } }, ['apiKey=MY_API_KEY'])).toEqual({ nodeEnv: 'APP_ENV', apiKey: 'MY_API_KEY', requireAuth: 'DEXTO_SERVER_REQUIRE_AUTH' });
    expect(() => mergeEnvNames({}, ['key=X'])).toThrow(/--env-name must look like/);
  });

  it('public and protected routes come from the merged flags', () => {
    const o = configRunOptions({}, { 'public-route': ['GET:/status'], 'protected-route': ['GET /v1/items'] });
    expect(o.publicRoutes).toEqual([toRouteSpec('GET /status', 'x')]);
    expect(o.protectedRoutes).toEqual([toRouteSpec('GET /v1/items', 'x')]);
  });

  it('the printed config is a valid config file again, with names and no key', () => {
    const argv = { 'target-cmd': 'node a.js', 'api-key-env': 'DEXTO_SERVER_API_KEY', modes: 'production', 'public-route': ['GET:/status'], strict: true, 'fuzz-runs': 100, html: 'r.html' };
    const printed = printableConfig(argv, { envNames: { apiKey: 'MY_API_KEY' } });
    expect(printed).toMatchObject({ targetCmd: 'node a.js', modes: ['production'], publicRoutes: ['GET /status'], failOn: 'should', fuzz: { runs: 100 }, reports: { html: 'r.html' } });
    expect(printed.envNames?.apiKey).toBe('MY_API_KEY');
    expect(validateConfig(JSON.parse(JSON.stringify(printed)), 'printed')).toEqual(printed);
  });
});
