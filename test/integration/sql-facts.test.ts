/**
 * The PostgreSQL behaviour that the SQL translation (src/migrations/sql) relies on, proved on a real
 * server, each next to what the translation makes of the same SQL.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Effect } from '../../src/model/effect.js';
import { CATALOG_TYPE_NAMES, SERIAL_TYPE_NAMES } from '../../src/migrations/sql/builtin-types.js';
import { loadSqlParser, sqlEffects } from '../../src/migrations/sql/parse-sql.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
beforeAll(loadSqlParser);
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

/** The SQLSTATE a text fails with on the server, or 'ok'. Each call is a session of its own. */
async function outcome(sql: string): Promise<string> {
  try {
    await db.sql(sql);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

async function labelsOf(type: string): Promise<string[] | null> {
  const result = await db.sql('SELECT enum_range(NULL::' + type + ')::text[] AS labels');
  return (result.rows[0] as { labels: string[] | null }).labels;
}

async function typeExists(name: string): Promise<boolean> {
  const result = await db.sql('SELECT to_regtype($1) IS NOT NULL AS found', [name]);
  return (result.rows[0] as { found: boolean }).found;
}

const effectsOf = (sql: string): Effect[] => sqlEffects(sql, { file: 'migration.py', line: 1 });
const kindsOf = (sql: string) => effectsOf(sql).map((effect) => effect.kind);

describe('exception handlers in DO blocks', () => {
  const swallowing = "DO $$ BEGIN CREATE TYPE platformtype AS ENUM ('x'); EXCEPTION WHEN duplicate_object THEN null; END $$";

  it('WHEN duplicate_object swallows CREATE TYPE of an existing type, whose labels stay (drift)', async () => {
    await db.sql("CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads')");
    expect(await outcome(swallowing)).toBe('ok');
    expect(await labelsOf('platformtype')).toEqual(['meta_ads', 'tiktok_ads']);
    expect(effectsOf(swallowing)[0]?.guard).toEqual({ kind: 'exception-handler', conditions: ['duplicate_object'] });
  });

  it("WHEN SQLSTATE '42710' is the same condition", async () => {
    await db.sql("CREATE TYPE platformtype AS ENUM ('meta_ads')");
    const sql = "DO $$ BEGIN CREATE TYPE platformtype AS ENUM ('x'); EXCEPTION WHEN SQLSTATE '42710' THEN null; END $$";
    expect(await outcome(sql)).toBe('ok');
    expect(effectsOf(sql)[0]?.guard).toEqual({ kind: 'exception-handler', conditions: ['duplicate_object'] });
  });

  it('a handler that raises again does not swallow', async () => {
    await db.sql("CREATE TYPE platformtype AS ENUM ('meta_ads')");
    const sql = "DO $$ BEGIN CREATE TYPE platformtype AS ENUM ('x'); EXCEPTION WHEN duplicate_object THEN RAISE; END $$";
    expect(await outcome(sql)).toBe('42710');
    expect(effectsOf(sql)[0]?.guard).toEqual({ kind: 'none' });
  });

  it('a swallowed error undoes every statement of its block, also those before it', async () => {
    // Each statement still carries the handler guard: the Effect model has no notion of the block.
    await db.sql("CREATE TYPE platformtype AS ENUM ('meta_ads')");
    const sql = "DO $$ BEGIN CREATE TYPE fresh AS ENUM ('a'); CREATE TYPE platformtype AS ENUM ('x'); EXCEPTION WHEN duplicate_object THEN null; END $$";
    expect(await outcome(sql)).toBe('ok');
    expect(await typeExists('fresh')).toBe(false);
    expect(effectsOf(sql).map((effect) => effect.guard.kind)).toEqual(['exception-handler', 'exception-handler']);
  });
});

describe('ADD VALUE', () => {
  it('ADD VALUE IF NOT EXISTS of an existing label is a no-op; without the clause it fails 42710', async () => {
    await db.sql("CREATE TYPE platformtype AS ENUM ('meta_ads')");
    expect(await outcome("ALTER TYPE platformtype ADD VALUE IF NOT EXISTS 'meta_ads'")).toBe('ok');
    expect(await labelsOf('platformtype')).toEqual(['meta_ads']);
    expect(await outcome("ALTER TYPE platformtype ADD VALUE 'meta_ads'")).toBe('42710');
    expect(effectsOf("ALTER TYPE platformtype ADD VALUE IF NOT EXISTS 'meta_ads'")[0]).toMatchObject({ ifNotExists: true });
    expect(effectsOf("ALTER TYPE platformtype ADD VALUE 'meta_ads'")[0]).toMatchObject({ ifNotExists: false });
  });

  it('the IF NOT EXISTS of ADD VALUE and of ADD COLUMN concerns the label or column, not the type or table', async () => {
    expect(await outcome("ALTER TYPE missing ADD VALUE IF NOT EXISTS 'x'")).toBe('42704');
    expect(await outcome('ALTER TABLE missing ADD COLUMN IF NOT EXISTS c int')).toBe('42P01');
    expect(await outcome('ALTER TABLE IF EXISTS missing ADD COLUMN c int')).toBe('ok');
  });

  it('a label added in the transaction cannot be used as a value in it (55P04), in every form taken as a label use', async () => {
    await db.sql("CREATE TYPE platformtype AS ENUM ('meta_ads'); CREATE TABLE points (platform platformtype)");
    const uses = [
      "SELECT 'snap_ads'::platformtype",
      "SELECT '{snap_ads}'::platformtype[]",
      "SELECT * FROM points WHERE platform = 'snap_ads'",
      "SELECT * FROM points WHERE platform IN ('snap_ads')",
      "INSERT INTO points (platform) VALUES ('snap_ads')",
      "UPDATE points SET platform = 'snap_ads'",
      "CREATE TABLE other (platform platformtype DEFAULT 'snap_ads')",
      "ALTER TABLE points ALTER COLUMN platform SET DEFAULT 'snap_ads'",
    ];
    for (const use of uses) {
      expect([use, await outcome(`BEGIN; ALTER TYPE platformtype ADD VALUE 'snap_ads'; ${use}; COMMIT`)]).toEqual([use, '55P04']);
      const labels = effectsOf(use).flatMap((effect) => (effect.kind === 'use-enum-label' ? [effect.label] : []));
      expect([use, labels]).toEqual([use, ['snap_ads']]);
    }
  });
});

describe('existence checks in DO blocks', () => {
  const lookup = (condition: string) => `DO $$ BEGIN IF NOT EXISTS (${condition}) THEN CREATE TYPE platformtype AS ENUM ('a'); END IF; END $$`;
  const anySchema = lookup("SELECT 1 FROM pg_type WHERE typname = 'platformtype'");
  const publicOnly = lookup("SELECT 1 FROM pg_type WHERE typname = 'platformtype' AND typnamespace = 'public'::regnamespace");

  it('the usual pg_type lookup skips the create when the name exists in another schema', async () => {
    await db.sql("CREATE SCHEMA analytics; CREATE TYPE analytics.platformtype AS ENUM ('z')");
    expect(await outcome(anySchema)).toBe('ok');
    expect(await typeExists('public.platformtype')).toBe(false);
    expect(effectsOf(anySchema)[0]?.guard).toEqual({ kind: 'existence-check', source: 'pg_type', schemaAware: false });
  });

  it('a lookup that constrains typnamespace creates it', async () => {
    await db.sql("CREATE SCHEMA analytics; CREATE TYPE analytics.platformtype AS ENUM ('z')");
    expect(await outcome(publicOnly)).toBe('ok');
    expect(await typeExists('public.platformtype')).toBe(true);
    expect(effectsOf(publicOnly)[0]?.guard).toEqual({ kind: 'existence-check', source: 'pg_type', schemaAware: true });
  });

  it('a pg_enum lookup guards ADD VALUE of an existing label', async () => {
    await db.sql("CREATE TYPE platformtype AS ENUM ('meta_ads')");
    const sql = "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_enum WHERE enumlabel = 'meta_ads' AND enumtypid = 'platformtype'::regtype) THEN ALTER TYPE platformtype ADD VALUE 'meta_ads'; END IF; END $$";
    expect(await outcome(sql)).toBe('ok');
    expect(effectsOf(sql)[0]?.guard).toEqual({ kind: 'existence-check', source: 'pg_enum', schemaAware: true });
  });
});

describe('parsing', () => {
  it('a syntax error anywhere in a string means none of it runs', async () => {
    const sql = "CREATE TYPE first AS ENUM ('a');\nCREATE TYPE second AS ENUM ('b';";
    expect(await outcome(sql)).toBe('42601');
    expect(await typeExists('first')).toBe(false);
    expect(kindsOf(sql)).toEqual(['invalid-sql']);
  });

  it("the server's error position and ours fall on the same line, past non-ASCII text", async () => {
    const sql = "SELECT 'é日本😀';\nSELECT '😀'\n  , 1;\nSELEC 2;";
    let position = -1;
    try {
      await db.sql(sql);
    } catch (error) {
      position = Number((error as { position?: string }).position); // 1-based, in characters
    }
    const serverLine = 1 + [...sql].slice(0, position - 1).filter((character) => character === '\n').length;
    expect(serverLine).toBe(4);
    expect(effectsOf(sql)).toMatchObject([{ kind: 'invalid-sql', location: { line: serverLine } }]);
  });

  it('unquoted names fold to lower case, quoted ones stay exact', async () => {
    const sql = `CREATE TYPE PlatformType AS ENUM ('a'); CREATE TYPE "PlatformType" AS ENUM ('b')`;
    await db.sql(sql);
    const stored = await db.sql("SELECT typname FROM pg_type WHERE lower(typname) = 'platformtype' ORDER BY typname");
    const names = effectsOf(sql).flatMap((effect) => (effect.kind === 'create-enum' ? [effect.name.name] : []));
    expect(names.sort()).toEqual(stored.rows.map((row) => (row as { typname: string }).typname).sort());
  });

  it('PL/pgSQL errors fail the DO block when it is compiled, even in branches never taken', async () => {
    for (const body of ['undeclared := 1;', 'IF false THEN CREAT TYPE z; END IF;']) {
      const sql = `DO $$ BEGIN ${body} END $$`;
      expect([sql, await outcome(sql)]).toEqual([sql, '42601']);
      expect([sql, kindsOf(sql)]).toEqual([sql, ['invalid-sql']]);
    }
  });

  it('EXECUTE checks its SQL only when it runs: ours is invalid SQL marked as conditional', async () => {
    const sql = "DO $$ BEGIN IF false THEN EXECUTE 'CREAT TYPE z'; END IF; END $$";
    expect(await outcome(sql)).toBe('ok');
    expect(kindsOf(sql)).toEqual(['unknown', 'invalid-sql']);
  });

  it('DO bodies the server runs are accepted by the PL/pgSQL compiler we use', async () => {
    await db.sql("CREATE TYPE platformtype AS ENUM ('meta_ads'); CREATE TABLE points (id int, platform platformtype)");
    const bodies = [
      "DECLARE r record; n int := 0; p platformtype; BEGIN FOR r IN SELECT * FROM pg_type LIMIT 3 LOOP n := n + 1; EXIT WHEN n > 2; END LOOP; GET DIAGNOSTICS n = ROW_COUNT; RAISE NOTICE 'n %', n; END",
      "<<outer>> DECLARE c refcursor; x points.id%TYPE; BEGIN OPEN c FOR SELECT 1; CLOSE c; CASE 1 WHEN 1 THEN NULL; ELSE NULL; END CASE; ASSERT true; PERFORM 1; END outer",
      "DECLARE labels text[] := ARRAY['a']; l text; BEGIN FOREACH l IN ARRAY labels LOOP CONTINUE; END LOOP; EXECUTE 'SELECT 1' INTO l; END",
      "BEGIN BEGIN CREATE TYPE platformtype AS ENUM ('x'); EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; WHEN others THEN RAISE; END; END",
    ];
    for (const body of bodies) {
      const sql = `DO $$ ${body} $$`;
      expect([body, await outcome(sql)]).toEqual([body, 'ok']);
      expect([body, kindsOf(sql).filter((kind) => kind === 'invalid-sql')]).toEqual([body, []]);
    }
  });

  it('COMMIT in a DO block fails inside a transaction (2D000); ours is unknown', async () => {
    const sql = 'DO $$ BEGIN COMMIT; END $$';
    expect(await outcome(`BEGIN; ${sql}; COMMIT`)).toBe('2D000');
    expect(kindsOf(sql)).toEqual(['unknown']);
  });
});

describe('built-in types', () => {
  /** Types newer than PostgreSQL 12, the oldest server the project supports. */
  const introducedIn: Readonly<Record<string, number>> = {
    pg_snapshot: 130000,
    xid8: 130000,
    regcollation: 130000,
    anycompatible: 130000,
    anycompatiblearray: 130000,
    anycompatiblenonarray: 130000,
    anycompatiblerange: 130000,
    anycompatiblemultirange: 140000,
    anymultirange: 140000,
  };

  it('every name taken as built-in is a pg_catalog type of the server', async () => {
    const row = (await db.sql('SHOW server_version_num')).rows[0] as { server_version_num: string };
    const version = Number(row.server_version_num);
    const since = (name: string) => introducedIn[name] ?? (name.endsWith('multirange') ? 140000 : 0);
    const expected = CATALOG_TYPE_NAMES.filter((name) => version >= since(name));
    const missing = await db.sql(
      "SELECT name FROM unnest($1::text[]) AS name WHERE NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = name AND typnamespace = 'pg_catalog'::regnamespace)",
      [expected],
    );
    expect(missing.rows).toEqual([]);
  });

  it('the serial names are no types, only CREATE TABLE shorthands', async () => {
    for (const name of SERIAL_TYPE_NAMES) expect([name, await outcome(`SELECT NULL::${name}`)]).toEqual([name, '42704']);
    expect(await outcome('CREATE TABLE t (a serial, b bigserial, c smallserial)')).toBe('ok');
  });
});
