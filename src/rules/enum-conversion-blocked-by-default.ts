import { formatQualifiedName } from '../model/names.js';
import { defineRule, eventsOf } from './rule.js';
import { eventLocation, objectName } from './describe.js';

/** A column with a default changed to an enum type: PostgreSQL cannot convert the default (42804). */
export default defineRule({
  meta: {
    id: 'enum-conversion-blocked-by-default',
    description: 'A column that has a default is changed to an enum type: PostgreSQL finds no automatic cast for the default and the upgrade fails (42804).',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'default-blocks-type-change').map((event) => {
      const column = `${formatQualifiedName(event.table)}.${event.column}`;
      const type = objectName(event.object);
      return {
        ...eventLocation(event),
        message: `revision ${event.revision} changes ${column} to type ${type}, but the column has a default: PostgreSQL converts the default too, finds no automatic cast to an enum, and alembic upgrade fails with 42804 (default for column "${event.column}" cannot be cast automatically to type ${event.object?.name ?? type})`,
        hint: `drop the default before the type change and set it again after: op.alter_column('${event.table.name}', '${event.column}', server_default=None) in a call of its own before (in one op.alter_column call Alembic changes the type first), or ALTER TABLE … ALTER COLUMN ${event.column} DROP DEFAULT; then ALTER COLUMN ${event.column} SET DEFAULT '<label>'::${type}`,
      };
    }),
});
