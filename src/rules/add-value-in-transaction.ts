import { defineRule, eventsOf } from './rule.js';
import { eventLocation, objectName } from './describe.js';

/** ADD VALUE inside a transaction on PostgreSQL 11 or older. */
export default defineRule({
  meta: {
    id: 'add-value-in-transaction',
    description: 'ALTER TYPE … ADD VALUE runs inside a transaction on PostgreSQL 11 or older, which refuses it (25001).',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'add-value-in-transaction').map((event) => ({
      ...eventLocation(event),
      message: `revision ${event.revision} adds a value to ${objectName(event.object)} inside the migration transaction: PostgreSQL before 12 refuses ALTER TYPE … ADD VALUE in a transaction block (25001)`,
      hint: 'run it inside op.get_context().autocommit_block(), or upgrade the server to PostgreSQL 12 or newer',
    })),
});
