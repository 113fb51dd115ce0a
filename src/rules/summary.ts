import type { Finding } from './finding.js';

/** Counts of findings by severity. */
export interface FindingSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  /** Findings silenced by `# schema-gate: ignore` comments (not counted above); present when any were. */
  readonly suppressed?: number;
  /**
   * With `--changed-since`: errors and warnings in files unchanged since the merge base, counted
   * among the infos above.
   */
  readonly demoted?: number;
}

/** Counts findings by severity. */
export function summarize(findings: readonly Finding[]): FindingSummary {
  return {
    errors: findings.filter((finding) => finding.severity === 'error').length,
    warnings: findings.filter((finding) => finding.severity === 'warning').length,
    infos: findings.filter((finding) => finding.severity === 'info').length,
  };
}

/** Whether a summary is safe to migrate: no error, and no warning under strict. */
export function isSafe(summary: FindingSummary, strict: boolean): boolean {
  return summary.errors === 0 && (!strict || summary.warnings === 0);
}
