/** An HTTP route as METHOD plus path template (`{id}` marks a path parameter). */
export interface RouteSpec {
  method: string;
  path: string;
  /** Responds with a server-sent event stream. */
  stream?: boolean;
  /** Where the harness learned of the route. */
  source: 'contract' | 'openapi' | 'user';
}

/** Routes that are always open (seed SECURITY.md, "Public Routes"). */
export const PUBLIC_ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/health', source: 'contract' },
  { method: 'GET', path: '/.well-known/agent-card.json', source: 'contract' },
  { method: 'GET', path: '/openapi.json', source: 'contract' },
];

/** Protected routes of a Dexto server, used when the target publishes no usable OpenAPI document. */
export const DOCUMENTED_ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/api/llm/current', source: 'contract' },
  { method: 'POST', path: '/api/message', source: 'contract' },
  { method: 'POST', path: '/api/message-stream', stream: true, source: 'contract' },
  { method: 'GET', path: '/api/sessions', source: 'contract' },
  { method: 'GET', path: '/api/sessions/{sessionId}', source: 'contract' },
  { method: 'DELETE', path: '/api/sessions/{sessionId}', source: 'contract' },
  { method: 'PATCH', path: '/api/sessions/{sessionId}', source: 'contract' },
];

/** Id placed into path parameters of probes: cannot name real data. */
export const PROBE_ID = 'dac-probe-nonexistent-0000';

/** Fills `{param}` and `:param` segments with a harmless probe id. */
export function concretePath(template: string): string {
  return template.replace(/\{[^}/]+\}/g, PROBE_ID).replace(/\/:[^/]+/g, `/${PROBE_ID}`);
}

/** Parses `METHOD:PATH` as given to `--route`. */
export function parseRouteArg(text: string): RouteSpec | undefined {
  const m = /^([A-Za-z]+):(\/.*)$/.exec(text.trim());
  if (!m || !m[1] || !m[2]) return undefined;
  return { method: m[1].toUpperCase(), path: m[2], source: 'user' };
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Reads protected routes from an OpenAPI 3 / Swagger 2 document; public routes are left out.
 * Returns undefined when the document has no usable `paths`.
 */
export function routesFromOpenApi(doc: unknown, publicPaths: readonly string[]): RouteSpec[] | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const paths = (doc as { paths?: unknown }).paths;
  if (typeof paths !== 'object' || paths === null) return undefined;
  const out: RouteSpec[] = [];
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    if (!path.startsWith('/') || typeof item !== 'object' || item === null) continue;
    if (publicPaths.includes(path)) continue;
    for (const [method, op] of Object.entries(item as Record<string, unknown>)) {
      const upper = method.toUpperCase();
      if (!METHODS.has(upper) || upper === 'OPTIONS') continue;
      out.push({ method: upper, path, stream: producesEventStream(op), source: 'openapi' });
    }
  }
  return out.length > 0 ? out : undefined;
}

function producesEventStream(op: unknown): boolean {
  return JSON.stringify(op ?? {}).includes('text/event-stream');
}

/** Drops routes that name the same method and concrete path as an earlier one. */
export function dedupeRoutes(routes: readonly RouteSpec[]): RouteSpec[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const k = `${r.method} ${concretePath(r.path)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
