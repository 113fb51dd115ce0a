import { defineRule, eventsOf } from './rule.js';
import { describeOrigin, eventLocation, labelList, objectName } from './describe.js';

/**
 * Two migrations in the chain create the same type. Through `op.create_table` SQLAlchemy's per-run
 * memo hides the second while both are pending in one run, and the same files fail on a database
 * where the first was applied by an earlier deploy; through SQL the second fails at once.
 */
export default defineRule({
  meta: {
    id: 'enum-created-twice',
    description: 'Two migrations in the chain create the same enum type.',
    defaultSeverity: 'error',
  },
  check: (context) => [
    ...eventsOf(context, 'create-existing')
      .filter((event) => (event.objectType === 'enum' || event.objectType === 'type') && event.existing.kind === 'migration')
      .map((event) => ({
        ...eventLocation(event),
        message: `revision ${event.revision} creates type ${objectName(event.object)}, ${describeOrigin(event.existing)}: alembic upgrade fails with 42710 (type already exists)`,
        hint:
          event.effect.kind === 'create-enum' && event.effect.via === 'create-table'
            ? `op.create_table creates the Enum column's type: declare the column with postgresql.ENUM(name='${event.object?.name ?? ''}', create_type=False) — on sa.Enum, create_type=False is ignored before SQLAlchemy 2.1`
            : 'create the type in exactly one migration; later migrations should use it (postgresql.ENUM(..., create_type=False)) rather than create it again',
      })),
    ...eventsOf(context, 'created-twice-masked').map((event) => {
      const first = event.existing.kind === 'migration' ? `${event.existing.file}:${event.existing.line}` : '?';
      const drift = `the labels differ, so the first definition ${labelList(event.firstLabels)} wins silently over ${labelList(event.labels)}`;
      if (event.sameRevision) {
        return {
          ...eventLocation(event),
          severity: 'error' as const,
          message: `revision ${event.revision} declares type ${objectName(event.object)} again through op.create_table (first at ${first}): SQLAlchemy emits CREATE TYPE once per run, and ${drift}`,
          hint: `give every column of ${objectName(event.object)} the same labels (one Enum object shared by the tables), or give the other type its own name`,
        };
      }
      return {
        ...eventLocation(event),
        severity: event.labelsDiffer ? ('error' as const) : ('warning' as const),
        message:
          `revision ${event.revision} creates type ${objectName(event.object)} through op.create_table, as revision ${event.existing.kind === 'migration' ? `${event.existing.revision} (${first})` : '?'} does: ` +
          `while both are pending in one run SQLAlchemy emits CREATE TYPE once and this passes, but on a database where the first was applied by an earlier deploy this file fails with 'type already exists'` +
          (event.labelsDiffer ? `; and ${drift}` : ''),
        hint: `create ${objectName(event.object)} in one migration only; in the other, declare the column with postgresql.ENUM(..., create_type=False) — on sa.Enum create_type=False is ignored before SQLAlchemy 2.1`,
      };
    }),
  ],
});
