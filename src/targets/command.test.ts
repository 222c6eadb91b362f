import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEXTO_ENV_NAMES, MODES, type ModeDef } from '../contract/modes.js';
import { ProcessTarget } from './command.js';

const PRODUCTION = MODES.find((m) => m.name === 'production') as ModeDef;
const KEY = 'command-test-key-0123456789abcdef';

/** A node -e server: logs one line per request to stdout, answers /health. */
const SERVER = `
const http = require('node:http');
console.error('starting on stderr');
http.createServer((req, res) => {
  console.log('request ' + req.url);
  res.writeHead(req.url === '/health' ? 200 : 401, { 'content-type': 'application/json' });
  res.end('{}');
}).listen(Number(process.env.PORT), process.env.HOST);
`;

const target = (script: string): ProcessTarget =>
  new ProcessTarget(
    { kind: 'command', label: 'node -e', loopback: true, plainHttp: true, restartable: true, logsVisible: true },
    { file: process.execPath, args: ['-e', script] },
    DEXTO_ENV_NAMES,
    10_000,
  );

/** The capture folders (there may be other runs' too) whose stdout holds `text`. */
async function foldersWith(text: string): Promise<string[]> {
  const folders = (await readdir(tmpdir())).filter((f) => f.startsWith('dac-logs-'));
  const hits = await Promise.all(folders.map(async (f) => (await readFile(join(tmpdir(), f, 'stdout.log'), 'utf8').catch(() => '')).includes(text)));
  return folders.filter((_, i) => hits[i]);
}

describe('ProcessTarget', () => {
  it('captures what the server writes to stdout and stderr, line by line, and cleans up on stop', async () => {
    const started = await target(SERVER).start(PRODUCTION, KEY);
    expect(started.state).toBe('ready');
    if (started.state !== 'ready') return;
    const { running } = started;
    const mark = running.logs?.size() ?? 0;
    const marker = `/api/x?marker=${process.pid}-${Date.now()}`;
    await fetch(`${running.baseUrl}${marker}`);
    const seen = await running.logs?.waitFor((lines) => lines.some((l) => l.text === `request ${marker}` && l.stream === 'stdout'), 2_000, mark);
    expect(seen).toBe(true);
    expect(running.logs?.lines().some((l) => l.text === 'starting on stderr' && l.stream === 'stderr')).toBe(true);
    expect(await foldersWith(marker)).toHaveLength(1);
    await running.stop();
    expect(running.alive()).toBe(false);
    expect(await foldersWith(marker)).toHaveLength(0);
  });

  it('a server that exits before answering /health is refused, with its last words captured', async () => {
    const started = await target("console.log('no config'); process.stderr.write('fatal: missing key'); process.exit(3)").start(PRODUCTION, KEY);
    expect(started.state).toBe('refused');
    if (started.state !== 'refused') return;
    expect(started.reason).toContain('exited with code 3');
    expect(started.logs?.lines().map((l) => `${l.stream}:${l.text}`)).toEqual(expect.arrayContaining(['stdout:no config', 'stderr:fatal: missing key']));
  });
});
