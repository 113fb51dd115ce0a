import { defineRule, eventsOf } from './rule.js';
import { eventLocation, objectName } from './describe.js';

/** ALTER / DROP / RENAME / add_column of a type or table that will not exist when the statement runs. */
export default defineRule({
  meta: {
    id: 'object-does-not-exist',
    description: 'A pending migration alters, drops, renames or uses a type or table that will not exist at that point: the upgrade fails.',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'missing-object').map((event) => {
      const what = event.objectType === 'enum' ? 'type' : 'table';
      const why = event.removedInRun ? `it was dropped or renamed earlier in this run (revision ${event.removedInRun.revision}, line ${event.removedInRun.line})` : 'it does not exist at that point';
      const addColumn = event.effect.kind === 'add-column';
      return {
        ...eventLocation(event),
        message: `revision ${event.revision} needs ${what} ${objectName(event.object)}, but ${why}: alembic upgrade fails with ${event.sqlstate} (${what} does not exist)`,
        hint: addColumn
          ? `op.add_column never creates an enum type: create it first, e.g. postgresql.ENUM(..., name='${event.object?.name ?? ''}').create(op.get_bind(), checkfirst=True)`
          : `create the ${what} in an earlier migration, or guard the statement (IF EXISTS) if it may be absent`,
      };
    }),
});
