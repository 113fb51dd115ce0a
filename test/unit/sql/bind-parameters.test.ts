import { beforeAll, describe, expect, it } from '@jest/globals';
import { replaceBindParameters, type BindParameterStyle } from '../../../src/migrations/sql/bind-parameters.js';
import { loadSqlParser, sqlEffects } from '../../../src/migrations/sql/parse-sql.js';
import { effectsOf, inPublic, ofKind, onlyOfKind } from './support.js';

beforeAll(loadSqlParser);

const rewrite = (text: string, style: BindParameterStyle) => replaceBindParameters(text, style).text;

describe("SQLAlchemy text(): ':name' binds", () => {
  it.each([
    ['UPDATE t SET c = CAST(:v AS text)', 'UPDATE t SET c = CAST($1 AS text)'],
    ['UPDATE t SET c = :v WHERE id = :i AND d = :v', 'UPDATE t SET c = $1 WHERE id = $2 AND d = $1'],
    ['SELECT :a,:b_2,(:été)', 'SELECT $1,$2,($3)'],
    // A literal is no shelter: SQLAlchemy marks the bind inside it as well.
    ["SELECT ':v', 'at :x'", "SELECT '$1', 'at $2'"],
    ['-- see :note\nSELECT 1', '-- see $1\nSELECT 1'],
  ])('%s', (text, expected) => {
    expect(rewrite(text, 'sqlalchemy-text')).toBe(expected);
  });

  it.each([
    ["SELECT '10:00'::text, c::mood", "SELECT '10:00'::text, c::mood"],
    // Not a bind for SQLAlchemy either: PostgreSQL receives the colon and rejects it.
    ['SELECT :v::int', 'SELECT :v::int'],
    ['DO $$ BEGIN x := 1; END $$', 'DO $$ BEGIN x := 1; END $$'],
    ['SELECT a[1:2], 50%', 'SELECT a[1:2], 50%'],
    ["SELECT 'http://h:80/p'", "SELECT 'http://h:80/p'"],
  ])('leaves casts, assignments, slices and percent signs: %s', (text, expected) => {
    expect(rewrite(text, 'sqlalchemy-text')).toBe(expected);
  });

  it('sends an escaped colon as a colon', () => {
    expect(rewrite(String.raw`SELECT '\:v', '\:', '\::'`, 'sqlalchemy-text')).toBe(String.raw`SELECT ':v', ':', '\::'`);
  });
});

describe('psycopg2 at driver level: %s, %(name)s and %%', () => {
  it.each([
    ['UPDATE t SET c = %s WHERE id = %s', 'UPDATE t SET c = $1 WHERE id = $2'],
    ["UPDATE t SET c = %(v)s WHERE d LIKE 'a%%' AND e = %(v)s", "UPDATE t SET c = $1 WHERE d LIKE 'a%' AND e = $1"],
    ['SELECT 7 %% 2, :v', 'SELECT 7 % 2, :v'],
  ])('with parameters: %s', (text, expected) => {
    expect(rewrite(text, 'pyformat')).toBe(expected);
  });

  it('without parameters only halves %% (SQLAlchemy still passes psycopg2 an empty set)', () => {
    expect(rewrite("SELECT '%s', 'a%%'", 'pyformat-without-parameters')).toBe("SELECT '%s', 'a%'");
  });
});

