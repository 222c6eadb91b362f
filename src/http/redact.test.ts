import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';
import { curlLine } from './curl.js';

const key = 'Q29uZm9ybWFuY2VLZXkrL0FCQ0RFRkdISUpLTE1OT1A=';
const r = new Redactor([key]);

describe('Redactor', () => {
  it.each([
    [`Bearer ${key}`, 'Bearer <API_KEY>'],
    [`x${key.toLowerCase()}y`, 'x<API_KEY~case>y'],
    [`token=${key.slice(3, 20)}!`, 'token=<API_KEY[3:20]>!'],
    [`short ${key.slice(0, 7)} stays`, `short ${key.slice(0, 7)} stays`],
    [`${key.slice(0, 10)}##${key.slice(12)}`, '<API_KEY[0:10]>##<API_KEY[12:44]>'],
  ])('%s -> %s', (text, expected) => {
    expect(r.redact(text)).toBe(expected);
  });

  it('leaks() sees any 8-character fragment in any case', () => {
    expect(r.leaks(`...${key.slice(30, 38).toUpperCase()}...`)).toBe(true);
    expect(r.leaks('nothing of the key here, just words')).toBe(false);
  });

  it('hides extra secrets', () => {
    expect(r.with('sentinel-123456').redact('a sentinel-123456 b')).toBe('a <SECRET> b');
  });

  it('stays linear on long repetitive input', () => {
    const text = `Bearer ${'A'.repeat(200_000)}`;
    const started = performance.now();
    r.redact(text);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('Redactor.redactCredential', () => {
  it.each([
    [`Bearer ${key.slice(0, 1)}`, 'Bearer <API_KEY[0:1]>'],
    [`Bearer ${key.slice(0, 5)}`, 'Bearer <API_KEY[0:5]>'],
    [`bearer ${key.slice(0, 30)}`, 'bearer <API_KEY[0:30]>'],
    [key.slice(3, 9), '<API_KEY[3:9]>'],
    ['Bearer a.b.c', 'Bearer a.b.c'],
    ['Basic eA==', 'Basic eA=='],
    ['Bearer', 'Bearer'],
    ['', ''],
  ])('%j -> %j', (value, shown) => {
    expect(r.redactCredential(value)).toBe(shown);
  });
});

describe('curlLine', () => {
  it('reads the key from the environment and keeps the path as is', () => {
    const line = curlLine('http://127.0.0.1:1', { method: 'GET', path: '//api/./x', headers: [['Authorization', 'Bearer <API_KEY>']] });
    expect(line).toBe(`curl -sS -i --path-as-is -H 'Authorization: Bearer '"$DEXTO_SERVER_API_KEY" 'http://127.0.0.1:1//api/./x'`);
  });

  it('turns a key fragment into a bash substring expansion', () => {
    expect(curlLine('http://h', { method: 'GET', path: '/', headers: [['Authorization', 'Bearer <API_KEY[0:43]>']] })).toContain('"${DEXTO_SERVER_API_KEY:0:43}"');
  });

  it('reads the key from the variable the run names, when it is a shell name', () => {
    const req = { method: 'GET', path: '/', headers: [['Authorization', 'Bearer <API_KEY>'], ['X-Part', '<API_KEY[0:8]>']] as Array<[string, string]> };
    const line = curlLine('http://h', req, 'MY_API_KEY');
    expect(line).toContain('"$MY_API_KEY"');
    expect(line).toContain('"${MY_API_KEY:0:8}"');
    expect(line).not.toContain('DEXTO_SERVER_API_KEY');
    expect(curlLine('http://h', req, 'not a name; rm -rf /')).toContain('"$DEXTO_SERVER_API_KEY"');
  });

  it('escapes bytes outside printable ASCII and compresses long runs', () => {
    const line = curlLine('http://h', { method: 'POST', path: '/', headers: [['Authorization', `Bearer \u00e9${'A'.repeat(100)}`]], body: "it's" });
    expect(line).toContain("$'Authorization: Bearer \\xe9'");
    expect(line).toContain(`"$(printf '%100s' '' | tr ' ' 'A')"`);
    expect(line).toContain(`-X 'POST'`);
    expect(line).toContain(`--data-binary 'it'\\''s'`);
  });
});
