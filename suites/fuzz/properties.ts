import type { Check, CheckContext, Evidence, Outcome } from '../../src/engine/types.js';
import type { ProbeResult } from '../../src/http/types.js';
import { DEXTO_ENV_NAMES } from '../../src/contract/modes.js';
import { looksPublic } from '../public-routes/path-variants.js';
import { describe, is2xx, isCatchAll, stillServing, unprotectedBaseline } from '../support.js';
import {
  campaignFor,
  describeHeaderCase,
  describePathCase,
  firstFailure,
  fuzzSeeds,
  responseText,
  shrink,
  shrinkBudget,
  type Campaign,
  type FuzzContext,
  type Judge,
  type Plan,
} from './campaign.js';
import { KNOWN_TOKENS, OTHER_SCHEMES } from './grammar.js';

/** Shortest presented token that counts as echoed when it shows up in a response. */
export const ECHO_MIN = 8;
const NOT_SECRET = new Set([...KNOWN_TOKENS, ...OTHER_SCHEMES].map((s) => s.toLowerCase()));

/** Fuzz checks take their time from --fuzz-time; this is only the harness's outer limit. */
const FUZZ_TIMEOUT_MS = 15 * 60_000;

/** FUZZ-ACCEPT: accepted only in an accepted form; every required form accepted. */
export const judgeAcceptance: Judge = (b, res) => {
  const accepted = is2xx(res.status);
  if (accepted && b.cls === 'forbidden') return `a forbidden credential was accepted (${res.status})`;
  if (b.cls === 'required' && !accepted && !b.oversize && res.status !== 429) return `the valid key in a required form was refused (${res.status ?? res.error})`;
  return undefined;
};

/** FUZZ-PATH: no spelling of a protected path is served without a valid credential. */
export const judgePathBypass: Judge = (b, res, campaign) => {
  // A credential made from the key that gets in is a credential fault (fuzz.accepts-only-valid).
  if (b.cls !== 'forbidden' || b.keyDerived === true) return undefined;
  if (!is2xx(res.status) || looksPublic(res.body, campaign.publicBodies) || isCatchAll(res, campaign.catchAll)) return undefined;
  return `a protected route answered ${res.status} without a valid credential`;
};

/** FUZZ-ROBUST: no 5xx, no dropped connection, no hang (oversized heads may be refused or dropped). */
export const judgeRobust: Judge = (b, res) => {
  if (res.error?.startsWith('request not sendable')) return undefined;
  if (res.status !== undefined) return res.status >= 500 ? `server error ${res.status}` : undefined;
  const error = res.error ?? 'no response';
  if (b.oversize && !error.startsWith('timeout')) return undefined;
  return error.startsWith('timeout') ? `no answer (${error})` : `connection dropped (${error})`;
};

/** Words of the presented Authorization lines long enough to count as an echo. */
export function presentedTokens(lines: readonly string[]): string[] {
  const out = new Set<string>();
  for (const line of lines) {
    for (const piece of [line.trim(), ...line.split(/[\s,]+/)]) {
      if (piece.length >= ECHO_MIN && !NOT_SECRET.has(piece.toLowerCase())) out.add(piece);
    }
  }
  return [...out];
}

/** Builds the FUZZ-NO-ECHO judge for a mode (it needs the prober's redactor). */
export function judgeNoEcho(ctx: Pick<CheckContext, 'http'>): Judge {
  return (b, res, campaign) => {
    if (res.status === undefined) return undefined;
    const text = responseText(res);
    if (ctx.http.redactor.leaks(text)) return 'the response contains the key (or 8+ characters of it)';
    const echoed = presentedTokens(b.lines).find((t) => text.includes(t) && !campaign.baselineText.includes(t));
    return echoed === undefined ? undefined : `the response repeats a presented token (${echoed.length} characters)`;
  };
}

interface PropertySpec {
  id: string;
  requirement: string;
  title: string;
  explain: NonNullable<Check['explain']>;
  plans: ReadonlyArray<'header' | 'path'>;
  judge: (ctx: CheckContext) => Judge;
  /** Skip when the primary route is served without any credential (reported elsewhere). */
  needsProtection?: boolean;
  what: string;
  expected: string;
}

