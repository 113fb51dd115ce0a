/**
 * Type names that can never denote a user's enum.
 *
 * PostgreSQL searches `pg_catalog` before any schema of the search_path, so an unqualified type
 * name of a `pg_catalog` type always means that type, whatever a user created elsewhere. The
 * parser already qualifies the SQL-standard spellings (`integer`, `varchar(10)`, `double precision`,
 * `timestamp with time zone` become `pg_catalog.int4`, …); the names below are the ones it leaves
 * unqualified: PostgreSQL's own base, range, pseudo and catalog types, as `pg_type` lists them in
 * `pg_catalog` (an integration test checks each against a real server), plus the `serial` family,
 * which CREATE TABLE expands and which is no type at all.
 */
const PG_CATALOG_TYPE_NAMES = [
  // Numbers, text, binary, booleans, money.
  'bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'money',
  'text', 'varchar', 'bpchar', 'char', 'name', 'bytea', 'bit', 'varbit',
  // Date and time.
  'date', 'time', 'timetz', 'timestamp', 'timestamptz', 'interval',
  // Structured and special values.
  'uuid', 'json', 'jsonb', 'jsonpath', 'xml', 'tsvector', 'tsquery', 'gtsvector',
  'inet', 'cidr', 'macaddr', 'macaddr8', 'pg_lsn', 'pg_snapshot', 'txid_snapshot',
  'point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle',
  // Ranges and multiranges.
  'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange',
  'int4multirange', 'int8multirange', 'nummultirange', 'tsmultirange', 'tstzmultirange', 'datemultirange',
  // Object identifiers and system columns.
  'oid', 'regclass', 'regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator',
  'regproc', 'regprocedure', 'regrole', 'regtype', 'tid', 'xid', 'xid8', 'cid', 'oidvector', 'int2vector', 'aclitem',
  'refcursor',
  // Pseudo-types.
  'record', 'void', 'trigger', 'event_trigger', 'unknown', 'cstring', 'internal', 'any', 'anyelement', 'anyarray',
  'anynonarray', 'anyenum', 'anyrange', 'anymultirange', 'anycompatible', 'anycompatiblearray',
  'anycompatiblenonarray', 'anycompatiblerange', 'anycompatiblemultirange',
] as const;

/** The `serial` pseudo-types of CREATE TABLE (each expands to an integer column with a sequence). */
export const SERIAL_TYPE_NAMES: readonly string[] = ['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial'];

/** The `pg_catalog` type names, exported for the test that checks them against a real server. */
export const CATALOG_TYPE_NAMES: readonly string[] = PG_CATALOG_TYPE_NAMES;

const BUILTIN_UNQUALIFIED = new Set<string>([...PG_CATALOG_TYPE_NAMES, ...SERIAL_TYPE_NAMES]);

/** Schemas whose types are PostgreSQL's own. */
const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema']);

/**
 * Whether a type name, as the parser gives its parts (`['text']`, `['pg_catalog', 'int4']`,
 * `['public', 'platformtype']`), is one of PostgreSQL's own types rather than one a user made.
 */
export function isBuiltinTypeName(parts: readonly string[]): boolean {
  if (parts.length === 1) return BUILTIN_UNQUALIFIED.has(parts[0]!);
  // schema.type or catalog.schema.type: the schema decides.
  const schema = parts[parts.length - 2];
  return schema !== undefined && SYSTEM_SCHEMAS.has(schema);
}
