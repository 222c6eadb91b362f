import { describe, expect, it } from 'vitest';
import { challengeSchemes } from './challenges.js';

describe('challengeSchemes (RFC 9110 §11.6.1)', () => {
  it.each([
    [['Bearer'], ['bearer']],
    [['Bearer realm="dexto", error="invalid_token"'], ['bearer']],
    [['newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"'], ['newauth', 'basic']],
    [['newauth realm="apps", bearer realm="dexto"'], ['newauth', 'bearer']],
    [['Basic realm="x"', 'Bearer realm="y"'], ['basic', 'bearer']],
    [['Bearer abc123==, Basic realm="a,b"'], ['bearer', 'basic']],
    [['realm="dexto"'], []],
    [[''], []],
    [['Bearerish realm="x"'], ['bearerish']],
  ] as const)('%j -> %j', (values, schemes) => {
    expect(challengeSchemes(values)).toEqual(schemes);
  });
});
