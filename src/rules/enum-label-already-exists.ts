import { defineRule, eventsOf } from './rule.js';
import { eventLocation, objectName } from './describe.js';

/** ADD VALUE (or RENAME VALUE … TO) of a label the type already has. */
export default defineRule({
  meta: {
    id: 'enum-label-already-exists',
    description: 'A pending migration adds a label that the enum already has (without IF NOT EXISTS): the upgrade fails.',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'add-existing-label').map((event) => ({
      ...eventLocation(event),
      message: `revision ${event.revision} adds label '${event.label}' to ${objectName(event.object)}, which already has it: alembic upgrade fails with 42710`,
      hint: `use ALTER TYPE ${event.object?.name ?? ''} ADD VALUE IF NOT EXISTS '${event.label}', or drop the statement if the label was added by hand`,
    })),
});
