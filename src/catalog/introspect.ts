import type pg from 'pg';
import { DatabaseError } from '../errors.js';
import type { QualifiedName } from '../model/names.js';
import { createSchemaState, type SchemaState } from '../model/schema-state.js';
import { CATALOG_NAMES_QUERY, CATALOG_QUERY, versionRowsQuery } from './queries.js';
import { connect, DEFAULT_CONNECTION_OPTIONS, describeDatabaseFailure, type ConnectionOptions } from './connection.js';

/** Where Alembic keeps its bookkeeping; set in env.py, so the user passes it as flags. */
export interface VersionTableOptions {
  /** Default `alembic_version`. */
  readonly name?: string;
  /** Default: resolved through the search_path, as Alembic does. */
  readonly schema?: string;
}

/** The Alembic version table as found in the database. */
export interface VersionTableState extends QualifiedName {
  /** The stamped revisions, one per applied head. */
  readonly revisions: readonly string[];
}

/** What the live database holds, as the model sees it. */
export interface CatalogSnapshot {
  readonly state: SchemaState;
  readonly serverVersion: string;
  readonly serverVersionNum: number;
  readonly databaseName: string;
  /** null when the version table does not exist: a fresh database, as far as Alembic knows. */
  readonly versionTable: VersionTableState | null;
}

interface CatalogRow {
  server_version: string;
  server_version_num: number;
  database_name: string;
  version_table: { schema: string; name: string } | null;
  enums: { schema: string; name: string; labels: string[] }[];
  tables: { schema: string; name: string; enumColumns?: { name: string; typeSchema: string; typeName: string; isArray: boolean }[]; defaultColumns?: string[] | null }[];
  other_relations: { schema: string; name: string }[];
  /** [schema, index, table]; NULL when not read. */
  indexes: [string, string, string][] | null;
}

/** How much of the catalog to read. */
export interface IntrospectDetail {
  /**
   * Only the names of the enums (with their labels) and of the tables, what a manifest holds: the
   * tables then have no enum columns and no columns with defaults, there are no other relations and
   * the indexes are unknown, so the state is not one to simulate on. Cheaper on large schemas.
   */
  readonly namesOnly?: boolean;
}

/** Quotes an identifier for SQL text, the way quote_ident does when it must. */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Reads the catalog through an open client, inside `withReadOnlySnapshot`. Errors propagate as pg errors. */
export async function introspectWithClient(client: pg.Client, versionTable: VersionTableOptions = {}, options: IntrospectDetail = {}): Promise<CatalogSnapshot> {
  const query = options.namesOnly ? CATALOG_NAMES_QUERY : CATALOG_QUERY;
  return withReadOnlySnapshot(client, async () => {
    const { rows } = await client.query<CatalogRow>(query, [versionTable.name ?? 'alembic_version', versionTable.schema ?? null]);
    const row = rows[0]!;
    let versionTableState: VersionTableState | null = null;
    if (row.version_table) {
      const qualified = `${quoteIdentifier(row.version_table.schema)}.${quoteIdentifier(row.version_table.name)}`;
      const versions = await client.query<{ version_num: string }>(versionRowsQuery(qualified));
      versionTableState = Object.freeze({ ...row.version_table, revisions: Object.freeze(versions.rows.map((r) => r.version_num)) });
    }
    const state = createSchemaState(
      row.enums,
      row.tables.map((table) => ({
        schema: table.schema,
        name: table.name,
        enumColumns: (table.enumColumns ?? []).map((column) => ({
          name: column.name,
          enumType: { schema: column.typeSchema, name: column.typeName },
          isArray: column.isArray,
        })),
        ...(table.defaultColumns ? { defaultColumns: table.defaultColumns } : {}),
      })),
      row.other_relations,
      row.indexes?.map(([schema, name, table]) => ({ schema, name, table: { schema, name: table } })),
    );
    return Object.freeze({
      state,
      serverVersion: row.server_version,
      serverVersionNum: row.server_version_num,
      databaseName: row.database_name,
      versionTable: versionTableState,
    });
  });
}

/**
 * Runs `body` inside one READ ONLY, REPEATABLE READ transaction, then rolls it back: every query
 * sees the same snapshot, and PostgreSQL itself refuses any write (25006), whatever `body` does.
 */
export async function withReadOnlySnapshot<T>(client: pg.Client, body: () => Promise<T>): Promise<T> {
  await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    return await body();
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * Connects, reads the catalog, disconnects. Failures are DatabaseErrors (exit 3). `onProgress` is
 * told when connecting starts and when the catalog query does.
 */
export async function introspect(
  url: string,
  options: { connection?: ConnectionOptions; versionTable?: VersionTableOptions; onProgress?: (phase: 'connecting' | 'introspecting') => void } & IntrospectDetail = {},
): Promise<CatalogSnapshot> {
  options.onProgress?.('connecting');
  const client = await connect(url, options.connection ?? DEFAULT_CONNECTION_OPTIONS);
  try {
    options.onProgress?.('introspecting');
    return await introspectWithClient(client, options.versionTable, options.namesOnly ? { namesOnly: true } : {});
  } catch (error) {
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(describeDatabaseFailure(error, url, 'read the catalog of'));
  } finally {
    await client.end().catch(() => undefined);
  }
}
