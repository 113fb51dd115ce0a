/**
 * The SQLAlchemy and Alembic behaviour that the effects analysis (src/migrations/alembic/
 * upgrade-effects.ts) models, proven with real Alembic 1.8 / SQLAlchemy 1.4 (Debian's) running
 * `alembic upgrade` on a real PostgreSQL database. Each test states one fact, observes it, and
 * checks that the analysis of the same revision file says the same.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeUpgrade, type AnalyzedEffect } from '../../src/migrations/alembic/upgrade-effects.js';
import type { Effect, SourceLocation } from '../../src/model/effect.js';
import { createAlembicProject, runAlembic, sqlalchemyUrl, type AlembicRun } from '../support/alembic.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** One revision of a throwaway history; revisions chain in the order given. */
interface Revision {
  readonly body: string;
  /** Module-level Python before upgrade(): imports, constants, classes. */
  readonly prelude?: string;
}

let db: TestDatabase;
let versions: string;
let sources: string[];

beforeEach(async () => {
  db = await createTestDatabase();
  versions = mkdtempSync(join(tmpdir(), 'schema-gate-facts-'));
  sources = [];
});
afterEach(async () => {
  await db.drop();
  rmSync(versions, { recursive: true, force: true });
});

const indent = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

/** Writes the revisions `r1`, `r2`, ... as files of one linear history. */
function writeHistory(revisions: readonly Revision[]): void {
  revisions.forEach((revision, index) => {
    const source = `from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "r${index + 1}"
down_revision = ${index === 0 ? 'None' : `"r${index}"`}

${revision.prelude ?? ''}

def upgrade():
${indent(revision.body)}


def downgrade():
    pass
`;
    sources.push(source);
    writeFileSync(join(versions, `r${index + 1}.py`), source);
  });
}

/** `alembic upgrade <target>` of the written history on the test database. */
async function upgrade(target = 'head'): Promise<AlembicRun> {
  const project = createAlembicProject([versions]);
  try {
    return await runAlembic(project, ['upgrade', target], { SCHEMA_GATE_ALEMBIC_URL: sqlalchemyUrl(db.url) });
  } finally {
    project.remove();
  }
}

async function runHistory(revisions: readonly Revision[], setupSql?: string): Promise<AlembicRun> {
  if (setupSql) await db.sql(setupSql);
  writeHistory(revisions);
  return upgrade();
}

/** The exception line of a failed run's traceback (`sqlalchemy.exc.X: (driver.Error) message`); empty on success. */
function failure(run: AlembicRun): string {
  if (run.code === 0) return '';
  return run.stderr.split('\n').filter((line) => line.startsWith('sqlalchemy.exc.')).pop() ?? run.stderr;
}

/** The enum types of the database as `schema.name` → labels. */
async function enums(): Promise<Record<string, string[]>> {
  const result = await db.sql(`
    SELECT n.nspname AS schema, t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
    GROUP BY n.nspname, t.typname ORDER BY 1, 2`);
  return Object.fromEntries(result.rows.map((row: { schema: string; name: string; labels: string[] }) => [`${row.schema}.${row.name}`, row.labels]));
}

/** Tables other than alembic_version, as `schema.name`. */
async function tables(): Promise<string[]> {
  const result = await db.sql(`
    SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
    WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name <> 'alembic_version' ORDER BY 1`);
  return result.rows.map((row: { name: string }) => row.name);
}

/**
 * Our analysis of revision `index` (0-based) of the written history. SQL text is not analysed
 * here: each text stands as one placeholder effect, so that what the Python around it does to it
 * (guards, handlers) shows.
 */
function effectsOf(index: number, sqlalchemyVersion = '1.4.46'): AnalyzedEffect[] {
  const placeholder = (sql: string, origin: SourceLocation): Effect[] => [{ kind: 'unknown', reason: `SQL: ${sql}`, guard: { kind: 'none' }, location: origin }];
  return [...analyzeUpgrade(sources[index]!, `r${index + 1}.py`, { sqlEffects: placeholder, sqlalchemyVersion }).effects];
}

const createdEnums = (effects: readonly AnalyzedEffect[]) =>
  effects.filter((effect): effect is Extract<AnalyzedEffect, { kind: 'create-enum' }> => effect.kind === 'create-enum').map((effect) => ({
    name: `${effect.name.schema}.${effect.name.name}`,
    labels: effect.labels,
    via: effect.via,
    guard: effect.guard.kind,
  }));

