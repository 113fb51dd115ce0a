/**
 * `--changed-since`: findings located in files the change did not touch are reported as `info`
 * (still listed, never failing), so that a pull request fails only for what it brings. A step
 * after the rules, over findings only. Findings without a file (the schema against the manifest)
 * and findings of rules about the history as a whole keep their severity: they are about whether
 * the upgrade works at all, not about a line someone wrote.
 */
import type { Finding } from '../finding.js';

/** What demoting gives. */
export interface DemotionOutcome {
  readonly findings: readonly Finding[];
  /** How many errors and warnings became infos. */
  readonly demoted: number;
}

/**
 * Reports as `info` every error or warning whose file `isChanged` rejects, unless its rule is in
 * `wholeHistoryRules`. The original severity is kept in `demotedFrom`.
 */
export function demoteUnchanged(findings: readonly Finding[], isChanged: (file: string) => boolean, wholeHistoryRules: ReadonlySet<string>): DemotionOutcome {
  let demoted = 0;
  const result = findings.map((finding): Finding => {
    if (finding.severity === 'info' || finding.file === undefined || wholeHistoryRules.has(finding.rule) || isChanged(finding.file)) return finding;
    demoted++;
    return { ...finding, severity: 'info', demotedFrom: finding.severity };
  });
  return { findings: result, demoted };
}
