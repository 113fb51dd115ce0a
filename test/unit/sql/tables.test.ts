import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSqlParser } from '../../../src/migrations/sql/parse-sql.js';
import { effectsOf, inPublic, ofKind, onlyOfKind } from './support.js';

beforeAll(loadSqlParser);

describe('CREATE TABLE', () => {
  it('records the columns typed with a user type, arrays and qualified names included', () => {
    const effect = onlyOfKind(
      effectsOf(`CREATE TABLE analytics.points (
        id serial PRIMARY KEY, value double precision, day date, note text, payload jsonb, ts timestamptz, code varchar(10),
        platform platformtype NOT NULL, platforms platformtype[], granularity analytics.granularity, "Mixed" "MixedCase")`),
      'create-table',
    );
    expect(effect.name).toEqual({ schema: 'analytics', name: 'points' });
    expect(effect.enumColumns).toEqual([
      { name: 'platform', enumType: inPublic('platformtype'), isArray: false, knownEnum: false },
      { name: 'platforms', enumType: inPublic('platformtype'), isArray: true, knownEnum: false },
      { name: 'granularity', enumType: { schema: 'analytics', name: 'granularity' }, isArray: false, knownEnum: false },
      { name: 'Mixed', enumType: inPublic('MixedCase'), isArray: false, knownEnum: false },
    ]);
    expect(effect.guard).toEqual({ kind: 'none' });
  });

  it('records no column of a table with built-in types only', () => {
    expect(onlyOfKind(effectsOf('CREATE TABLE t (a int, b pg_catalog.text, c uuid, d int4range, e "char")'), 'create-table').enumColumns).toEqual([]);
  });

  it('guards CREATE TABLE IF NOT EXISTS, and not CREATE TABLE', () => {
    expect(onlyOfKind(effectsOf('CREATE TABLE IF NOT EXISTS t (a int)'), 'create-table').guard).toEqual({ kind: 'if-exists-clause' });
    expect(onlyOfKind(effectsOf('CREATE TABLE t (a int)'), 'create-table').guard).toEqual({ kind: 'none' });
  });

  it('creates a partition, a table AS SELECT and a SELECT INTO table without known columns', () => {
    const effects = effectsOf("CREATE TABLE p_a PARTITION OF p FOR VALUES IN ('a'); CREATE TABLE copy AS SELECT * FROM t; SELECT * INTO archive FROM t");
    expect(ofKind(effects, 'create-table').map((effect) => [effect.name.name, effect.enumColumns])).toEqual([
      ['p_a', []],
      ['copy', []],
      ['archive', []],
    ]);
  });

  it('keeps temporary tables, views and materialized views out of the schema, as names later statements may use', () => {
    const relations = (sql: string) => effectsOf(sql).map((effect) => (effect.kind === 'create-relation' ? `${effect.relationKind} ${effect.name.schema}.${effect.name.name}` : effect.kind));
    expect(relations('CREATE TEMPORARY TABLE scratch (a platformtype)')).toEqual(['temporary-table public.scratch']);
    expect(relations('CREATE TEMP TABLE copy AS SELECT 1; SELECT 1 INTO TEMP other')).toEqual(['temporary-table public.copy', 'temporary-table public.other']);
    expect(relations('CREATE MATERIALIZED VIEW s.mv AS SELECT 1')).toEqual(['materialized-view s.mv']);
    expect(relations('CREATE OR REPLACE VIEW v AS SELECT 1; CREATE TEMP VIEW tv AS SELECT 1')).toEqual(['view public.v', 'temporary-table public.tv']);
    expect(relations('CREATE FOREIGN TABLE f (a int) SERVER remote')).toEqual(['foreign-table public.f']);
  });

  it('takes a DEFAULT string of a user-typed column as a label of that type', () => {
    const effects = effectsOf("CREATE TABLE t (platform platformtype DEFAULT 'meta_ads', note text DEFAULT 'plain')");
    expect(ofKind(effects, 'use-enum-label')).toMatchObject([{ name: inPublic('platformtype'), label: 'meta_ads' }]);
  });
});

