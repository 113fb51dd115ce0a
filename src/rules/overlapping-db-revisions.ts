import { firstLocation } from './migration-location.js';
import { defineRule, migrationProblemsOf } from './rule.js';

/** alembic_version holds a revision together with its own ancestor, or an abbreviated id. */
export default defineRule({
  meta: {
    id: 'overlapping-db-revisions',
    description: 'alembic_version holds a revision together with one of its ancestors (or an abbreviated id that will cause that): alembic upgrade refuses.',
    defaultSeverity: 'error',
    wholeHistory: true,
  },
  check: (context) => [
    ...migrationProblemsOf(context, 'overlapping-db-revisions').map(({ problem }) => ({
      ...firstLocation(problem.locations),
      object: 'alembic_version',
      message: `alembic_version holds ${problem.revisions[0]} together with its ancestor ${problem.revisions.slice(1).join(', ')}: alembic upgrade fails with "Requested revision ... overlaps with other requested revisions"`,
      hint: `delete the ancestor rows (DELETE FROM alembic_version WHERE version_num IN (${problem.revisions.slice(1).map((revision) => `'${revision}'`).join(', ')})), usually left by a hand-made INSERT`,
    })),
    ...migrationProblemsOf(context, 'abbreviated-db-revision').map(({ problem }) => ({
      ...firstLocation(problem.locations),
      object: 'alembic_version',
      severity: 'warning' as const,
      message: `alembic_version holds ${problem.revisions[0]}, an abbreviation of ${problem.revisions[1]}: this upgrade runs, but leaves the short row beside the new head, and the next upgrade fails with "overlaps"`,
      hint: `UPDATE alembic_version SET version_num = '${problem.revisions[1]}' WHERE version_num = '${problem.revisions[0]}'`,
    })),
  ],
});
