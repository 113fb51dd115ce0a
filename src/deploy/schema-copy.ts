/**
 * A schema-only copy of a database, generated from pg_catalog (no pg_dump, which a Node-only
 * image does not have): read the shape of the source inside one READ ONLY snapshot, turn it into
 * DDL, and replay that DDL on a scratch database. The same shape, written as sorted DDL lines, is
 * the catalog fingerprint `rehearse` compares before and after an upgrade.
 *
 * Copied: schemas, extensions (when the target server has them), enum types with their labels in
 * order, domains, sequences, functions and procedures, tables (partitioned ones and their
 * partitions included) with their columns, types, collations, NOT NULL, identity and generated
 * columns and defaults, primary keys, unique, exclusion, check and foreign key constraints,
 * indexes, views, materialized views (without data), triggers, and the rows of Alembic's version
 * table. Not copied: any other data, composite and range types, aggregates, foreign tables, rules,
 * row-level security policies, ownership, grants, comments, database and role settings, statistics
 * and storage parameters — the objects of those kinds that exist are listed, never silently lost.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { quoteIdentifier, withReadOnlySnapshot, type VersionTableOptions } from '../catalog/introspect.js';
import { versionRowsQuery } from '../catalog/queries.js';
import { quoteLiteral } from '../model/sql-text.js';

/** Schemas that hold the team's objects: not the system's, not toast or temporary ones. */
const USER_NAMESPACE_FILTER = `n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%'
    AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;

/** Objects an extension owns are recreated by `CREATE EXTENSION`, so they are never copied one by one. */
function notExtensionMember(catalog: string, oidColumn: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = '${catalog}'::pg_catalog.regclass AND d.objid = ${oidColumn}
                    AND d.deptype = 'e' /* member of an extension */)`;
}

/**
 * The version table, resolved as Alembic resolves it: through the session's search_path when no
 * schema is given. It runs before the copy's own queries narrow the search_path.
 * $1: the table's name; $2: its schema or NULL.
 */
export const VERSION_TABLE_QUERY = `
SELECT n.nspname AS schema, c.relname AS name
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = CASE WHEN $2::text IS NULL
                   THEN pg_catalog.to_regclass(pg_catalog.quote_ident($1::text))
                   ELSE pg_catalog.to_regclass(pg_catalog.quote_ident($2::text) || '.' || pg_catalog.quote_ident($1::text))
              END
`;

/** The user schemas, except those an extension created. */
export const SCHEMAS_QUERY = `
SELECT n.nspname AS name
FROM pg_catalog.pg_namespace n
WHERE ${USER_NAMESPACE_FILTER}
  AND ${notExtensionMember('pg_catalog.pg_namespace', 'n.oid')}
ORDER BY n.nspname
`;

/** Installed extensions and their schemas; plpgsql comes with every database. */
export const EXTENSIONS_QUERY = `
SELECT e.extname AS name, n.nspname AS schema
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname
`;

/** Enum types with their labels in `enumsortorder`, the order PostgreSQL compares them in. */
export const ENUMS_QUERY = `
SELECT n.nspname AS schema, t.typname AS name,
       COALESCE((SELECT pg_catalog.json_agg(e.enumlabel ORDER BY e.enumsortorder)
                 FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), '[]'::json) AS labels
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' /* enum */
  AND ${USER_NAMESPACE_FILTER}
  AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')}
ORDER BY n.nspname, t.typname
`;

/** Domains: base type, default, NOT NULL and CHECK constraints (NOT NULL is typnotnull, not a row of its own). */
export const DOMAINS_QUERY = `
SELECT n.nspname AS schema, t.typname AS name,
       pg_catalog.format_type(t.typbasetype, t.typtypmod) AS base_type,
       t.typnotnull AS not_null,
       t.typdefault AS default_expression,
       COALESCE((SELECT pg_catalog.json_agg(pg_catalog.json_build_object('name', con.conname, 'definition', pg_catalog.pg_get_constraintdef(con.oid)) ORDER BY con.conname)
                 FROM pg_catalog.pg_constraint con
                 WHERE con.contypid = t.oid AND con.contype = 'c' /* check */), '[]'::json) AS constraints
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd' /* domain */
  AND ${USER_NAMESPACE_FILTER}
  AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')}
ORDER BY n.nspname, t.typname
`;

