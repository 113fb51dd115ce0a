import { defineRule, eventsOf } from './rule.js';
import { describeOrigin, eventLocation, objectName } from './describe.js';

/** A pending migration creates a table that exists (or a table whose name an enum type has). */
export default defineRule({
  meta: {
    id: 'table-already-exists',
    description: 'A pending migration creates a table that already exists, without a guard: the upgrade fails.',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'create-existing')
      .filter((event) => event.objectType === 'table')
      .map((event) => ({
        ...eventLocation(event),
        message: `revision ${event.revision} creates table ${objectName(event.object)}, ${describeOrigin(event.existing)}: alembic upgrade fails with 42P07 (relation already exists)`,
        hint:
          event.existing.kind === 'database'
            ? 'if the table was created by hand or by a stamped-over revision, check alembic_version against `alembic history`; otherwise create it in one migration only (a guard such as CREATE TABLE IF NOT EXISTS keeps an existing table even if its columns differ)'
            : 'create the table in one migration only',
      })),
});
