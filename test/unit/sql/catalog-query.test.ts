import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSqlParser, sqlCatalogQuery } from '../../../src/migrations/sql/parse-sql.js';

beforeAll(loadSqlParser);

describe('a catalog lookup that Python runs and reads', () => {
  it.each([
    // One row when the type exists: the first row, and its first value (1), say so.
    ["SELECT 1 FROM pg_type WHERE typname = 'st'", { firstRowTrueWhen: 'exists', firstValueTrueWhen: 'exists' }, false],
    ["SELECT typname FROM pg_catalog.pg_type WHERE typname = 'st'", { firstRowTrueWhen: 'exists', firstValueTrueWhen: 'exists' }, false],
    // A boolean in the first value; the row always comes back.
    ["SELECT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'st')", { firstValueTrueWhen: 'exists' }, false],
    ["SELECT NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'st' AND n.nspname = 'public')", { firstValueTrueWhen: 'missing' }, true],
    ["SELECT to_regtype('public.st') IS NOT NULL", { firstValueTrueWhen: 'exists' }, true],
    // A count: its value, not its row.
    ["SELECT count(*) FROM pg_type WHERE typname = 'st'", { firstValueTrueWhen: 'exists' }, false],
  ])('%s', (sql, answers, schemaAware) => {
    const query = sqlCatalogQuery(sql);
    expect(query).toEqual({ lookup: expect.objectContaining({ object: 'type', name: 'st', schemaAware }), ...answers });
  });

  it('recognises a table lookup too', () => {
    expect(sqlCatalogQuery("SELECT 1 FROM information_schema.tables WHERE table_name = 'events'")?.lookup).toMatchObject({ object: 'table', name: 'events' });
  });

  it('reads a first value of 0 as no answer: only the row says whether the type exists', () => {
    expect(sqlCatalogQuery("SELECT 0 FROM pg_type WHERE typname = 'st'")).toEqual({ lookup: expect.objectContaining({ name: 'st' }), firstRowTrueWhen: 'exists' });
  });

  it.each([['SELECT id FROM campaigns'], ['SELECT 1 FROM pg_type WHERE typname = :name'], ['SELECT 1; SELECT 2'], ['not sql']])('is nothing for other text: %s', (sql) => {
    expect(sqlCatalogQuery(sql)).toBeUndefined();
  });
});