/**
 * Sequences with their parameters (not their current values) and the column that owns them (a
 * serial's). Identity sequences belong to their column's GENERATED ... AS IDENTITY and are left out.
 */
export const SEQUENCES_QUERY = `
SELECT n.nspname AS schema, c.relname AS name,
       pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
       s.seqincrement::text AS increment, s.seqmin::text AS min_value, s.seqmax::text AS max_value,
       s.seqstart::text AS start_value, s.seqcache::text AS cache, s.seqcycle AS cycle,
       (SELECT pg_catalog.json_build_object('schema', tn.nspname, 'table', tc.relname, 'column', a.attname)
        FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid
        JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
        JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjsubid > 0
          AND d.deptype = 'a' /* auto: OWNED BY */
        LIMIT 1) AS owned_by
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
WHERE c.relkind = 'S' /* sequence */
  AND ${USER_NAMESPACE_FILTER}
  AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                    AND d.deptype = 'i' /* internal: an identity column's */)
ORDER BY n.nspname, c.relname
`;

/** Functions and procedures as CREATE OR REPLACE statements; aggregates and window functions are not copied. */
export const FUNCTIONS_QUERY = `
SELECT n.nspname AS schema, p.proname AS name,
       pg_catalog.pg_get_function_identity_arguments(p.oid) AS arguments,
       pg_catalog.pg_get_functiondef(p.oid) AS definition
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f' /* function */, 'p' /* procedure */)
  AND ${USER_NAMESPACE_FILTER}
  AND ${notExtensionMember('pg_catalog.pg_proc', 'p.oid')}
ORDER BY n.nspname, p.proname, 3
`;

/**
 * Ordinary and partitioned tables, partitions included, with their columns in attnum order. The
 * default of a generated column is its generation expression. A collation is named only where it
 * differs from the type's own.
 */
export const TABLES_QUERY = `
SELECT n.nspname AS schema, c.relname AS name,
       c.relkind = 'p' /* partitioned table */ AS partitioned,
       c.relpersistence = 'u' /* unlogged */ AS unlogged,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key,
       (SELECT pg_catalog.json_build_object('schema', pn.nspname, 'name', pc.relname)
        FROM pg_catalog.pg_inherits i
        JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
        JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
        WHERE i.inhrelid = c.oid AND c.relispartition) AS partition_of,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       COALESCE((
         SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
                  'name', a.attname,
                  'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                  'notNull', a.attnotnull,
                  'default', pg_catalog.pg_get_expr(ad.adbin, ad.adrelid),
                  'identity', a.attidentity,
                  'generated', a.attgenerated,
                  'collation', CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                                    THEN (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
                                          FROM pg_catalog.pg_collation co
                                          JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                                          WHERE co.oid = a.attcollation)
                               END
                ) ORDER BY a.attnum)
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       ), '[]'::json) AS columns
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r' /* ordinary table */, 'p' /* partitioned table */)
  AND ${USER_NAMESPACE_FILTER}
  AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname
`;

/**
 * Table constraints a table declares itself: copies a partition inherits from its parent
 * (conparentid, or not conislocal) come back with the parent's. NOT NULL rows (PostgreSQL 18's
 * contype 'n') are the columns' NOT NULL and constraint triggers are triggers.
 */
export const CONSTRAINTS_QUERY = `
SELECT n.nspname AS schema, c.relname AS table_name, con.conname AS name, con.contype AS type,
       pg_catalog.pg_get_constraintdef(con.oid) AS definition
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype IN ('p' /* primary key */, 'u' /* unique */, 'x' /* exclusion */, 'c' /* check */, 'f' /* foreign key */)
  AND con.conislocal AND con.conparentid = 0
  AND c.relkind IN ('r', 'p')
  AND ${USER_NAMESPACE_FILTER}
  AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname, con.conname
`;

