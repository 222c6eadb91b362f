import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODE_NAMES } from '../src/contract/modes.js';
import { fixtureCmd } from './helpers.js';

const BIN = 'bin/dexto-auth-conformance.js';
const built = existsSync('dist/src/cli.js');

/** Running, not a zombie waiting for a reaper (containers often have none). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describe.skipIf(!built)('the installed bin (compiled output; `npm run build` first)', () => {
  it('runs the main job against the reference server in every mode and exits 0', () => {
    const r = spawnSync(process.execPath, [BIN, '--seed', '11', '--only', 'modes', 'public-routes', 'unauthorized', 'header-parsing'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^CONFORMANT/m);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/m);
    expect(r.stdout.match(/^mode /gm)?.length).toBe(MODE_NAMES.length);
  });

  it('Ctrl-C stops every server it started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dac-sigint-'));
    const pids = join(dir, 'pids');
    const cmd = `echo $$ >> ${pids}; exec ${fixtureCmd('correct-node-http')}`;
    const child = spawn(process.execPath, [BIN, '--target-cmd', cmd, '--start-timeout', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const deadline = Date.now() + 20_000;
    while ((!existsSync(pids) || readFileSync(pids, 'utf8').trim().split('\n').length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    await new Promise((r) => setTimeout(r, 300));
    expect(code).toBe(130);
    expect(err).toMatch(/interrupted \(SIGINT\); started servers stopped/);
    expect(started.filter(alive)).toEqual([]);
  });
});
