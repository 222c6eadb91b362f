/**
 * SLOW (about 30-60 s): packs the project with `npm pack` (which builds dist/ through the
 * `prepare` script), installs the tarball into an empty directory (offline from the npm cache,
 * else from the registry) and runs the installed bin. It works on a copy of the sources so
 * that the build does not rewrite the dist/ other tests read.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MODE_NAMES } from '../src/contract/modes.js';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** What `npm pack --json` reports. */
interface PackInfo {
  filename: string;
  files: Array<{ path: string }>;
}

async function sh(file: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  // No CI-specific npm settings leak in; no update notices or funding lines.
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', NODE_ENV: '' };
  try {
    const r = await exec(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : 1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

describe('SLOW packaging: npm pack -> install into an empty directory -> run', () => {
  it('the tarball installs offline and its bin lists the checks and passes a reference run', async () => {
    const work = mkdtempSync(join(tmpdir(), 'dac-pack-'));
    try {
      // 1. A copy of what the build reads, with the project's node_modules for tsc.
      const src = join(work, 'src-copy');
      mkdirSync(src);
      for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'SPEC.md', 'README.md', 'bin', 'src', 'suites']) {
        cpSync(join(ROOT, entry), join(src, entry), { recursive: true });
      }
      symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');

      // 2. npm pack runs `prepare` (tsc -p tsconfig.build.json) and packs the "files" list.
      const packed = await sh(NPM, ['pack', '--json', '--pack-destination', work], src);
      expect(packed.code, packed.stderr).toBe(0);
      const info = (JSON.parse(packed.stdout) as PackInfo[])[0];
      if (!info) throw new Error(`npm pack printed no package: ${packed.stdout}`);
      const files = info.files.map((f) => f.path);
      for (const needed of ['bin/dexto-auth-conformance.js', 'dist/src/cli.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/reference/main.js', 'dist/src/vitest/index.js', 'dist/suites/index.js', 'SPEC.md', 'README.md', 'package.json']) {
        expect(files, needed).toContain(needed);
      }
      expect(files.filter((f) => /\.test\.|^src\/|^test\/|^fixtures\/|^examples\//.test(f))).toEqual([]);

      // 3. An empty project installs the tarball: offline from the npm cache first.
      const app = join(work, 'consumer');
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
      const tgz = join(work, info.filename);
      let installed = await sh(NPM, ['install', '--offline', '--no-audit', '--no-fund', tgz], app);
      if (installed.code !== 0) installed = await sh(NPM, ['install', '--no-audit', '--no-fund', tgz], app);
      expect(installed.code, installed.stderr).toBe(0);

      // 4. The installed bin: --list, then a reference run (the server is spawned from dist/src/reference/main.js).
      const list = await sh(NPX, ['--no-install', 'dexto-auth-conformance', '--list'], app);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/^unauthorized\.missing-key\s+MUST\s+UNAUTH-401/m);
      const ran = await sh(NPX, ['--no-install', 'dexto-auth-conformance', '--seed', '3', '--only', 'modes', 'unauthorized', '--html', 'report.html', '--sarif', 'report.sarif'], app);
      expect(ran.stderr).toBe('');
      expect(ran.code, ran.stdout).toBe(0);
      expect(ran.stdout).toMatch(/^CONFORMANT/m);
      expect(ran.stdout.match(/^mode /gm)?.length).toBe(MODE_NAMES.length);
      expect(readFileSync(join(app, 'report.html'), 'utf8')).toContain('<table class="matrix"');
      // SARIF rules carry the requirement text of the SPEC.md shipped in the package.
      const sarif = JSON.parse(readFileSync(join(app, 'report.sarif'), 'utf8')) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; fullDescription: { text: string } }> } } }> };
      const rule = sarif.runs[0]?.tool.driver.rules.find((r) => r.id === 'unauthorized.missing-key');
      expect(rule?.fullDescription.text).toMatch(/^UNAUTH-401 \(MUST\): A request to a protected route/);

      // 5. Both entry points resolve from the installed package (the vitest one needs vitest, a peer).
      const probe = await sh(
        process.execPath,
        ['--input-type=module', '-e', "const m = await import('dexto-auth-conformance'); console.log(typeof m.run, m.ALL_CHECKS.length > 0, import.meta.resolve('dexto-auth-conformance/vitest'))"],
        app,
      );
      expect(probe.code, probe.stderr).toBe(0);
      expect(probe.stdout).toMatch(/^function true file:.*\/node_modules\/dexto-auth-conformance\/dist\/src\/vitest\/index\.js$/m);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 240_000);
});
