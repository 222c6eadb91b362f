/** One line the target wrote. */
export interface LogLine {
  /** Milliseconds since the capture started. */
  at: number;
  stream: 'stdout' | 'stderr' | 'file' | 'memory';
  text: string;
}

/**
 * Collects what a target writes, split into lines, with the time each arrived. Bounded: past
 * the limit only the count grows, so a chatty server cannot exhaust memory.
 */
export class LogCapture {
  private readonly started = performance.now();
  private readonly buffered: LogLine[] = [];
  private readonly partial = new Map<string, string>();
  private readonly waiters = new Set<() => void>();
  private dropped = 0;
  static readonly LIMIT = 200_000;

  /** Feeds raw output; complete lines are recorded. */
  write(stream: LogLine['stream'], chunk: string | Buffer): void {
    const text = (this.partial.get(stream) ?? '') + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const parts = text.split(/\r?\n/);
    this.partial.set(stream, parts.pop() ?? '');
    for (const line of parts) this.push(stream, line);
  }

  /** Records one whole line (in-process loggers). */
  line(text: string, stream: LogLine['stream'] = 'memory'): void {
    for (const part of text.split(/\r?\n/)) this.push(stream, part);
  }

  /** Flushes unterminated trailing output as lines. */
  flush(): void {
    for (const [stream, rest] of this.partial) if (rest.length > 0) this.push(stream as LogLine['stream'], rest);
    this.partial.clear();
  }

  /** Lines so far; from `mark` (a previous `size()`) on, when given. */
  lines(mark = 0): LogLine[] {
    return this.buffered.slice(mark);
  }

  size(): number {
    return this.buffered.length;
  }

  droppedCount(): number {
    return this.dropped;
  }

  /** Resolves once `predicate` holds for the lines from `mark`, or after `timeoutMs`. */
  async waitFor(predicate: (lines: LogLine[]) => boolean, timeoutMs: number, mark = 0): Promise<boolean> {
    if (predicate(this.lines(mark))) return true;
    return new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (predicate(this.lines(mark))) finish(true);
      };
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const timer = setTimeout(() => finish(predicate(this.lines(mark))), timeoutMs);
      this.waiters.add(check);
    });
  }

  private push(stream: LogLine['stream'], text: string): void {
    if (this.buffered.length >= LogCapture.LIMIT) {
      this.dropped += 1;
      return;
    }
    this.buffered.push({ at: performance.now() - this.started, stream, text });
    for (const w of [...this.waiters]) w();
  }
}
