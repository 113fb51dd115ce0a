/**
 * The live database of the check benchmark: `enumCount` enums and `tableCount` tables in schema
 * public, about a third of the tables with an enum column, plus Alembic's version table stamped at
 * one revision. Table names follow the generated history (`table_N`), so the pending revisions'
 * `add_column` find the tables they alter; the tables and types those revisions create are left out.
 */

/** Names the pending revisions create, which the database must not hold yet. */
export interface PendingObjects {
  readonly tables: ReadonlySet<string>;
  readonly enums: ReadonlySet<string>;
}

/** The pending revisions' creations, from the generated history's pattern (index % 3). */
export function pendingObjects(pendingIndexes: readonly number[]): PendingObjects {
  const tables = new Set<string>();
  const enums = new Set<string>();
  for (const index of pendingIndexes) {
    if (index % 3 === 0) {
      tables.add(`table_${index}`);
      enums.add(`status_${index}`);
    } else if (index % 3 === 1) {
      enums.add(`kind_${index}`);
    }
  }
  return { tables, enums };
}

/** The SQL script that creates the schema, in one transaction. */
export function liveSchemaSql(options: {
  readonly enumCount: number;
  readonly tableCount: number;
  readonly stamp: string;
  readonly pending: PendingObjects;
}): string {
  const { enumCount, tableCount, stamp, pending } = options;
  const statements: string[] = ['BEGIN;'];
  const enumNames: string[] = [];
  for (let index = 0; enumNames.length < enumCount; index++) {
    const name = `app_enum_${index}`;
    if (pending.enums.has(name)) continue;
    const labelCount = 3 + (index % 6);
    const labels = Array.from({ length: labelCount }, (_, label) => `'value_${index}_${label}'`).join(', ');
    statements.push(`CREATE TYPE ${name} AS ENUM (${labels});`);
    enumNames.push(name);
  }
  let created = 0;
  for (let index = 0; created < tableCount; index++) {
    const name = `table_${index}`;
    if (pending.tables.has(name)) continue;
    const enumColumn = created % 3 === 0 ? `, state ${enumNames[created % enumNames.length]!} NOT NULL` : '';
    statements.push(`CREATE TABLE ${name} (id integer PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now()${enumColumn});`);
    created += 1;
  }
  statements.push('CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY);');
  statements.push(`INSERT INTO alembic_version VALUES ('${stamp}');`);
  statements.push('COMMIT;');
  return `${statements.join('\n')}\n`;
}
