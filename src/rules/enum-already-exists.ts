import { defineRule, eventsOf } from './rule.js';
import { eventLocation, objectName } from './describe.js';

/** A pending migration creates a type that the database already has: `type "x" already exists`. */
export default defineRule({
  meta: {
    id: 'enum-already-exists',
    description: 'A pending migration creates an enum (or type) that already exists in the database, without a guard: the upgrade fails.',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'create-existing')
      .filter((event) => (event.objectType === 'enum' || event.objectType === 'type') && event.existing.kind === 'database')
      .map((event) => {
        const name = objectName(event.object);
        const viaCreateTable = event.effect.kind === 'create-enum' && event.effect.via === 'create-table';
        return {
          ...eventLocation(event),
          message: `revision ${event.revision} creates type ${name}, which already exists in the database: alembic upgrade fails with 'type "${event.object?.name ?? name}" already exists' (42710) and rolls back`,
          hint: viaCreateTable
            ? `the type is created by op.create_table's Enum column: declare it with postgresql.ENUM(..., name='${event.object?.name ?? name}', create_type=False) (create_type=False is ignored on sa.Enum before SQLAlchemy 2.1), and create it once, in one migration`
            : `create the type in one migration only; if it may exist, wrap the CREATE in DO $$ BEGIN ... EXCEPTION WHEN duplicate_object THEN NULL; END $$ — and keep the manifest listing its labels, since every guard compares names only`,
        };
      }),
});
