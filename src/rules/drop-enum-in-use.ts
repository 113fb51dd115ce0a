import { defineRule, eventsOf } from './rule.js';
import { eventLocation, objectName } from './describe.js';

/** DROP TYPE of a type that columns still use, without CASCADE. */
export default defineRule({
  meta: {
    id: 'drop-enum-in-use',
    description: 'A pending migration drops an enum type that columns still use (2BP01): the upgrade fails.',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'drop-enum-in-use').map((event) => ({
      ...eventLocation(event),
      message: `revision ${event.revision} drops type ${objectName(event.object)}, still used by ${event.usedBy.join(', ')}: alembic upgrade fails with 2BP01 (cannot drop type because other objects depend on it)`,
      hint: 'drop or convert those columns first (op.drop_column / op.alter_column(type_=...)); CASCADE would drop the columns and their data',
    })),
});
