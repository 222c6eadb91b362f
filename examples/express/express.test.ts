import { describe, expect, it } from 'vitest';
// In your project: import { describeConformance } from 'dexto-auth-conformance/vitest';
import { describeConformance, toRunOptions } from '../../src/vitest/index.js';
import { run } from '../../src/index.js';
import { CORE_CATEGORIES, failures, UNIT_TEST_BUDGET } from '../support.js';
import { createApp } from './app.js';
import { createFlawedApp } from './flawed-app.js';

// One vitest test per (mode, check): `vitest -t "mode production"` or `-t before-body` filter them.
// strict: SHOULD-level failures fail too (the correct apps meet every requirement).
describeConformance((env, io) => createApp(env, io.log), { ...UNIT_TEST_BUDGET, strict: true, name: 'Express app' });

// The flawed app through the adapter: the listed checks must fail (and every other one pass).
describeConformance((env, io) => createFlawedApp(env, io.log), {
  ...UNIT_TEST_BUDGET,
  only: CORE_CATEGORIES,
  name: 'Express app with express.json() before auth',
  expectedFailures: ['unauthorized.before-body'],
});

describe('Express app with express.json() before auth (library API)', () => {
  it('fails unauthorized.before-body in every auth mode, with the parser answer as evidence', async () => {
    const report = await run({ ...toRunOptions(UNIT_TEST_BUDGET), only: ['unauthorized'], target: { kind: 'handler', factory: (env, io) => createFlawedApp(env, io.log) } });
    expect(failures(report)).toEqual({ 'unauthorized.before-body': ['explicit', 'production', 'production-require-false'] });
    const failure = report.results.find((r) => r.status === 'fail');
    expect(failure?.evidence?.exchanges?.[0]?.response?.status).toBe(400);
    expect(failure?.evidence?.exchanges?.[0]?.curl).toMatch(/^curl /);
  });
});