describe('op.create_table and Enum columns', () => {
  const platformTable = (table: string, labels: string) => `op.create_table("${table}", sa.Column("platform", sa.Enum(${labels}, name="platformtype")))`;

  it('two revisions creating the same type through create_table: one CREATE TYPE per run, the first labels win', async () => {
    const run = await runHistory([{ body: platformTable('a', '"meta_ads"') }, { body: platformTable('b', '"meta_ads", "tiktok_ads"') }]);
    expect(run.code).toBe(0);
    expect(await enums()).toEqual({ 'public.platformtype': ['meta_ads'] });
    expect(await tables()).toEqual(['public.a', 'public.b']);
    // Both revisions create the type via create_table; the simulation's per-run memo does the rest.
    expect(createdEnums(effectsOf(0))).toEqual([{ name: 'public.platformtype', labels: ['meta_ads'], via: 'create-table', guard: 'none' }]);
    expect(createdEnums(effectsOf(1))).toEqual([{ name: 'public.platformtype', labels: ['meta_ads', 'tiktok_ads'], via: 'create-table', guard: 'none' }]);
  });

  it('... but the second fails when the first was applied by an earlier run', async () => {
    writeHistory([{ body: platformTable('a', '"meta_ads"') }, { body: platformTable('b', '"meta_ads", "tiktok_ads"') }]);
    expect((await upgrade('r1')).code).toBe(0);
    const run = await upgrade('head');
    expect(run.code).toBe(1);
    expect(failure(run)).toContain('DuplicateObject) type "platformtype" already exists');
  });

  it('sa.Enum(create_type=False) is ignored by SQLAlchemy 1.4: the type is created anyway', async () => {
    const run = await runHistory([{ body: 'op.create_table("a", sa.Column("c", sa.Enum("x", name="kind", create_type=False)))' }], "CREATE TYPE kind AS ENUM ('x')");
    expect(failure(run)).toContain('type "kind" already exists');
    expect(createdEnums(effectsOf(0))).toEqual([{ name: 'public.kind', labels: ['x'], via: 'create-table', guard: 'none' }]);
  });

  it('postgresql.ENUM(create_type=False) creates nothing: it needs the type to exist', async () => {
    const body = 'op.create_table("a", sa.Column("c", postgresql.ENUM("x", name="kind", create_type=False)))';
    const missing = await runHistory([{ body }]);
    expect(failure(missing)).toContain('type "kind" does not exist');
    expect(createdEnums(effectsOf(0))).toEqual([]);
  });

  it('native_enum=False makes a VARCHAR and no type; ARRAY(Enum) creates its item type', async () => {
    const run = await runHistory([{ body: 'op.create_table("a", sa.Column("c", sa.Enum("x", name="flat", native_enum=False)), sa.Column("d", sa.ARRAY(sa.Enum("y", name="listed"))))' }]);
    expect(run.code).toBe(0);
    expect(await enums()).toEqual({ 'public.listed': ['y'] });
    const columns = await db.sql("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'a' ORDER BY 1");
    expect(columns.rows).toEqual([
      { column_name: 'c', data_type: 'character varying' },
      { column_name: 'd', data_type: 'ARRAY' },
    ]);
    expect(createdEnums(effectsOf(0)).map((effect) => effect.name)).toEqual(['public.listed']);
  });

  it('an Enum without schema= lands in the default schema even when its table has one; inherit_schema=True follows the table', async () => {
    const run = await runHistory(
      [{ body: 'op.create_table("a", sa.Column("c", sa.Enum("x", name="plain")), sa.Column("d", sa.Enum("y", name="inherited", inherit_schema=True)), schema="analytics")' }],
      'CREATE SCHEMA analytics',
    );
    expect(run.code).toBe(0);
    expect(await enums()).toEqual({ 'analytics.inherited': ['y'], 'public.plain': ['x'] });
    expect(createdEnums(effectsOf(0)).map((effect) => effect.name)).toEqual(['public.plain', 'analytics.inherited']);
  });

  it('an Enum without a name stops the upgrade with a CompileError', async () => {
    const run = await runHistory([{ body: 'op.create_table("a", sa.Column("c", sa.Enum("x", "y")))' }]);
    expect(run.code).toBe(1);
    expect(failure(run)).toBe('sqlalchemy.exc.CompileError: PostgreSQL ENUM type requires a name.');
    expect(effectsOf(0).map((effect) => effect.kind)).toEqual(['invalid-sql']);
  });

  it('an Enum given metadata= is not created with the table by SQLAlchemy 1.4', async () => {
    const run = await runHistory([{ prelude: 'md = sa.MetaData()', body: 'op.create_table("a", sa.Column("c", sa.Enum("x", name="kind", metadata=md)))' }]);
    expect(failure(run)).toContain('type "kind" does not exist');
    expect(createdEnums(effectsOf(0))).toEqual([]);
  });
});

