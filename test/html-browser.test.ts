/**
 * The HTML report in a real browser: Debian's Chromium, driven by playwright-core. Skips (with
 * the reason) when /usr/bin/chromium is not installed (`apt-get install -y chromium`).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureByName } from '../fixtures/servers/index.js';
import { run } from '../src/engine/api.js';
import type { Report } from '../src/engine/types.js';
import { renderHtml, failureAnchor } from '../src/report/html.js';
import { ALL_CHECKS } from '../suites/index.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const HOSTILE = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';

async function flawedReport(): Promise<Report> {
  const fixture = fixtureByName('forbidden-403');
  if (!fixture) throw new Error('fixture forbidden-403 is missing');
  const report = await run({
    seed: 5,
    only: ['unauthorized', 'public-routes.open'],
    modes: ['development', 'production', 'production-no-key'],
    target: { kind: 'handler', factory: (env, io) => fixture.create(env, io) },
  });
  // A result carrying markup, as a hostile server could make a response body look.
  const first = report.results.find((r) => r.status === 'fail');
  if (first?.evidence?.exchanges?.[0]?.response) first.evidence.exchanges[0].response.body = `${HOSTILE}\n${first.evidence.exchanges[0].response.body}`;
  return report;
}

describe('HTML report in headless Chromium', () => {
  it('renders the matrix, expands a failure to its evidence, and runs no markup from the report', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      console.warn(`skipping the browser test: ${CHROMIUM} is not installed (apt-get install -y chromium)`);
      ctx.skip(`${CHROMIUM} is not installed (apt-get install -y chromium)`);
      return;
    }
    const { chromium } = await import('playwright-core');
    const report = await flawedReport();
    const dir = mkdtempSync(join(tmpdir(), 'dac-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(report, { checks: ALL_CHECKS }));
    const browser = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(file).href);
      expect(await page.title()).toMatch(/^dexto-auth-conformance: NOT CONFORMANT/);

      // The matrix: one row per mode, the failing cell says so, cells of checks that never ran are dashes.
      const matrix = page.locator('table#matrix');
      await expect.poll(() => matrix.isVisible()).toBe(true);
      expect(await page.locator('table#matrix tbody tr').count()).toBe(3);
      const failing = page.locator('td[data-mode="production"][data-category="unauthorized"]');
      expect(await failing.isVisible()).toBe(true);
      expect(await failing.innerText()).toMatch(/^2 of \d+ failed/);
      expect(await failing.getAttribute('class')).toContain('fail');
      expect(await page.locator('td[data-mode="development"][data-category="unauthorized"]').innerText()).toBe('—');
      expect(await page.locator('td[data-mode="development"][data-category="public-routes"]').innerText()).toMatch(/passed/);
      expect(await page.locator('td[data-mode="production-no-key"][data-category="unauthorized"]').innerText()).toMatch(/^\d+ passed/);

      // A real picture of the matrix: a PNG of its on-screen size, not an empty image.
      const box = await matrix.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(60);
      const png = await matrix.screenshot();
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.length).toBeGreaterThan(3_000);
      writeFileSync(join(dir, 'matrix.png'), png);

      // Failures start collapsed; the cell links to the first one; a click shows request, response and curl.
      const firstFailure = report.results.find((r) => r.status === 'fail' && r.mode === 'production');
      if (!firstFailure) throw new Error('the flawed fixture produced no failure');
      const details = page.locator(`details#${failureAnchor(firstFailure)}`);
      expect(await failing.locator('a').getAttribute('href')).toBe(`#${failureAnchor(firstFailure)}`);
      const curl = details.locator('pre.curl').first();
      expect(await curl.isVisible()).toBe(false);
      await details.locator('summary').click();
      expect(await details.evaluate((d) => (d as { open?: boolean }).open)).toBe(true);
      expect(await curl.isVisible()).toBe(true);
      expect(await curl.innerText()).toMatch(/^curl -sS -i --path-as-is /);
      expect(await details.locator('pre.request').first().innerText()).toMatch(/^(GET|HEAD|POST|PUT|PATCH|DELETE) \/\S* HTTP\/1\.1/);
      expect(await details.locator('pre.response').first().innerText()).toMatch(/^HTTP\/1\.1 403/);
      expect(await details.innerText()).toContain('How to fix');

      // Markup in evidence is shown as text, never run.
      expect(await details.locator('pre.response').first().innerText()).toContain('<img src=x onerror=');
      expect(await page.locator('img, script').count()).toBe(0);
      expect(await page.title()).not.toBe('pwned');
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
