import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSqlParser } from '../../../src/migrations/sql/parse-sql.js';
import { effectsOf, inPublic, onlyOfKind } from './support.js';

beforeAll(loadSqlParser);

describe('CREATE TYPE … AS ENUM', () => {
  it('gives the labels in order, unguarded, created by SQL', () => {
    expect(effectsOf("CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads', 'Google Ads')")).toEqual([
      {
        kind: 'create-enum',
        name: inPublic('platformtype'),
        labels: ['meta_ads', 'tiktok_ads', 'Google Ads'],
        via: 'sql',
        location: { file: 'migration.py', line: 1 },
        guard: { kind: 'none' },
      },
    ]);
  });

  it('accepts an empty label list', () => {
    expect(onlyOfKind(effectsOf('CREATE TYPE empty AS ENUM ()'), 'create-enum').labels).toEqual([]);
  });

  it('folds an unquoted name and keeps a quoted one exact', () => {
    expect(onlyOfKind(effectsOf("CREATE TYPE PlatformType AS ENUM ('a')"), 'create-enum').name).toEqual(inPublic('platformtype'));
    expect(onlyOfKind(effectsOf(`CREATE TYPE "PlatformType" AS ENUM ('a')`), 'create-enum').name).toEqual(inPublic('PlatformType'));
  });

  it('keeps the schema of a qualified name; an unqualified one is in public', () => {
    expect(onlyOfKind(effectsOf("CREATE TYPE analytics.granularity AS ENUM ('day')"), 'create-enum').name).toEqual({ schema: 'analytics', name: 'granularity' });
    expect(onlyOfKind(effectsOf("CREATE TYPE granularity AS ENUM ('day')", { defaultSchema: 'analytics' }), 'create-enum').name).toEqual({ schema: 'analytics', name: 'granularity' });
  });

  it('keeps labels exact, escapes resolved', () => {
    expect(onlyOfKind(effectsOf("CREATE TYPE t AS ENUM ('it''s', E'tab\\there', $$dollar$$, 'Ünïcode')"), 'create-enum').labels).toEqual([
      "it's",
      'tab\there',
      'dollar',
      'Ünïcode',
    ]);
  });

  it('is not confused with other CREATE TYPE forms, which give nothing', () => {
    expect(effectsOf('CREATE TYPE pair AS (a int, b int)')).toEqual([]);
    expect(effectsOf('CREATE TYPE floatrange AS RANGE (subtype = float8)')).toEqual([]);
  });
});

describe('ALTER TYPE … ADD VALUE', () => {
  it('appends a label without a neighbour', () => {
    const effect = onlyOfKind(effectsOf("ALTER TYPE platformtype ADD VALUE 'snap_ads'"), 'add-enum-value');
    expect(effect).toMatchObject({ name: inPublic('platformtype'), label: 'snap_ads', ifNotExists: false, guard: { kind: 'none' } });
    expect(effect).not.toHaveProperty('before');
    expect(effect).not.toHaveProperty('after');
  });

  it('places a label BEFORE or AFTER a neighbour', () => {
    expect(onlyOfKind(effectsOf("ALTER TYPE t ADD VALUE 'b' BEFORE 'c'"), 'add-enum-value')).toMatchObject({ label: 'b', before: 'c' });
    expect(onlyOfKind(effectsOf("ALTER TYPE t ADD VALUE 'b' AFTER 'a'"), 'add-enum-value')).toMatchObject({ label: 'b', after: 'a' });
  });

  it('records IF NOT EXISTS in the effect; it guards the label, never a missing type', () => {
    expect(onlyOfKind(effectsOf("ALTER TYPE t ADD VALUE IF NOT EXISTS 'b'"), 'add-enum-value')).toMatchObject({
      ifNotExists: true,
      guard: { kind: 'none' },
    });
    expect(onlyOfKind(effectsOf("ALTER TYPE t ADD VALUE 'b'"), 'add-enum-value')).toMatchObject({ ifNotExists: false, guard: { kind: 'none' } });
  });
});

describe('ALTER TYPE … RENAME / SET SCHEMA', () => {
  it('renames a value', () => {
    expect(onlyOfKind(effectsOf("ALTER TYPE t RENAME VALUE 'old' TO 'new'"), 'rename-enum-value')).toMatchObject({
      name: inPublic('t'),
      label: 'old',
      newLabel: 'new',
    });
  });

  it('renames the type, keeping its schema', () => {
    expect(onlyOfKind(effectsOf('ALTER TYPE analytics.t RENAME TO t_old'), 'rename-enum')).toMatchObject({ name: { schema: 'analytics', name: 't' }, newName: 't_old' });
  });

  it('moves the type to another schema', () => {
    expect(onlyOfKind(effectsOf('ALTER TYPE t SET SCHEMA archive'), 'set-enum-schema')).toMatchObject({ name: inPublic('t'), newSchema: 'archive' });
  });

  it('gives nothing for forms that change nothing modelled (owner, attribute rename)', () => {
    expect(effectsOf('ALTER TYPE t OWNER TO someone')).toEqual([]);
    expect(effectsOf('ALTER TYPE pair RENAME ATTRIBUTE a TO c')).toEqual([]);
  });

  it('reports an ALTER TYPE form it cannot judge as unknown', () => {
    expect(onlyOfKind(effectsOf('ALTER TYPE pair ADD ATTRIBUTE c int'), 'unknown').reason).toMatch(/composite/);
  });
});

describe('DROP TYPE', () => {
  it('gives one effect per type, with CASCADE', () => {
    const effects = effectsOf('DROP TYPE a, analytics.b CASCADE');
    expect(effects.map((effect) => effect.kind)).toEqual(['drop-enum', 'drop-enum']);
    expect(effects).toMatchObject([
      { name: inPublic('a'), cascade: true, guard: { kind: 'none' } },
      { name: { schema: 'analytics', name: 'b' }, cascade: true },
    ]);
  });

  it('guards DROP TYPE IF EXISTS, and not DROP TYPE', () => {
    expect(onlyOfKind(effectsOf('DROP TYPE IF EXISTS a'), 'drop-enum')).toMatchObject({ cascade: false, guard: { kind: 'if-exists-clause' } });
    expect(onlyOfKind(effectsOf('DROP TYPE a'), 'drop-enum').guard).toEqual({ kind: 'none' });
  });

  it('ignores DROP DOMAIN, which is no enum', () => {
    expect(effectsOf('DROP DOMAIN a')).toEqual([]);
  });
});
