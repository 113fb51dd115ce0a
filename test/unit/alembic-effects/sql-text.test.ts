import { describe, expect, it } from '@jest/globals';
import { analyze, analyzeFixture, markerLine, revision, summary, type SqlCall } from './support.js';

const STRINGS = 'execute_string_forms.py';

describe('SQL text given to op.execute and to the migration connection', () => {
  const calls: SqlCall[] = [];
  const analysis = analyzeFixture(STRINGS, { calls });
  const sqlAt = (marker: string) => calls.find((call) => call.origin.line === markerLine(STRINGS, marker))?.sql;

  it.each([
    ['plain', `CREATE TYPE single_quoted AS ENUM ('a')`],
    ['sa.text', `CREATE TYPE double_wrapped AS ENUM ('a')`],
    ['triple', `CREATE TYPE tripled AS ENUM ('x', 'y')`],
    ['concatenated', `CREATE TYPE concatenated AS ENUM ('a', 'b\\\\c')`],
    ['f-string', `CREATE TYPE granularity AS ENUM ('day', 'week')`],
    ['percent', `CREATE TYPE percent AS ENUM ('p')`],
    ['format', `CREATE TYPE formatted AS ENUM ('f')`],
    ['bind', `CREATE TYPE via_bind AS ENUM ('b')`],
    ['driver', `CREATE TYPE via_driver AS ENUM ('d')`],
    ['get_bind', `-- <- get_bind\n      CREATE TYPE via_get_bind AS ENUM ('g')\n`], // as textwrap.dedent leaves it
    ['savepoint', `CREATE TYPE in_savepoint AS ENUM ('s')`],
  ])('reads the %s form, at the line where its literal starts', (marker, sql) => {
    expect(sqlAt(marker)).toBe(sql);
  });

  it('reads a module constant at the line of its definition, and keeps statement order', () => {
    expect(sqlAt('mood literal')).toBe(`CREATE TYPE mood AS ENUM ('sad', 'happy')`);
    expect(summary(analysis.effects)).toEqual([
      'create-enum single_quoted', 'create-enum double_wrapped', 'create-enum tripled', 'create-enum concatenated',
      'create-enum granularity', 'create-enum percent', 'create-enum formatted', 'create-enum mood', 'create-enum via_bind',
      'create-enum via_driver', 'create-enum via_get_bind', 'create-enum in_savepoint',
    ]);
    expect(analysis.effects.every((effect) => effect.location.file === STRINGS)).toBe(true);
  });

  it('reports text it cannot build as unknown, with the reason, and calls no SQL analysis for it', () => {
    const unresolvedCalls: SqlCall[] = [];
    const unresolved = analyzeFixture('execute_unresolvable.py', { calls: unresolvedCalls });
    expect(unresolvedCalls).toEqual([]);
    expect(summary(unresolved.effects)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
    const reasons = unresolved.effects.map((effect) => (effect.kind === 'unknown' ? effect.reason : ''));
    expect(reasons[0]).toContain('{TYPE_NAME}');
    expect(reasons[2]).toContain('format spec');
    expect(reasons[3]).toContain('sa_table');
    expect(unresolved.effects.map((effect) => effect.location.line)).toEqual(['imported constant', 'environment', 'format spec', 'expression'].map((marker) => markerLine('execute_unresolvable.py', marker)));
  });

  it('never reads downgrade(), comments, docstrings or strings that are not executed', () => {
    const quietCalls: SqlCall[] = [];
    const quiet = analyzeFixture('nothing_to_do.py', { calls: quietCalls });
    expect(quiet.effects).toEqual([]);
    expect(quietCalls).toEqual([]);
    expect(quiet.hasUpgrade).toBe(true);
  });

  it('says when there is no upgrade() at all', () => {
    expect(analyze('revision = "a"\ndown_revision = None\n')).toMatchObject({ effects: [], hasUpgrade: false });
  });
});

describe('Python string literals', () => {
  const sqlOf = (expression: string, header?: string): string | undefined => {
    const calls: SqlCall[] = [];
    analyze(revision(`def upgrade():\n    op.execute(${expression})`, header), { calls });
    return calls[0]?.sql;
  };

  it.each([
    [String.raw`"a\nb\tc"`, 'a\nb\tc'],
    [String.raw`"\x41\u00e9\101\\"`, 'Aé' + 'A\\'],
    [String.raw`"it\'s"`, "it's"],
    [String.raw`r"\d+\n"`, String.raw`\d+\n`],
    [String.raw`b"SELECT 1"`, 'SELECT 1'],
    [String.raw`"unknown \q escape"`, String.raw`unknown \q escape`],
    ['"line \\\ncontinued"', 'line continued'],
    [`f"{'{'}{{x}}{'}'}"`, '{{x}}'],
    [`f"{'a'!r} {3} {None} {True} {1.0} {[1, 'b']}"`, `'a' 3 None True 1.0 [1, 'b']`],
    [`"%(name)s!" % {"name": "x"}`, 'x!'],
    [`"%(name)s is %r" % {"name": "x"}`, undefined],
    [`"%s is %r and %d%%" % ("x", "y", 4)`, `x is 'y' and 4%`],
    [`"{0}-{1}-{0}-{k!r}".format("a", "b", k="c")`, `a-b-a-'c'`],
    [`"CREATE " + "TYPE"`, 'CREATE TYPE'],
    [`"  padded  ".strip().upper()`, 'PADDED'],
    [`"a,b".replace(",", ";")`, 'a;b'],
    [`sa.text("SELECT :x").bindparams(x=1)`, 'SELECT :x'],
    [`op.inline_literal("SELECT 1")`, 'SELECT 1'],
    [`"x" * 3`, 'xxx'],
    [`("a" "b"\n        "c")`, 'abc'],
  ])('%s', (expression, expected) => {
    expect(sqlOf(expression)).toBe(expected);
  });

  it('does not guess a \\N{...} escape or an unterminated string', () => {
    expect(analyze(revision('def upgrade():\n    op.execute("\\N{BULLET}")')).effects[0]).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('\\N{') });
    // An unterminated string is a syntax error: the file cannot be imported, and nothing is guessed from it.
    const truncated = analyze(revision('def upgrade():\n    op.execute("CREATE TYPE x AS'));
    expect(truncated.syntaxErrorLine).toBeDefined();
    expect(truncated.effects).toEqual([]);
  });

  it('passes the line of a module constant built from parts, and of a helper variable', () => {
    const calls: SqlCall[] = [];
    analyze(revision('NAME = "mood"\nSQL = (\n    "CREATE TYPE " + NAME\n)\n\ndef upgrade():\n    sql = SQL + " AS ENUM (\'a\')"\n    op.execute(sql)'), { calls });
    expect(calls).toEqual([{ sql: "CREATE TYPE mood AS ENUM ('a')", origin: { file: 'versions/rev.py', line: 10 }, bindParameters: 'sqlalchemy-text', withoutBindValues: true }]);
  });
});

