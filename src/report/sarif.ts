import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Check, Report, Result } from '../engine/types.js';
import type { Evaluation } from './baseline.js';

/** Requirement id -> its text, read from the SPEC.md shipped beside the code (empty when not found). */
export function requirementTexts(): Map<string, { level: string; text: string; source: string }> {
  const out = new Map<string, { level: string; text: string; source: string }>();
  // src/report/*.ts and dist/src/report/*.js sit two and three levels below the package root.
  for (const rel of ['../../SPEC.md', '../../../SPEC.md']) {
    let text: string;
    try {
      text = readFileSync(new URL(rel, import.meta.url), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const m = /^\|\s*([A-Z][A-Z0-9-]+)\s*\|\s*(MUST|SHOULD)\s*\|(.*)\|(.*)\|\s*$/.exec(line);
      if (m?.[1] && m[2] && m[3] !== undefined && m[4] !== undefined) out.set(m[1], { level: m[2], text: m[3].trim(), source: m[4].trim() });
    }
    if (out.size > 0) break;
  }
  return out;
}

/** Options of {@link renderSarif}. */
export interface SarifOptions {
  /** Checks to describe as rules (normally ALL_CHECKS). */
  checks: readonly Check[];
  evaluation?: Evaluation;
  /**
   * Repository-relative file each result is anchored to. GitHub code scanning only accepts
   * results with a file location inside the repository; the CLI passes the config file, else
   * `package.json`. The target and mode go in each result's logical location.
   */
  artifactUri?: string;
}

const INFO_URI = 'https://www.npmjs.com/package/dexto-auth-conformance';

const markdownHelp = (c: Check, requirement: string | undefined): string =>
  [
    `**${c.title}**`,
    '',
    `Requirement \`${c.requirement}\` (${c.level})${requirement ? `: ${requirement}` : ''}`,
    ...(c.explain
      ? ['', `**Why it matters:** ${c.explain.why}`, '', `**What a failing server typically does:** ${c.explain.typicalFault}`, '', `**How to fix it:** ${c.explain.fix}`]
      : []),
    '',
    `Run \`npx dexto-auth-conformance --explain ${c.id}\` for this text in a terminal.`,
  ].join('\n');

const plainHelp = (c: Check): string =>
  c.explain ? `Why: ${c.explain.why}\nTypical fault: ${c.explain.typicalFault}\nFix: ${c.explain.fix}` : `See SPEC.md, requirement ${c.requirement}.`;

/** Stable per (check, mode): lets code scanning match an alert across runs. */
function fingerprint(r: Result): string {
  return createHash('sha256').update(`${r.id}\u0000${r.mode}`).digest('hex').slice(0, 32);
}

/**
 * SARIF 2.1.0 (`--sarif`): rules are the checks (requirement and explain text), results are the
 * failures, each located logically at target/mode/check. Baselined failures are included as
 * externally suppressed.
 */
export function renderSarif(report: Report, options: SarifOptions): string {
  const texts = requirementTexts();
  const ids = new Set(report.results.map((r) => r.id));
  const rules = options.checks.filter((c) => ids.has(c.id));
  const ruleIndex = new Map(rules.map((c, i) => [c.id, i]));
  const accepted = new Set((options.evaluation?.accepted ?? []).map((r) => `${r.id}\u0000${r.mode}`));
  const artifactUri = options.artifactUri ?? 'package.json';
  const failures = report.results.filter((r) => r.status === 'fail');
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: INFO_URI,
            rules: rules.map((c) => {
              const req = texts.get(c.requirement);
              return {
                id: c.id,
                name: c.id.replace(/[.-](\w)/g, (_m, ch: string) => ch.toUpperCase()).replace(/^\w/, (ch) => ch.toUpperCase()),
                shortDescription: { text: c.title },
                fullDescription: { text: `${c.requirement} (${c.level}): ${req?.text ?? c.title}` },
                help: { text: plainHelp(c), markdown: markdownHelp(c, req?.text) },
                helpUri: INFO_URI,
                defaultConfiguration: { level: c.level === 'MUST' ? 'error' : 'warning' },
                properties: {
                  requirement: c.requirement,
                  level: c.level,
                  category: c.category,
                  ...(req?.source ? { requirementSource: req.source } : {}),
                  tags: ['security', 'authentication', c.category],
                  precision: 'high',
                  'problem.severity': c.level === 'MUST' ? 'error' : 'warning',
                  'security-severity': c.level === 'MUST' ? '8.0' : '4.0',
                },
              };
            }),
          },
        },
        automationDetails: { id: `dexto-auth-conformance/${report.target.kind}/` },
        invocations: [
          {
            executionSuccessful: report.summary.errors === 0,
            startTimeUtc: report.startedAt,
            endTimeUtc: new Date(Date.parse(report.startedAt) + report.durationMs).toISOString(),
            properties: { seed: report.seed, target: report.target.label, modes: report.modes },
          },
        ],
        results: failures.map((r) => {
          const first = r.evidence?.exchanges?.[0];
          const text = [r.message, r.expected ? `Expected: ${r.expected}` : '', first ? `Reproduce: ${first.curl}` : ''].filter(Boolean).join('\n');
          return {
            ruleId: r.id,
            ruleIndex: ruleIndex.get(r.id) ?? -1,
            level: r.level === 'MUST' ? 'error' : 'warning',
            message: { text: `[mode ${r.mode}] ${text}` },
            locations: [
              {
                physicalLocation: { artifactLocation: { uri: artifactUri }, region: { startLine: 1 } },
                logicalLocations: [{ name: r.mode, fullyQualifiedName: `${report.target.label}/${r.mode}/${r.id}`, kind: 'module' }],
              },
            ],
            partialFingerprints: { 'dextoAuthConformance/v1': fingerprint(r) },
            ...(accepted.has(`${r.id}\u0000${r.mode}`) ? { suppressions: [{ kind: 'external', justification: 'accepted in the baseline file' }] } : {}),
            properties: {
              mode: r.mode,
              requirement: r.requirement,
              target: report.target.label,
              ...(r.expected ? { expected: r.expected } : {}),
              ...(r.actual ? { actual: r.actual } : {}),
              ...(first ? { reproduce: first.curl } : {}),
              ...(r.evidence?.numbers ? { numbers: r.evidence.numbers } : {}),
            },
          };
        }),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
