import { defineRule, migrationProblemsOf } from './rule.js';

/** alembic_version holds a revision no file defines. */
export default defineRule({
  meta: {
    id: 'unknown-db-revision',
    description: "The database is stamped at a revision that no file defines: alembic upgrade fails with \"Can't locate revision\".",
    defaultSeverity: 'error',
    wholeHistory: true,
  },
  check: (context) =>
    migrationProblemsOf(context, 'unknown-db-revision').map(({ problem }) => {
      const row = problem.revisions[0] ?? '';
      return {
        object: 'alembic_version',
        message:
          problem.candidates.length > 0
            ? `the database is stamped at ${row}, which is the beginning of several revisions (${problem.candidates.join(', ')}): alembic upgrade fails with "Multiple revisions start with '${row}'"`
            : `the database is stamped at ${row}, but no revision file defines it: alembic upgrade fails with "Can't locate revision identified by '${row}'"`,
        hint: `deploy from the branch that defines ${row} (it was applied by another branch's deploy), or, once you know which revision the schema really matches, alembic stamp <that revision> — never stamp blindly`,
      };
    }),
});