/**
 * Indexes that no constraint creates, on tables and materialized views. An index attached to a
 * partitioned index is recreated by its parent, so it is left out.
 */
export const INDEXES_QUERY = `
SELECT n.nspname AS schema, ic.relname AS name, pg_catalog.pg_get_indexdef(i.indexrelid) AS definition
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm' /* materialized view */)
  AND ${USER_NAMESPACE_FILTER}
  AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = i.indexrelid)
ORDER BY n.nspname, ic.relname
`;

/** Views and materialized views with their defining queries. */
export const VIEWS_QUERY = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' /* materialized view */ AS materialized,
       pg_catalog.pg_get_viewdef(c.oid) AS definition
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v' /* view */, 'm' /* materialized view */)
  AND ${USER_NAMESPACE_FILTER}
  AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname
`;

/**
 * User triggers (not the internal ones behind foreign keys). A partition's copy of its parent's
 * trigger is recreated by the parent's, so triggers on partitions are left out.
 */
export const TRIGGERS_QUERY = `
SELECT n.nspname AS schema, c.relname AS table_name, tg.tgname AS name, pg_catalog.pg_get_triggerdef(tg.oid) AS definition
FROM pg_catalog.pg_trigger tg
JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT tg.tgisinternal
  AND NOT c.relispartition
  AND c.relkind IN ('r', 'p', 'v')
  AND ${USER_NAMESPACE_FILTER}
  AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname, tg.tgname
