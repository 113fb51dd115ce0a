import { defineRule, eventsOf } from './rule.js';
import { eventLocation, objectName } from './describe.js';

/** BEFORE/AFTER/RENAME VALUE of a missing label, or a value the enum does not have. */
export default defineRule({
  meta: {
    id: 'enum-label-does-not-exist',
    description: 'A pending migration refers to an enum label that the type will not have at that point: the upgrade fails.',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'missing-label').map((event) => ({
      ...eventLocation(event),
      message: `revision ${event.revision} refers to label '${event.label}' of ${objectName(event.object)}, which the type does not have at that point: alembic upgrade fails with ${event.sqlstate}`,
      hint: `check the labels of ${objectName(event.object)} in the database (schema-gate snapshot) and in earlier migrations; add '${event.label}' first if it is meant`,
    })),
});
