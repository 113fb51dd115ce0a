import { defineRule, eventsOf } from './rule.js';
import { eventLocation } from './describe.js';

/** A statement the static analysis cannot understand: the verdict does not cover it. */
export default defineRule({
  meta: {
    id: 'unanalyzable-statement',
    description: 'A statement of a pending migration cannot be understood statically, so the verdict does not cover it.',
    defaultSeverity: 'warning',
  },
  check: (context) =>
    eventsOf(context, 'unknown').map((event) => ({
      ...eventLocation(event),
      message: `revision ${event.revision}: ${event.reason}; schema-gate cannot tell what it does to the schema`,
      hint: 'write the statement with op.* operations or literal SQL so that it can be checked, or rehearse the upgrade on a copy of the database; --strict makes this an error',
    })),
});
