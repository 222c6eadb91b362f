import { describe, expect, it } from 'vitest';
import { classifyAuthorization, requiredForms } from './credentials.js';

const key = 'k3Y+/abcDEF0123456789=';

describe('classifyAuthorization', () => {
  it.each([
    [`Bearer ${key}`, 'required'],
    [`bearer ${key}`, 'required'],
    [`BEARER ${key}`, 'required'],
    [` Bearer ${key} `, 'required'],
    [`Bearer  ${key}`, 'tolerated'],
    [`Bearer\t${key}`, 'tolerated'],
    [`Bearer\u00a0${key}`, 'tolerated'],
    [key, 'discouraged'],
    [`Bearer ${key.toUpperCase()}`, 'forbidden'],
    [`Bearer ${key.slice(0, -1)}`, 'forbidden'],
    [`Bearer ${key}x`, 'forbidden'],
    [`Bearer ${key} x`, 'forbidden'],
    [`Basic ${key}`, 'forbidden'],
    [`Bearer${key}`, 'forbidden'],
    ['Bearer', 'forbidden'],
    ['', 'forbidden'],
  ])('%j is %s', (value, expected) => {
    expect(classifyAuthorization([value], key)).toBe(expected);
  });

  it('treats regex metacharacters in the key literally', () => {
    expect(classifyAuthorization([`Bearer ${key.replace('+', 'x')}`], key)).toBe('forbidden');
  });

  it.each([
    [[`Bearer ${key}`, `Bearer ${key}`], 'tolerated'],
    [[`Bearer ${key}`, 'Bearer wrong'], 'forbidden'],
    [['Bearer wrong', `Bearer ${key}`], 'forbidden'],
    [[key, key], 'forbidden'],
  ] as const)('repeated fields %j are %s', (values, expected) => {
    expect(classifyAuthorization(values, key)).toBe(expected);
  });

  it('an empty configured key matches nothing', () => {
    expect(classifyAuthorization(['Bearer '], '')).toBe('forbidden');
  });

  it('every required form is classified as required', () => {
    for (const f of requiredForms(key)) expect(classifyAuthorization([f.value], key)).toBe('required');
  });
});