describe('DROP TABLE and ALTER TABLE … RENAME', () => {
  it('drops each table, with IF EXISTS and CASCADE', () => {
    const effects = effectsOf('DROP TABLE IF EXISTS a, s.b CASCADE');
    expect(effects).toMatchObject([
      { kind: 'drop-table', name: inPublic('a'), cascade: true, guard: { kind: 'if-exists-clause' } },
      { kind: 'drop-table', name: { schema: 's', name: 'b' }, cascade: true, guard: { kind: 'if-exists-clause' } },
    ]);
    expect(onlyOfKind(effectsOf('DROP TABLE a'), 'drop-table')).toMatchObject({ cascade: false, guard: { kind: 'none' } });
  });

  it('renames a table; a column or constraint rename only needs the table', () => {
    expect(onlyOfKind(effectsOf('ALTER TABLE IF EXISTS s.t RENAME TO u'), 'rename-table')).toMatchObject({
      name: { schema: 's', name: 't' },
      newName: 'u',
      guard: { kind: 'if-exists-clause' },
    });
    expect(effectsOf('ALTER TABLE t RENAME COLUMN a TO b')).toEqual([
      { kind: 'use-table', table: inPublic('t'), operation: 'ALTER TABLE … RENAME COLUMN', unqualified: true, guard: { kind: 'none' }, location: { file: 'migration.py', line: 1 } },
    ]);
    expect(onlyOfKind(effectsOf('ALTER TABLE IF EXISTS s.t RENAME CONSTRAINT a TO b'), 'use-table')).toMatchObject({ table: { schema: 's', name: 't' }, guard: { kind: 'if-exists-clause' } });
    expect(effectsOf('ALTER VIEW v RENAME COLUMN a TO b')).toEqual([]);
  });

  it('reports moving a table to another schema as unknown', () => {
    expect(onlyOfKind(effectsOf('ALTER TABLE t SET SCHEMA archive'), 'unknown').reason).toMatch(/archive/);
  });
});

describe('ALTER TABLE … ADD COLUMN / ALTER COLUMN TYPE', () => {
  it('adds a column typed with a user type', () => {
    expect(onlyOfKind(effectsOf('ALTER TABLE t ADD COLUMN platform platformtype[]'), 'add-column')).toMatchObject({
      table: inPublic('t'),
      columnType: { name: 'platform', enumType: inPublic('platformtype'), isArray: true, knownEnum: false },
      guard: { kind: 'none' },
    });
  });

  it('adds a column of a built-in type without a column type', () => {
    const effect = onlyOfKind(effectsOf('ALTER TABLE t ADD COLUMN note text'), 'add-column');
    expect(effect.table).toEqual(inPublic('t'));
    expect(effect).not.toHaveProperty('columnType');
  });

  it('guards the table with ALTER TABLE IF EXISTS; ADD COLUMN IF NOT EXISTS protects only the column', () => {
    expect(onlyOfKind(effectsOf('ALTER TABLE IF EXISTS t ADD COLUMN c p'), 'add-column').guard).toEqual({ kind: 'if-exists-clause' });
    expect(onlyOfKind(effectsOf('ALTER TABLE t ADD COLUMN IF NOT EXISTS c p'), 'add-column')).toMatchObject({ guard: { kind: 'none' }, ifNotExists: true, column: 'c' });
    expect(onlyOfKind(effectsOf('ALTER TABLE t ADD COLUMN c p'), 'add-column')).toMatchObject({ guard: { kind: 'none' }, column: 'c' });
    expect(onlyOfKind(effectsOf('ALTER TABLE t ADD COLUMN c p'), 'add-column').ifNotExists).toBeUndefined();
  });

  it('changes a column to a user type, with USING', () => {
    expect(onlyOfKind(effectsOf('ALTER TABLE t ALTER COLUMN platform TYPE platformtype_new USING platform::text::platformtype_new'), 'alter-column-type')).toMatchObject({
      table: inPublic('t'),
      columnType: { name: 'platform', enumType: inPublic('platformtype_new'), isArray: false },
    });
  });

  it('records a change to a built-in type as a column that no longer has a user type', () => {
    const effect = onlyOfKind(effectsOf('ALTER TABLE t ALTER COLUMN platform TYPE text'), 'alter-column-type');
    expect(effect).toMatchObject({ table: inPublic('t'), column: 'platform' });
    expect(effect.columnType).toBeUndefined();
  });

  it('records DROP COLUMN, which frees the column\'s enum type', () => {
    expect(onlyOfKind(effectsOf('ALTER TABLE t DROP COLUMN c'), 'drop-column')).toMatchObject({ table: inPublic('t'), column: 'c' });
  });

  it('gives one effect per command of one statement', () => {
    const effects = effectsOf('ALTER TABLE t ADD COLUMN a p, ADD COLUMN b q, DROP COLUMN c');
    expect(ofKind(effects, 'add-column').map((effect) => effect.columnType?.name)).toEqual(['a', 'b']);
  });
});

