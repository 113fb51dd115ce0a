/**
 * The catalog queries, as named constants. Each runs inside the gate's one READ ONLY transaction.
 * They use only catalogs and functions present in PostgreSQL 12 to 18.
 */

/**
 * The columns the model needs, by relation, in one pass over pg_attribute (not one lookup per
 * table): those whose type is an enum or an enum's array type (an array's element type is its
 * typelem), and those with a default (a generation expression counts: both live in pg_attrdef),
 * since changing such a column to an enum type fails unless the default goes first.
 */
const RELATION_COLUMNS_CTE = `relation_columns AS (
  SELECT a.attrelid,
         pg_catalog.json_agg(pg_catalog.json_build_object(
           'name', a.attname,
           'typeSchema', en.nspname,
           'typeName', et.typname,
           'isArray', ct.oid <> et.oid
         ) ORDER BY a.attnum) FILTER (WHERE et.oid IS NOT NULL) AS enum_columns,
         pg_catalog.json_agg(a.attname ORDER BY a.attnum) FILTER (WHERE a.atthasdef) AS default_columns
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_type ct ON ct.oid = a.atttypid
  LEFT JOIN pg_catalog.pg_type et
    ON et.oid = CASE WHEN ct.typtype = 'e' THEN ct.oid ELSE ct.typelem END
   AND et.typtype = 'e' /* enum */
   AND (ct.oid = et.oid OR ct.oid = et.typarray)
  LEFT JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace
  WHERE a.attnum > 0 AND NOT a.attisdropped
    AND (et.oid IS NOT NULL OR a.atthasdef)
  GROUP BY a.attrelid
),
`;

/** What statements may still name although it is no table of the model. */
const OTHER_RELATIONS = `(
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
  )`;

/**
 * The indexes (partitioned ones too), each with its table, as [schema, index, table]: compact, since
 * every table has at least its primary key's. An index is always in its table's schema.
 */
const INDEXES = `(
    SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_array(n.nspname, c.relname, t.relname)
           ORDER BY n.nspname, c.relname), '[]'::json)
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
    JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
    JOIN user_namespace n ON n.oid = c.relnamespace
  )`;

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
 * - indexes: by name, with their tables.
 * With `namesOnly`, the tables have no columns, other_relations is empty and indexes NULL.
 */
function catalogQuery(namesOnly: boolean): string {
  const columnsCte = namesOnly ? '' : RELATION_COLUMNS_CTE;
  const columnsFields = namesOnly ? '' : `,\n             'enumColumns', COALESCE(rc.enum_columns, '[]'::json),\n             'defaultColumns', rc.default_columns`;
  const columnsJoin = namesOnly ? '' : '\n    LEFT JOIN relation_columns rc ON rc.attrelid = c.oid';
  const otherRelations = namesOnly ? "'[]'::json" : OTHER_RELATIONS;
  const indexes = namesOnly ? 'NULL::json' : INDEXES;
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
${columnsCte}version_table AS (
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
             'name', c.relname${columnsFields}
           ) ORDER BY n.nspname, c.relname), '[]'::json)
    FROM pg_catalog.pg_class c
    JOIN user_namespace n ON n.oid = c.relnamespace${columnsJoin}
    WHERE c.relkind IN ('r' /* ordinary table */, 'p' /* partitioned table */)
      AND NOT c.relispartition
      AND c.oid IS DISTINCT FROM (SELECT oid FROM version_table)
      AND NOT EXISTS (SELECT 1 FROM extension_member m
                      WHERE m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = c.oid)
  ) AS tables,
  ${otherRelations} AS other_relations,
  ${indexes} AS indexes
`;
}

/** The revisions stamped in the version table; the relation name is quoted by the caller. */
export function versionRowsQuery(qualifiedTable: string): string {
  return `SELECT version_num FROM ${qualifiedTable} ORDER BY version_num`;
}

/** The catalog query of `check` and `plan`: everything the simulation starts from. */
export const CATALOG_QUERY = catalogQuery(false);

/**
 * The names of the enums (with their labels) and of the tables, without their columns or the other
 * relations: all a manifest holds, for what does not simulate (`snapshot`). On 5,000 tables it
 * skips a pass over pg_attribute and a third of the JSON.
 */
export const CATALOG_NAMES_QUERY = catalogQuery(true);

