import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSqlParser } from '../../../src/migrations/sql/parse-sql.js';
import { arrayLiteralElements } from '../../../src/migrations/sql/statements.js';
import { effectsOf, inPublic, ofKind } from './support.js';

beforeAll(loadSqlParser);

const labelsOf = (sql: string) => ofKind(effectsOf(sql), 'use-enum-label').map((effect) => (effect.name ? [effect.name.name, effect.label] : [effect.label]));

describe('labels used as values', () => {
  it('takes a string cast to a user type as a label of that type, in any statement', () => {
    expect(labelsOf("SELECT 'tiktok_ads'::platformtype")).toEqual([['platformtype', 'tiktok_ads']]);
    expect(labelsOf("UPDATE t SET p = CAST('meta_ads' AS platformtype)")).toEqual([['platformtype', 'meta_ads']]);
    expect(labelsOf("CREATE INDEX i ON t (a) WHERE p = platformtype 'meta_ads'")).toEqual([['platformtype', 'meta_ads']]);
    expect(ofKind(effectsOf("SELECT 'x'::analytics.granularity"), 'use-enum-label')[0]?.name).toEqual({ schema: 'analytics', name: 'granularity' });
  });

  it('does not take a string cast to a built-in type as a label', () => {
    expect(labelsOf("SELECT 'x'::text, 'y'::varchar(3), 'platformtype'::regtype, '1'::int")).toEqual([]);
  });

  it('reads the elements of an array cast to an array of a user type', () => {
    expect(labelsOf(`SELECT '{a,"b c"}'::platformtype[], ARRAY['d', 'e']::platformtype[]`)).toEqual([
      ['platformtype', 'a'],
      ['platformtype', 'b c'],
      ['platformtype', 'd'],
      ['platformtype', 'e'],
    ]);
  });

  it('takes inserted, assigned and compared strings as labels of an unknown type', () => {
    expect(labelsOf("INSERT INTO t (p, n) VALUES ('tiktok_ads', 1), ('meta_ads', 2)")).toEqual([['tiktok_ads'], ['meta_ads']]);
    expect(labelsOf("INSERT INTO t (p) SELECT 'snap_ads'")).toEqual([['snap_ads']]);
    expect(labelsOf("UPDATE t SET p = 'new' WHERE p = 'old' OR q IN ('x', 'y')")).toEqual([['new'], ['old'], ['x'], ['y']]);
    expect(labelsOf("DELETE FROM t WHERE p <> 'gone'")).toEqual([['gone']]);
    expect(labelsOf("INSERT INTO t (p) VALUES ('a') ON CONFLICT (id) DO UPDATE SET p = 'b'")).toEqual([['a'], ['b']]);
    expect(labelsOf("ALTER TABLE t ALTER COLUMN p SET DEFAULT 'meta_ads'")).toEqual([['meta_ads']]);
  });

  it('names the column an INSERT with a column list or an UPDATE SET puts each value into', () => {
    const targets = (sql: string) => ofKind(effectsOf(sql), 'use-enum-label').map((effect) => [effect.label, effect.table?.name, effect.column]);
    expect(targets("INSERT INTO campaigns (name, platform) VALUES ('Imported', 'google_ads')")).toEqual([
      ['Imported', 'campaigns', 'name'],
      ['google_ads', 'campaigns', 'platform'],
    ]);
    expect(targets("UPDATE campaigns SET platform = 'google_ads' WHERE name LIKE 'Google%'")).toEqual([['google_ads', 'campaigns', 'platform']]);
    // Without a column list, the column of a value is not known.
    expect(targets("INSERT INTO campaigns VALUES ('google_ads')")).toEqual([['google_ads', undefined, undefined]]);
  });

  it('does not take strings that are never read as a column value', () => {
    expect(labelsOf("SELECT 'constant', upper('x'), 'a' || 'b'")).toEqual([]);
    expect(labelsOf("COMMENT ON TABLE t IS 'note'")).toEqual([]);
    expect(labelsOf("SELECT * FROM t WHERE name LIKE 'x%'")).toEqual([]);
  });

  it('reports each label of a statement once, at the statement', () => {
    const effects = ofKind(effectsOf("SELECT 'a'::p, 'a'::p;\nSELECT 'a'::p"), 'use-enum-label');
    expect(effects.map((effect) => [effect.label, effect.location.line])).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
  });

  it('takes a named label of a user type even beside a create of that type', () => {
    const effects = effectsOf("CREATE TYPE p AS ENUM ('a'); SELECT 'a'::p");
    expect(effects.map((effect) => effect.kind)).toEqual(['create-enum', 'use-enum-label']);
    expect(ofKind(effects, 'use-enum-label')[0]?.name).toEqual(inPublic('p'));
  });
});

describe('arrayLiteralElements', () => {
  it('reads quoted, escaped and NULL elements as array_in does', () => {
    expect(arrayLiteralElements('{a, b ,"c,d","e\\"f",NULL,"NULL"}')).toEqual(['a', 'b', 'c,d', 'e"f', 'NULL']);
  });

  it('reads an empty array as no element', () => {
    expect(arrayLiteralElements('{}')).toEqual([]);
  });
});