describe('how the executing call writes bind parameters', () => {
  const styleOf = (statement: string, header?: string) => {
    const calls: SqlCall[] = [];
    // SQLAlchemy 1.4: from 2.0 on, a plain string in execute() is refused before any SQL is read.
    analyze(revision(`def upgrade():\n    conn = op.get_bind()\n    ${statement}`, header), { calls, sqlalchemyVersion: '1.4.46' });
    expect(calls).toHaveLength(1);
    return calls[0]!.bindParameters;
  };

  it.each([
    // Alembic's op.execute wraps a plain string in text(): ':name' is a bind there too.
    ['op.execute("UPDATE t SET c = :v")'],
    ['op.execute(sa.text("UPDATE t SET c = CAST(:v AS text)").bindparams(v="x"))'],
    ['op.get_context().execute("UPDATE t SET c = :v")'],
    ['conn.execute(sa.text("UPDATE t SET c = :v WHERE id = :i"), dict(v="x", i=1))'],
    ['conn.execute(sa.text("UPDATE t SET c = :v"), v="x")'],
    // A Session coerces a string to text().
    ['Session(bind=conn).execute("UPDATE t SET c = :v", {"v": 1})'],
  ])('text(): %s', (statement) => {
    expect(styleOf(statement, 'from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.orm import Session\n')).toBe('sqlalchemy-text');
  });

  it.each([
    ['conn.execute("UPDATE t SET c = %s WHERE id = %s", ("x", 1))'],
    ['conn.exec_driver_sql("UPDATE t SET c = %(v)s", {"v": "x"})'],
    ['conn.execute("UPDATE t SET c = %(v)s", v="x")'],
    ['conn.scalar("SELECT %s", (1,))'],
  ])('the driver, with parameters: %s', (statement) => {
    expect(styleOf(statement)).toBe('pyformat');
  });

  it.each([
    ['conn.execute("UPDATE t SET c = 1")'],
    ['conn.exec_driver_sql("UPDATE t SET c = 1", execution_options={})'],
  ])('the driver, without parameters: %s', (statement) => {
    expect(styleOf(statement)).toBe('pyformat-without-parameters');
  });
});

