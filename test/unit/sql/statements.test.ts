import { beforeAll, describe, expect, it } from '@jest/globals';
import { isSqlParserLoaded, loadSqlParser, sqlEffects, sqlOnlyRows } from '../../../src/migrations/sql/parse-sql.js';
import { effectsOf, onlyOfKind } from './support.js';

beforeAll(loadSqlParser);

describe('statements that touch nothing modelled', () => {
  it.each([
    "COMMENT ON TYPE platformtype IS 'platforms'",
    'GRANT USAGE ON TYPE platformtype TO reader',
    'SELECT 1',
    'CREATE EXTENSION IF NOT EXISTS citext',
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
    "CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE TYPE x AS ENUM ('a'); END $$",
    'CREATE DOMAIN positive AS int CHECK (VALUE > 0)',
    'DROP SCHEMA old',
    'BEGIN',
    'SAVEPOINT s',
    'CREATE SCHEMA IF NOT EXISTS analytics',
    'SET statement_timeout = 0',
  ])('gives nothing for %s', (sql) => {
    expect(effectsOf(sql)).toEqual([]);
  });
});

describe('statements that could matter but cannot be judged', () => {
  it.each([
    ['CREATE DOMAIN d AS platformtype', /DOMAIN/],
    ['DROP SCHEMA old CASCADE', /CASCADE/],
    ['SET search_path TO analytics', /search_path/],
    ['COMMIT', /COMMIT/],
    ['ROLLBACK', /ROLLBACK/],
    ['ALTER SCHEMA a RENAME TO b', /schema a/],
    ['CREATE SCHEMA s CREATE TABLE t (a int)', /CREATE SCHEMA/],
  ])('reports %s as unknown', (sql, reason) => {
    expect(onlyOfKind(effectsOf(sql), 'unknown').reason).toMatch(reason);
  });
});

describe('SQL that PostgreSQL rejects', () => {
  it('gives one invalid-sql effect with the message and the line of the error, and nothing else', () => {
    // PostgreSQL parses the whole text before running any of it: nothing of it runs.
    const effects = sqlEffects("CREATE TYPE a AS ENUM ('x');\nCREATE TYPE b AS ENUM ('y'\n;", { file: 'm.py', line: 40 });
    expect(effects).toEqual([{ kind: 'invalid-sql', message: 'syntax error at or near ";"', location: { file: 'm.py', line: 42 }, guard: { kind: 'none' } }]);
  });

  it.each([
    ["SELECT 'unterminated", /unterminated quoted string/],
    ['SELECT $$unterminated', /unterminated dollar-quoted string/],
    ['SELECT $tag$ x $other$', /unterminated dollar-quoted string/],
    ['CREATE TYPE t AS ENUM (1, 2)', /syntax error/],
    ['ALTER TYPE t ADD VALUE', /syntax error/],
  ])('rejects %s', (sql, message) => {
    expect(onlyOfKind(effectsOf(sql), 'invalid-sql').message).toMatch(message);
  });

  it('rejects text with a NUL character, at its line', () => {
    expect(sqlEffects("SELECT 1;\nSELECT '\0'", { file: 'm.py', line: 1 })).toMatchObject([{ kind: 'invalid-sql', location: { line: 2 } }]);
  });
});

describe('options', () => {
  it('marks every effect of an autocommit block', () => {
    expect(effectsOf("ALTER TYPE t ADD VALUE 'x'; SELECT 'x'::t", { autocommit: true }).map((effect) => effect.autocommit)).toEqual([true, true]);
    expect(effectsOf("ALTER TYPE t ADD VALUE 'x'")[0]).not.toHaveProperty('autocommit');
  });

  it('reports that the parser is loaded', () => {
    expect(isSqlParserLoaded()).toBe(true);
  });
});

describe('sqlOnlyRows', () => {
  it('is true for SELECT (without INTO), INSERT, UPDATE and DELETE only, and false for text the parser refuses', () => {
    expect(sqlOnlyRows("UPDATE users SET seen = '0' WHERE id > 0; DELETE FROM t WHERE a IN (0, 0)")).toBe(true);
    expect(sqlOnlyRows('INSERT INTO t (a) SELECT b FROM u; SELECT 1')).toBe(true);
    expect(sqlOnlyRows('SELECT * INTO copy FROM t')).toBe(false);
    expect(sqlOnlyRows('UPDATE t SET a = 1; DROP TABLE t')).toBe(false);
    expect(sqlOnlyRows('UPDATE 0 SET x = 1')).toBe(false);
    expect(sqlOnlyRows('')).toBe(false);
  });
});
