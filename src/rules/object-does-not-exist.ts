import type { Effect } from '../model/effect.js';
import type { SimulationEvent } from '../simulate/simulate.js';
import { defineRule, eventsOf } from './rule.js';
import { eventLocation, objectName } from './describe.js';

type MissingObject = Extract<SimulationEvent, { kind: 'missing-object' }>;

/** What the statement does, when it is more than ALTER/DROP/RENAME of the object itself. */
function operationOf(effect: Effect): string | undefined {
  return effect.kind === 'use-table' ? effect.operation : undefined;
}

/** How to repair the statement: a type is created first, a table created, renamed or reordered. */
function hintFor(event: MissingObject): string {
  const name = event.object?.name ?? '';
  if (event.objectType === 'index') {
    return event.removedInRun
      ? 'the index is gone by then (dropped, or with its table): drop it once'
      : 'autogenerate drops indexes that exist in the database it compared with, which may not be this one: remove the drop, check the name and schema, or make it op.drop_index(..., if_exists=True) (Alembic 1.11.2 and later) / DROP INDEX IF EXISTS';
  }
  if (event.objectType === 'enum') {
    return event.effect.kind === 'add-column'
      ? `op.add_column never creates an enum type: create it first, e.g. postgresql.ENUM(..., name='${name}').create(op.get_bind(), checkfirst=True)`
      : 'create the type in an earlier migration, or guard the statement (IF EXISTS) if it may be absent';
  }
  if (event.effect.kind === 'use-table' && event.effect.viaObject === 'index') {
    return event.removedInRun
      ? 'the index went with its table: drop the index before the table, or drop only the table'
      : `the index cannot exist without table ${name}: check the index and table names, or drop the index only where the table exists`;
  }
  if (event.removedInRun) {
    return `use the table's name at that point, or move the statement before the revision that drops or renames ${name}`;
  }
  return `create the table ${name} in an earlier migration (or earlier in this one), check its name and schema, or guard the statement with an existence check if the table may legitimately be absent`;
}

/** ALTER / DROP / RENAME / add_column / use of a type or table that will not exist when the statement runs. */
export default defineRule({
  meta: {
    id: 'object-does-not-exist',
    description: 'A pending migration alters, drops, renames or uses a type or table (or drops an index) that will not exist at that point: the upgrade fails.',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'missing-object').map((event) => {
      const what = event.objectType === 'enum' ? 'type' : event.objectType;
      const operation = operationOf(event.effect);
      const index = event.effect.kind === 'use-table' && event.effect.viaObject === 'index';
      const why = event.removedInRun ? `it was dropped or renamed earlier in this run (revision ${event.removedInRun.revision}, line ${event.removedInRun.line})` : 'it does not exist at that point';
      const error = `${event.sqlstate} (${index ? 'index' : what} does not exist)`;
      const needs =
        event.objectType === 'index' && event.effect.kind === 'drop-index'
          ? `revision ${event.revision} drops index ${objectName(event.object)} (${event.effect.operation})`
          : `revision ${event.revision} needs ${what} ${objectName(event.object)}${operation ? ` for ${operation}` : ''}`;
      const message = event.uncertain
        ? `${needs}, but as far as schema-gate can tell ${why}; ${event.uncertain}: if not, alembic upgrade fails with ${error}`
        : `${needs}, but ${why}: alembic upgrade fails with ${error}`;
      return {
        ...eventLocation(event),
        // A failure that rests on what schema-gate could not see is possible, not certain.
        ...(event.uncertain ? { severity: 'warning' as const } : {}),
        message,
        hint: hintFor(event),
      };
    }),
});
