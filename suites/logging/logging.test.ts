import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModeName } from '../../src/contract/modes.js';
import { run } from '../../src/engine/api.js';
import { generateKey } from '../../src/engine/run.js';
import type { Report, Result } from '../../src/engine/types.js';
import { fixtureByName, LOGGING_FIXTURES } from '../../fixtures/servers/index.js';
import { loggingChecks } from './index.js';

const AUTH: ModeName[] = ['production', 'explicit', 'production-require-false'];
const FAIL_CLOSED: ModeName[] = ['production-no-key', 'explicit-no-key', 'production-empty-key', 'production-blank-key'];
const SEED = 20261203;
const ONLY = ['logging'];

function failures(report: Report): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of report.results) if (r.status === 'fail') (out[r.id] ??= []).push(r.mode);
  for (const modes of Object.values(out)) modes.sort();
  return out;
}

const sorted = (fails: Record<string, ModeName[]>): Record<string, string[]> =>
  Object.fromEntries(Object.entries(fails).map(([id, modes]) => [id, [...modes].sort()]));

const handler = (name: string) => {
  const fixture = fixtureByName(name);
  if (!fixture) throw new Error(`no fixture ${name}`);
  return { kind: 'handler' as const, factory: (env: Record<string, string | undefined>, io: { log: (line: string) => void }) => fixture.create(env, io) };
};

const harnessErrors = (report: Report): Result[] => report.results.filter((r) => r.message.startsWith('harness error'));

interface Case {
  fixture: string;
  fails: Record<string, ModeName[]>;
  /** What the failure message of each failing check must say (the intended reason, not another). */
  reason?: Record<string, RegExp>;
  /** The fault is that nothing is logged: there are no offending lines to show. */
  silent?: true;
}

/** Each logging fixture, and exactly the logging checks that must catch it. */
const CASES: Case[] = [
  { fixture: 'correct-node-http', fails: {} },
  { fixture: 'correct-text-stderr', fails: {} },
  { fixture: 'correct-pino-json', fails: {} },
  { fixture: 'correct-winston-text', fails: {} },
  { fixture: 'rejection-not-logged', silent: true, fails: { 'logging.rejection-record': AUTH }, reason: { 'logging.rejection-record': /no log record carries/ } },
  { fixture: 'rejection-without-fields', fails: { 'logging.rejection-record': AUTH }, reason: { 'logging.rejection-record': /no log record carries/ } },
  { fixture: 'rejection-at-info', fails: { 'logging.rejection-record': AUTH }, reason: { 'logging.rejection-record': /logged at info, expected warn/ } },
  { fixture: 'rejection-logged-twice', fails: { 'logging.rejection-record': AUTH }, reason: { 'logging.rejection-record': /2 records with the message/ } },
  { fixture: 'key-at-startup', fails: { 'logging.no-key': AUTH, 'logging.no-key-lifecycle': AUTH }, reason: { 'logging.no-key': /hold the key/ } },
  {
    fixture: 'logs-authorization-header',
    fails: { 'logging.no-presented-credentials': AUTH, 'logging.no-key-lifecycle': AUTH },
    reason: { 'logging.no-presented-credentials': /Authorization: Bearer <sentinel>/ },
  },
  { fixture: 'decoded-path-text-log', fails: { 'logging.no-forgery': AUTH }, reason: { 'logging.no-forgery': /%0a \(LF\): the text after the control characters started a new line/ } },
  { fixture: 'success-at-warn', fails: { 'logging.accepted-quiet': AUTH }, reason: { 'logging.accepted-quiet': /produced warning-level records/ } },
  {
    fixture: 'forgot-return',
    fails: { 'logging.rejection-ends-request': AUTH },
    reason: { 'logging.rejection-ends-request': /"headers already sent"-style error\(s\): a route handler ran on/ },
  },
  { fixture: 'silent-missing-key', silent: true, fails: { 'logging.missing-key-startup': FAIL_CLOSED }, reason: { 'logging.missing-key-startup': /names the missing API key/ } },
];

