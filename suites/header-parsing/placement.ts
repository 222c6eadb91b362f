import { auth, validAuth } from '../support.js';
import { rejectionCheck, type Variant } from './rejection.js';

/** HDR-SINGLE: a request with more than one credential is not authorised by one of them. */
export const repeatedHeader = rejectionCheck({
  id: 'header-parsing.repeated-header',
  requirement: 'HDR-SINGLE',
  title: 'Two Authorization headers (valid + wrong, wrong + valid) are rejected',
  explain: {
    why: 'Authorization is a singleton field (RFC 9110 §5.3); frameworks disagree on which copy wins (Node keeps the first, WHATWG Headers join them), so a proxy and the app can authorise different values.',
    typicalFault: 'req.headers.authorization (first copy wins) with no check for duplicates.',
    fix: 'Reject a request whose Authorization field appears more than once (req.headersDistinct / rawHeaders), with 400 or 401.',
  },
  variants: (ctx) => {
    const valid = validAuth(ctx);
    return [
      { label: 'valid then wrong', headers: [valid, auth('Bearer wrong-key-0000000000000000')] },
      { label: 'wrong then valid', headers: [auth('Bearer wrong-key-0000000000000000'), valid] },
      { label: 'valid then empty', headers: [valid, auth('')] },
    ];
  },
});

/** HDR-SINGLE: comma-joined credentials in one field are not a Bearer credential. */
export const multipleCredentials = rejectionCheck({
  id: 'header-parsing.multiple-credentials',
  requirement: 'HDR-SINGLE',
  title: 'Several credentials in one field ("Bearer x, Bearer <key>") are rejected',
  explain: {
    why: 'Joined duplicates look like this after a proxy merges headers; taking any one element lets a client smuggle a second credential.',
    typicalFault: 'Splitting on commas and accepting if any element matches.',
    fix: 'Parse exactly one credential: "Bearer" SP token68, nothing after it.',
  },
  variants: (_ctx, key) => [
    { label: 'wrong, then valid, comma-joined', headers: [auth(`Bearer wrong-key-0000, Bearer ${key}`)] },
    { label: 'valid, then wrong, comma-joined', headers: [auth(`Bearer ${key}, Bearer wrong-key-0000`)] },
    { label: 'Basic, then Bearer, comma-joined', headers: [auth(`Basic Zm9vOmJhcg==, Bearer ${key}`)] },
  ],
});

/** HDR-HEADER-ONLY: the key is read only from Authorization, never from the query string. */
export const queryKey = rejectionCheck({
  id: 'header-parsing.query-key',
  requirement: 'HDR-HEADER-ONLY',
  title: 'The key in the query string (access_token, api_key, token, key, …) is rejected',
  explain: {
    why: 'Query strings land in access logs, proxies and browser history (RFC 6750 §2.3 discourages them); the contract accepts the header only.',
    typicalFault: 'A fallback like c.req.query("access_token") ?? header.',
    fix: 'Read the key only from the Authorization header.',
  },
  variants: (ctx, key) => {
    const primary: Variant[] = ['access_token', 'api_key', 'apiKey', 'token', 'key', 'auth', 'bearer'].flatMap((name) => [
      { label: `?${name}=<key> (encoded)`, query: `?${name}=${encodeURIComponent(key)}` },
      { label: `?${name}=<key> (raw)`, query: `?${name}=${key}` },
    ]);
    primary.push({ label: '?authorization=Bearer <key>', query: `?authorization=${encodeURIComponent(`Bearer ${key}`)}` });
    // Every other route too: query tokens are often allowed on event streams only.
    const others: Variant[] = ctx.routes
      .filter((r) => r !== ctx.primaryRoute)
      .flatMap((route) => ['access_token', 'token', 'api_key'].map((name) => ({ label: `${route.method} ${route.path}?${name}=<key>`, route, query: `?${name}=${encodeURIComponent(key)}` })));
    return [...primary, ...others];
  },
});

/** HDR-HEADER-ONLY: the key in other headers and cookies is rejected. */
export const otherHeaders = rejectionCheck({
  id: 'header-parsing.other-headers',
  requirement: 'HDR-HEADER-ONLY',
  title: 'The key in other headers or cookies (X-API-Key, Proxy-Authorization, Cookie, …) is rejected',
  explain: {
    why: 'Every extra place the key is accepted from is a place it leaks from and a path that skips the checks on Authorization.',
    typicalFault: 'req.headers["x-api-key"] || bearer; cookie sessions that accept the raw key.',
    fix: 'Read the key only from Authorization.',
  },
  variants: (_ctx, key) => [
    ...['X-API-Key', 'Api-Key', 'X-Auth-Token', 'X-Access-Token', 'X-Dexto-Api-Key', 'Token'].map((h) => ({ label: `${h}: <key>`, headers: [[h, key] as [string, string]] })),
    ...['X-Authorization', 'Proxy-Authorization', 'X-Forwarded-Authorization', 'Authorisation'].map((h) => ({ label: `${h}: Bearer <key>`, headers: [[h, `Bearer ${key}`] as [string, string]] })),
    ...['token', 'api_key', 'access_token', 'auth', 'apiKey'].map((c) => ({ label: `Cookie ${c}=<key>`, headers: [['Cookie', `${c}=${encodeURIComponent(key)}`] as [string, string]] })),
  ],
});

/** HDR-HEADER-ONLY: the key in a request body (JSON field or RFC 6750 §2.2 form parameter) is rejected. */
export const bodyKey = rejectionCheck({
  id: 'header-parsing.body-key',
  requirement: 'HDR-HEADER-ONLY',
  title: 'The key in the request body (JSON apiKey/token fields, form access_token) is rejected',
  explain: {
    why: 'The contract accepts the key in the Authorization header only; a body field is read by a parser before auth and ends up in request logs and traces.',
    typicalFault: 'const key = header ?? req.body.apiKey, or the RFC 6750 form-encoded access_token accepted by a generic OAuth library.',
    fix: 'Read the key only from Authorization, before any body parsing.',
  },
  variants: (ctx, key) =>
    ctx.routes
      .filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))
      .flatMap((route): Variant[] => [
        ...['apiKey', 'api_key', 'token', 'access_token', 'key'].map((field) => ({
          label: `${route.method} ${route.path} with {"${field}": <key>}`,
          route,
          body: JSON.stringify({ message: 'dexto-auth-conformance probe', [field]: key }),
        })),
        {
          label: `${route.method} ${route.path} with form access_token=<key>`,
          route,
          headers: [['Content-Type', 'application/x-www-form-urlencoded']],
          body: `access_token=${encodeURIComponent(key)}&message=probe`,
        },
      ]),
});
