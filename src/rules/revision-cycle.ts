import { firstLocation, listWords } from './migration-location.js';
import { defineRule, migrationProblemsOf } from './rule.js';

/** Revisions that are their own ancestors. */
export default defineRule({
  meta: {
    id: 'revision-cycle',
    description: 'Revisions form a cycle through down_revision or depends_on.',
    defaultSeverity: 'error',
    wholeHistory: true,
  },
  check: (context) =>
    migrationProblemsOf(context, 'cycle').map(({ problem }) => ({
      ...firstLocation(problem.locations),
      message: `revisions ${listWords(problem.revisions)} form a cycle${problem.viaDependencies ? ' through depends_on' : ''}: ${problem.detectedByAlembic ? 'every Alembic command fails' : 'Alembic does not notice and applies them in an order that breaks the declared one'}`,
      hint: 'break the cycle: one of these revisions names a descendant as its down_revision or depends_on',
    })),
});
