import fc from 'fast-check';
import { classifyAuthorization, type CredentialClass } from '../../src/contract/credentials.js';
import { concretePath, dedupeRoutes, type RouteSpec } from '../../src/contract/routes.js';
import type { CheckContext } from '../../src/engine/types.js';
import type { Prober } from '../../src/http/prober.js';
import type { ProbeRequest, ProbeResult } from '../../src/http/types.js';
import { Random } from '../../src/util/random.js';
import { auth, catchAll, is2xx, routeRequest, type CatchAll } from '../support.js';
import { describeAuth, headerCaseArb, pathCaseArb, renderAuth, renderPath, SENDABLE_VALUE, usesKey, type HeaderCase, type PathCase } from './grammar.js';

/** What the campaign needs from a check's context (the bench builds one by hand). */
export type FuzzContext = Pick<CheckContext, 'http' | 'key' | 'routes' | 'publicRoutes' | 'primaryRoute' | 'options' | 'mode' | 'target' | 'progress'>;

/** Per-request timeout: longer means a hang. */
export const REQUEST_TIMEOUT_MS = 3_000;
/** Requests whose head is larger than this may be refused or dropped (nginx's default limit is 8 KiB, Node's 16 KiB). */
export const HEADER_LIMIT_MARGIN = 8 * 1024;
/** Requests in flight at once, over keep-alive connections. */
export const CONCURRENCY = 16;
/** Share of the time budget for sending; the rest is left for shrinking. */
const SEND_SHARE = 0.75;
/** Cases generated at a time (per campaign). */
const GENERATE_CHUNK = 128;

/** A rendered case: the request and what judging it needs. */
export interface Built {
  req: ProbeRequest;
  /** Authorization lines as sent. */
  lines: string[];
  cls: CredentialClass;
  /** The request's head is over HEADER_LIMIT_MARGIN. */
  oversize: boolean;
  /** A token of the request is made from the key (see usesKey). */
  keyDerived?: boolean;
}

/** One campaign: an arbitrary, its fast-check seed, the generated cases and their results. */
export interface Plan<C> {
  kind: 'header' | 'path';
  arb: fc.Arbitrary<C>;
  seed: number;
  cases: C[];
  build: (c: C) => Built;
  /** built[i] is cases[i] rendered. */
  built: Built[];
  /** results[i] answers cases[i]; shorter than cases when the time budget ran out. */
  results: ProbeResult[];
}

/** Everything the properties judge. */
export interface Campaign {
  header: Plan<HeaderCase>;
  path: Plan<PathCase>;
  /** 2xx bodies of the public routes (a path spelling that reaches one is not a bypass). */
  publicBodies: string[];
  /** Responses without valid credentials: text a presented token may match without being echoed. */
  baselineText: string;
  /** The answers to an unknown path (a catch-all web UI is not a bypass). */
  catchAll: CatchAll;
  headerRoutes: RouteSpec[];
  sent: number;
  sendMs: number;
  budgetHit: boolean;
  unsendable: number;
}

/** A property: judges one rendered case and its response; a string is the reason it failed. */
export type Judge = (b: Built, res: ProbeResult, campaign: Campaign) => string | undefined;

const cache = new WeakMap<Prober, Map<string, Promise<Campaign>>>();

/** fast-check seeds for a mode's two campaigns, derived from the run's --seed. */
export function fuzzSeeds(runSeed: number, mode: string): { header: number; path: number } {
  const root = new Random(runSeed);
  return { header: root.fork(`fuzz/${mode}/header`).seed, path: root.fork(`fuzz/${mode}/path`).seed };
}

/**
 * The mode's fuzz campaign, run once and shared by every fuzz property of the mode (keyed by the
 * mode's prober: a restarted target gets a new prober and a new campaign).
 */
export function campaignFor(ctx: FuzzContext): Promise<Campaign> {
  let byKey = cache.get(ctx.http);
  if (!byKey) {
    byKey = new Map();
    cache.set(ctx.http, byKey);
  }
  const id = `${ctx.options.seed}/${ctx.options.fuzz.runs}/${ctx.options.fuzz.timeMs}/${ctx.mode.name}`;
  let c = byKey.get(id);
  if (!c) {
    c = runCampaign(ctx);
    byKey.set(id, c);
  }
  return c;
}

/**
 * Generates cases start..start+n-1 exactly as fc.check would for the same seed (fast-check's
 * replay path "i" starts at case i), so any case replays with path "i" and chunks can be made
 * lazily, only as far as the time budget lets the campaign go.
 */