describe('Python enum classes', () => {
  const prelude = `import enum


class Platform(enum.Enum):
    META_ADS = "meta"
    TIKTOK_ADS = "tiktok"
    FACEBOOK_ADS = "meta"`;

  it('Enum(PythonEnum) names the type after the class and stores member NAMES, aliases included on 1.4', async () => {
    const run = await runHistory([{ prelude, body: 'op.create_table("a", sa.Column("c", sa.Enum(Platform)))' }]);
    expect(run.code).toBe(0);
    expect(await enums()).toEqual({ 'public.platform': ['META_ADS', 'TIKTOK_ADS', 'FACEBOOK_ADS'] });
    expect(createdEnums(effectsOf(0))).toEqual([{ name: 'public.platform', labels: ['META_ADS', 'TIKTOK_ADS', 'FACEBOOK_ADS'], via: 'create-table', guard: 'none' }]);
  });

  it('values_callable stores the values, without aliases', async () => {
    const run = await runHistory([{ prelude, body: 'op.create_table("a", sa.Column("c", sa.Enum(Platform, name="platformvalues", values_callable=lambda cls: [m.value for m in cls])))' }]);
    expect(run.code).toBe(0);
    expect(await enums()).toEqual({ 'public.platformvalues': ['meta', 'tiktok'] });
    expect(createdEnums(effectsOf(0))[0]!.labels).toEqual(['meta', 'tiktok']);
  });
});

describe('explicit create() and add_column', () => {
  it('postgresql.ENUM(...).create(bind) checks first by default: an existing type is kept', async () => {
    const run = await runHistory([{ body: 'postgresql.ENUM("new", name="kind").create(op.get_bind())' }], "CREATE TYPE kind AS ENUM ('old')");
    expect(run.code).toBe(0);
    expect(await enums()).toEqual({ 'public.kind': ['old'] });
    expect(createdEnums(effectsOf(0))).toEqual([{ name: 'public.kind', labels: ['new'], via: 'enum-create', guard: 'checkfirst' }]);
  });

  it('sa.Enum(...).create(bind) does not check first by default', async () => {
    const run = await runHistory([{ body: 'sa.Enum("new", name="kind").create(op.get_bind())' }], "CREATE TYPE kind AS ENUM ('old')");
    expect(failure(run)).toContain('type "kind" already exists');
    expect(createdEnums(effectsOf(0))).toEqual([{ name: 'public.kind', labels: ['new'], via: 'enum-create', guard: 'none' }]);
  });

  it('op.add_column never creates the type of its Enum column', async () => {
    const run = await runHistory([{ body: 'op.create_table("a", sa.Column("id", sa.Integer()))\nop.add_column("a", sa.Column("c", sa.Enum("x", name="addedkind")))' }]);
    expect(failure(run)).toContain('type "addedkind" does not exist');
    expect(effectsOf(0).map((effect) => effect.kind)).toEqual(['create-table', 'add-column']);
  });
});

describe('add_column and schemas', () => {
  it('op.add_column attaches the column to its table first: inherit_schema=True refers to the table\'s schema', async () => {
    const run = await runHistory(
      [{ body: 'op.add_column("t", sa.Column("c", sa.Enum("a", name="kind", inherit_schema=True)), schema="ads")' }],
      "CREATE SCHEMA ads; CREATE TABLE ads.t (id int); CREATE TYPE ads.kind AS ENUM ('a')",
    );
    expect(run.code).toBe(0);
    const column = await db.sql("SELECT udt_schema, udt_name FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c'");
    expect(column.rows).toEqual([{ udt_schema: 'ads', udt_name: 'kind' }]);
    expect(effectsOf(0)[0]).toMatchObject({ kind: 'add-column', columnType: { enumType: { schema: 'ads', name: 'kind' } } });
  });
});

