import { closestRuleIds } from './docs.js';
import { listWords } from './migration-location.js';
import type { SuppressionProblem } from './filters/suppressions.js';
import { defineRule } from './rule.js';
import type { FindingDraft } from './finding.js';

function draft(problem: SuppressionProblem): FindingDraft {
  const { comment } = problem;
  const where = { file: comment.file, line: comment.line };
  const directive = comment.scope === 'file' ? 'ignore-file' : 'ignore';
  switch (problem.kind) {
    case 'unused':
      return {
        ...where,
        message: `the suppression of ${problem.rule} matches no finding ${comment.scope === 'file' ? 'in this file' : `at line ${comment.coveredLine}`}`,
        hint:
          comment.scope === 'file'
            ? `remove ${problem.rule} from the comment (the problem is gone, or the rule reports it in another file)`
            : `remove ${problem.rule} from the comment, or move the comment onto the line the finding names or the line directly above it`,
        details: { rule: problem.rule, reason: 'unused' },
      };
    case 'unknown-rule': {
      const nearest = closestRuleIds(problem.rule);
      return {
        ...where,
        message: `the suppression names ${problem.rule}, which is not a rule of schema-gate, so it silences nothing`,
        hint: nearest.length > 0 ? `did you mean ${listWords(nearest)}? (schema-gate rules lists every id)` : 'schema-gate rules lists every id',
        details: { rule: problem.rule, reason: 'unknown-rule' },
      };
    }
    case 'no-reason':
      return {
        ...where,
        message: `the suppression of ${listWords([...comment.rules])} gives no reason, so it silences nothing`,
        hint: `say why after "--": # schema-gate: ${directive} ${comment.rules.join(', ')} -- <why this is safe>`,
        details: { reason: 'no-reason' },
      };
    case 'malformed':
      return {
        ...where,
        message: `a schema-gate comment cannot be read: ${comment.malformed ?? 'unknown form'}, so it silences nothing`,
        hint: 'write # schema-gate: ignore <rule-id>[, <rule-id>] -- <reason> (this line or the next) or # schema-gate: ignore-file <rule-id> -- <reason>',
        details: { reason: 'malformed' },
      };
  }
}

/**
 * A `# schema-gate: ignore` comment that silences nothing: it matches no finding, names an unknown
 * rule, gives no reason, or cannot be read. Its findings themselves cannot be silenced.
 */
export default defineRule({
  meta: {
    id: 'unused-suppression',
    description: 'A `# schema-gate: ignore` comment silences nothing: it matches no finding, names an unknown rule, gives no reason, or cannot be read.',
    defaultSeverity: 'warning',
  },
  check: (context) => (context.suppressionProblems ?? []).map(draft),
});