`;

/** Objects of the kinds the copy does not recreate, so that the report can name them. */
export const UNCOPIED_OBJECTS_QUERY = `
SELECT kind, name FROM (
  SELECT CASE t.typtype WHEN 'c' THEN 'composite type' WHEN 'r' THEN 'range type' ELSE 'multirange type' END AS kind,
         pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(t.typname) AS name
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  WHERE (t.typtype IN ('r' /* range */, 'm' /* multirange */)
         OR (t.typtype = 'c' /* composite */ AND EXISTS (SELECT 1 FROM pg_catalog.pg_class rc WHERE rc.oid = t.typrelid AND rc.relkind = 'c' /* stand-alone composite */)))
    AND ${USER_NAMESPACE_FILTER}
    AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')}
  UNION ALL
  SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
         pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE p.prokind IN ('a' /* aggregate */, 'w' /* window */)
    AND ${USER_NAMESPACE_FILTER}
    AND ${notExtensionMember('pg_catalog.pg_proc', 'p.oid')}
  UNION ALL
  SELECT 'foreign table', pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'f' /* foreign table */
    AND ${USER_NAMESPACE_FILTER}
    AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}
  UNION ALL
  SELECT 'rule', pg_catalog.quote_ident(r.rulename) || ' on ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
  FROM pg_catalog.pg_rewrite r
  JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE r.rulename <> '_RETURN' /* a view's own query */
    AND ${USER_NAMESPACE_FILTER}
  UNION ALL
  SELECT 'policy', pg_catalog.quote_ident(pol.polname) || ' on ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
  FROM pg_catalog.pg_policy pol
  JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE ${USER_NAMESPACE_FILTER}
) uncopied
ORDER BY kind, name
`;

/** A schema-qualified object name. */
export interface ObjectName {
  readonly schema: string;
  readonly name: string;
}

/** One column of a table, as the copy recreates it. */
export interface ColumnShape {
  readonly name: string;
  /** The type as `format_type` writes it, schema-qualified outside pg_catalog. */
  readonly type: string;
  readonly notNull: boolean;
  /** The default (or, for a generated column, the generation expression); null when none. */
  readonly default: string | null;
  /** `a`: GENERATED ALWAYS AS IDENTITY; `d`: BY DEFAULT; empty: not an identity column. */
  readonly identity: string;
  /** `s`: stored generated column; `v`: virtual (PostgreSQL 18); empty: not generated. */
  readonly generated: string;
  /** A collation that differs from the type's, already quoted; null otherwise. */
  readonly collation: string | null;
}

/** A table or partition. */
export interface TableShape extends ObjectName {
  readonly partitioned: boolean;
  readonly unlogged: boolean;
  /** `pg_get_partkeydef`, e.g. `RANGE (created_at)`, for a partitioned table. */
  readonly partitionKey: string | null;
  /** The parent, for a partition; its columns come from the parent. */
  readonly partitionOf: ObjectName | null;
  /** `FOR VALUES ...` or `DEFAULT`, for a partition. */
  readonly partitionBound: string | null;
  readonly columns: readonly ColumnShape[];
}

/** A sequence's parameters. */
export interface SequenceShape extends ObjectName {
  readonly dataType: string;
  readonly increment: string;
  readonly minValue: string;
  readonly maxValue: string;
  readonly startValue: string;
  readonly cache: string;
  readonly cycle: boolean;
  /** The column of a serial; null for a free-standing sequence. */
  readonly ownedBy: { readonly schema: string; readonly table: string; readonly column: string } | null;
}

/** What the copy reads of a database: every object it knows how to recreate, and the rest by name. */
export interface SchemaShape {
  readonly schemas: readonly string[];
  readonly extensions: readonly { readonly name: string; readonly schema: string }[];
  readonly enums: readonly (ObjectName & { readonly labels: readonly string[] })[];
  readonly domains: readonly (ObjectName & {
    readonly baseType: string;
    readonly notNull: boolean;
    readonly defaultExpression: string | null;
    readonly constraints: readonly { readonly name: string; readonly definition: string }[];
  })[];
  readonly sequences: readonly SequenceShape[];
  readonly functions: readonly (ObjectName & { readonly arguments: string; readonly definition: string })[];
  readonly tables: readonly TableShape[];
  readonly constraints: readonly (ObjectName & { readonly table: string; readonly type: string; readonly definition: string })[];
  readonly indexes: readonly (ObjectName & { readonly definition: string })[];
  readonly views: readonly (ObjectName & { readonly materialized: boolean; readonly definition: string })[];
  readonly triggers: readonly (ObjectName & { readonly table: string; readonly definition: string })[];
  /** Alembic's version table and its rows; null when the database has none. */
  readonly versionTable: (ObjectName & { readonly revisions: readonly string[] }) | null;
  /** Objects of kinds the copy does not recreate. */
  readonly uncopied: readonly { readonly kind: string; readonly name: string }[];
}

/** One DDL statement of a copy, with the object it creates (for messages). */
export interface CopyStatement {
  /** E.g. `table public.campaigns`, `default of public.campaigns.id`. */
  readonly object: string;
  readonly sql: string;
}

/** A statement the target server refused, after every retry. */
export interface CopyFailure {
  readonly object: string;
  /** PostgreSQL's message. */
  readonly reason: string;
}

/** What replaying a copy did. */
export interface CopyOutcome {
  readonly applied: number;
  readonly failed: readonly CopyFailure[];
}

/** A catalog fingerprint: the shape as sorted DDL lines, and their SHA-256. */
export interface CatalogFingerprint {
  readonly hash: string;
  readonly lines: readonly string[];
}

/** How two fingerprints differ: lines only the later one has, and lines it lost. */
export interface FingerprintDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

interface Row {
  [column: string]: unknown;
}

function text(row: Row, column: string): string {
  return String(row[column]);
}

function optionalText(row: Row, column: string): string | null {
  const value = row[column];
  return value === null || value === undefined ? null : String(value);
}

function qualified(object: ObjectName): string {
  return `${quoteIdentifier(object.schema)}.${quoteIdentifier(object.name)}`;
}

export { quoteLiteral };

/**
 * Reads the shape of the database `client` is connected to, inside one READ ONLY, REPEATABLE READ
 * transaction that is rolled back: the source cannot be written, and every query sees one snapshot.
 * The search_path is narrowed to pg_catalog inside it, so that every name PostgreSQL writes back
 * (types, defaults, constraint and index definitions) is schema-qualified. Errors propagate as pg errors.
 */
export async function readSchemaShape(client: pg.Client, versionTable: VersionTableOptions = {}): Promise<SchemaShape> {
  return withReadOnlySnapshot(client, async () => {
    const versionTableRows = (await client.query<Row>(VERSION_TABLE_QUERY, [versionTable.name ?? 'alembic_version', versionTable.schema ?? null])).rows;
    await client.query('SET LOCAL search_path = pg_catalog');
    // One query at a time: a pg client runs them in order anyway.
    const rowsOf: Row[][] = [];
    for (const sql of [SCHEMAS_QUERY, EXTENSIONS_QUERY, ENUMS_QUERY, DOMAINS_QUERY, SEQUENCES_QUERY, FUNCTIONS_QUERY, TABLES_QUERY, CONSTRAINTS_QUERY, INDEXES_QUERY, VIEWS_QUERY, TRIGGERS_QUERY, UNCOPIED_OBJECTS_QUERY]) {
      rowsOf.push((await client.query<Row>(sql)).rows);
    }
    const [schemas, extensions, enums, domains, sequences, functions, tables, constraints, indexes, views, triggers, uncopied] = rowsOf as [Row[], Row[], Row[], Row[], Row[], Row[], Row[], Row[], Row[], Row[], Row[], Row[]];
    let versionTableShape: SchemaShape['versionTable'] = null;
    const versionTableRow = versionTableRows[0];
    if (versionTableRow) {
      const location = { schema: text(versionTableRow, 'schema'), name: text(versionTableRow, 'name') };
      const rows = (await client.query<{ version_num: string }>(versionRowsQuery(qualified(location)))).rows;
      versionTableShape = Object.freeze({ ...location, revisions: Object.freeze(rows.map((row) => row.version_num)) });
    }
    return Object.freeze({
      schemas: Object.freeze(schemas.map((row) => text(row, 'name'))),
      extensions: Object.freeze(extensions.map((row) => Object.freeze({ name: text(row, 'name'), schema: text(row, 'schema') }))),
      enums: Object.freeze(enums.map((row) => Object.freeze({ schema: text(row, 'schema'), name: text(row, 'name'), labels: Object.freeze((row['labels'] as string[]).map(String)) }))),
      domains: Object.freeze(
        domains.map((row) =>
          Object.freeze({
            schema: text(row, 'schema'),
            name: text(row, 'name'),
            baseType: text(row, 'base_type'),
            notNull: row['not_null'] === true,
            defaultExpression: optionalText(row, 'default_expression'),
            constraints: Object.freeze((row['constraints'] as { name: string; definition: string }[]).map((constraint) => Object.freeze({ ...constraint }))),
          }),
        ),
      ),
      sequences: Object.freeze(
        sequences.map((row) =>
          Object.freeze({
            schema: text(row, 'schema'),
            name: text(row, 'name'),
            dataType: text(row, 'data_type'),
            increment: text(row, 'increment'),
            minValue: text(row, 'min_value'),
            maxValue: text(row, 'max_value'),
            startValue: text(row, 'start_value'),
            cache: text(row, 'cache'),
            cycle: row['cycle'] === true,
            ownedBy: (row['owned_by'] as SequenceShape['ownedBy']) ?? null,
          }),
        ),
      ),
      functions: Object.freeze(functions.map((row) => Object.freeze({ schema: text(row, 'schema'), name: text(row, 'name'), arguments: text(row, 'arguments'), definition: text(row, 'definition') }))),
      tables: Object.freeze(
        tables.map((row) =>
          Object.freeze({
            schema: text(row, 'schema'),
            name: text(row, 'name'),
            partitioned: row['partitioned'] === true,
            unlogged: row['unlogged'] === true,
            partitionKey: optionalText(row, 'partition_key'),
            partitionOf: (row['partition_of'] as ObjectName | null) ?? null,
            partitionBound: optionalText(row, 'partition_bound'),
            columns: Object.freeze((row['columns'] as ColumnShape[]).map((column) => Object.freeze({ ...column }))),
          }),
        ),
      ),
      constraints: Object.freeze(
        constraints.map((row) => Object.freeze({ schema: text(row, 'schema'), table: text(row, 'table_name'), name: text(row, 'name'), type: text(row, 'type'), definition: text(row, 'definition') })),
      ),
      indexes: Object.freeze(indexes.map((row) => Object.freeze({ schema: text(row, 'schema'), name: text(row, 'name'), definition: text(row, 'definition') }))),
      views: Object.freeze(views.map((row) => Object.freeze({ schema: text(row, 'schema'), name: text(row, 'name'), materialized: row['materialized'] === true, definition: text(row, 'definition') }))),
      triggers: Object.freeze(triggers.map((row) => Object.freeze({ schema: text(row, 'schema'), table: text(row, 'table_name'), name: text(row, 'name'), definition: text(row, 'definition') }))),
      versionTable: versionTableShape,
      uncopied: Object.freeze(uncopied.map((row) => Object.freeze({ kind: text(row, 'kind'), name: text(row, 'name') }))),
    });
  });
}

function columnDefinition(column: ColumnShape): string {
  const parts = [quoteIdentifier(column.name), column.type];
  if (column.collation) parts.push(`COLLATE ${column.collation}`);
  if (column.identity === 'a') parts.push('GENERATED ALWAYS AS IDENTITY');
  if (column.identity === 'd') parts.push('GENERATED BY DEFAULT AS IDENTITY');
  if (column.generated && column.default !== null) parts.push(`GENERATED ALWAYS AS (${column.default}) ${column.generated === 'v' ? 'VIRTUAL' : 'STORED'}`);
  if (column.notNull) parts.push('NOT NULL');
  return parts.join(' ');
}

function createTableStatement(table: TableShape): string {
  const kind = table.unlogged ? 'CREATE UNLOGGED TABLE' : 'CREATE TABLE';
  const partitionBy = table.partitionKey ? ` PARTITION BY ${table.partitionKey}` : '';
  if (table.partitionOf) return `${kind} ${qualified(table)} PARTITION OF ${qualified(table.partitionOf)} ${table.partitionBound ?? 'DEFAULT'}${partitionBy}`;
  return `${kind} ${qualified(table)} (${table.columns.map(columnDefinition).join(', ')})${partitionBy}`;
}

/** Parents before their partitions, however deep the partitioning goes; otherwise in name order. */
function tablesInCreationOrder(tables: readonly TableShape[]): TableShape[] {
  const byName = new Map(tables.map((table) => [qualified(table), table]));
  const depth = (table: TableShape, seen: number): number => {
    const parent = table.partitionOf ? byName.get(qualified(table.partitionOf)) : undefined;
    return parent && seen < tables.length ? 1 + depth(parent, seen + 1) : 0;
  };
  return [...tables].sort((a, b) => depth(a, 0) - depth(b, 0));
}

/** PostgreSQL creates a constraint only after the keys it refers to: keys first, foreign keys last. */
const CONSTRAINT_ORDER: Readonly<Record<string, number>> = { p: 0, u: 1, x: 2, c: 3, f: 4 };

/**
 * The DDL that recreates a shape, in an order PostgreSQL accepts: schemas, extensions, types,
 * sequences, functions, tables, defaults, sequence ownership, constraints, indexes, views,
 * triggers, and last the version table's rows. Defaults and constraints are statements of their
 * own, so that one the target cannot take (a function it lacks) costs only itself, not its table.
 */
export function copyStatements(shape: SchemaShape): CopyStatement[] {
  const statements: CopyStatement[] = [];
  const add = (object: string, sql: string): void => {
    statements.push({ object, sql });
  };
  for (const schema of shape.schemas) add(`schema ${schema}`, `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  for (const extension of shape.extensions) add(`extension ${extension.name}`, `CREATE EXTENSION IF NOT EXISTS ${quoteIdentifier(extension.name)} WITH SCHEMA ${quoteIdentifier(extension.schema)}`);
  for (const enumType of shape.enums) add(`enum ${enumType.schema}.${enumType.name}`, `CREATE TYPE ${qualified(enumType)} AS ENUM (${enumType.labels.map(quoteLiteral).join(', ')})`);
  for (const domain of shape.domains) {
    const defaultClause = domain.defaultExpression !== null ? ` DEFAULT ${domain.defaultExpression}` : '';
    add(`domain ${domain.schema}.${domain.name}`, `CREATE DOMAIN ${qualified(domain)} AS ${domain.baseType}${defaultClause}${domain.notNull ? ' NOT NULL' : ''}`);
    for (const constraint of domain.constraints) {
      add(`constraint ${constraint.name} of domain ${domain.schema}.${domain.name}`, `ALTER DOMAIN ${qualified(domain)} ADD CONSTRAINT ${quoteIdentifier(constraint.name)} ${constraint.definition}`);
    }
  }
  for (const sequence of shape.sequences) {
    add(
      `sequence ${sequence.schema}.${sequence.name}`,
      `CREATE SEQUENCE ${qualified(sequence)} AS ${sequence.dataType} INCREMENT BY ${sequence.increment} MINVALUE ${sequence.minValue} MAXVALUE ${sequence.maxValue} START WITH ${sequence.startValue} CACHE ${sequence.cache} ${sequence.cycle ? 'CYCLE' : 'NO CYCLE'}`,
    );
  }
  for (const fn of shape.functions) add(`function ${fn.schema}.${fn.name}(${fn.arguments})`, fn.definition.trim());
  const tables = tablesInCreationOrder(shape.tables);
  for (const table of tables) add(`table ${table.schema}.${table.name}`, createTableStatement(table));
  for (const table of tables) {
    // A partition takes its columns, and their defaults, from its parent.
    if (table.partitionOf) continue;
    for (const column of table.columns) {
      if (column.default === null || column.generated || column.identity) continue;
      add(`default of ${table.schema}.${table.name}.${column.name}`, `ALTER TABLE ${qualified(table)} ALTER COLUMN ${quoteIdentifier(column.name)} SET DEFAULT ${column.default}`);
    }
  }
  for (const sequence of shape.sequences) {
    if (!sequence.ownedBy) continue;
    const owner = `${qualified({ schema: sequence.ownedBy.schema, name: sequence.ownedBy.table })}.${quoteIdentifier(sequence.ownedBy.column)}`;
    add(`owner of sequence ${sequence.schema}.${sequence.name}`, `ALTER SEQUENCE ${qualified(sequence)} OWNED BY ${owner}`);
  }
  const constraints = [...shape.constraints].sort((a, b) => (CONSTRAINT_ORDER[a.type] ?? 9) - (CONSTRAINT_ORDER[b.type] ?? 9));
  for (const constraint of constraints) {
    add(
      `constraint ${constraint.name} of ${constraint.schema}.${constraint.table}`,
      `ALTER TABLE ${qualified({ schema: constraint.schema, name: constraint.table })} ADD CONSTRAINT ${quoteIdentifier(constraint.name)} ${constraint.definition}`,
    );
  }
  // Materialized views come before indexes: some indexes are on them.
  for (const view of shape.views) {
    add(
      `${view.materialized ? 'materialized view' : 'view'} ${view.schema}.${view.name}`,
      view.materialized
        ? `CREATE MATERIALIZED VIEW ${qualified(view)} AS ${view.definition.trim().replace(/;$/, '')} WITH NO DATA`
        : `CREATE VIEW ${qualified(view)} AS ${view.definition.trim().replace(/;$/, '')}`,
    );
  }
  // PostgreSQL writes an index of a partitioned table `ON ONLY`, which would leave the partitions
  // without theirs and the index invalid; without ONLY it is created on every partition too.
  for (const index of shape.indexes) add(`index ${index.schema}.${index.name}`, index.definition.replace(/ ON ONLY /, ' ON '));
  for (const trigger of shape.triggers) add(`trigger ${trigger.name} on ${trigger.schema}.${trigger.table}`, trigger.definition);
  if (shape.versionTable) {
    for (const revision of shape.versionTable.revisions) {
      add(`revision ${revision} in ${shape.versionTable.schema}.${shape.versionTable.name}`, `INSERT INTO ${qualified(shape.versionTable)} (version_num) VALUES (${quoteLiteral(revision)})`);
    }
  }
  return statements;
}

