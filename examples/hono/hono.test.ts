import { describe, expect, it } from 'vitest';
// In your project: import { describeConformance } from 'dexto-auth-conformance/vitest';
import { describeConformance, toRunOptions } from '../../src/vitest/index.js';
import { run } from '../../src/index.js';
import { CORE_CATEGORIES, failures, UNIT_TEST_BUDGET } from '../support.js';
import { createApp } from './app.js';
import { createFlawedApp } from './flawed-app.js';

describeConformance((env, io) => createApp(env, io.log), { ...UNIT_TEST_BUDGET, strict: true, name: 'Hono app' });

/** Every check that sees the open event stream (each in the modes it runs in). */
const OPEN_STREAM_FAILURES = [
  'modes.production-enforced',
  'modes.explicit-enforced',
  'modes.require-false-ignored',
  'public-routes.path-variants',
  'public-routes.rewrite-headers',
  'unauthorized.missing-key',
  'unauthorized.wrong-key',
  'unauthorized.all-methods',
  'unauthorized.before-body',
  'unauthorized.no-trusted-headers',
];

describeConformance((env, io) => createFlawedApp(env, io.log), {
  ...UNIT_TEST_BUDGET,
  only: CORE_CATEGORIES,
  name: 'Hono app with the stream route registered before auth',
  expectedFailures: OPEN_STREAM_FAILURES,
});

describe('Hono app with the stream route registered before auth (library API)', () => {
  it('serves POST /api/message-stream without a key in production', async () => {
    const report = await run({ ...toRunOptions(UNIT_TEST_BUDGET), only: ['unauthorized.missing-key'], modes: ['production'], target: { kind: 'handler', factory: (env, io) => createFlawedApp(env, io.log) } });
    expect(failures(report)).toEqual({ 'unauthorized.missing-key': ['production'] });
    expect(report.results[0]?.message).toContain('POST /api/message-stream [no credentials] -> 200');
  });
});
