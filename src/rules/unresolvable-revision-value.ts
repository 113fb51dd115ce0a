import { firstLocation } from './migration-location.js';
import { defineRule, migrationProblemsOf } from './rule.js';

/** A revision variable built in a way static analysis cannot follow. */
export default defineRule({
  meta: {
    id: 'unresolvable-revision-value',
    description: 'A revision variable (revision, down_revision, depends_on, branch_labels) is computed in a way schema-gate cannot follow statically.',
    defaultSeverity: 'warning',
  },
  check: (context) =>
    migrationProblemsOf(context, 'unresolvable-value').map(({ problem }) => ({
      ...firstLocation(problem.locations),
      message: `${problem.variable} is computed in a way schema-gate cannot evaluate without running the code (${problem.reason}); the graph may miss this edge`,
      hint: `write ${problem.variable} as a literal (or from module-level string constants), as alembic revision generates it`,
    })),
});
