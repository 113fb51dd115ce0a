import { describe, expect, it } from '@jest/globals';
import type { Effect, Guard } from '../../../src/model/effect.js';
import { compareStates } from '../../../src/model/compare.js';
import { createSchemaState, EMPTY_SCHEMA_STATE, type SchemaState } from '../../../src/model/schema-state.js';
import { runRules } from '../../../src/rules/index.js';
import { simulate, type PendingMigration } from '../../../src/simulate/simulate.js';

const NONE: Guard = { kind: 'none' };
const name = (n: string, schema = 'public') => ({ schema, name: n });
const createEnum = (n: string, labels: string[], via: 'sql' | 'create-table' = 'sql', guard: Guard = NONE, schema = 'public'): Effect => ({
  kind: 'create-enum',
  name: name(n, schema),
  labels,
  via,
  guard,
  location: { file: 'versions/x.py', line: 12 },
});
const migration = (revision: string, effects: Effect[]): PendingMigration => ({ revision, file: `versions/${revision}.py`, effects });

function findingsFor(start: SchemaState, pending: PendingMigration[]) {
  const simulation = simulate(start, pending);
  // The manifest here is what the migrations intend, so only the simulation rules can report.
  const expected = simulation.intendedState;
  return runRules({ expected, actual: expected, diff: compareStates(expected, expected), actualDescription: 'the schema after the upgrade', simulation });
}

const withType = createSchemaState([{ ...name('platformtype'), labels: ['meta_ads'] }], []);