describe('effects of SQL with bind parameters', () => {
  it('parses a statement whose values are bound, which PostgreSQL would reject with the colon', () => {
    expect(onlyOfKind(effectsOf('UPDATE t SET c = :v WHERE id = :i'), 'invalid-sql').message).toContain('":"');
    // Parsed: what is left is the table the UPDATE needs.
    expect(effectsOf('UPDATE t SET c = :v WHERE id = :i', { bindParameters: 'sqlalchemy-text' }).map((effect) => effect.kind)).toEqual(['use-table']);
    expect(effectsOf('UPDATE t SET c = %s WHERE id = %(i)s', { bindParameters: 'pyformat' }).map((effect) => effect.kind)).toEqual(['use-table']);
  });

  it('keeps the effects of the statements around the binds', () => {
    const effects = effectsOf("CREATE TYPE mood AS ENUM ('a', 'b');\nALTER TYPE mood ADD VALUE 'c';\nUPDATE t SET m = 'c' WHERE id = :i", { bindParameters: 'sqlalchemy-text' });
    expect(onlyOfKind(effects, 'create-enum')).toMatchObject({ name: inPublic('mood'), labels: ['a', 'b'] });
    expect(onlyOfKind(effects, 'add-enum-value')).toMatchObject({ label: 'c', location: { line: 2 } });
    expect(onlyOfKind(effects, 'use-enum-label')).toMatchObject({ label: 'c', location: { line: 3 } });
  });

  it('never takes a bound value for a label', () => {
    const effects = effectsOf('UPDATE t SET m = :mood WHERE id = :i;\nINSERT INTO t (m) VALUES (CAST(:m AS mood))', { bindParameters: 'sqlalchemy-text' });
    expect(ofKind(effects, 'use-enum-label')).toEqual([]);
    expect(ofKind(effects, 'invalid-sql')).toEqual([]);
  });

  it('does not call the SQL invalid where the value decides the syntax (a literal where no parameter goes)', () => {
    const effects = effectsOf('SELECT 1;\nALTER TYPE mood ADD VALUE :label', { bindParameters: 'sqlalchemy-text' });
    expect(ofKind(effects, 'invalid-sql')).toEqual([]);
    expect(ofKind(effects, 'add-enum-value')).toEqual([]);
    expect(onlyOfKind(effects, 'unknown')).toMatchObject({ reason: expect.stringContaining(':label'), location: { line: 2 } });
  });

  it('still reports SQL that is invalid whatever the values', () => {
    expect(onlyOfKind(effectsOf('UPDATE t SET c = :v WHERE', { bindParameters: 'sqlalchemy-text' }), 'invalid-sql').message).toContain('end of input');
    expect(onlyOfKind(effectsOf('SELECT :v::int', { bindParameters: 'sqlalchemy-text' }), 'invalid-sql').message).toContain('":"');
    // Without parameters psycopg2 raises at %s; the parser rejects it too.
    expect(ofKind(effectsOf('UPDATE t SET c = %s', { bindParameters: 'pyformat-without-parameters' }), 'invalid-sql')).toHaveLength(1);
  });

  it('says that a bind inside a quoted string or body makes that text depend on the value', () => {
    const effects = effectsOf("DO $$ BEGIN\n  CREATE TYPE mood AS ENUM ('a');\n  PERFORM :v;\nEND $$", { bindParameters: 'sqlalchemy-text' });
    expect(onlyOfKind(effects, 'unknown')).toMatchObject({ reason: expect.stringContaining('inside a quoted string'), location: { line: 3 } });
    expect(onlyOfKind(effects, 'create-enum')).toMatchObject({ name: inPublic('mood'), location: { line: 2 } });
  });

  it('keeps lines exact when the rewritten text is shorter, and with explicit line offsets', () => {
    const sql = "UPDATE t SET c = %(value)s;\nALTER TYPE mood ADD VALUE 'x'";
    expect(onlyOfKind(effectsOf(sql, { bindParameters: 'pyformat' }), 'add-enum-value').location.line).toBe(2);
    // Python literals concatenated over two lines: the second starts at ALTER.
    const joined = "UPDATE t SET c = :value; ALTER TYPE mood ADD VALUE 'x'";
    const effects = sqlEffects(joined, { file: 'migration.py', line: 4, lineOffsets: [joined.indexOf('ALTER')] }, { bindParameters: 'sqlalchemy-text' });
    expect(onlyOfKind(effects, 'add-enum-value').location.line).toBe(5);
  });

  it('reports a text whose binds get no values: SQLAlchemy refuses to send it', () => {
    const effects = effectsOf("CREATE TYPE mood AS ENUM ('a');\nUPDATE t SET m = :m", { bindParameters: 'sqlalchemy-text', withoutBindValues: true });
    expect(effects).toEqual([expect.objectContaining({ kind: 'invalid-sql', message: expect.stringContaining("A value is required for bind parameter 'm'"), location: { file: 'migration.py', line: 2 } })]);
    expect(effectsOf("SELECT '\\:m', 1::int", { bindParameters: 'sqlalchemy-text', withoutBindValues: true })).toEqual([]);
  });
});
