import { concretePath } from '../../src/contract/routes.js';
import type { Check, CheckContext, Outcome } from '../../src/engine/types.js';
import { Prober } from '../../src/http/prober.js';
import type { Redactor } from '../../src/http/redact.js';
import type { ProbeResult } from '../../src/http/types.js';
import type { LogLine } from '../../src/targets/log-capture.js';
import { auth, validAuth } from '../support.js';
import { evidenceLines, logsVisible, markers, markHeaders, NO_LOGS, quiet, settle } from './support.js';

const explain = {
  why: 'Logs are shipped, indexed and read by many more people and systems than hold the key; a key in a log is a leaked key (the security page lists key leakage as the threat to guard against).',
  typicalFault: 'Printing the configuration (key included) at startup, logging request headers, or a debug line such as "authorized with Bearer …".',
  fix: 'Never log the key or Authorization values; log "API key configured: yes" at most, and scrub request data bound for the log.',
};

function leakOutcome(lines: readonly LogLine[], redactor: Redactor, scope: string, exchanges: ProbeResult[] = []): Outcome {
  const leaks = lines.filter((l) => redactor.leaks(l.text));
  if (leaks.length === 0) return { status: 'pass', message: `${lines.length} line(s) of output ${scope}; none holds the key or 8+ characters of it` };
  return {
    status: 'fail',
    message: `${leaks.length} of ${lines.length} line(s) of output ${scope} hold the key or a fragment of it (masked below)`,
    expected: 'the key, and every 8-character fragment of it in any letter case, absent from all log output',
    actual: `${leaks.length} line(s) leak it, first at +${Math.round(leaks[0]?.at ?? 0)} ms on ${leaks[0]?.stream}`,
    evidence: { logLines: evidenceLines(leaks, redactor), ...(exchanges.length > 0 ? { exchanges: exchanges.map((e) => e.record) } : {}) },
  };
}

/**
 * LOG-NO-KEY over the whole run: runs last in its mode and reads everything the target wrote,
 * from startup through every other check (whose requests include near misses of the key).
 */
export const noKeyInLogs: Check = {
  id: 'logging.no-key',
  requirement: 'LOG-NO-KEY',
  level: 'MUST',
  category: 'logging',
  title: 'The key (or 8+ characters of it) never appears in the log output, from startup through every check of the run',
  modes: () => true,
  phase: 'final',
  runsWhenRefused: true,
  applies: logsVisible,
  explain,
  async run(ctx) {
    const logs = ctx.logs;
    if (!logs) return NO_LOGS;
    const sent: ProbeResult[] = [];
    if (ctx.startup.state === 'ready' && ctx.mode.kind === 'auth' && ctx.key !== undefined) {
      // Make sure the run holds at least one accepted request (with --only logging too).
      const marker = markers(ctx, 'k');
      const mark = logs.size();
      sent.push(await ctx.http.send({ method: 'GET', path: concretePath(ctx.primaryRoute.path), headers: [...markHeaders(marker(0)), validAuth(ctx)], label: 'valid key' }));
      await settle(ctx, logs, mark, marker(99));
    } else if (ctx.startup.state === 'ready') {
      await quiet(logs);
    }
    const scope = ctx.startup.state === 'refused' ? 'before the server refused to start' : 'from startup to the end of the run';
    return leakOutcome(logs.lines(), ctx.http.redactor, scope, sent);
  },
};

/**
 * LOG-NO-KEY over a whole lifecycle: a fresh instance with the key is started, used (accepted,
 * wrong and missing credentials) and stopped, and everything it wrote, shutdown included, is read.
 */
export const noKeyLifecycle: Check = {
  id: 'logging.no-key-lifecycle',
  requirement: 'LOG-NO-KEY',
  level: 'MUST',
  category: 'logging',
  title: 'A fresh instance writes neither the key nor a fragment of it, from startup to shutdown',
  modes: ['auth'],
  applies: (target) => (target.restartable ? logsVisible(target) : 'the target cannot be started by the harness (URL target); logging.no-key reads its --log-file instead'),
  explain,
  async run(ctx: CheckContext) {
    if (!ctx.startInstance || ctx.key === undefined) return { status: 'skip', message: 'the target cannot be started by the harness' };
    const started = await ctx.startInstance(ctx.key);
    if (started.state !== 'ready') {
      const logs = started.logs;
      if (!logs) return { status: 'skip', message: `the fresh instance did not start: ${started.reason}` };
      return leakOutcome(logs.lines(), ctx.http.redactor, `of an instance that did not start (${started.reason})`);
    }
    const logs = started.running.logs;
    if (!logs) {
      await started.running.stop();
      return NO_LOGS;
    }
    const prober = new Prober({ baseUrl: started.running.baseUrl, key: ctx.key, redactor: ctx.http.redactor, safety: { allowKeyedMutation: false } });
    const path = concretePath(ctx.primaryRoute.path);
    const marker = markers(ctx, 'l');
    const sent: ProbeResult[] = [];
    try {
      sent.push(await prober.send({ method: 'GET', path, headers: [...markHeaders(marker(0)), validAuth(ctx)], label: 'valid key' }));
      sent.push(await prober.send({ method: 'HEAD', path, headers: [...markHeaders(marker(1)), validAuth(ctx)], label: 'valid key, HEAD' }));
      sent.push(await prober.send({ method: 'GET', path, headers: [...markHeaders(marker(2)), auth(`Bearer ${ctx.key.slice(0, -1)}`)], label: 'key without its last character' }));
      sent.push(await prober.send({ method: 'GET', path, headers: markHeaders(marker(3)), label: 'no credentials' }));
    } finally {
      prober.close();
      await started.running.stop();
    }
    // Output written while stopping can arrive after the process has exited.
    await quiet(logs, 100, 600);
    logs.flush();
    return leakOutcome(logs.lines(), ctx.http.redactor, 'from startup to shutdown of a fresh instance', sent);
  },
};