function numbers(ctx: FuzzContext, campaign: Campaign, judged: number): NonNullable<Evidence['numbers']> {
  const seeds = fuzzSeeds(ctx.options.seed, ctx.mode.name);
  return {
    casesJudged: judged,
    headerCases: campaign.header.results.length,
    pathCases: campaign.path.results.length,
    requestsSent: campaign.sent,
    casesPerSecond: Math.round(campaign.sent / Math.max(0.001, campaign.sendMs / 1000)),
    sendMs: Math.round(campaign.sendMs),
    fuzzRuns: ctx.options.fuzz.runs,
    fuzzTimeMs: ctx.options.fuzz.timeMs,
    timeBudgetHit: campaign.budgetHit,
    unsendable: campaign.unsendable,
    fcSeedHeader: seeds.header,
    fcSeedPath: seeds.path,
  };
}

/** One exchange in a message: method, path, the Authorization lines as sent (key redacted), outcome. */
function show(r: ProbeResult): string {
  const q = r.record.request;
  const lines = q.headers.filter(([n]) => n.toLowerCase() === 'authorization').map(([, v]) => JSON.stringify(v));
  return `${q.method} ${q.path} ${lines.length > 0 ? `with Authorization ${lines.join(' + ')}` : 'without Authorization'} -> ${r.status ?? r.error ?? 'no response'}`;
}

