import { describe, expect, it } from '@jest/globals';
import type { Effect, Guard } from '../../../src/model/effect.js';
import { compareStates } from '../../../src/model/compare.js';
import { createSchemaState, EMPTY_SCHEMA_STATE, type SchemaState } from '../../../src/model/schema-state.js';
import { runRules } from '../../../src/rules/index.js';
import { simulate, type PendingMigration } from '../../../src/simulate/simulate.js';

const NONE: Guard = { kind: 'none' };
const name = (n: string, schema = 'public') => ({ schema, name: n });
const at = (line: number) => ({ file: 'versions/a1.py', line });
const useTable = (table: string, line: number, extra: Partial<Extract<Effect, { kind: 'use-table' }>> = {}): Effect => ({
  kind: 'use-table',
  table: name(table),
  operation: 'op.create_index',
  unqualified: true,
  guard: NONE,
  location: at(line),
  ...extra,
});
const createTable = (table: string, line: number, schema = 'public'): Effect => ({ kind: 'create-table', name: name(table, schema), enumColumns: [], guard: NONE, location: at(line) });
const migration = (revision: string, effects: Effect[]): PendingMigration => ({ revision, file: `versions/${revision}.py`, effects });

function check(start: SchemaState, effects: Effect[]) {
  const simulation = simulate(start, [migration('a1', effects)]);
  const expected = simulation.intendedState;
  const findings = runRules({ expected, actual: expected, diff: compareStates(expected, expected), actualDescription: 'the schema after the upgrade', simulation }).filter(
    (finding) => finding.rule === 'object-does-not-exist',
  );
  return { simulation, findings };
}

