import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { fixtureCmd } from './helpers.js';

/** Runs the CLI in-process in `cwd` (where the default config file is looked for). */
async function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const env = options.env ?? { PATH: process.env.PATH };
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), env, isTty: false, ...(options.cwd ? { cwd: options.cwd } : {}) });
  return { code, out, err };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'dac-ci-'));
const ONE_MODE = ['--modes', 'production', '--seed', '5'];

describe('config file', () => {
  it('is read from the working directory; flags override it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'dexto-auth-conformance.config.json'), JSON.stringify({ targetCmd: fixtureCmd('forbidden-403'), modes: ['production'], only: ['unauthorized.missing-key'], seed: 5 }));
    const failing = await cli([], { cwd: dir });
    expect(failing.code).toBe(1);
    expect(failing.out).toMatch(/✗ unauthorized\.missing-key/);
    const overridden = await cli(['--only', 'unauthorized.no-echo'], { cwd: dir });
    expect(overridden.code).toBe(0);
    expect(overridden.out).not.toMatch(/missing-key/);
  });

  it('--print-config shows the merged settings: variable names, never a key', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'ci.json'), JSON.stringify({ targetCmd: 'node server.js', envNames: { apiKey: 'MY_API_KEY' }, modes: ['production'], reports: { html: 'r.html' } }));
    const r = await cli(['--config', 'ci.json', '--print-config', '--modes', 'explicit', '--seed', '9'], { cwd: dir, env: { PATH: process.env.PATH, MY_API_KEY: 'sup3r-secret-value', DEXTO_SERVER_API_KEY: 'another-secret-value' } });
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as Record<string, unknown>;
    expect(printed).toMatchObject({ targetCmd: 'node server.js', modes: ['explicit'], seed: 9, apiKeyEnv: 'MY_API_KEY', reports: { html: 'r.html' } });
    expect(printed.envNames).toEqual({ nodeEnv: 'NODE_ENV', apiKey: 'MY_API_KEY', requireAuth: 'DEXTO_SERVER_REQUIRE_AUTH' });
    expect(r.out + r.err).not.toMatch(/secret-value/);
    expect(r.err).toContain('ci.json');
  });

  it.each([
    ['an unknown key', { targtCmd: 'x' }, /unknown key "targtCmd"/],
    ['an unknown nested key', { reports: { htm: 'x' } }, /unknown key "reports\.htm"/],
    ['a bad value', { modes: ['prod'] }, /unknown mode "prod"/],
  ])('%s is a usage error naming it (exit 2)', async (_what, config, message) => {
    const dir = tmp();
    writeFileSync(join(dir, 'dexto-auth-conformance.config.json'), JSON.stringify(config));
    const r = await cli(['--list'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('a non-Dexto server (other variable names and routes) from examples/fastify, as a process', async () => {
    const r = await cli(['--config', 'examples/fastify/dexto-auth-conformance.config.json', '--modes', 'production,production-no-key', '--only', 'unauthorized', 'header-parsing', '--seed', '6'], { cwd: process.cwd() });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^CONFORMANT/m);
    expect(r.out).toMatch(/mode production-no-key \(server refused to start\)/);
  });
});

describe('reports for people and CI', () => {
  it('--markdown, --sarif, --html and the GitHub step summary', async () => {
    const dir = tmp();
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const files = { markdown: join(dir, 'out', 'r.md'), sarif: join(dir, 'out', 'r.sarif'), html: join(dir, 'out', 'r.html') };
    const r = await cli(
      ['--target-cmd', fixtureCmd('forbidden-403'), ...ONE_MODE, '--only', 'unauthorized', '--markdown', files.markdown, '--sarif', files.sarif, '--html', files.html],
      { env: { PATH: process.env.PATH, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } },
    );
    expect(r.code).toBe(1);
    const md = readFileSync(files.markdown, 'utf8');
    expect(md).toMatch(/^## ❌ dexto-auth-conformance: NOT CONFORMANT/);
    expect(md).toContain('| production | ❌ 2 of');
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${md}`);
    const sarif = JSON.parse(readFileSync(files.sarif, 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    expect(sarif.runs[0]?.results.map((x) => x.ruleId).sort()).toEqual(['unauthorized.missing-key', 'unauthorized.wrong-key']);
    expect(sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('package.json');
    expect(readFileSync(files.html, 'utf8')).toContain('data-mode="production" data-category="unauthorized"');
  });

  it('no step summary outside GitHub Actions', async () => {
    const dir = tmp();
    const summary = join(dir, 'step-summary.md');
    const r = await cli(['--target-cmd', fixtureCmd('correct-node-http'), ...ONE_MODE, '--only', 'unauthorized.missing-key'], { env: { PATH: process.env.PATH, GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(0);
    expect(existsSync(summary)).toBe(false);
  });
});

describe('baselines and --fail-on', () => {
  it('--update-baseline accepts known failures; a baselined check that passes again fails the run', async () => {
    const dir = tmp();
    const baseline = join(dir, 'baseline.json');
    const broken = ['--target-cmd', fixtureCmd('forbidden-403'), ...ONE_MODE, '--only', 'unauthorized.missing-key', 'unauthorized.wrong-key'];
    expect((await cli([...broken, '--baseline', baseline])).code).toBe(2);
    const written = await cli([...broken, '--baseline', baseline, '--update-baseline']);
    expect(written.code).toBe(0);
    expect(written.err).toMatch(/wrote 2 entries/);
    expect(JSON.parse(readFileSync(baseline, 'utf8'))).toMatchObject({
      version: 1,
      expectedFailures: [
        { id: 'unauthorized.missing-key', mode: 'production', level: 'MUST' },
        { id: 'unauthorized.wrong-key', mode: 'production', level: 'MUST' },
      ],
    });
    const accepted = await cli([...broken, '--baseline', baseline]);
    expect(accepted.code).toBe(0);
    expect(accepted.err).toMatch(/2 known failure\(s\) accepted, 0 new failure/);
    const fixed = await cli(['--target-cmd', fixtureCmd('correct-node-http'), ...ONE_MODE, '--only', 'unauthorized.missing-key', 'unauthorized.wrong-key', '--baseline', baseline]);
    expect(fixed.code).toBe(1);
    expect(fixed.err).toMatch(/STALE entry unauthorized\.missing-key in mode production/);
  });

  it('a failure not in the baseline still fails', async () => {
    const dir = tmp();
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify({ version: 1, expectedFailures: [{ id: 'unauthorized.missing-key', mode: 'production' }] }));
    const r = await cli(['--target-cmd', fixtureCmd('forbidden-403'), ...ONE_MODE, '--only', 'unauthorized.missing-key', 'unauthorized.wrong-key', '--baseline', baseline]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/1 known failure\(s\) accepted, 1 new failure/);
  });

  it('--fail-on should makes SHOULD failures fail the run, like --strict', async () => {
    const args = ['--target-cmd', fixtureCmd('bare-key'), ...ONE_MODE, '--only', 'header-parsing.bare-key'];
    expect((await cli(args)).code).toBe(0);
    expect((await cli([...args, '--fail-on', 'should'])).code).toBe(1);
    expect((await cli([...args, '--strict'])).code).toBe(1);
    expect((await cli([...args, '--fail-on', 'sometimes'])).code).toBe(2);
  });
});