describe('simulation rules', () => {
  it('enum-already-exists: names the revision, file, line and the 42710 error', () => {
    const findings = findingsFor(withType, [migration('b2', [createEnum('platformtype', ['meta_ads'], 'create-table')])]).filter((f) => f.rule === 'enum-already-exists');
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'error', file: 'versions/x.py', line: 12, object: 'platformtype', message: expect.stringContaining('type "platformtype" already exists') }),
    ]);
    expect(findings[0]?.hint).toContain('create_type=False');
  });

  it('enum-already-exists: silent on a fresh database', () => {
    expect(findingsFor(EMPTY_SCHEMA_STATE, [migration('b2', [createEnum('platformtype', ['meta_ads'], 'create-table')])])).toEqual([]);
  });

  it('enum-created-twice: warns when the memo hides an identical second create, errs when labels differ', () => {
    const same = findingsFor(EMPTY_SCHEMA_STATE, [migration('a1', [createEnum('p', ['x'], 'create-table')]), migration('b2', [createEnum('p', ['x'], 'create-table')])]);
    expect(same.map((f) => [f.rule, f.severity])).toEqual([['enum-created-twice', 'warning']]);
    expect(same[0]?.message).toContain('fails with');
    const differ = findingsFor(EMPTY_SCHEMA_STATE, [migration('a1', [createEnum('p', ['x'], 'create-table')]), migration('b2', [createEnum('p', ['x', 'y'], 'create-table')])]);
    expect(differ.map((f) => [f.rule, f.severity])).toEqual([['enum-created-twice', 'error']]);
  });

  it('enum-created-twice: within one revision, only other labels are worth a finding, and it speaks of no earlier deploy', () => {
    expect(findingsFor(EMPTY_SCHEMA_STATE, [migration('a1', [createEnum('p', ['x'], 'create-table'), createEnum('p', ['x'], 'create-table')])])).toEqual([]);
    const differ = findingsFor(EMPTY_SCHEMA_STATE, [migration('a1', [createEnum('p', ['x'], 'create-table'), createEnum('p', ['x', 'y'], 'create-table')])]);
    expect(differ.map((f) => [f.rule, f.severity])).toEqual([['enum-created-twice', 'error']]);
    expect(differ[0]?.message).toContain("SQLAlchemy emits CREATE TYPE once per run, and the labels differ, so the first definition ('x') wins silently over ('x', 'y')");
    expect(differ[0]?.message).not.toContain('earlier deploy');
  });

  it('enum-created-twice: a raw SQL create after another in the same run is an error', () => {
    const findings = findingsFor(EMPTY_SCHEMA_STATE, [migration('a1', [createEnum('p', ['x'])]), migration('b2', [createEnum('p', ['x'])])]);
    expect(findings.map((f) => f.rule)).toEqual(['enum-created-twice']);
    expect(findings[0]?.message).toContain('created earlier in this run by revision a1');
  });

  it('guarded-create-drift: only when labels differ', () => {
    const guard: Guard = { kind: 'existence-check', source: 'pg_type', schemaAware: true };
    expect(findingsFor(withType, [migration('a1', [createEnum('platformtype', ['meta_ads', 'x'], 'sql', guard)])]).map((f) => f.rule)).toEqual(['guarded-create-drift']);
    expect(findingsFor(withType, [migration('a1', [createEnum('platformtype', ['meta_ads'], 'sql', guard)])])).toEqual([]);
  });

  it('guard-ignores-schema: a pg_type guard satisfied by another schema', () => {
    const start = createSchemaState([{ ...name('platformtype', 'legacy'), labels: ['x'] }], []);
    const findings = findingsFor(start, [migration('a1', [createEnum('platformtype', ['x'], 'sql', { kind: 'existence-check', source: 'pg_type', schemaAware: false })])]);
    expect(findings.map((f) => f.rule)).toContain('guard-ignores-schema');
    expect(findings.find((f) => f.rule === 'guard-ignores-schema')?.hint).toContain('typnamespace');
  });

  it('unanalyzable-statement is a warning with the reason', () => {
    const findings = findingsFor(EMPTY_SCHEMA_STATE, [migration('a1', [{ kind: 'unknown', reason: 'calls an imported helper create_enum_type_safe', guard: NONE, location: { file: 'versions/a1.py', line: 7 } }])]);
    expect(findings).toEqual([expect.objectContaining({ rule: 'unanalyzable-statement', severity: 'warning', line: 7, message: expect.stringContaining('create_enum_type_safe') })]);
  });

  it('enum-label-used-before-commit: within one revision, says so and does not offer transaction_per_migration as the fix', () => {
    const addB: Effect = { kind: 'add-enum-value', name: name('platformtype'), label: 'b', ifNotExists: false, guard: NONE, location: { file: 'f.py', line: 3 } };
    const useB: Effect = { kind: 'use-enum-label', name: name('platformtype'), label: 'b', guard: NONE, location: { file: 'f.py', line: 4 } };
    const [same] = findingsFor(withType, [migration('a1', [addB, useB])]).filter((f) => f.rule === 'enum-label-used-before-commit');
    expect(same?.message).toContain('added by the same revision (line 3) in the same transaction');
    expect(same?.message).toContain('a revision runs in one transaction');
    expect(same?.hint).not.toContain("env.py's context.configure()");
    const [apart] = findingsFor(withType, [migration('a1', [addB]), migration('b2', [useB])]).filter((f) => f.rule === 'enum-label-used-before-commit');
    expect(apart?.message).toContain('added by revision a1 (line 3)');
    expect(apart?.message).toContain('the standard env.py runs all pending revisions in one transaction');
    expect(apart?.hint).toContain('transaction_per_migration=True');
  });

  it('unanalyzable-statement: a column type imported from the project is one finding per type, with the count of its other columns', () => {
    const note = (line: number, type: string): Effect => ({ kind: 'unknown', reason: `the column t.c${line} has the type \`${type}\`, defined outside this file`, importedType: type, guard: NONE, location: { file: 'versions/x.py', line } });
    const findings = findingsFor(EMPTY_SCHEMA_STATE, [migration('a1', [note(3, 'app.GUID'), note(4, 'app.GUID'), note(5, 'app.Timestamp')]), migration('b2', [note(7, 'app.GUID')])]);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['unanalyzable-statement', 3], ['unanalyzable-statement', 5]]);
    expect(findings[0]?.message).toContain('(2 more columns in 2 revisions have that type too)');
    expect(findings[0]?.hint).toContain('ignore unanalyzable-statement -- GUID is not an enum');
    expect(findings[1]?.message).not.toContain('more column');
  });

  it('unanalyzable-statement: the same note at the same place (a loop unrolled) is one finding', () => {
    const note: Effect = { kind: 'unknown', reason: 'which statements run depends on `existing`', guard: NONE, location: { file: 'versions/x.py', line: 9 } };
    const findings = findingsFor(EMPTY_SCHEMA_STATE, [migration('a1', [note, note, note, { ...note, reason: 'another reason' }])]);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['unanalyzable-statement', 9], ['unanalyzable-statement', 9]]);
  });

  it('every simulation finding has a file, a line and a hint', () => {
    const findings = findingsFor(createSchemaState([{ ...name('p'), labels: ['a'] }], [{ ...name('t'), enumColumns: [{ name: 'c', enumType: name('p'), isArray: false }] }]), [
      migration('a1', [
        createEnum('p', ['a']),
        { kind: 'add-enum-value', name: name('p'), label: 'a', ifNotExists: false, guard: NONE, location: { file: 'f.py', line: 2 } },
        { kind: 'add-enum-value', name: name('p'), label: 'b', ifNotExists: false, guard: NONE, location: { file: 'f.py', line: 3 } },
        { kind: 'use-enum-label', name: name('p'), label: 'b', guard: NONE, location: { file: 'f.py', line: 4 } },
        { kind: 'drop-enum', name: name('p'), cascade: false, guard: NONE, location: { file: 'f.py', line: 5 } },
        { kind: 'drop-table', name: name('nope'), cascade: false, guard: NONE, location: { file: 'f.py', line: 6 } },
        { kind: 'invalid-sql', message: 'syntax error', guard: NONE, location: { file: 'f.py', line: 7 } },
      ]),
    ]);
    expect(findings.map((f) => f.rule).sort()).toEqual(
      ['drop-enum-in-use', 'enum-already-exists', 'enum-label-already-exists', 'enum-label-used-before-commit', 'invalid-sql', 'object-does-not-exist'].sort(),
    );
    for (const finding of findings) {
      expect(finding.file).toBeTruthy();
      expect(finding.line).toBeGreaterThan(0);
      expect(finding.hint.length).toBeGreaterThan(20);
    }
  });
});
