/**
 * The adapter inside a real, separate vitest run (a child process): test names, `-t` filtering
 * (only the selected checks run), failure messages, skips, and a target that cannot be used.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
// Inside the checkout (git-ignored) so that the child resolves vitest from node_modules.
const DIR = join(ROOT, '.dac-tmp', `adapter-${process.pid}-${Date.now()}`);

interface JsonReport {
  testResults: Array<{ assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }>; message?: string }>;
}

const TEST_FILE = `
import { describeConformance } from ${JSON.stringify(join(ROOT, 'src/vitest/index.ts'))};
import { fixtureByName } from ${JSON.stringify(join(ROOT, 'fixtures/servers/index.ts'))};
const fixture = fixtureByName('forbidden-403');
describeConformance((env, io) => fixture.create(env, io), { name: 'forbidden', only: ['unauthorized', 'public-routes.open'], modes: ['development', 'production'], seed: 4 });
describeConformance(() => (req, res) => { res.statusCode = req.url === '/health' ? 200 : 401; res.end('{}'); }, { name: 'rejects the valid key', only: ['unauthorized.missing-key'], modes: ['production'] });
`;

async function vitest(args: string[]): Promise<JsonReport> {
  const out = join(DIR, `out-${Math.random().toString(36).slice(2)}.json`);
  try {
    await exec(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', DIR, '--reporter=json', `--outputFile=${out}`, ...args], { cwd: ROOT, timeout: 120_000 });
  } catch {
    // Failing tests make vitest exit 1; the JSON report says which.
  }
  return JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
}

const byName = (r: JsonReport): Map<string, { status: string; failureMessages: string[] }> =>
  new Map(r.testResults.flatMap((f) => f.assertionResults).map((a) => [a.fullName, a]));

describe('describeConformance in a real vitest run', () => {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, 'conformance.test.ts'), TEST_FILE);
  writeFileSync(join(DIR, 'vitest.config.mjs'), "export default { test: { include: ['*.test.ts'], testTimeout: 60000, hookTimeout: 60000 } };\n");
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it('registers one test per (mode, check); failures carry evidence; the unusable target fails its mode', async () => {
    const tests = byName(await vitest([]));
    const missing = tests.get('forbidden mode production unauthorized.missing-key [MUST UNAUTH-401]');
    expect(missing?.status).toBe('failed');
    expect(missing?.failureMessages[0]).toMatch(/\[MUST UNAUTH-401\] unauthorized\.missing-key in mode production/);
    expect(missing?.failureMessages[0]).toMatch(/reproduce: curl /);
    expect(tests.get('forbidden mode production unauthorized.no-echo [MUST UNAUTH-NO-ECHO]')?.status).toBe('passed');
    expect(tests.get('forbidden mode development public-routes.open [MUST PUB-OPEN]')?.status).toBe('passed');
    expect([...tests.keys()].some((n) => n.startsWith('forbidden mode development unauthorized.'))).toBe(false);
    const refused = tests.get('rejects the valid key mode production unauthorized.missing-key [MUST UNAUTH-401]');
    expect(refused?.status).not.toBe('passed');
  });

  it('-t runs only the selected checks', async () => {
    const tests = byName(await vitest(['-t', 'forbidden mode production unauthorized.wrong-key']));
    const ran = [...tests.entries()].filter(([, t]) => t.status === 'passed' || t.status === 'failed').map(([n]) => n);
    expect(ran).toEqual(['forbidden mode production unauthorized.wrong-key [MUST UNAUTH-401]']);
    expect(tests.get('forbidden mode production unauthorized.wrong-key [MUST UNAUTH-401]')?.status).toBe('failed');
  });
});