describe('statements that need an existing table', () => {
  const uses = (sql: string) =>
    effectsOf(sql).map((effect) =>
      effect.kind === 'use-table' ? `${effect.operation} ${effect.table.schema}.${effect.table.name}${effect.unqualified ? '' : ' (qualified)'}${effect.guard.kind === 'none' ? '' : ` [${effect.guard.kind}]`}` : effect.kind,
    );

  it('rows: INSERT, UPDATE, DELETE and TRUNCATE', () => {
    expect(uses('INSERT INTO nosuch VALUES (1); UPDATE s.t SET a = 1; DELETE FROM "Mixed"; TRUNCATE a, s.b')).toEqual([
      'INSERT INTO public.nosuch',
      'UPDATE s.t (qualified)',
      'DELETE FROM public.Mixed',
      'TRUNCATE public.a',
      'TRUNCATE s.b (qualified)',
    ]);
  });

  it('folds unquoted names and keeps quoted ones', () => {
    expect(uses('INSERT INTO NoSuch VALUES (1); INSERT INTO "NoSuch" VALUES (1)')).toEqual(['INSERT INTO public.nosuch', 'INSERT INTO public.NoSuch']);
  });

  it('CREATE INDEX (IF NOT EXISTS skips the index, not the table) and COMMENT ON TABLE / COLUMN', () => {
    expect(uses("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a); COMMENT ON TABLE s.t IS 'x'; COMMENT ON COLUMN t.c IS 'y'; COMMENT ON TYPE e IS 'z'")).toEqual([
      'CREATE INDEX public.t',
      'create-index',
      'COMMENT ON TABLE s.t (qualified)',
      'COMMENT ON COLUMN public.t',
    ]);
  });

  it('ALTER TABLE: once per statement, with IF EXISTS as its guard, and the referenced table of a foreign key', () => {
    expect(uses('ALTER TABLE t ALTER COLUMN d SET NOT NULL, ADD CONSTRAINT uq UNIQUE (d)')).toEqual(['ALTER TABLE public.t', 'create-index']);
    expect(uses('ALTER TABLE IF EXISTS t DROP CONSTRAINT c')).toEqual(['ALTER TABLE public.t [if-exists-clause]', 'drop-index']);
    expect(uses('ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES auth.users (id)')).toEqual(['ALTER TABLE public.t', 'ALTER TABLE … REFERENCES auth.users (qualified)']);
    // ADD COLUMN already needs the table.
    expect(uses('ALTER TABLE t ADD COLUMN c int, ALTER COLUMN d SET DEFAULT 0')).toEqual(['add-column', 'set-column-default']);
  });

  it('a DO block lookup of the table guards the statement', () => {
    const effects = effectsOf("DO $$ BEGIN IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 't') THEN INSERT INTO t VALUES (1); END IF; END $$");
    expect(onlyOfKind(effects, 'use-table').guard).toMatchObject({ kind: 'existence-check' });
  });

  it('marks statements that may create or move tables unseen', () => {
    const marked = (sql: string) => ofKind(effectsOf(sql), 'unknown').map((effect) => effect.mayCreateTables === true);
    expect(marked('SET search_path TO other')).toEqual([true]);
    expect(marked('ALTER TABLE t SET SCHEMA archive')).toEqual([true]);
    expect(marked("DO $$ DECLARE name text := 'x'; BEGIN EXECUTE 'CREATE TABLE ' || name || ' (a int)'; END $$")).toEqual([true]);
    expect(marked('CREATE DOMAIN d AS platformtype')).toEqual([false]);
  });
});

describe('column defaults', () => {
  it('records the columns created or added with a default, and SET / DROP DEFAULT', () => {
    expect(effectsOf("CREATE TABLE orders (id int, status varchar(20) DEFAULT 'new', note text)")[0]).toMatchObject({ kind: 'create-table', defaultColumns: ['status'] });
    expect(effectsOf("ALTER TABLE orders ADD COLUMN kind text DEFAULT 'x'").find((effect) => effect.kind === 'add-column')).toMatchObject({ hasDefault: true });
    expect(effectsOf('ALTER TABLE orders ALTER COLUMN status DROP DEFAULT').filter((effect) => effect.kind === 'set-column-default')).toEqual([
      expect.objectContaining({ column: 'status', hasDefault: false }),
    ]);
    expect(effectsOf("ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new'").filter((effect) => effect.kind === 'set-column-default')).toEqual([
      expect.objectContaining({ column: 'status', hasDefault: true }),
    ]);
  });

  it('puts DROP DEFAULT before ALTER TYPE in one statement, as PostgreSQL runs its passes, whatever the written order', () => {
    const kinds = effectsOf('ALTER TABLE orders ALTER COLUMN status TYPE orderstatus USING status::orderstatus, ALTER COLUMN status DROP DEFAULT')
      .map((effect) => effect.kind)
      .filter((kind) => kind === 'set-column-default' || kind === 'alter-column-type');
    expect(kinds).toEqual(['set-column-default', 'alter-column-type']);
  });
});

