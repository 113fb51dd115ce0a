/**
 * The catalog queries, as named constants. Each runs inside the gate's one READ ONLY transaction.
 * They use only catalogs and functions present in PostgreSQL 12 to 18.
 */

/** The columns with a default, by relation: changing such a column to an enum type fails unless the default goes first. */
const DEFAULT_COLUMNS_CTE = `default_columns AS (
  SELECT d.adrelid, pg_catalog.json_agg(a.attname ORDER BY a.attnum) AS columns
  FROM pg_catalog.pg_attrdef d
  JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
  WHERE NOT a.attisdropped
  GROUP BY d.adrelid
),
`;

/**
 * Everything the model needs in one round trip, as JSON columns.
 * $1: the version table's name; $2: its schema, or NULL to resolve the name through the
 * search_path exactly as Alembic's unqualified `alembic_version` does.
 *
 * - user schemas: all but pg_catalog, information_schema and the toast and temporary schemas;
 * - objects owned by an extension (pg_depend.deptype 'e') are the extension's, not the team's;
 * - partitions are part of their parent table, so only the parent is listed;
 * - the version table is Alembic's bookkeeping and is not a table of the schema;
 * - other_relations: what statements may still name although it is no table of the model (views,
 *   partitions, foreign and extension-owned tables, the version table).
 */
function catalogQuery(columnDefaults: boolean): string {
  const defaultsCte = columnDefaults ? DEFAULT_COLUMNS_CTE : '';
  const defaultsField = columnDefaults ? `,\n             'defaultColumns', dc.columns` : '';
  const defaultsJoin = columnDefaults ? '\n    LEFT JOIN default_columns dc ON dc.adrelid = c.oid' : '';
  return `
WITH user_namespace AS (
  SELECT oid, nspname
  FROM pg_catalog.pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema')
    AND nspname NOT LIKE 'pg\\_toast%'
    AND nspname NOT LIKE 'pg\\_temp\\_%'
),
extension_member AS (
  SELECT classid, objid
  FROM pg_catalog.pg_depend
  WHERE deptype = 'e' /* member of an extension */
),
-- Each enum, and its array type: the column types that name an enum.
enum_column_type AS (
  SELECT t.oid AS column_type, t.oid AS enum_type FROM pg_catalog.pg_type t WHERE t.typtype = 'e' /* enum */
  UNION ALL
  SELECT t.typarray, t.oid FROM pg_catalog.pg_type t WHERE t.typtype = 'e' AND t.typarray <> 0
),
-- The enum columns of every relation, in one pass over pg_attribute (not one lookup per table).
enum_columns AS (
  SELECT a.attrelid,
         pg_catalog.json_agg(pg_catalog.json_build_object(
           'name', a.attname,
           'typeSchema', en.nspname,
           'typeName', et.typname,
           'isArray', ect.column_type <> ect.enum_type
         ) ORDER BY a.attnum) AS columns
  FROM pg_catalog.pg_attribute a
  JOIN enum_column_type ect ON ect.column_type = a.atttypid
  JOIN pg_catalog.pg_type et ON et.oid = ect.enum_type
  JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace
  WHERE a.attnum > 0 AND NOT a.attisdropped
  GROUP BY a.attrelid
),
${defaultsCte}version_table AS (
  SELECT CASE WHEN $2::text IS NULL
              THEN pg_catalog.to_regclass(pg_catalog.quote_ident($1::text))
              ELSE pg_catalog.to_regclass(pg_catalog.quote_ident($2::text) || '.' || pg_catalog.quote_ident($1::text))
         END AS oid
)
SELECT
  pg_catalog.current_setting('server_version') AS server_version,
  pg_catalog.current_setting('server_version_num')::int AS server_version_num,
  pg_catalog.current_database() AS database_name,
  (
    SELECT pg_catalog.json_build_object('schema', n.nspname, 'name', c.relname)
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = (SELECT oid FROM version_table)
  ) AS version_table,
  (
    SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(
             'schema', n.nspname,
             'name', t.typname,
             'labels', COALESCE((SELECT pg_catalog.json_agg(e.enumlabel ORDER BY e.enumsortorder)
                                 FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), '[]'::json)
           ) ORDER BY n.nspname, t.typname), '[]'::json)
    FROM pg_catalog.pg_type t
    JOIN user_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'e' /* enum */
      AND NOT EXISTS (SELECT 1 FROM extension_member m
                      WHERE m.classid = 'pg_catalog.pg_type'::regclass AND m.objid = t.oid)
  ) AS enums,
  (
    SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object(
             'schema', n.nspname,
             'name', c.relname,
             'enumColumns', COALESCE(ec.columns, '[]'::json)${defaultsField}
           ) ORDER BY n.nspname, c.relname), '[]'::json)
    FROM pg_catalog.pg_class c
    JOIN user_namespace n ON n.oid = c.relnamespace
    LEFT JOIN enum_columns ec ON ec.attrelid = c.oid${defaultsJoin}
    WHERE c.relkind IN ('r' /* ordinary table */, 'p' /* partitioned table */)
      AND NOT c.relispartition
      AND c.oid IS DISTINCT FROM (SELECT oid FROM version_table)
      AND NOT EXISTS (SELECT 1 FROM extension_member m
                      WHERE m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = c.oid)
  ) AS tables,
  (
    SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_object('schema', n.nspname, 'name', c.relname)
           ORDER BY n.nspname, c.relname), '[]'::json)
    FROM pg_catalog.pg_class c
    JOIN user_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r' /* ordinary table */, 'p' /* partitioned table */, 'v' /* view */,
                        'm' /* materialized view */, 'f' /* foreign table */)
      AND (c.relkind IN ('v', 'm', 'f')
           OR c.relispartition
           OR c.oid = (SELECT oid FROM version_table)
           OR EXISTS (SELECT 1 FROM extension_member m
                      WHERE m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = c.oid))
  ) AS other_relations
`;
}

/** The revisions stamped in the version table; the relation name is quoted by the caller. */
export function versionRowsQuery(qualifiedTable: string): string {
  return `SELECT version_num FROM ${qualifiedTable} ORDER BY version_num`;
}

/** The catalog query of `check`: with the columns that have a default. */
export const CATALOG_QUERY = catalogQuery(true);

/** The same without column defaults, for what does not simulate (`snapshot`): lighter on large schemas. */
export const CATALOG_QUERY_WITHOUT_DEFAULTS = catalogQuery(false);