describe('logging checks: declarations', () => {
  it.each(loggingChecks.map((c) => [c.id, c] as const))('%s cites a requirement, explains itself and needs visible logs', (_id, check) => {
    expect(check.category).toBe('logging');
    expect(check.requirement).toMatch(/^LOG-/);
    expect(check.explain?.why).toBeTruthy();
    const hidden = { kind: 'url' as const, label: 'x', loopback: true, plainHttp: true, restartable: false, logsVisible: false };
    expect(check.applies?.(hidden, {} as never)).toMatch(/log/);
  });

  it('every logging fixture has a case, and every case a fixture', () => {
    const names = CASES.map((c) => c.fixture);
    for (const f of LOGGING_FIXTURES) expect(names, f.name).toContain(f.name);
    for (const n of names) expect(fixtureByName(n), n).toBeDefined();
    // Each check is caught by at least one broken fixture.
    const caught = new Set(CASES.flatMap((c) => Object.keys(c.fails)));
    for (const c of loggingChecks) expect(caught, c.id).toContain(c.id);
  });
});

describe('logging checks: fixtures (in-process)', () => {
  it.concurrent.each(CASES.map((c) => [c.fixture, c] as const))('%s', async (name, c) => {
    const report = await run({ seed: SEED, only: ONLY, target: handler(name) });
    expect(harnessErrors(report)).toEqual([]);
    expect(failures(report)).toEqual(sorted(c.fails));
    expect(report.results.filter((r) => r.status === 'skip').map((r) => `${r.mode} ${r.id}: ${r.message}`)).toEqual([]);
    for (const r of report.results.filter((x) => x.status === 'fail')) {
      const reason = c.reason?.[r.id];
      if (reason) expect(r.message, `${r.mode} ${r.id}`).toMatch(reason);
      if (!c.silent) expect(r.evidence?.logLines?.length ?? 0, `${r.mode} ${r.id} shows the offending log lines`).toBeGreaterThan(0);
    }
    if (name === 'key-at-startup') {
      const lines = report.results.filter((r) => r.id === 'logging.no-key').flatMap((r) => r.evidence?.logLines ?? []);
      expect(lines.join('\n')).toContain('<API_KEY>');
    }
    if (name === 'rejection-at-info' || name === 'decoded-path-text-log') {
      expect(report.results.filter((r) => r.status === 'fail').every((r) => (r.evidence?.exchanges?.length ?? 0) > 0)).toBe(true);
    }
    if (name === 'decoded-path-text-log') {
      // Forged control characters are shown escaped, never raw.
      const shown = report.results.flatMap((r) => r.evidence?.logLines ?? []).join('\n');
      expect(shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
      expect(shown).toContain('\\x1b[2J');
    }
  });
});

describe('logging checks: a handler factory without io', () => {
  it('skips every logging check with a hint, since the app log is out of sight (never a false failure)', async () => {
    const correct = fixtureByName('correct-node-http');
    if (!correct) throw new Error('no correct fixture');
    // Logs to nowhere the harness can see, like an app that logs to the console.
    const report = await run({ seed: SEED, only: ONLY, modes: ['production'], target: { kind: 'handler', factory: (env) => correct.create(env, { log: () => undefined }) } });
    const logging = report.results.filter((r) => r.category === 'logging');
    expect(logging.length).toBeGreaterThan(0);
    for (const r of logging) {
      expect(r.status, r.id).toBe('skip');
      expect(r.message).toMatch(/\(env, io\) => createApp\(env, io\.log\)/);
    }
  });
});

describe('logging checks: a server that refuses to start without its key', () => {
  const correct = fixtureByName('correct-node-http');
  const refusing = (say: boolean) => ({
    kind: 'handler' as const,
    factory: (env: Record<string, string | undefined>, io: { log: (line: string) => void }) => {
      if (!env.DEXTO_SERVER_API_KEY?.trim() && (env.NODE_ENV === 'production' || env.DEXTO_SERVER_REQUIRE_AUTH === 'true')) {
        if (say) io.log('Error: DEXTO_SERVER_API_KEY must be set when authentication is required');
        throw new Error('refusing to start');
      }
      if (!correct) throw new Error('no correct fixture');
      return correct.create(env, io);
    },
  });

  it.each<[string, boolean, Record<string, ModeName[]>]>([
    ['says why', true, {}],
    ['says nothing', false, { 'logging.missing-key-startup': FAIL_CLOSED }],
  ])('%s', async (_what, say, fails) => {
    const report = await run({ seed: SEED, only: ONLY, modes: ['production', ...FAIL_CLOSED], target: refusing(say) });
    expect(report.modes.filter((m) => m.state === 'refused-start').map((m) => m.mode).sort()).toEqual([...FAIL_CLOSED].sort());
    expect(failures(report)).toEqual(sorted(fails));
    const refused = report.results.filter((r) => FAIL_CLOSED.includes(r.mode as ModeName));
    expect(refused.filter((r) => r.status !== 'skip').map((r) => r.id).sort()).toEqual(FAIL_CLOSED.flatMap(() => ['logging.missing-key-startup', 'logging.no-key']).sort());
  });
});

describe('logging checks: real processes', () => {
  it('the reference server passes every logging check in every mode', async () => {
    const report = await run({ seed: SEED, only: ONLY });
    expect(harnessErrors(report)).toEqual([]);
    expect(failures(report)).toEqual({});
    expect(report.results.filter((r) => r.status === 'skip')).toEqual([]);
  });

  it.concurrent.each<[string, ModeName[], Record<string, ModeName[]>]>([
    ['correct-text-stderr', ['production', 'production-no-key'], {}],
    ['correct-node-http', ['production', 'development'], {}],
    ['decoded-path-text-log', ['production'], { 'logging.no-forgery': ['production'] }],
  ])('%s as a --target-cmd process (stdout and stderr through pipes)', async (name, modes, fails) => {
    const command = `"${process.execPath}" --import tsx fixtures/servers/serve.ts ${name}`;
    const report = await run({ seed: SEED, only: ONLY, modes, target: { kind: 'command', command } });
    expect(harnessErrors(report)).toEqual([]);
    expect(failures(report)).toEqual(sorted(fails));
    expect(report.results.filter((r) => r.status === 'pass').length).toBeGreaterThan(0);
  });
});

describe('logging checks: --target with --log-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dac-log-'));
  const servers: http.Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a fixture on port 0 in production mode, logging to a file; returns its URL and the file. */
  async function serveToFile(name: string, key: string): Promise<{ url: string; file: string }> {
    const file = join(dir, `${name}.log`);
    writeFileSync(file, 'line written before the run starts\n');
    const fixture = fixtureByName(name);
    if (!fixture) throw new Error(name);
    const server = http.createServer(fixture.create({ NODE_ENV: 'production', DEXTO_SERVER_API_KEY: key }, { log: (line) => appendFileSync(file, `${line}\n`) }));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, file };
  }

  it.each<[string, Record<string, ModeName[]>]>([
    ['correct-node-http', {}],
    ['rejection-at-info', { 'logging.rejection-record': ['production'] }],
    ['logs-authorization-header', { 'logging.no-presented-credentials': ['production'] }],
  ])('%s: the followed file is judged', async (name, fails) => {
    const key = generateKey();
    const { url, file } = await serveToFile(name, key);
    const report = await run({ seed: SEED, only: ONLY, target: { kind: 'url', url, apiKey: key, mode: 'production' }, logFile: file });
    expect(harnessErrors(report)).toEqual([]);
    expect(failures(report)).toEqual(fails);
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r.status]));
    expect(byId).toMatchObject({ 'logging.rejection-record': fails['logging.rejection-record'] ? 'fail' : 'pass', 'logging.no-key': 'pass', 'logging.no-key-lifecycle': 'skip' });
    expect(JSON.stringify(report)).not.toContain(key);
  });

  it('without --log-file every logging check is skipped with the reason, never passed', async () => {
    const key = generateKey();
    const { url } = await serveToFile('correct-node-http', key);
    const report = await run({ seed: SEED, only: ONLY, target: { kind: 'url', url, apiKey: key, mode: 'production' } });
    expect(report.results.length).toBeGreaterThan(0);
    for (const r of report.results) {
      expect(r.status, r.id).toBe('skip');
      expect(r.message).toMatch(/log-file|cannot be started/);
    }
  });
});
