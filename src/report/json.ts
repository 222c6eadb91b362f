import type { Report } from '../engine/types.js';

/** The JSON report (`--json`): summary, modes and every result with its evidence. */
export function renderJson(report: Report): string {
  const { summary } = report;
  return `${JSON.stringify(
    {
      tool: report.tool,
      target: report.target,
      seed: report.seed,
      startedAt: report.startedAt,
      durationMs: report.durationMs,
      summary: {
        passed: summary.passed,
        failed: summary.failed,
        skipped: summary.skipped,
        conformant: summary.conformant,
        failedMust: summary.failedMust,
        failedShould: summary.failedShould,
        errors: summary.errors,
      },
      modes: report.modes,
      results: report.results,
    },
    null,
    2,
  )}\n`;
}
