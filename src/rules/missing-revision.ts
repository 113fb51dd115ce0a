import { firstLocation } from './migration-location.js';
import { defineRule, migrationProblemsOf } from './rule.js';

/** A down_revision or depends_on that names no revision file. */
export default defineRule({
  meta: {
    id: 'missing-revision',
    description: 'A down_revision or depends_on names a revision that no file defines; every Alembic command fails.',
    defaultSeverity: 'error',
    wholeHistory: true,
  },
  check: (context) =>
    migrationProblemsOf(context, 'missing-revision').map(({ problem }) => ({
      ...firstLocation(problem.locations),
      message: `revision ${problem.revisions.join(', ')} names ${problem.missing} in its ${problem.via}, but no file defines ${problem.missing}: Alembic fails with "Revision ${problem.missing} referenced from ... is not present"`,
      hint: `restore the file that defines ${problem.missing} (check out the branch that has it), or point ${problem.via} at an existing revision`,
    })),
});
