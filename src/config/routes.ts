import { parseRouteArg, type RouteSpec } from '../contract/routes.js';
import { UsageError } from '../engine/select.js';

/** A route as people write it: `"GET /path"`, `"GET:/path"`, or a RouteSpec. */
export type RouteInput = string | RouteSpec;

/** Parses one route; `field` names where it came from in the error. */
export function toRouteSpec(input: RouteInput, field: string): RouteSpec {
  if (typeof input !== 'string') {
    if (typeof input !== 'object' || input === null || typeof input.method !== 'string' || typeof input.path !== 'string' || !input.path.startsWith('/')) {
      throw new UsageError(`${field}: a route is "METHOD /path" or { method, path }, got ${JSON.stringify(input)}`);
    }
    return { ...input, method: input.method.toUpperCase(), source: input.source ?? 'user' };
  }
  const text = input.trim();
  const spaced = /^([A-Za-z]+)\s+(\/\S*)$/.exec(text);
  const parsed = spaced?.[1] && spaced[2] ? { method: spaced[1].toUpperCase(), path: spaced[2], source: 'user' as const } : parseRouteArg(text);
  if (!parsed) throw new UsageError(`${field}: a route is "METHOD /path" (or METHOD:/path), got "${input}"`);
  return parsed;
}

/** Parses a list of routes. */
export function toRouteSpecs(inputs: readonly RouteInput[], field: string): RouteSpec[] {
  return inputs.map((r) => toRouteSpec(r, field));
}

/** A route as written in config files and --print-config: `"GET /path"`. */
export function routeText(route: RouteSpec): string {
  return `${route.method} ${route.path}`;
}