describe('whether the call gives values for text() binds', () => {
  const withoutValues = (statement: string) => {
    const calls: SqlCall[] = [];
    analyze(revision(`def upgrade():\n    conn = op.get_bind()\n    ${statement}`), { calls, sqlalchemyVersion: '1.4.46' });
    return calls.map((call) => call.withoutBindValues ?? false);
  };

  it.each([
    ['op.execute("UPDATE t SET c = :v")'],
    ['op.execute(sa.text("UPDATE t SET c = :v"))'],
    ['conn.execute(sa.text("UPDATE t SET c = :v"))'],
  ])('none: %s', (statement) => {
    expect(withoutValues(statement)).toEqual([true]);
  });

  it.each([
    ['op.execute(sa.text("UPDATE t SET c = :v").bindparams(v="x"))'],
    ['conn.execute(sa.text("UPDATE t SET c = :v"), {"v": 1})'],
    ['conn.execute(sa.text("UPDATE t SET c = :v"), v=1)'],
    ['conn.execute("UPDATE t SET c = 1")'],
  ])('some, or not a text() bind: %s', (statement) => {
    expect(withoutValues(statement)).toEqual([false]);
  });
});

describe('a plain string given to connection.execute()', () => {
  const source = revision('def upgrade():\n    conn = op.get_bind()\n    conn.execute("CREATE TYPE kind AS ENUM (\'a\')")\n    conn.exec_driver_sql("CREATE TYPE other AS ENUM (\'a\')")');

  it('runs on SQLAlchemy 1.4, and the statement is read', () => {
    const analysis = analyze(source, { sqlalchemyVersion: '1.4.46' });
    expect(summary(analysis.effects)).toEqual(['create-enum kind', 'create-enum other']);
    expect(analysis.versionDependent).toEqual([expect.objectContaining({ feature: 'plain-string-execute', changedIn: '2.0', newerBehaviourApplied: false, location: expect.objectContaining({ line: 10 }) })]);
  });

  it('is refused by SQLAlchemy 2.0 (ObjectNotExecutableError): an error at its line; exec_driver_sql still takes a string', () => {
    const analysis = analyze(source, { sqlalchemyVersion: '2.0.8' });
    expect(summary(analysis.effects)).toEqual(['invalid-sql', 'create-enum other']);
    expect(analysis.effects[0]).toMatchObject({ message: expect.stringContaining('wrap it in sa.text() (ObjectNotExecutableError'), location: { line: 10 } });
    expect(analysis.versionDependent[0]).toMatchObject({ newerBehaviourApplied: true });
  });

  it('is not a question for text() objects', () => {
    const analysis = analyze(revision('def upgrade():\n    op.get_bind().execute(sa.text("CREATE TYPE kind AS ENUM (\'a\')"))'), { sqlalchemyVersion: '2.0.8' });
    expect(summary(analysis.effects)).toEqual(['create-enum kind']);
    expect(analysis.versionDependent).toEqual([]);
  });
});

describe('text with values not known statically', () => {
  it('keeps a skeleton of the constant parts, 0 in each unknown place, to tell statements that only touch rows', () => {
    const skeletons: string[] = [];
    const onlyRows = (sql: string): boolean => {
      skeletons.push(sql);
      return sql.trimStart().startsWith('UPDATE');
    };
    const { effects } = analyze(
      revision(`from app.util import now_utc, http_date, STATES, TABLE

def upgrade():
    op.execute("UPDATE users SET seen = '%s' WHERE id > %d" % (http_date(now_utc()), STATES.first))
    op.execute(f"UPDATE users SET state = {STATES.done} WHERE state IN ({STATES.a}, {STATES.b})")
    op.execute("UPDATE {} SET x = 1".format(TABLE))
    op.execute(f"CREATE TABLE {TABLE} (id int)")`),
      { sqlOnlyRows: onlyRows },
    );
    expect(skeletons).toEqual([
      "UPDATE users SET seen = '0' WHERE id > 0",
      'UPDATE users SET state = 0 WHERE state IN (0, 0)',
      'UPDATE 0 SET x = 1',
      'CREATE TABLE 0 (id int)',
    ]);
    // Rows only: nothing that may create tables; the last one may create anything. (The helpers called have notes of their own.)
    const executed = effects.filter((effect) => effect.kind === 'unknown' && effect.reason.startsWith('op.execute()'));
    expect(executed.map((effect) => (effect.kind === 'unknown' ? [effect.dataOnly === true, effect.mayCreateTables === true] : effect.kind))).toEqual([
      [true, false],
      [true, false],
      [true, false],
      [false, true],
    ]);
  });
});
