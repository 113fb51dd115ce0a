import { firstLocation } from './migration-location.js';
import { defineRule, migrationProblemsOf } from './rule.js';

/** Two files declare the same revision id. */
export default defineRule({
  meta: {
    id: 'duplicate-revision',
    description: 'Several files declare the same revision id; Alembic keeps one of them and the others are shadowed.',
    defaultSeverity: 'error',
    wholeHistory: true,
  },
  check: (context) =>
    migrationProblemsOf(context, 'duplicate-revision').map(({ problem }) => ({
      ...firstLocation(problem.locations),
      message: `revision ${problem.revisions.join(', ')} is declared by ${problem.locations.length} files (${problem.locations.map((location) => `${location.file}${location.line ? `:${location.line}` : ''}`).join(', ')}); Alembic uses ${problem.usedFile} and ignores the others, and which one wins depends on the load order`,
      hint: 'give each file its own revision id (a copied migration file is the usual cause) and fix the down_revision of its children',
    })),
});
