import { describe, expect, it } from '@jest/globals';
import { databaseOptions, parseSeconds } from '../../src/cli/connection-options.js';
import { InputError } from '../../src/errors.js';

const DEFAULTS = { 'connect-timeout': '10', 'statement-timeout': '30', 'version-table': 'alembic_version' };

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected an InputError');
}

describe('parseSeconds', () => {
  it.each([
    ['10', 10],
    ['1.5', 1.5],
    [' 2 ', 2],
    ['1e3', 1000],
    [30, 30],
  ])('reads %j', (value, seconds) => {
    expect(parseSeconds('connect-timeout', value)).toEqual({ seconds });
  });

  it.each([
    ['abc', '--connect-timeout must be a positive number of seconds, got abc'],
    ['12abc', '--connect-timeout must be a positive number of seconds, got 12abc'],
    ['0', '--connect-timeout must be a positive number of seconds, got 0'],
    ['-1', '--connect-timeout must be a positive number of seconds, got -1'],
    ['Infinity', '--connect-timeout must be a positive number of seconds, got Infinity'],
    ['', '--connect-timeout must be a positive number of seconds, got an empty value'],
    ['a\nb', '--connect-timeout must be a positive number of seconds, got "a\\nb"'],
    [Number.NaN, '--connect-timeout must be a positive number of seconds, got NaN'],
    [['1', '2'], '--connect-timeout is given more than once (1, 2): give it once'],
  ])('rejects %j, quoting what was typed', (value, problem) => {
    expect(parseSeconds('connect-timeout', value)).toEqual({ problem });
  });
});

describe('databaseOptions', () => {
  it('turns the defaults into milliseconds', () => {
    expect(databaseOptions(DEFAULTS)).toEqual({ connection: { connectTimeoutMs: 10_000, statementTimeoutMs: 30_000 }, versionTable: { name: 'alembic_version' } });
    expect(databaseOptions({ ...DEFAULTS, 'connect-timeout': 30, 'statement-timeout': '2.5' }).connection).toEqual({ connectTimeoutMs: 30_000, statementTimeoutMs: 2_500 });
  });

  it('echoes what the user typed, one line per flag', () => {
    expect(problemsOf(() => databaseOptions({ ...DEFAULTS, 'connect-timeout': 'abc' }))).toEqual(['--connect-timeout must be a positive number of seconds, got abc']);
    expect(problemsOf(() => databaseOptions({ ...DEFAULTS, 'connect-timeout': 'abc', 'statement-timeout': '-5' }))).toEqual([
      '--connect-timeout must be a positive number of seconds, got abc',
      '--statement-timeout must be a positive number of seconds, got -5',
    ]);
  });
});
