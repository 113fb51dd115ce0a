import { describe, expect, it } from '@jest/globals';
import { isSqlParserLoaded, loadSqlParser, sqlEffects } from '../../../src/migrations/sql/parse-sql.js';

// Each test file has its own module registry, so the parser starts unloaded here.
describe('loading the SQL parser', () => {
  it('is not loaded by importing the module, and sqlEffects says what to do', () => {
    expect(isSqlParserLoaded()).toBe(false);
    expect(() => sqlEffects('SELECT 1', { file: 'm.py', line: 1 })).toThrow(/await loadSqlParser\(\)/);
  });

  it('loads once however often it is asked, then runs synchronously', async () => {
    const first = loadSqlParser();
    expect(loadSqlParser()).toBe(first);
    await first;
    expect(isSqlParserLoaded()).toBe(true);
    expect(sqlEffects("CREATE TYPE a AS ENUM ('x')", { file: 'm.py', line: 1 })).toHaveLength(1);
  });
});