describe('guards written in Python', () => {
  it('dialect.has_type and inspector.get_table_names without schema only see the default schema', async () => {
    const run = await runHistory(
      [
        {
          body: `bind = op.get_bind()
if not bind.dialect.has_type(bind, "mood"):
    op.execute("CREATE TYPE mood AS ENUM ('happy')")
if "things" not in sa.inspect(bind).get_table_names():
    op.execute("CREATE TABLE things (id int)")`,
        },
      ],
      "CREATE SCHEMA elsewhere; CREATE TYPE elsewhere.mood AS ENUM ('sad'); CREATE TABLE elsewhere.things (id int)",
    );
    expect(run.code).toBe(0);
    expect(await enums()).toEqual({ 'elsewhere.mood': ['sad'], 'public.mood': ['happy'] });
    expect(await tables()).toEqual(['elsewhere.things', 'public.things']);
  });

  it('try/except around a failing statement does not save the run: the transaction is aborted (25P02)', async () => {
    const run = await runHistory(
      [
        {
          prelude: 'from sqlalchemy.exc import ProgrammingError',
          body: `try:
    op.execute("CREATE TYPE mood AS ENUM ('happy')")
except ProgrammingError:
    pass
op.execute("CREATE TABLE after_try (id int)")`,
        },
      ],
      "CREATE TYPE mood AS ENUM ('sad')",
    );
    expect(run.code).toBe(1);
    expect(failure(run)).toContain('InFailedSqlTransaction) current transaction is aborted');
    expect(await tables()).toEqual([]);
    expect(effectsOf(0)[0]).toMatchObject({ guard: { kind: 'none' }, exceptionHandler: { savesTheRun: false } });
  });

  it('... even when nothing follows: Alembic\'s own version update fails', async () => {
    const run = await runHistory(
      [{ prelude: 'from sqlalchemy.exc import ProgrammingError', body: `try:\n    op.execute("CREATE TYPE mood AS ENUM ('happy')")\nexcept ProgrammingError:\n    pass` }],
      "CREATE TYPE mood AS ENUM ('sad')",
    );
    expect(failure(run)).toContain('current transaction is aborted');
    expect(run.stderr).toContain('INSERT INTO alembic_version');
  });

  it('a try inside a savepoint does not save the run: the savepoint is still aborted when it is released', async () => {
    const run = await runHistory(
      [
        {
          prelude: 'from sqlalchemy.exc import ProgrammingError',
          body: `with op.get_bind().begin_nested():
    try:
        op.execute("CREATE TYPE mood AS ENUM ('happy')")
    except ProgrammingError:
        pass`,
        },
      ],
      "CREATE TYPE mood AS ENUM ('sad')",
    );
    expect(run.code).toBe(1);
    expect(failure(run)).toContain('current transaction is aborted');
    expect(effectsOf(0)[0]).toMatchObject({ guard: { kind: 'none' }, exceptionHandler: { savesTheRun: false } });
  });

  it('in an autocommit block, or in a savepoint opened inside the try, the except does save the run', async () => {
    const run = await runHistory(
      [
        {
          prelude: 'from sqlalchemy.exc import ProgrammingError',
          body: `with op.get_context().autocommit_block():
    try:
        op.execute("CREATE TYPE mood AS ENUM ('happy')")
    except ProgrammingError:
        pass
try:
    with op.get_bind().begin_nested():
        op.execute("CREATE TYPE mood AS ENUM ('calm')")
except ProgrammingError:
    pass
op.execute("CREATE TABLE after_try (id int)")`,
        },
      ],
      "CREATE TYPE mood AS ENUM ('sad')",
    );
    expect(run.code).toBe(0);
    expect(await tables()).toEqual(['public.after_try']);
    expect(effectsOf(0).slice(0, 2).map((effect) => [effect.guard.kind, effect.exceptionHandler?.savesTheRun])).toEqual([
      ['exception-handler', true],
      ['exception-handler', true],
    ]);
  });
});
