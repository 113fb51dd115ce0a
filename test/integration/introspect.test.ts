import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { introspect, withReadOnlySnapshot } from '../../src/catalog/introspect.js';
import { connect } from '../../src/catalog/connection.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

const enumsOf = async () => [...(await introspect(db.url)).state.enums.values()].map((e) => ({ schema: e.schema, name: e.name, labels: e.labels }));
const tablesOf = async () => [...(await introspect(db.url)).state.tables.values()].map((t) => `${t.schema}.${t.name}`);

describe('introspect', () => {
  it('reads a fresh database as empty, without a version table', async () => {
    const catalog = await introspect(db.url);
    expect(catalog.state.enums.size).toBe(0);
    expect(catalog.state.tables.size).toBe(0);
    expect(catalog.versionTable).toBeNull();
    expect(catalog.serverVersionNum).toBeGreaterThanOrEqual(120000);
  });

  it('reads enum labels in enumsortorder, also after ADD VALUE BEFORE', async () => {
    await db.sql("CREATE TYPE granularity AS ENUM ('day', 'month')");
    await db.sql("ALTER TYPE granularity ADD VALUE 'week' BEFORE 'month'");
    await db.sql("ALTER TYPE granularity ADD VALUE 'hour' BEFORE 'day'");
    expect(await enumsOf()).toEqual([{ schema: 'public', name: 'granularity', labels: ['hour', 'day', 'week', 'month'] }]);
  });

  it('keeps quoted mixed-case names apart from folded ones', async () => {
    await db.sql(`CREATE TYPE "PlatformType" AS ENUM ('a'); CREATE TYPE PlatformType AS ENUM ('b')`);
    expect(await enumsOf()).toEqual([
      { schema: 'public', name: 'PlatformType', labels: ['a'] },
      { schema: 'public', name: 'platformtype', labels: ['b'] },
    ]);
  });

  it('reads non-public schemas, and an empty enum', async () => {
    await db.sql(`CREATE SCHEMA analytics; CREATE TYPE analytics.granularity AS ENUM ('day'); CREATE TYPE analytics.nothing AS ENUM (); CREATE TABLE analytics.rollups (id int)`);
    expect(await enumsOf()).toEqual([
      { schema: 'analytics', name: 'granularity', labels: ['day'] },
      { schema: 'analytics', name: 'nothing', labels: [] },
    ]);
    expect(await tablesOf()).toEqual(['analytics.rollups']);
  });

  it('lists a partitioned table once, without its partitions', async () => {
    await db.sql(`CREATE TABLE events (at date) PARTITION BY RANGE (at);
      CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`);
    expect(await tablesOf()).toEqual(['public.events']);
  });

  it('leaves out views, sequences and temporary tables', async () => {
    await db.sql(`CREATE TABLE t (id serial); CREATE VIEW v AS SELECT 1 AS x; CREATE SEQUENCE s; CREATE TEMP TABLE tmp (id int)`);
    expect(await tablesOf()).toEqual(['public.t']);
  });

  it('leaves out the tables and enums that an extension owns', async () => {
    await db.sql(`CREATE EXTENSION citext;
      CREATE TABLE ext_table (id int); CREATE TYPE ext_enum AS ENUM ('a');
      ALTER EXTENSION citext ADD TABLE ext_table; ALTER EXTENSION citext ADD TYPE ext_enum;
      CREATE TABLE own_table (id int); CREATE TYPE own_enum AS ENUM ('a')`);
    expect(await tablesOf()).toEqual(['public.own_table']);
    expect((await enumsOf()).map((e) => e.name)).toEqual(['own_enum']);
  });

  it('records enum columns, including arrays of enums and types from other schemas', async () => {
    await db.sql(`CREATE SCHEMA other; CREATE TYPE other.color AS ENUM ('red');
      CREATE TYPE size AS ENUM ('s');
      CREATE TABLE items (id int, size size, colors other.color[])`);
    const table = (await introspect(db.url)).state.tables.values().next().value;
    expect(table?.enumColumns).toEqual([
      { name: 'size', enumType: { schema: 'public', name: 'size' }, isArray: false },
      { name: 'colors', enumType: { schema: 'other', name: 'color' }, isArray: true },
    ]);
  });

  it('records the columns with a default or a generation expression, never a dropped one', async () => {
    await db.sql(`CREATE TYPE status AS ENUM ('new', 'done');
      CREATE TABLE jobs (id serial, note text, state status DEFAULT 'new', twice int GENERATED ALWAYS AS (id * 2) STORED, gone int DEFAULT 1, plain int);
      ALTER TABLE jobs DROP COLUMN gone;
      CREATE TABLE bare (id int, labels status[])`);
    const tables = [...(await introspect(db.url)).state.tables.values()];
    const jobs = tables.find((t) => t.name === 'jobs')!;
    const bare = tables.find((t) => t.name === 'bare')!;
    expect(jobs.defaultColumns).toEqual(['id', 'state', 'twice']);
    expect(jobs.enumColumns).toEqual([{ name: 'state', enumType: { schema: 'public', name: 'status' }, isArray: false }]);
    expect(bare.defaultColumns).toBeUndefined();
    expect(bare.enumColumns).toEqual([{ name: 'labels', enumType: { schema: 'public', name: 'status' }, isArray: true }]);

  });

  it('records every index by name with its table, constraints\' and partitions\' included; names only leaves them unknown', async () => {
    await db.sql(`CREATE SCHEMA audit; CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);
      CREATE INDEX ix_users_email ON users (email); CREATE INDEX ON users (id, email);
      CREATE TABLE audit.events (at date) PARTITION BY RANGE (at); CREATE INDEX ix_events_at ON audit.events (at)`);
    const indexes = [...((await introspect(db.url)).state.indexes?.values() ?? [])];
    expect(indexes).toEqual([
      { schema: 'public', name: 'ix_users_email', table: { schema: 'public', name: 'users' } },
      { schema: 'public', name: 'users_email_key', table: { schema: 'public', name: 'users' } },
      { schema: 'public', name: 'users_id_email_idx', table: { schema: 'public', name: 'users' } },
      { schema: 'public', name: 'users_pkey', table: { schema: 'public', name: 'users' } },
      { schema: 'audit', name: 'ix_events_at', table: { schema: 'audit', name: 'events' } },
    ]);
    expect((await introspect(db.url, { namesOnly: true })).state.indexes).toBeUndefined();
  });

  it('reads only the names of enums and tables when asked, as a manifest holds them', async () => {
    await db.sql(`CREATE TYPE status AS ENUM ('new', 'done'); CREATE TABLE jobs (id serial, state status DEFAULT 'new');
      CREATE VIEW open_jobs AS SELECT id FROM jobs; CREATE TABLE alembic_version (version_num varchar(32)); INSERT INTO alembic_version VALUES ('a1')`);
    const full = await introspect(db.url);
    const names = await introspect(db.url, { namesOnly: true });
    expect([...names.state.enums.values()]).toEqual([...full.state.enums.values()]);
    expect([...names.state.tables.values()]).toEqual([{ schema: 'public', name: 'jobs', enumColumns: [] }]);
    expect(names.state.otherRelations).toBeUndefined();
    expect(full.state.otherRelations?.size).toBe(2);
    expect(names.versionTable).toEqual(full.versionTable);
  });

  it('reads the version table through the search_path and leaves it out of the tables', async () => {
    await db.sql(`CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('b2'), ('a1'); CREATE TABLE app (id int)`);
    const catalog = await introspect(db.url);
    expect(catalog.versionTable).toEqual({ schema: 'public', name: 'alembic_version', revisions: ['a1', 'b2'] });
    expect([...catalog.state.tables.keys()]).toHaveLength(1);
  });

  it('honours a custom version table name and schema', async () => {
    await db.sql(`CREATE SCHEMA meta; CREATE TABLE meta."Versions" (version_num varchar(32)); INSERT INTO meta."Versions" VALUES ('abc');
      CREATE TABLE alembic_version (version_num varchar(32))`);
    const catalog = await introspect(db.url, { versionTable: { name: 'Versions', schema: 'meta' } });
    expect(catalog.versionTable).toEqual({ schema: 'meta', name: 'Versions', revisions: ['abc'] });
    // The default one is then an ordinary table of the schema.
    expect([...catalog.state.tables.values()].map((t) => t.name)).toEqual(['alembic_version']);
    const missing = await introspect(db.url, { versionTable: { name: 'alembic_version', schema: 'meta' } });
    expect(missing.versionTable).toBeNull();
  });

  it('reads inside a read-only transaction: a write through its session is refused', async () => {
    const client = await connect(db.url);
    try {
      await expect(withReadOnlySnapshot(client, () => client.query('CREATE TABLE sneaky (id int)'))).rejects.toMatchObject({ code: '25006' });
      await expect(withReadOnlySnapshot(client, () => client.query("CREATE TYPE sneaky AS ENUM ('a')"))).rejects.toMatchObject({ code: '25006' });
    } finally {
      await client.end();
    }
    expect(await tablesOf()).toEqual([]);
    expect(await enumsOf()).toEqual([]);
  });

  it('identifies itself as schema-gate in pg_stat_activity', async () => {
    const client = await connect(db.url);
    try {
      const { rows } = await client.query<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()');
      expect(rows[0]?.application_name).toBe('schema-gate');
    } finally {
      await client.end();
    }
  });
});

describe('introspect failures', () => {
  it('names the database that does not exist, exit code 3', async () => {
    const url = new URL(db.url);
    url.pathname = '/no_such_database';
    await expect(introspect(url.toString())).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining('database does not exist') });
  });

  it('times out a slow catalog query with the statement timeout', async () => {
    // Hold a lock that the catalog query would need? Catalog reads take no conflicting locks, so
    // prove the timeout is applied instead.
    const client = await connect(db.url, { connectTimeoutMs: 5000, statementTimeoutMs: 1500 });
    try {
      const { rows } = await client.query<{ statement_timeout: string }>('SHOW statement_timeout');
      expect(rows[0]?.statement_timeout).toBe('1500ms');
      await expect(client.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await client.end();
    }
  });
});

