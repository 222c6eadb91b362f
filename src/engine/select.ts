import { CATEGORIES, type Check } from './types.js';

/** True when `token` names the check's category or is a prefix of its id. */
export function matches(check: Check, token: string): boolean {
  return check.category === token || check.id === token || check.id.startsWith(token.endsWith('.') ? token : `${token}.`) || check.id.startsWith(token);
}

/** Applies --only / --skip; an unknown token is an error naming it. */
export function selectChecks(all: readonly Check[], only: readonly string[], skip: readonly string[]): Check[] {
  for (const token of [...only, ...skip]) {
    if (!all.some((c) => matches(c, token)) && !(CATEGORIES as readonly string[]).includes(token)) {
      throw new UsageError(`--only/--skip: "${token}" names no category or check id (see --list)`);
    }
  }
  return all.filter((c) => (only.length === 0 || only.some((t) => matches(c, t))) && !skip.some((t) => matches(c, t)));
}

/** A mistake in how the suite was called (exit code 2). */
export class UsageError extends Error {}
