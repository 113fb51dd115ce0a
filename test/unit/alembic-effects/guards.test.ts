import { describe, expect, it } from '@jest/globals';
import { analyze, analyzeFixture, markerLine, revision, summary } from './support.js';

describe('guards written in Python', () => {
  it('a has_type check of the same type is its guard; for other objects it is a condition', () => {
    const fixture = 'guard_has_type.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual(['create-enum platformtype', 'create-enum otherkind', 'create-enum ops.mood', 'create-table moods']);
    expect(effects[0]).toMatchObject({ guard: { kind: 'existence-check', source: 'has_type', schemaAware: true }, location: { line: markerLine(fixture, 'guarded sql') } });
    expect(effects[0]!.conditions).toBeUndefined();
    expect(effects[1]).toMatchObject({
      guard: { kind: 'none' },
      conditions: [{ kind: 'existence', objectType: 'type', name: { schema: 'public', name: 'platformtype' }, runsIfExists: false, source: 'has_type' }],
    });
    // has_type(schema='ops') guards the type in ops, which create_table makes before its table.
    expect(effects[2]).toMatchObject({ via: 'create-table', guard: { kind: 'existence-check', source: 'has_type' } });
    expect(effects[3]).toMatchObject({ guard: { kind: 'none' }, conditions: [{ objectType: 'type', name: { schema: 'ops', name: 'mood' } }] });
  });

  it('inspector checks guard tables, including the negated form, has_table and early returns', () => {
    const fixture = 'guard_table_names.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual(['create-enum platformtype', 'create-table campaigns', 'create-table audit.events', 'add-column orders', 'create-table after_return']);
    expect(effects[0]).toMatchObject({ guard: { kind: 'none' }, conditions: [{ objectType: 'table', name: { name: 'campaigns' }, runsIfExists: false, source: 'inspector' }] });
    expect(effects[1]).toMatchObject({ guard: { kind: 'existence-check', source: 'inspector', schemaAware: true } });
    expect(effects[2]).toMatchObject({ guard: { kind: 'existence-check', source: 'has_table', schemaAware: true }, name: { schema: 'audit', name: 'events' } });
    // `if 'orders' in existing:` guards an ALTER of the table against its absence.
    expect(effects[3]).toMatchObject({ guard: { kind: 'existence-check', source: 'inspector' }, location: { line: markerLine(fixture, 'present') } });
    // After `if 'campaigns' in ...(schema='archive'): return`, the rest runs only when that table is missing.
    expect(effects[4]).toMatchObject({ guard: { kind: 'none' }, conditions: [{ objectType: 'table', name: { schema: 'archive', name: 'campaigns' }, runsIfExists: false }] });
  });

  it('numbers each evaluation of a test: the statements under one `if` share it, the guard of its own object included', () => {
    const { effects } = analyze(
      revision(
        "def create_if_missing(name):\n    if not sa.inspect(op.get_bind()).has_table(name):\n        op.create_table(name, sa.Column('id', sa.Integer))\n        op.create_table(name + '_log', sa.Column('id', sa.Integer))\n\n" +
          "def upgrade():\n    create_if_missing('users')\n    create_if_missing('users')",
      ),
    );
    expect(summary(effects)).toEqual(['create-table users', 'create-table users_log', 'create-table users', 'create-table users_log']);
    const [first, firstLog, second, secondLog] = effects as Array<(typeof effects)[number]>;
    expect(first).toMatchObject({ guard: { kind: 'existence-check' }, guardTests: [{ name: { name: 'users' }, runsIfExists: false }] });
    const evaluationOf = (effect: typeof first) => (effect?.guardTests ?? effect?.conditions)?.[0];
    expect(evaluationOf(firstLog)).toEqual(evaluationOf(first));
    // The second call tests again: another evaluation.
    expect(evaluationOf(second)).toMatchObject({ name: { name: 'users' } });
    expect(evaluationOf(second)).not.toEqual(evaluationOf(first));
    expect(evaluationOf(secondLog)).toEqual(evaluationOf(second));
  });

  it.each([
    ['bind.dialect.name == "postgresql"'],
    ['bind.engine.name == "postgresql"'],
    ['op.get_context().dialect.name == "postgresql"'],
    ['bind.engine.dialect.name != "sqlite"'],
  ])('knows the dialect is PostgreSQL: `%s` runs its branch for certain', (condition) => {
    const { effects } = analyze(revision(`def upgrade():\n    bind = op.get_bind()\n    if ${condition}:\n        op.execute("CREATE TYPE kind AS ENUM ('a')")`));
    expect(effects).toEqual([expect.objectContaining({ kind: 'create-enum', guard: { kind: 'none' } })]);
    expect(effects[0]).not.toHaveProperty('conditions');
  });

  it('conditions it cannot evaluate are not guards: every branch is analysed and a note says so (the near-twin)', () => {
    const fixture = 'guard_opaque.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual(['unknown', 'create-enum platformtype', 'add-enum-value platformtype tiktok_ads', 'create-enum always']);
    expect(effects[0]).toMatchObject({ reason: expect.stringContaining('`not exists`'), location: { line: markerLine(fixture, 'opaque if') } });
    expect(effects[1]).toMatchObject({ guard: { kind: 'none' }, conditions: [{ kind: 'opaque', expression: 'not exists' }] });
    expect(effects[2]).toMatchObject({ conditions: [{ kind: 'opaque', expression: 'not (not exists)' }] });
    // The dialect is PostgreSQL: that condition is known.
    expect(effects[3]!.conditions).toBeUndefined();
  });

  it('follows elif and else with the negation of a single existence test', () => {
    const { effects } = analyze(revision(`def upgrade():
    bind = op.get_bind()
    if bind.dialect.has_type(bind, 'kind'):
        op.execute("ALTER TYPE kind ADD VALUE 'b'")
    elif False:
        op.execute("CREATE TYPE never AS ENUM ('x')")
    else:
        op.execute("CREATE TYPE kind AS ENUM ('a', 'b')")`));
    expect(summary(effects)).toEqual(['add-enum-value kind b', 'create-enum kind']);
    expect(effects.map((effect) => effect.guard)).toEqual([
      { kind: 'existence-check', source: 'has_type', schemaAware: true },
      { kind: 'existence-check', source: 'has_type', schemaAware: true },
    ]);
  });

  it('keeps a schema-blind SQL guard inside a schema-aware Python one', () => {
    const { effects } = analyze(revision(`def upgrade():
    bind = op.get_bind()
    if not bind.dialect.has_type(bind, 'kind'):
        op.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'kind') THEN CREATE TYPE kind AS ENUM ('a'); END IF; END $$")`));
    expect(effects[0]!.guard).toEqual({ kind: 'existence-check', source: 'pg_type', schemaAware: false });
  });

  it('2.0 has_type(schema="*") looks in every schema', () => {
    const { effects } = analyze(revision(`def upgrade():
    bind = op.get_bind()
    if not sa.inspect(bind).has_type('kind', schema='*'):
        op.execute("CREATE TYPE kind AS ENUM ('a')")`));
    expect(effects[0]!.guard).toEqual({ kind: 'existence-check', source: 'has_type', schemaAware: false });
  });

  it('merges variables after branches: agreeing values survive, others become unknown', () => {
    const calls: Array<{ sql: string }> = [];
    const { effects } = analyze(
      revision(`import os

def upgrade():
    if os.environ.get('A'):
        name, same = 'kind_a', 'x'
    else:
        name, same = 'kind_b', 'x'
    op.execute(f"CREATE TYPE {same} AS ENUM ('a')")
    op.execute(f"CREATE TYPE {name} AS ENUM ('a')")`),
      { calls: calls as never },
    );
    expect(calls.map((call) => call.sql)).toEqual(["CREATE TYPE x AS ENUM ('a')"]);
    expect(effects[1]).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('`name` depends on the condition at line') });
  });
});

