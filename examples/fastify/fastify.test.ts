import { describe, expect, it } from 'vitest';
// In your project: import { describeConformance } from 'dexto-auth-conformance/vitest';
import { describeConformance, toRunOptions, type ConformanceOptions } from '../../src/vitest/index.js';
import { run } from '../../src/index.js';
import { CORE_CATEGORIES, failures, UNIT_TEST_BUDGET } from '../support.js';
import { createApp } from './app.js';
import { createFlawedApp } from './flawed-app.js';

/** A non-Dexto server: its own variable names, public routes and API routes. */
const NAMES: ConformanceOptions = {
  envNames: { nodeEnv: 'APP_ENV', apiKey: 'MY_API_KEY', requireAuth: 'MY_REQUIRE_AUTH' },
  publicRoutes: ['GET /status', 'GET /version'],
  protectedRoutes: ['GET /v1/items', 'POST /v1/items', 'GET /v1/items/{id}', 'DELETE /v1/items/{id}'],
};

describeConformance((env, io) => createApp(env, io.log), { ...UNIT_TEST_BUDGET, ...NAMES, strict: true, name: 'Fastify app (APP_ENV / MY_API_KEY)' });

describeConformance((env, io) => createFlawedApp(env, io.log), {
  ...UNIT_TEST_BUDGET,
  ...NAMES,
  only: CORE_CATEGORIES,
  name: "Fastify app taking authorization.split(' ')[1]",
  expectedFailures: ['header-parsing.other-schemes', 'header-parsing.extended-key', 'header-parsing.repeated-header', 'header-parsing.oversized'],
});

describe("Fastify app taking authorization.split(' ')[1] (library API)", () => {
  it('accepts the key under another scheme, and the run used the configured names', async () => {
    const seen: Array<Record<string, string | undefined>> = [];
    const report = await run({
      ...toRunOptions({ ...UNIT_TEST_BUDGET, ...NAMES }),
      only: ['header-parsing.other-schemes'],
      modes: ['production', 'production-no-key'],
      target: {
        kind: 'handler',
        factory: (env, io) => {
          seen.push(env);
          return createFlawedApp(env, io.log);
        },
      },
    });
    expect(failures(report)).toEqual({ 'header-parsing.other-schemes': ['production'] });
    expect(report.results[0]?.message).toContain('GET /v1/items [Basic <key>] -> 200');
    const production = seen.find((e) => e.APP_ENV === 'production' && e.MY_API_KEY !== undefined);
    expect(production).toBeDefined();
    expect(Object.keys(production ?? {}).some((k) => k.startsWith('DEXTO_') || k === 'NODE_ENV')).toBe(false);
    expect(report.modes.find((m) => m.mode === 'production-no-key')?.state).toBe('refused-start');
  });
});
