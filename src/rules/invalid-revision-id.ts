import { firstLocation } from './migration-location.js';
import { defineRule, migrationProblemsOf } from './rule.js';

/** A revision id or branch label Alembic cannot use. */
export default defineRule({
  meta: {
    id: 'invalid-revision-id',
    description: 'A revision id uses a character Alembic forbids, or a branch label is used twice or equals a revision id.',
    defaultSeverity: 'error',
    wholeHistory: true,
  },
  check: (context) => [
    ...migrationProblemsOf(context, 'invalid-revision-id').map(({ problem }) => ({
      ...firstLocation(problem.locations),
      message: `revision id ${problem.revisions.join(', ')} contains ${problem.characters.map((character) => `"${character}"`).join(', ')}, which Alembic forbids in ids: every Alembic command fails`,
      hint: 'rename the revision (and every down_revision naming it) without @, - or +',
    })),
    ...migrationProblemsOf(context, 'duplicate-branch-label').map(({ problem }) => ({
      ...firstLocation(problem.locations),
      message: `branch label ${problem.label} is declared by ${problem.revisions.join(', ')} (or equals a revision id): every Alembic command fails`,
      hint: 'give each branch a distinct label',
    })),
  ],
});
