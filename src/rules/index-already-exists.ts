import { defineRule, eventsOf } from './rule.js';
import { describeOrigin, eventLocation, objectName } from './describe.js';

/** A pending migration creates an index (or a named key) whose name a relation of its schema already has. */
export default defineRule({
  meta: {
    id: 'index-already-exists',
    description: 'A pending migration creates an index whose name an index, table or view of the schema already has, without IF NOT EXISTS: the upgrade fails.',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'create-existing')
      .filter((event) => event.objectType === 'index')
      .map((event) => {
        const name = objectName(event.object);
        const operation = event.effect.kind === 'create-index' ? event.effect.operation : 'ALTER INDEX … RENAME TO';
        const holder = event.existingRelation === 'table' ? `a table of that name is ${describeOrigin(event.existing)}` : event.existingRelation ? 'a view (or another relation) of that name is already in the database' : `an index of that name is ${describeOrigin(event.existing)}`;
        const failure = `alembic upgrade fails with 42P07 (relation "${event.object?.name ?? name}" already exists)`;
        return {
          ...eventLocation(event),
          // A clash that rests on what schema-gate could not see is possible, not certain.
          ...(event.uncertain ? { severity: 'warning' as const } : {}),
          message: event.uncertain
            ? `revision ${event.revision} creates index ${name} (${operation}), but as far as schema-gate can tell ${holder}; ${event.uncertain}: if not, ${failure}`
            : `revision ${event.revision} creates index ${name} (${operation}), but ${holder}: ${failure}`,
          hint: event.existingRelation
            ? 'indexes share one namespace with the tables and views of their schema: give the index another name'
            : event.existing.kind === 'database'
              ? 'an index made by hand (or by a revision stamped over) has that name: drop it before the upgrade if it is the same index, or name the new one differently; CREATE INDEX IF NOT EXISTS (op.create_index(..., if_not_exists=True) on Alembic 1.11.2 and later) skips it, whatever its columns'
              : 'create the index in one migration only (two branches that both add it meet here after the merge)',
        };
      }),
});
