import { defineRule, eventsOf } from './rule.js';
import { eventLocation, objectName } from './describe.js';

/** A label added by ADD VALUE is used in the same transaction: 55P04 unsafe use of new value. */
export default defineRule({
  meta: {
    id: 'enum-label-used-before-commit',
    description: 'A label added with ALTER TYPE … ADD VALUE is used later in the same transaction (55P04 unsafe use of new value).',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'unsafe-new-label-use').map((event) => {
      // Within one revision the transaction is one whatever env.py says; across revisions, only without transaction_per_migration.
      const sameRevision = event.addedAt.revision === event.revision;
      return {
        ...eventLocation(event),
        ...(event.fails ? {} : { severity: 'warning' as const }),
        message: `revision ${event.revision} uses label '${event.label}'${event.object ? ` of ${objectName(event.object)}` : ''}, added by ${sameRevision ? 'the same revision' : `revision ${event.addedAt.revision}`} (line ${event.addedAt.line}) in the same transaction: ${event.fails ? 'alembic upgrade fails' : 'if the value is of that type, alembic upgrade fails'} with 55P04 (unsafe use of new value) — ${sameRevision ? 'a revision runs in one transaction' : 'the standard env.py runs all pending revisions in one transaction'}`,
        hint: sameRevision
          ? 'add the value inside op.get_context().autocommit_block(), or in a migration of its own run before this one with transaction_per_migration=True'
          : "add the value in its own migration inside op.get_context().autocommit_block(), or set transaction_per_migration=True in env.py's context.configure()",
      };
    }),
});