describe('a statement that needs a table (use-table)', () => {
  it('fails with 42P01 on a table that does not exist, naming the operation, with a fix for a table', () => {
    const { simulation, findings } = check(EMPTY_SCHEMA_STATE, [useTable('nosuch', 9)]);
    expect(simulation.fails).toBe(true);
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', file: 'versions/a1.py', line: 9, object: 'nosuch' })]);
    expect(findings[0]!.message).toBe('revision a1 needs table nosuch for op.create_index, but it does not exist at that point: alembic upgrade fails with 42P01 (table does not exist)');
    expect(findings[0]!.hint).toContain('create the table nosuch');
    expect(findings[0]!.hint).not.toContain('ENUM');
  });

  it('passes once the table is created earlier in the run, or exists in the database', () => {
    expect(check(EMPTY_SCHEMA_STATE, [createTable('t', 8), useTable('t', 9)]).simulation.fails).toBe(false);
    expect(check(createSchemaState([], [{ ...name('t'), enumColumns: [] }]), [useTable('t', 9)]).simulation.fails).toBe(false);
  });

  it('says the table was dropped or renamed earlier in the run', () => {
    const { findings } = check(createSchemaState([], [{ ...name('t'), enumColumns: [] }]), [
      { kind: 'rename-table', name: name('t'), newName: 'u', guard: NONE, location: at(5) },
      useTable('t', 9),
    ]);
    expect(findings[0]!.message).toContain('it was dropped or renamed earlier in this run (revision a1, line 5)');
  });

  it('an existence guard covers a missing table', () => {
    expect(check(EMPTY_SCHEMA_STATE, [useTable('t', 9, { guard: { kind: 'existence-check', source: 'inspector', schemaAware: true } })]).simulation.fails).toBe(false);
    expect(check(EMPTY_SCHEMA_STATE, [useTable('t', 9, { guard: { kind: 'if-exists-clause' } })]).simulation.fails).toBe(false);
  });

  it('reads schema-qualified names exactly: a table in another schema is not the one named', () => {
    const { simulation } = check(EMPTY_SCHEMA_STATE, [createTable('t', 8, 'ads'), useTable('t', 9, { table: name('t', 'public'), unqualified: false })]);
    expect(simulation.fails).toBe(true);
    expect(check(EMPTY_SCHEMA_STATE, [createTable('t', 8, 'ads'), useTable('t', 9, { table: name('t', 'ads'), unqualified: false })]).simulation.fails).toBe(false);
  });

  it('an unqualified name that a table of another schema may answer through the search_path is a warning', () => {
    const { simulation, findings } = check(EMPTY_SCHEMA_STATE, [createTable('t', 8, 'ads'), useTable('t', 9)]);
    expect(simulation.fails).toBe(false);
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('a table t exists in schema ads, which the search_path may reach') })]);
  });

  it('relations the model does not hold as tables: views, materialized views, temporary tables, catalogs, the version table', () => {
    const relation = (relationKind: 'view' | 'materialized-view' | 'foreign-table' | 'temporary-table', relationName: string): Effect => ({ kind: 'create-relation', name: name(relationName), relationKind, guard: NONE, location: at(3) });
    expect(check(EMPTY_SCHEMA_STATE, [relation('view', 'v'), useTable('v', 9, { operation: 'INSERT INTO' })]).findings).toEqual([]);
    expect(check(EMPTY_SCHEMA_STATE, [relation('materialized-view', 'mv'), useTable('mv', 9, { operation: 'CREATE INDEX' })]).findings).toEqual([]);
    expect(check(EMPTY_SCHEMA_STATE, [relation('temporary-table', 'scratch'), useTable('scratch', 9, { operation: 'INSERT INTO' })]).findings).toEqual([]);
    // A temporary table is found by an unqualified name only.
    expect(check(EMPTY_SCHEMA_STATE, [relation('temporary-table', 'scratch'), useTable('scratch', 9, { unqualified: false })]).findings).toHaveLength(1);
    expect(check(EMPTY_SCHEMA_STATE, [useTable('pg_enum', 9, { operation: 'DELETE FROM' }), useTable('alembic_version', 10, { operation: 'UPDATE' })]).findings).toEqual([]);
    expect(check(EMPTY_SCHEMA_STATE, [useTable('tables', 9, { table: name('tables', 'information_schema'), unqualified: false })]).findings).toEqual([]);
    // Views of the live database come with the starting state.
    expect(check(createSchemaState([], [], [name('live_view')]), [useTable('live_view', 9, { operation: 'UPDATE' })]).findings).toEqual([]);
  });

  it('after a statement that may have created tables unseen, a missing table is a warning that does not decide the verdict', () => {
    const unseen: Effect = { kind: 'unknown', reason: 'op.execute() runs SQL text schema-gate cannot evaluate', mayCreateTables: true, guard: NONE, location: at(4) };
    const { simulation, findings } = check(EMPTY_SCHEMA_STATE, [unseen, useTable('t', 9)]);
    expect(simulation.fails).toBe(false);
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('a statement schema-gate could not analyse (revision a1, versions/a1.py:4) may have created it') })]);
    // An unknown that cannot create tables changes nothing.
    const harmless: Effect = { kind: 'unknown', reason: 'a column type defined outside this file', guard: NONE, location: at(4) };
    expect(check(EMPTY_SCHEMA_STATE, [harmless, useTable('t', 9)]).simulation.fails).toBe(true);
    // A drop after the unknown statement is certain again.
    const start = createSchemaState([], [{ ...name('t'), enumColumns: [] }]);
    expect(check(start, [unseen, { kind: 'drop-table', name: name('t'), cascade: false, guard: NONE, location: at(6) }, useTable('t', 9)]).simulation.fails).toBe(true);
  });

  it('the same holds for types and the older checks: the recreate-an-enum pattern with SQL built at run time', () => {
    // RENAME ct TO ct_old (known), CREATE TYPE ct from an f-string (unknown), then ct is needed.
    const start = createSchemaState([{ ...name('ct'), labels: ['a'] }], []);
    const rename: Effect = { kind: 'rename-enum', name: name('ct'), newName: 'ct_old', guard: NONE, location: at(3) };
    const unseen: Effect = { kind: 'unknown', reason: 'op.execute() runs SQL text schema-gate cannot evaluate', mayCreateTables: true, guard: NONE, location: at(4) };
    const addValue: Effect = { kind: 'add-enum-value', name: name('ct'), label: 'c', ifNotExists: false, guard: NONE, location: at(9) };
    const { simulation, findings } = check(start, [rename, unseen, addValue]);
    expect(simulation.fails).toBe(false);
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('may have created it: if not, alembic upgrade fails with 42704') })]);
    // Without the unknown statement, certain.
    expect(check(start, [rename, addValue]).simulation.fails).toBe(true);
    // A drop of the type after the unknown statement is certain again.
    const drop: Effect = { kind: 'drop-enum', name: name('ct'), cascade: false, guard: NONE, location: at(6) };
    expect(check(start, [unseen, drop, addValue]).simulation.fails).toBe(true);
  });

  it('DROP INDEX through a table: the index survives a rename of its table, not a drop', () => {
    const start = createSchemaState([], [{ ...name('t'), enumColumns: [] }]);
    const dropIndex = useTable('t', 9, { operation: 'op.drop_index', viaObject: 'index' });
    expect(check(start, [{ kind: 'rename-table', name: name('t'), newName: 'u', guard: NONE, location: at(5) }, dropIndex]).findings).toEqual([]);
    const dropped = check(start, [{ kind: 'drop-table', name: name('t'), cascade: false, guard: NONE, location: at(5) }, dropIndex]).findings;
    expect(dropped).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('42704 (index does not exist)') })]);
    expect(dropped[0]!.hint).toContain('the index went with its table');
  });

  it('op.add_column on a missing table gets a table fix, not an enum one', () => {
    const { findings } = check(EMPTY_SCHEMA_STATE, [{ kind: 'add-column', table: name('groups'), column: 'name', guard: NONE, location: at(9) }]);
    expect(findings[0]!.hint).toContain('create the table groups');
    expect(findings[0]!.hint).not.toContain("name='groups'");
    const enumMissing = check(createSchemaState([], [{ ...name('groups'), enumColumns: [] }]), [
      { kind: 'add-column', table: name('groups'), column: 'kind', columnType: { name: 'kind', enumType: name('kindtype'), isArray: false, knownEnum: true }, guard: NONE, location: at(9) },
    ]).findings;
    expect(enumMissing[0]!.hint).toContain("postgresql.ENUM(..., name='kindtype')");
  });
});