export function generate<C>(arb: fc.Arbitrary<C>, seed: number, n: number, start = 0): C[] {
  const out: C[] = [];
  fc.check(
    fc.property(arb, (v) => {
      out.push(v);
      return true;
    }),
    { seed, numRuns: n, ...(start > 0 ? { path: String(start) } : {}) },
  );
  return out;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function headBytes(req: ProbeRequest): number {
  return req.method.length + req.path.length + 64 + (req.headers ?? []).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
}

/** Header lines and body of a response, for echo checks. */
export function responseText(res: ProbeResult): string {
  return `${res.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}\n${res.body}`;
}

/** Builds and sends both campaigns of a mode, interleaved, within the time budget. */
export async function runCampaign(ctx: FuzzContext): Promise<Campaign> {
  const key = ctx.key;
  if (key === undefined) throw new Error('the fuzz campaign needs a mode with a key');
  const started = performance.now();
  const runs = Math.max(1, Math.floor(ctx.options.fuzz.runs));
  const budgetMs = ctx.options.fuzz.timeMs;
  const seeds = fuzzSeeds(ctx.options.seed, ctx.mode.name);
  const publicPaths = ctx.publicRoutes.map((r) => r.path);
  const allowKeyed = ctx.target.kind !== 'url' || ctx.options.allowMutating;

  const publicRes = await ctx.http.sendAll(ctx.publicRoutes.map((r) => ({ method: 'GET', path: r.path, label: 'fuzz: public body for comparison' })));
  const publicBodies = publicRes.filter((r) => is2xx(r.status)).map((r) => r.body);

  const getRoutes = dedupeRoutes(ctx.routes.filter((r) => r.method === 'GET' && !r.stream));
  const probes = await ctx.http.sendAll(getRoutes.map((r) => ({ method: 'GET', path: concretePath(r.path), headers: [auth(`Bearer ${key}`)], label: 'fuzz: valid key baseline' })));
  const headerRoutes = getRoutes.filter((_r, i) => is2xx(probes[i]?.status));
  if (headerRoutes.length === 0) headerRoutes.push(ctx.primaryRoute);
  const pathRoutes = dedupeRoutes([ctx.primaryRoute, ...ctx.routes]);

  const primary = concretePath(ctx.primaryRoute.path);
  const baseline = await ctx.http.sendAll(
    [[], [auth('Bearer dac-fuzz-baseline-token')], [auth('Bearer !')], [auth('Basic eA==')]].map((headers) => ({ method: 'GET', path: primary, headers, label: 'fuzz: rejection baseline' })),
  );
  // catchAll reads only http and key (shared with public-routes: fetched once per mode).
  const unknown = await catchAll(ctx as CheckContext);
  const baselineText = [...baseline, ...publicRes, unknown.keyless].map(responseText).join('\n');

  const finish = (req: ProbeRequest, lines: string[]): Built => ({
    req: { ...req, timeoutMs: REQUEST_TIMEOUT_MS },
    lines,
    // Every accepted form contains the key verbatim: skip the regexes when no line does.
    cls: lines.some((l) => l.includes(key)) ? classifyAuthorization(lines, key) : 'forbidden',
    oversize: headBytes(req) > HEADER_LIMIT_MARGIN,
  });

  const header: Plan<HeaderCase> = {
    kind: 'header',
    arb: headerCaseArb,
    seed: seeds.header,
    cases: [],
    built: [],
    results: [],
    build: (c) => {
      const route = headerRoutes[c.route % headerRoutes.length] as RouteSpec;
      const lines = renderAuth(c.auth, key);
      return finish({ method: c.head ? 'HEAD' : 'GET', path: concretePath(route.path), headers: lines.map(auth), label: 'fuzz: generated header case' }, lines);
    },
  };
  const path: Plan<PathCase> = {
    kind: 'path',
    arb: pathCaseArb,
    seed: seeds.path,
    cases: [],
    built: [],
    results: [],
    build: (c) => {
      const route = pathRoutes[c.route % pathRoutes.length] as RouteSpec;
      let lines = renderAuth(c.auth, key);
      if (!allowKeyed && !SAFE_METHODS.has(route.method) && lines.some((l) => l.includes(key))) lines = [];
      const spelt = renderPath(concretePath(route.path), c.ops, publicPaths);
      return { ...finish(routeRequest(route, { path: spelt, headers: lines.map(auth), label: 'fuzz: generated path case' }), lines), keyDerived: lines.length > 0 && usesKey(c.auth) };
    },
  };

  // Generate lazily, a chunk at a time, as far as the budget goes.
  const extend = <C>(plan: Plan<C>, upTo: number): void => {
    while (plan.cases.length <= upTo) {
      const more = generate(plan.arb, plan.seed, Math.min(GENERATE_CHUNK, runs - plan.cases.length), plan.cases.length);
      for (const c of more) {
        plan.cases.push(c);
        plan.built.push(plan.build(c));
      }
    }
  };
  // Workers take requests in order, alternating between the campaigns, so a cut by the time
  // budget leaves both with a prefix of their cases answered.
  const sendStart = performance.now();
  const deadline = started + budgetMs * SEND_SHARE;
  let next = 0;
  let sent = 0;
  let budgetHit = false;
  let unsendable = 0;
  const worker = async (): Promise<void> => {
    while (next < 2 * runs) {
      if (performance.now() > deadline) {
        budgetHit = true;
        return;
      }
      const k = next;
      next += 1;
      const plan = (k % 2 === 0 ? header : path) as Plan<unknown>;
      const i = k >> 1;
      extend(plan, i);
      const res = await ctx.http.send((plan.built[i] as Built).req);
      if (res.error?.startsWith('request not sendable')) unsendable += 1;
      plan.results[i] = res;
      sent += 1;
      if (sent % 256 === 0) ctx.progress(`fuzz: ${sent}/${2 * runs} requests`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return {
    header,
    path,
    publicBodies,
    baselineText,
    catchAll: unknown,
    headerRoutes,
    sent,
    sendMs: performance.now() - sendStart,
    budgetHit,
    unsendable,
  };
}


/** The first failing case of a plan under a property, and how many failed. */
export function firstFailure<C>(plan: Plan<C>, judge: Judge, campaign: Campaign): { index: number; reason: string; count: number; judged: number } | undefined {
  let first: { index: number; reason: string } | undefined;
  let count = 0;
  for (let i = 0; i < plan.results.length; i += 1) {
    const res = plan.results[i] as ProbeResult;
    const reason = judge(plan.built[i] as Built, res, campaign);
    if (reason === undefined) continue;
    count += 1;
    first ??= { index: i, reason };
  }
  return first ? { ...first, count, judged: plan.results.length } : undefined;
}

/** The smallest failing case fast-check's shrinking found, re-sent one request at a time. */
export interface Shrunk {
  reproduced: boolean;
  res: ProbeResult;
  reason: string;
  description: string;
  /** fast-check's counterexample path: `fc.check(prop, { seed, path })` replays it. */
  path: string;
  shrinks: number;
  interrupted: boolean;
}

/**
 * Replays case `index` with fast-check (same seed, path "index") and lets it shrink the case to a
 * minimal one that still fails, sending each candidate on its own.
 */
export async function shrink<C>(ctx: FuzzContext, plan: Plan<C>, index: number, judge: Judge, campaign: Campaign, budgetMs: number, describeCase: (c: C) => string): Promise<Shrunk | undefined> {
  let last: { res: ProbeResult; reason: string; c: C } | undefined;
  const property = fc.asyncProperty(plan.arb, async (c) => {
    const b = plan.build(c);
    if (b.lines.some((l) => !SENDABLE_VALUE.test(l))) return true;
    const res = await ctx.http.send({ ...b.req, label: `fuzz: ${describeCase(c)}` });
    const reason = judge(b, res, campaign);
    if (reason === undefined) return true;
    last = { res, reason, c };
    return false;
  });
  const details = await fc.check(property, {
    seed: plan.seed,
    path: String(index),
    numRuns: 1,
    interruptAfterTimeLimit: Math.max(250, budgetMs),
    markInterruptAsFailure: false,
  });
  if (!details.failed || !last) return undefined;
  const final = last as { res: ProbeResult; reason: string; c: C };
  return {
    reproduced: true,
    res: final.res,
    reason: final.reason,
    description: describeCase(final.c),
    path: details.counterexamplePath ?? String(index),
    shrinks: details.numShrinks,
    interrupted: details.interrupted,
  };
}

/** Time left for shrinking, per failing property. */
export function shrinkBudget(ctx: FuzzContext): number {
  return Math.max(1_000, Math.min(5_000, ctx.options.fuzz.timeMs * (1 - SEND_SHARE)));
}

/** Describes a case for reports (no key in it). */
export function describeHeaderCase(c: HeaderCase): string {
  return `${c.head ? 'HEAD' : 'GET'}, ${describeAuth(c.auth)}`;
}

/** Describes a path case for reports. */
export function describePathCase(c: PathCase): string {
  return `path changes ${c.ops.map((o) => JSON.stringify(o)).join(' then ')}; ${describeAuth(c.auth)}`;
}