/** The first line of an error, for a one-line report. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/**
 * Replays DDL on the database `client` is connected to, one statement at a time outside any
 * transaction, so that one refusal costs only its own object. Statements that fail are retried
 * after the others, as long as a pass makes progress: that settles the order of objects that
 * depend on each other in ways the catalog order does not show (a view over a later view, a
 * function returning a table's row type).
 */
export async function applyCopy(client: pg.Client, statements: readonly CopyStatement[]): Promise<CopyOutcome> {
  // Bodies refer to tables that may come later; they are checked when called, not when created.
  await client.query('SET check_function_bodies = off');
  await client.query('SET standard_conforming_strings = on');
  await client.query('SET client_min_messages = warning');
  let pending = [...statements];
  let applied = 0;
  let failures: { statement: CopyStatement; reason: string }[] = [];
  for (;;) {
    failures = [];
    for (const statement of pending) {
      try {
        await client.query(statement.sql);
        applied += 1;
      } catch (error) {
        failures.push({ statement, reason: firstLine(error) });
      }
    }
    if (failures.length === 0 || failures.length === pending.length) break;
    pending = failures.map((failure) => failure.statement);
  }
  return { applied, failed: failures.map((failure) => ({ object: failure.statement.object, reason: failure.reason })) };
}

/** The fingerprint line of an object the copy does not recreate. */
function uncopiedLine(object: { readonly kind: string; readonly name: string }): string {
  return `-- ${object.kind} ${object.name} (not copied)`;
}

