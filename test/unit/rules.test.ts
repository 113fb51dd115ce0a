import { readdirSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { compareStates } from '../../src/model/compare.js';
import { createSchemaState, type EnumType, type Table } from '../../src/model/schema-state.js';
import { RULES, runRules } from '../../src/rules/index.js';

function findings(expected: { enums?: EnumType[]; tables?: Table[] }, actual: { enums?: EnumType[]; tables?: Table[] }) {
  const expectedState = createSchemaState(expected.enums ?? [], expected.tables ?? []);
  const actualState = createSchemaState(actual.enums ?? [], actual.tables ?? []);
  return runRules({ expected: expectedState, actual: actualState, diff: compareStates(expectedState, actualState), actualDescription: 'the database' });
}

const enumType = (name: string, labels: string[], schema = 'public'): EnumType => ({ schema, name, labels });
const table = (name: string, schema = 'public'): Table => ({ schema, name, enumColumns: [] });

describe('the rule registry', () => {
  const docs = readdirSync(new URL('../../docs/rules/', import.meta.url)).map((file) => file.replace(/\.md$/, ''));

  it('has unique kebab-case ids', () => {
    const ids = RULES.map((rule) => rule.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  it('has a doc page for every rule and a rule for every doc page', () => {
    expect([...docs].sort()).toEqual(RULES.map((rule) => rule.meta.id).sort());
  });
});

describe('drift rules', () => {
  it('report nothing when the database matches the manifest', () => {
    const state = { enums: [enumType('platformtype', ['a', 'b'])], tables: [table('t')] };
    expect(findings(state, state)).toEqual([]);
  });

  it('enum-missing: an expected enum is absent, with a CREATE TYPE hint', () => {
    const [finding] = findings({ enums: [enumType('platformtype', ['meta_ads'])] }, {});
    expect(finding).toMatchObject({ rule: 'enum-missing', severity: 'error', object: 'platformtype' });
    expect(finding?.hint).toContain("CREATE TYPE platformtype AS ENUM ('meta_ads')");
  });

  it('enum-missing: a mixed-case name is another type, and the hint quotes it', () => {
    const result = findings({ enums: [enumType('PlatformType', ['a'])] }, { enums: [enumType('platformtype', ['a'])] });
    expect(result.map((f) => [f.rule, f.object])).toEqual([
      ['enum-missing', 'PlatformType'],
      ['enum-not-in-manifest', 'platformtype'],
    ]);
    expect(result[0]?.hint).toContain('CREATE TYPE "PlatformType"');
  });

  it('enum-labels-differ: names missing labels and how to add them in place', () => {
    const [finding] = findings({ enums: [enumType('p', ['a', 'b', 'c'])] }, { enums: [enumType('p', ['a', 'c'])] });
    expect(finding).toMatchObject({ rule: 'enum-labels-differ', severity: 'error', details: { missing: ['b'], extra: [] } });
    expect(finding?.message).toContain('missing "b"');
    expect(finding?.hint).toContain("ALTER TYPE p ADD VALUE 'b' AFTER 'a'");
  });

  it('enum-labels-differ: chains the ADD VALUE statements so that the order comes out as the manifest says', () => {
    const [finding] = findings({ enums: [enumType('p', ['new0', 'a', 'x', 'y', 'b'])] }, { enums: [enumType('p', ['a', 'b'])] });
    expect(finding?.hint).toContain(
      "ALTER TYPE p ADD VALUE 'new0' BEFORE 'a'; ALTER TYPE p ADD VALUE 'x' AFTER 'a'; ALTER TYPE p ADD VALUE 'y' AFTER 'x'",
    );
  });

  it('enum-labels-differ: names extra labels', () => {
    const [finding] = findings({ enums: [enumType('p', ['a'])] }, { enums: [enumType('p', ['a', 'z'])] });
    expect(finding?.message).toContain('unexpected "z"');
    expect(finding?.hint).toContain('cannot drop an enum label');
  });

  it('enum-labels-differ: says when only the order differs, with positions', () => {
    const [finding] = findings({ enums: [enumType('p', ['day', 'week', 'month'])] }, { enums: [enumType('p', ['week', 'month', 'day'])] });
    expect(finding?.message).toContain('only the order differs: "day" is at position 3, expected 1');
  });

  it('table-missing: an expected table is absent, in its schema', () => {
    const result = findings({ tables: [table('rollups', 'analytics')] }, { tables: [table('rollups')] });
    expect(result.map((f) => [f.rule, f.severity, f.object])).toEqual([
      ['table-missing', 'error', 'analytics.rollups'],
      ['table-not-in-manifest', 'warning', 'rollups'],
    ]);
    expect(result[0]?.hint).toContain('schema="analytics"');
  });

  it('enum-not-in-manifest: an unlisted enum is a warning carrying its labels', () => {
    const [finding] = findings({}, { enums: [enumType('x', ['a'])] });
    expect(finding).toMatchObject({ rule: 'enum-not-in-manifest', severity: 'warning', details: { actualLabels: ['a'] } });
  });

  it('every finding says what, where and how to fix', () => {
    const result = findings(
      { enums: [enumType('a', ['x']), enumType('b', ['x', 'y'])], tables: [table('t')] },
      { enums: [enumType('b', ['y', 'x']), enumType('c', ['x'])], tables: [table('u')] },
    );
    expect(result).toHaveLength(5);
    for (const finding of result) {
      expect(finding.message.length).toBeGreaterThan(10);
      expect(finding.object).toBeTruthy();
      expect(finding.hint.length).toBeGreaterThan(10);
    }
  });
});

describe('schema-differs-from-history', () => {
  const implied = createSchemaState([], []);
  const live = createSchemaState([{ schema: 'public', name: 'kind', labels: ['a'] }], []);
  const context = { expected: live, actual: live, diff: compareStates(live, live), actualDescription: 'the database', appliedHistory: compareStates(implied, live) };

  it('says someone changed the database by hand when every applied statement was read', () => {
    const [finding] = runRules(context).filter((f) => f.rule === 'schema-differs-from-history');
    expect(finding?.message).toBe('enum kind is in the database, but no applied revision creates it');
  });

  it('names the statements it could not read, which may have created the object', () => {
    const [finding] = runRules({ ...context, appliedHistoryUnread: { count: 2, file: 'versions/a1.py', line: 12 } }).filter((f) => f.rule === 'schema-differs-from-history');
    expect(finding?.message).toBe(
      'enum kind is in the database, but no applied revision that schema-gate could read creates it; 2 statements of the applied revisions could not be analysed (the first at versions/a1.py:12) and may have created it',
    );
    expect(finding?.hint).toMatch(/^if none of those statements creates it, someone changed the database by hand/);
  });
});