describe('indexes by name', () => {
  it('CREATE [UNIQUE] INDEX name: in the schema of its table, IF NOT EXISTS as its guard; unnamed, a name schema-gate cannot know', () => {
    const created = ofKind(effectsOf('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Ix" ON s.t (a); CREATE INDEX ix ON t (b); CREATE INDEX ON t (c)'), 'create-index');
    expect(created).toMatchObject([
      { name: { schema: 's', name: 'Ix' }, table: { schema: 's', name: 't' }, operation: 'CREATE UNIQUE INDEX', guard: { kind: 'if-exists-clause' } },
      { name: inPublic('ix'), table: inPublic('t'), operation: 'CREATE INDEX', unqualifiedTable: true, guard: { kind: 'none' } },
      { table: inPublic('t'), operation: 'CREATE INDEX' },
    ]);
    expect(created[2]).not.toHaveProperty('name');
  });

  it('ADD CONSTRAINT … UNIQUE / PRIMARY KEY makes an index of the constraint\'s name (USING INDEX renames one); RENAME CONSTRAINT, one of a name not known', () => {
    expect(ofKind(effectsOf('ALTER TABLE s.t ADD CONSTRAINT uq_t_a UNIQUE (a), ADD PRIMARY KEY (id), ADD CONSTRAINT ck CHECK (a > 0)'), 'create-index')).toEqual([
      expect.objectContaining({ name: { schema: 's', name: 'uq_t_a' }, operation: 'ALTER TABLE … ADD UNIQUE' }),
      expect.not.objectContaining({ name: expect.anything() }),
    ]);
    expect(effectsOf('ALTER TABLE t ADD CONSTRAINT uq UNIQUE USING INDEX ix_t_a').filter((effect) => effect.kind !== 'use-table')).toMatchObject([
      { kind: 'drop-index', name: inPublic('ix_t_a'), constraint: true },
      { kind: 'create-index', name: inPublic('uq') },
    ]);
    expect(effectsOf('ALTER TABLE t RENAME CONSTRAINT uq TO uq_t').filter((effect) => effect.kind !== 'use-table')).toEqual([
      expect.objectContaining({ kind: 'drop-index', name: inPublic('uq'), constraint: true }),
      expect.not.objectContaining({ name: expect.anything() }),
    ]);
  });

  it('DROP VIEW / MATERIALIZED VIEW / FOREIGN TABLE drop each relation, with CASCADE', () => {
    expect(ofKind(effectsOf('DROP MATERIALIZED VIEW IF EXISTS a, s.b CASCADE; DROP VIEW v; DROP FOREIGN TABLE f'), 'drop-relation')).toMatchObject([
      { name: inPublic('a'), relationKind: 'materialized-view', cascade: true, guard: { kind: 'if-exists-clause' } },
      { name: { schema: 's', name: 'b' }, relationKind: 'materialized-view', cascade: true },
      { name: inPublic('v'), relationKind: 'view', cascade: false },
      { name: inPublic('f'), relationKind: 'foreign-table' },
    ]);
  });

  it('DROP INDEX of each name, unqualified through the search_path; ALTER INDEX … RENAME; a dropped constraint', () => {
    expect(ofKind(effectsOf('DROP INDEX IF EXISTS ix, s.iy'), 'drop-index')).toMatchObject([
      { name: inPublic('ix'), unqualified: true, guard: { kind: 'if-exists-clause' } },
      { name: { schema: 's', name: 'iy' }, guard: { kind: 'if-exists-clause' } },
    ]);
    expect(ofKind(effectsOf('DROP INDEX s.iy'), 'drop-index')[0]).not.toHaveProperty('unqualified');
    expect(onlyOfKind(effectsOf('ALTER INDEX s.ix RENAME TO iz'), 'rename-index')).toMatchObject({ name: { schema: 's', name: 'ix' }, newName: 'iz' });
    expect(onlyOfKind(effectsOf('ALTER TABLE s.t DROP CONSTRAINT uq_t_a'), 'drop-index')).toMatchObject({ name: { schema: 's', name: 'uq_t_a' }, constraint: true });
  });
});
