import type { LogLine } from '../targets/log-capture.js';

/** A line that states a failure (Node's crash heading, a thrown error, a port in use, …). */
const ERROR_LINE = /\b(?:error|exception|fatal|cannot|EADDRINUSE|EACCES|ERR_[A-Z_]+)\b/i;

/**
 * What to show of a server's output when it did not start: the first line that states an error
 * (a Node crash prints it at the top, above its stack) when the last lines do not contain it, then
 * the last `tail` lines.
 */
export function startupExcerpt(lines: readonly LogLine[], tail = 5): string[] {
  const texts = lines.map((l) => l.text).filter((t) => t.trim() !== '');
  const last = texts.slice(-tail);
  const firstError = texts.findIndex((t) => ERROR_LINE.test(t));
  if (firstError < 0 || firstError >= texts.length - tail) return last;
  return [texts[firstError] as string, ...(firstError < texts.length - tail - 1 ? ['…'] : []), ...last];
}
