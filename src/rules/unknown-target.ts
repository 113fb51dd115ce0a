import { defineRule, migrationProblemsOf } from './rule.js';

/** The upgrade target does not resolve. */
export default defineRule({
  meta: {
    id: 'unknown-target',
    description: 'The upgrade target (--to) names no revision, several, or overlapping revisions.',
    defaultSeverity: 'error',
    wholeHistory: true,
  },
  check: (context) => [
    ...migrationProblemsOf(context, 'unknown-target').map(({ problem }) => ({
      message:
        problem.reason === 'ambiguous-prefix'
          ? `the target ${problem.target} is the beginning of several revisions (${problem.candidates.join(', ')})`
          : problem.reason === 'not-in-branch'
            ? `the target ${problem.target} names a revision outside that branch`
            : `the target ${problem.target} names no revision or branch label`,
      hint: 'see the heads and labels with schema-gate plan, and pass one of them to --to',
    })),
    ...migrationProblemsOf(context, 'unsupported-target').map(({ problem }) => ({
      message: `relative targets such as ${problem.target} are not supported`,
      hint: 'name the revision itself (schema-gate plan lists them)',
    })),
    ...migrationProblemsOf(context, 'overlapping-targets').map(({ problem }) => ({
      message: `the target ${problem.target} resolves to ${problem.revisions[0]} and its own ancestor ${problem.revisions.slice(1).join(', ')}: alembic upgrade fails with "overlaps"`,
      hint: 'give each history its own branch label and upgrade each with <label>@head, or fix the shadowed duplicate revision ids',
    })),
  ],
});
