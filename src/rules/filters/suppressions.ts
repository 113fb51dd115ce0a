/**
 * The `# schema-gate: ignore …` directives applied to the rules' findings: a step after the rules,
 * over findings only. A directive silences findings of the rules it names at the line it covers
 * (`ignore`) or anywhere in its file (`ignore-file`), and only when it gives a reason after `--`.
 * Silenced findings are kept aside, not lost; what is wrong with a directive (it matches nothing,
 * names an unknown rule, gives no reason, cannot be read) is returned for `unused-suppression`.
 */
import type { SuppressionComment } from '../../migrations/source.js';
import type { Finding } from '../finding.js';

/** The rule that reports directive problems; its own findings cannot be silenced. */
export const UNUSED_SUPPRESSION_RULE = 'unused-suppression';

/** What is wrong with one directive (or one rule id of it). */
export type SuppressionProblem =
  /** It names a rule that reported nothing where it applies, in a file whose findings were all looked for. */
  | { readonly kind: 'unused'; readonly comment: SuppressionComment; readonly rule: string }
  /** It names a rule schema-gate does not have. */
  | { readonly kind: 'unknown-rule'; readonly comment: SuppressionComment; readonly rule: string }
  /** It gives no reason after `--`, so it silences nothing. */
  | { readonly kind: 'no-reason'; readonly comment: SuppressionComment }
  /** It cannot be read (see `comment.malformed`), so it silences nothing. */
  | { readonly kind: 'malformed'; readonly comment: SuppressionComment };

/** A finding a directive silenced, and the directive. */
export interface SuppressedFinding {
  readonly finding: Finding;
  readonly suppression: {
    readonly file: string;
    readonly line: number;
    readonly scope: 'line' | 'file';
    readonly reason: string;
  };
}

/** What applying the directives gives. */
export interface SuppressionOutcome {
  /** The findings no directive silenced, in their order. */
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly problems: readonly SuppressionProblem[];
}

/** What the directives are held against. */
export interface SuppressionOptions {
  /** Every rule id there is. */
  readonly knownRules: ReadonlySet<string>;
  /**
   * Files whose findings were all looked for (the analysed revisions): only there does a directive
   * that matched nothing count as unused. Elsewhere its finding may simply not arise in this run
   * (an applied revision, online).
   */
  readonly checkedFiles: ReadonlySet<string>;
}

function covers(comment: SuppressionComment, finding: Finding): boolean {
  if (finding.file !== comment.file || !comment.rules.includes(finding.rule)) return false;
  return comment.scope === 'file' || finding.line === comment.coveredLine;
}

/**
 * Silences the findings that directives cover. Findings and directives must name files the same
 * way (both relative to one directory, or both absolute).
 */
export function applySuppressions(findings: readonly Finding[], comments: readonly SuppressionComment[], options: SuppressionOptions): SuppressionOutcome {
  const problems: SuppressionProblem[] = [];
  const usable: SuppressionComment[] = [];
  for (const comment of comments) {
    if (comment.malformed !== undefined) {
      problems.push({ kind: 'malformed', comment });
      continue;
    }
    for (const rule of comment.rules) if (!options.knownRules.has(rule)) problems.push({ kind: 'unknown-rule', comment, rule });
    if (comment.reason === undefined) problems.push({ kind: 'no-reason', comment });
    else usable.push(comment);
  }

  const used = new Map<SuppressionComment, Set<string>>();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const comment = finding.rule === UNUSED_SUPPRESSION_RULE ? undefined : usable.find((candidate) => covers(candidate, finding));
    if (!comment) {
      kept.push(finding);
      continue;
    }
    used.set(comment, (used.get(comment) ?? new Set()).add(finding.rule));
    suppressed.push({ finding, suppression: { file: comment.file, line: comment.line, scope: comment.scope, reason: comment.reason! } });
  }

  for (const comment of usable) {
    if (!options.checkedFiles.has(comment.file)) continue;
    for (const rule of new Set(comment.rules)) {
      if (options.knownRules.has(rule) && !used.get(comment)?.has(rule)) problems.push({ kind: 'unused', comment, rule });
    }
  }
  // In file order, so that the report reads top to bottom.
  problems.sort((a, b) => (a.comment.file < b.comment.file ? -1 : a.comment.file > b.comment.file ? 1 : a.comment.line - b.comment.line));
  return { findings: kept, suppressed, problems };
}
