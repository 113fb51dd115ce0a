// The floor for live introspection: one Node process that connects with `pg`, runs one
// hand-written catalog query (enums with their labels in order, and the tables of user schemas),
// prints the result and exits. Usage: node bench/catalog-floor.mjs URL
import pg from 'pg';

const QUERY = `
SELECT
  (SELECT COALESCE(json_agg(json_build_object(
            'schema', n.nspname, 'name', t.typname,
            'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid))), '[]'::json)
   FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
   WHERE t.typtype = 'e' AND n.nspname NOT IN ('pg_catalog', 'information_schema')) AS enums,
  (SELECT COALESCE(json_agg(json_build_object('schema', n.nspname, 'name', c.relname)), '[]'::json)
   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%') AS tables
`;

const client = new pg.Client({ connectionString: process.argv[2] });
await client.connect();
const { rows } = await client.query(QUERY);
await client.end();
process.stdout.write(`${JSON.stringify(rows[0])}\n`);