/**
 * The fingerprint of a shape: every statement of its copy and every object it cannot copy, sorted,
 * and their SHA-256. Object ids, data (but the version table's rows) and sequence positions are
 * not in it, so that two databases built by the same DDL have the same fingerprint.
 */
export function fingerprint(shape: SchemaShape): CatalogFingerprint {
  const lines = [...copyStatements(shape).map((statement) => statement.sql), ...shape.uncopied.map(uncopiedLine)].sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(`${line}\n`);
  return Object.freeze({ hash: hash.digest('hex'), lines: Object.freeze(lines) });
}

/** What `after` has that `before` has not, and the reverse; both empty when the fingerprints are equal. */
export function diffFingerprints(before: CatalogFingerprint, after: CatalogFingerprint): FingerprintDiff {
  if (before.hash === after.hash) return { added: [], removed: [] };
  const beforeLines = new Set(before.lines);
  const afterLines = new Set(after.lines);
  return { added: after.lines.filter((line) => !beforeLines.has(line)), removed: before.lines.filter((line) => !afterLines.has(line)) };
}

/** The objects of a shape the copy does not recreate, grouped by kind: `2 views: public.a, public.b`. */
export function describeUncopied(shape: SchemaShape): string[] {
  const byKind = new Map<string, string[]>();
  for (const object of shape.uncopied) byKind.set(object.kind, [...(byKind.get(object.kind) ?? []), object.name]);
  const plural = (kind: string, count: number): string => (count === 1 ? kind : kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`);
  return [...byKind].map(([kind, names]) => `${names.length} ${plural(kind, names.length)}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`);
}