/** Single-quotes a word for sh. */
const shWord = (s: string): string => (/^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The command that replays this failure: the same target, variable names, seed, check, mode and
 * budget. A handler target has no command line: the hint names the run() options instead.
 */
function replayHint(ctx: FuzzContext, id: string): string {
  const o = ctx.options;
  const common = `--seed ${o.seed} --only ${id} --fuzz-runs ${o.fuzz.runs} --fuzz-time ${o.fuzz.timeMs / 1000}`;
  if (ctx.target.kind === 'handler') return `replay: run({ seed: ${o.seed}, only: ['${id}'], modes: ['${ctx.mode.name}'], fuzz: { runs: ${o.fuzz.runs}, timeMs: ${o.fuzz.timeMs} }, target })`;
  const names = (['nodeEnv', 'apiKey', 'requireAuth'] as const).filter((k) => o.envNames[k] !== DEXTO_ENV_NAMES[k]).map((k) => ` --env-name ${shWord(`${k}=${o.envNames[k]}`)}`).join('');
  const target =
    ctx.target.kind === 'command'
      ? ` --target-cmd ${shWord(ctx.target.label)} --modes ${ctx.mode.name}`
      : ctx.target.kind === 'url'
        ? ` --target ${shWord(ctx.target.label)} --mode ${ctx.mode.name}${o.keyVar !== undefined && o.keyVar !== o.envNames.apiKey ? ` --api-key-env ${shWord(o.keyVar)}` : ''}`
        : ` --modes ${ctx.mode.name}`;
  return `replay: npx dexto-auth-conformance${target}${names}${o.allowMutating ? ' --allow-mutating' : ''} ${common}`;
}

/** Declares one fuzz property as a check. */
function propertyCheck(spec: PropertySpec): Check {
  return {
    id: spec.id,
    requirement: spec.requirement,
    level: 'MUST',
    category: 'fuzz',
    title: spec.title,
    modes: ['auth'],
    timeoutMs: FUZZ_TIMEOUT_MS,
    explain: spec.explain,
    async run(ctx): Promise<Outcome> {
      if (ctx.key === undefined) return { status: 'skip', message: 'no key in this mode' };
      if (spec.needsProtection) {
        const open = await unprotectedBaseline(ctx);
        if (open) return open;
      }
      const campaign = await campaignFor(ctx);
      const judge = spec.judge(ctx);
      const plans = spec.plans.map((p) => (p === 'header' ? campaign.header : campaign.path)) as Array<Plan<unknown>>;
      let judged = 0;
      for (const plan of plans) {
        const found = firstFailure(plan, judge, campaign);
        judged += plan.results.length;
        if (!found) continue;
        const original = plan.results[found.index] as ProbeResult;
        const describeCase = (c: unknown): string => (plan.kind === 'header' ? describeHeaderCase(c as never) : describePathCase(c as never));
        const shrunk = await shrink(ctx, plan, found.index, judge, campaign, shrinkBudget(ctx), describeCase);
        const smallest = shrunk?.res ?? original;
        const nums = numbers(ctx, campaign, judged);
        const evidence: Evidence = {
          seed: ctx.options.seed,
          exchanges: shrunk ? [smallest.record, original.record] : [original.record],
          numbers: {
            ...nums,
            failingCases: found.count,
            firstFailingCase: found.index,
            campaign: plan.kind,
            fcSeed: plan.seed,
            fcPath: shrunk?.path ?? String(found.index),
            shrinks: shrunk?.shrinks ?? 0,
            shrinkInterrupted: shrunk?.interrupted ?? false,
            reproducedAlone: shrunk !== undefined,
          },
          note: `${replayHint(ctx, spec.id)} (fast-check: seed ${plan.seed}, path ${shrunk?.path ?? found.index}); curl: ${smallest.record.curl}`,
        };
        const how = shrunk
          ? `smallest failing request (after ${shrunk.shrinks} shrink step(s)${shrunk.interrupted ? ', shrinking cut by the time budget' : ''}): ${show(smallest)}: ${shrunk.reason}. Case: ${shrunk.description}`
          : `first failing request (it did not fail again when sent alone, so it was not shrunk): ${show(original)}: ${found.reason}. Case: ${describeCase(plan.cases[found.index])}`;
        return {
          status: 'fail',
          message: `${found.count} of ${found.judged} generated ${plan.kind} case(s) broke the property; ${how}. Seed ${ctx.options.seed} (${replayHint(ctx, spec.id)}).`,
          expected: spec.expected,
          actual: `${shrunk?.reason ?? found.reason}: ${show(smallest)}`,
          evidence,
        };
      }
      return {
        status: 'pass',
        message: `${judged} generated case(s) ${spec.what} (seed ${ctx.options.seed}${campaign.budgetHit ? '; the time budget cut the campaign short' : ''})`,
        evidence: { seed: ctx.options.seed, numbers: numbers(ctx, campaign, judged) },
      };
    },
  };
}

const headerWhy = 'Hand-written lists of near misses test the mistakes someone thought of; generated requests around the real key find the comparisons and parsers that fail on the others.';

/** FUZZ-ACCEPT. */
export const fuzzAcceptance = propertyCheck({
  id: 'fuzz.accepts-only-valid',
  requirement: 'FUZZ-ACCEPT',
  title: 'Generated Authorization fields around the real key: accepted only when they carry exactly the key in an accepted form',
  explain: {
    why: headerWhy,
    typicalFault: 'The token is normalised before the comparison (Unicode NFKC, case folding, trimming, percent-decoding), compared with localeCompare or by prefix, or cut to the key length before timingSafeEqual.',
    fix: 'Parse exactly "Bearer" SP token68; compare the token byte for byte (SHA-256 both sides, timingSafeEqual on the digests); never normalise it.',
  },
  plans: ['header'],
  judge: () => judgeAcceptance,
  needsProtection: true,
  what: 'were accepted exactly when they carried the key in an accepted form',
  expected: 'a 2xx only for `Bearer <key>` forms (required or tolerated; the bare key is judged by header-parsing.bare-key), and a 2xx for every required form',
});

/** FUZZ-PATH. */
export const fuzzPathBypass = propertyCheck({
  id: 'fuzz.path-bypass',
  requirement: 'FUZZ-PATH',
  title: 'Generated spellings of protected paths (combined encodings, case, slashes, dot segments, parameters) are never served without the key',
  explain: {
    why: 'A router and an auth layer that disagree about a path in one rare combination are as open as if they disagreed on every path.',
    typicalFault: 'Auth skips paths that look public (an extension, a prefix) or matches them once-decoded, while the router decodes twice, strips suffixes or resolves dot segments.',
    fix: 'Deny by default: authenticate every request whose raw path is not exactly public, before any routing or normalisation.',
  },
  plans: ['path'],
  judge: () => judgePathBypass,
  needsProtection: true,
  what: 'with no valid credential were refused on every protected-path spelling',
  expected: 'no 2xx without a valid credential, except a public route\'s own answer',
});

/** FUZZ-ROBUST. */
export const fuzzRobust = propertyCheck({
  id: 'fuzz.no-server-error',
  requirement: 'FUZZ-ROBUST',
  title: 'No generated request gets a 5xx, a dropped connection or no answer',
  explain: {
    why: 'Every 5xx on attacker input is a parser or comparison that throws; some of them take the process down.',
    typicalFault: 'decodeURIComponent or JSON.parse on header data without try/catch; timingSafeEqual on buffers of different lengths; regexes that backtrack.',
    fix: 'Validate the header (token68) before any work, hash before comparing, and answer 400/401 for anything malformed.',
  },
  plans: ['header', 'path'],
  judge: () => judgeRobust,
  what: 'got an answer below 500 in time (oversized heads may be refused)',
  expected: 'a 2xx-4xx answer within 3 s for every request (a request head over 8 KiB may also be refused or dropped)',
});

/** FUZZ-NO-ECHO. */
export const fuzzNoEcho = propertyCheck({
  id: 'fuzz.no-echo',
  requirement: 'FUZZ-NO-ECHO',
  title: 'No response to a generated request contains the key or a presented token',
  explain: {
    why: 'Error messages that repeat what was sent put credentials into client logs and error trackers; an echo of (part of) the real key is a disclosure.',
    typicalFault: 'Diagnostic messages such as "Multiple Authorization headers: <values>" or "Unsupported scheme <value>" for rare malformed inputs.',
    fix: 'Use fixed error messages; never interpolate request headers into responses.',
  },
  plans: ['header', 'path'],
  judge: (ctx) => judgeNoEcho(ctx),
  what: 'got responses that repeated neither the key nor the presented token',
  expected: 'no response contains the key, 8+ characters of it, or a presented token of 8+ characters',
});

/** stillServing, once more after a short wait when a rate limiter answered 429. */
async function aliveAfter(ctx: CheckContext): Promise<ProbeResult | undefined> {
  const first = await stillServing(ctx);
  if (first?.status !== 429) return first;
  const wait = Math.min(2_000, 1_000 * (Number(first.header('retry-after')) || 1));
  await new Promise((resolve) => setTimeout(resolve, wait));
  return stillServing(ctx);
}

/** FUZZ-ALIVE: after the campaign the server still serves the valid key. */
export const fuzzAlive: Check = {
  id: 'fuzz.still-serving',
  requirement: 'FUZZ-ALIVE',
  level: 'MUST',
  category: 'fuzz',
  title: 'After the generated requests the server is still up and still accepts the valid key',
  modes: ['auth'],
  timeoutMs: FUZZ_TIMEOUT_MS,
  explain: {
    why: 'A server that dies, leaks resources or locks its own key after a burst of bad requests hands any client a denial of service.',
    typicalFault: 'A lock-out after N failed attempts that also locks the valid key; crashes on rare inputs; connection leaks.',
    fix: 'Rate-limit per client instead of disabling the key; never let a request handler throw out of the server.',
  },
  async run(ctx) {
    if (ctx.key === undefined) return { status: 'skip', message: 'no key in this mode' };
    const campaign = await campaignFor(ctx);
    const after = await aliveAfter(ctx);
    const evidence: Evidence = { seed: ctx.options.seed, numbers: numbers(ctx, campaign, campaign.sent) };
    if (!after) return { status: 'pass', message: `after ${campaign.sent} generated requests the server still accepted the valid key (seed ${ctx.options.seed})`, evidence };
    return {
      status: 'fail',
      message: `after ${campaign.sent} generated requests the server no longer served correctly: ${describe(after)}. Seed ${ctx.options.seed} (${replayHint(ctx, 'fuzz.still-serving')}).`,
      expected: 'GET on a public route answers 2xx and the valid key is still accepted',
      actual: describe(after),
      evidence: { ...evidence, exchanges: [after.record], note: replayHint(ctx, 'fuzz.still-serving') },
    };
  },
};
