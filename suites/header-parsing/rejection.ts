import { concretePath, type RouteSpec } from '../../src/contract/routes.js';
import { SafetyRefusal } from '../../src/http/prober.js';
import type { Check, CheckContext, Level } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { describe, is2xx, routeRequest, stillServing, unprotectedBaseline } from '../support.js';

/** One hostile or near-miss request against the primary protected route. */
export interface Variant {
  label: string;
  headers?: Array<[string, string]>;
  /** Query string (without '?') or other suffix appended to the path as is. */
  query?: string;
  /** Raw bytes for what Node's client refuses to send; `{path}` and `{host}` are filled in. */
  raw?: string;
  /** Over the usual header limit: the server may also close the connection without answering. */
  mayDrop?: boolean;
  /** Another route than the primary GET (its method and a harmless body, unless `body` is given). */
  route?: RouteSpec;
  body?: string;
}

/** Declares a check: every variant must be rejected (any 3xx/4xx), never accepted or answered with a 5xx. */
export function rejectionCheck(spec: {
  id: string;
  requirement: string;
  level?: Level;
  title: string;
  explain: NonNullable<Check['explain']>;
  variants: (ctx: CheckContext, key: string) => Variant[];
  /** Also confirm the server is up and accepts the valid key afterwards. */
  liveness?: boolean;
}): Check {
  return {
    id: spec.id,
    requirement: spec.requirement,
    level: spec.level ?? 'MUST',
    category: 'header-parsing',
    title: spec.title,
    modes: ['auth'],
    explain: spec.explain,
    async run(ctx) {
      if (ctx.key === undefined) return { status: 'skip', message: 'no key in this mode' };
      const open = await unprotectedBaseline(ctx);
      if (open) return open;
      const path = concretePath(ctx.primaryRoute.path);
      const all = spec.variants(ctx, ctx.key);
      // A route that is open without any credentials is reported by the checks about it, not here.
      const openRoutes = new Set<RouteSpec>();
      for (const route of new Set(all.flatMap((v) => (v.route ? [v.route] : [])))) {
        if (is2xx((await ctx.http.send(routeRequest(route, { label: 'baseline: no credentials' }))).status)) openRoutes.add(route);
      }
      const variants: Variant[] = [];
      const results: ProbeResult[] = [];
      for (const v of all) {
        if (v.route && openRoutes.has(v.route)) continue;
        const base = v.route ? concretePath(v.route.path) : path;
        const full = v.query !== undefined ? `${base}${v.query}` : base;
        try {
          if (v.raw !== undefined) {
            const host = new URL(ctx.http.baseUrl).host;
            const bytes = Buffer.from(v.raw.replace('{path}', full).replace('{host}', host), 'latin1');
            results.push(await ctx.http.sendRaw(bytes, { method: 'GET', path: full, label: v.label, headers: [] }));
          } else if (v.route) {
            const req = routeRequest(v.route, { path: full, headers: v.headers ?? [], label: v.label });
            results.push(await ctx.http.send(v.body !== undefined ? { ...req, body: v.body } : req));
          } else {
            results.push(await ctx.http.send({ method: 'GET', path: full, headers: v.headers ?? [], label: v.label }));
          }
          variants.push(v);
        } catch (error) {
          if (!(error instanceof SafetyRefusal)) throw error;
        }
      }
      if (results.length === 0) return { status: 'skip', message: 'every variant would send the key with a mutating method to a live target (--allow-mutating)' };
      const accepted = results.filter((r) => is2xx(r.status));
      const broken = results.filter((r, i) => (r.status === undefined && !variants[i]?.mayDrop) || (r.status !== undefined && r.status >= 500));
      const after = spec.liveness ? await stillServing(ctx) : undefined;
      if (accepted.length === 0 && broken.length === 0 && !after) {
        return { status: 'pass', message: `${results.length} variant(s) rejected: ${variants.map((v) => v.label).slice(0, 6).join(', ')}${variants.length > 6 ? ', …' : ''}` };
      }
      const parts: string[] = [];
      if (accepted.length > 0) parts.push(`accepted: ${accepted.map(describe).join('; ')}`);
      if (broken.length > 0) parts.push(`server error or no answer: ${broken.map(describe).join('; ')}`);
      if (after) parts.push(`afterwards the server no longer served correctly: ${describe(after)}`);
      return {
        status: 'fail',
        message: parts.join(' | '),
        expected: 'each variant rejected with a 4xx (401, or 400 for a malformed header), never a 2xx or 5xx; the server still up',
        actual: parts.join(' | '),
        evidence: { exchanges: [...accepted, ...broken, ...(after ? [after] : [])].slice(0, 10).map((r) => r.record) },
      };
    },
  };
}

/** Replaces the character at i with another of the same class. */
export function changeAt(key: string, i: number): string {
  const c = key.charAt(i);
  const alt = c === 'A' ? 'B' : c === '=' ? 'A' : /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : c === 'Z' ? 'Y' : 'A';
  return `${key.slice(0, i)}${alt === c ? 'Q' : alt}${key.slice(i + 1)}`;
}

/** Flips the case of the first letter; undefined when the key has no letter. */
export function flipFirstLetter(key: string): string | undefined {
  const i = key.search(/[A-Za-z]/);
  if (i < 0) return undefined;
  const c = key.charAt(i);
  return `${key.slice(0, i)}${c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()}${key.slice(i + 1)}`;
}
