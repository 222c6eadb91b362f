import { auth } from '../support.js';
import { rejectionCheck } from './rejection.js';

/** HDR-SCHEME: the key under another scheme (or glued to the scheme) is not a Bearer credential. */
export const otherSchemes = rejectionCheck({
  id: 'header-parsing.other-schemes',
  requirement: 'HDR-SCHEME',
  title: 'The key under another scheme is rejected: Basic, Token, ApiKey, Digest, "Bearer:", "Bearerkey"',
  explain: {
    why: 'The contract names one scheme; a parser that strips any prefix accepts credentials meant for something else, and hides client bugs.',
    typicalFault: 'header.split(" ")[1] or a regex that drops any first word.',
    fix: 'Require the scheme to equal "bearer" case-insensitively, separated by spaces from the token.',
  },
  variants: (_ctx, key) => [
    { label: 'Basic <key>', headers: [auth(`Basic ${key}`)] },
    { label: 'Basic base64(user:key)', headers: [auth(`Basic ${Buffer.from(`user:${key}`).toString('base64')}`)] },
    { label: 'Basic base64(key:)', headers: [auth(`Basic ${Buffer.from(`${key}:`).toString('base64')}`)] },
    { label: 'Token <key>', headers: [auth(`Token ${key}`)] },
    { label: 'ApiKey <key>', headers: [auth(`ApiKey ${key}`)] },
    { label: 'Digest <key>', headers: [auth(`Digest ${key}`)] },
    { label: 'Bearer: <key>', headers: [auth(`Bearer: ${key}`)] },
    { label: 'Bearer<key> with no space', headers: [auth(`Bearer${key}`)] },
    { label: 'Bearer=<key>', headers: [auth(`Bearer=${key}`)] },
    { label: 'Bearerx <key>', headers: [auth(`Bearerx ${key}`)] },
    { label: 'Bear <key>', headers: [auth(`Bear ${key}`)] },
  ],
});

/** HDR-BARE-KEY: the bare key with no scheme should be rejected. */
export const bareKey = rejectionCheck({
  id: 'header-parsing.bare-key',
  requirement: 'HDR-BARE-KEY',
  level: 'SHOULD',
  title: 'The bare key with no scheme (Authorization: <key>) is rejected',
  explain: {
    why: 'RFC 9110 credentials always start with a scheme; accepting a bare key hides broken clients and widens what counts as a credential.',
    typicalFault: 'authHeader.replace(/^Bearer\\s+/i, "") as in the published Dexto middleware: without the prefix the whole header is taken as the key.',
    fix: 'Reject headers that do not start with the Bearer scheme.',
  },
  variants: (_ctx, key) => [{ label: 'bare key', headers: [auth(key)] }, { label: 'bare key with a leading space', headers: [auth(` ${key}`)] }],
});
