import { requiredForms } from '../../src/contract/credentials.js';
import { concretePath } from '../../src/contract/routes.js';
import type { Check } from '../../src/engine/types.js';
import { auth, is2xx, rateLimitedSkip, verdict } from '../support.js';

/** HDR-ACCEPT / HDR-SCHEME-CASE: `Bearer <key>` is accepted, with the scheme in any case. */
function acceptCheck(id: string, requirement: string, title: string, pick: (all: ReturnType<typeof requiredForms>) => ReturnType<typeof requiredForms>): Check {
  return {
    id,
    requirement,
    level: 'MUST',
    category: 'header-parsing',
    title,
    modes: ['auth'],
    explain: {
      why: 'RFC 9110 §11.1: the auth scheme is case-insensitive; clients and proxies differ in how they spell it.',
      typicalFault: 'authHeader.startsWith("Bearer ") or a case-sensitive regex.',
      fix: 'Compare the scheme case-insensitively; compare the token exactly.',
    },
    async run(ctx) {
      if (ctx.key === undefined) return { status: 'skip', message: 'no key in this mode' };
      const path = concretePath(ctx.primaryRoute.path);
      const forms = pick(requiredForms(ctx.key));
      const results = await ctx.http.sendAll(
        forms.flatMap((f) => [
          { method: 'GET', path, headers: [auth(f.value)], label: f.label },
          { method: 'HEAD', path, headers: [auth(f.value)], label: `HEAD, ${f.label}` },
        ]),
      );
      const bad = results.filter((r) => !is2xx(r.status));
      if (bad.every((r) => r.status === 429)) {
        const limited = rateLimitedSkip(bad);
        if (limited) return limited;
      }
      return verdict(bad, results.length, '2xx for the valid key', 'the valid key was accepted in every required form');
    },
  };
}

/** HDR-ACCEPT: the canonical form works on GET and HEAD. */
export const bearerAccepted = acceptCheck('header-parsing.bearer-accepted', 'HDR-ACCEPT', 'Authorization: Bearer <key> is accepted', (all) => all.slice(0, 1));

/** HDR-SCHEME-CASE: bearer / BEARER / bEaReR work too. */
export const schemeCase = acceptCheck(
  'header-parsing.scheme-case-insensitive',
  'HDR-SCHEME-CASE',
  'The scheme is case-insensitive: bearer, BEARER and bEaReR are accepted',
  (all) => all.slice(1),
);