describe('try/except and autocommit blocks', () => {
  it('inside the run transaction, an except does not guard: the failure still fails the upgrade', () => {
    const fixture = 'try_except_transaction.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual(['create-enum mood', 'unknown', 'create-table after_try']);
    expect(effects[0]).toMatchObject({
      guard: { kind: 'none' },
      exceptionHandler: { line: markerLine(fixture, 'except'), exceptions: ['ProgrammingError'], savesTheRun: false },
    });
    expect(effects[1]).toMatchObject({ reason: expect.stringContaining('25P02'), location: { line: markerLine(fixture, 'except') } });
    expect(effects[2]!.exceptionHandler).toBeUndefined();
  });

  it('inside autocommit_block(), the except and contextlib.suppress really guard (the near-twin)', () => {
    const fixture = 'try_except_autocommit.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual(['create-enum mood', 'add-enum-value mood sad', 'create-enum suppressed', 'add-enum-value mood calm']);
    expect(effects[0]).toMatchObject({ autocommit: true, guard: { kind: 'exception-handler', conditions: ['duplicate_object'] }, exceptionHandler: { savesTheRun: true } });
    expect(effects[1]).toMatchObject({ autocommit: true, guard: { kind: 'none' } });
    expect(effects[2]).toMatchObject({ autocommit: true, guard: { kind: 'exception-handler', conditions: ['others'] }, exceptionHandler: { exceptions: ['Exception'] } });
    expect(effects[3]!.autocommit).toBeUndefined();
  });

  it('a savepoint opened inside the try makes the except effective too', () => {
    const { effects } = analyze(revision(`from sqlalchemy.exc import ProgrammingError

def upgrade():
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            op.execute("CREATE TYPE kind AS ENUM ('a')")
    except ProgrammingError:
        pass`));
    expect(effects[0]).toMatchObject({
      guard: { kind: 'exception-handler', conditions: ['duplicate_object', 'duplicate_table', 'undefined_object', 'undefined_table'] },
      exceptionHandler: { savesTheRun: true },
    });
  });

  it('a try inside the savepoint does not: releasing the aborted savepoint fails', () => {
    const { effects } = analyze(revision(`from sqlalchemy.exc import ProgrammingError

def upgrade():
    with op.get_bind().begin_nested():
        try:
            op.execute("CREATE TYPE kind AS ENUM ('a')")
        except ProgrammingError:
            pass`));
    expect(effects[0]).toMatchObject({ guard: { kind: 'none' }, exceptionHandler: { savesTheRun: false } });
  });
});
