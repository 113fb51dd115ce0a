import { describe, expect, it } from '@jest/globals';
import type { Effect, Guard } from '../../../src/model/effect.js';
import { createSchemaState, EMPTY_SCHEMA_STATE, type SchemaState } from '../../../src/model/schema-state.js';
import { simulate, type PendingMigration } from '../../../src/simulate/simulate.js';

const NONE: Guard = { kind: 'none' };
const at = (line: number, file = 'versions/a.py') => ({ file, line });
const name = (n: string, schema = 'public') => ({ schema, name: n });

function createEnum(n: string, labels: string[], options: { via?: 'sql' | 'create-table' | 'enum-create'; guard?: Guard; line?: number; schema?: string } = {}): Effect {
  return { kind: 'create-enum', name: name(n, options.schema), labels, via: options.via ?? 'sql', guard: options.guard ?? NONE, location: at(options.line ?? 1) };
}
function addValue(n: string, label: string, options: { ifNotExists?: boolean; before?: string; after?: string; autocommit?: boolean; line?: number } = {}): Effect {
  return {
    kind: 'add-enum-value',
    name: name(n),
    label,
    ifNotExists: options.ifNotExists ?? false,
    ...(options.before !== undefined ? { before: options.before } : {}),
    ...(options.after !== undefined ? { after: options.after } : {}),
    guard: NONE,
    location: at(options.line ?? 1),
    ...(options.autocommit ? { autocommit: true } : {}),
  };
}
const useLabel = (n: string | undefined, label: string): Effect => ({ kind: 'use-enum-label', ...(n ? { name: name(n) } : {}), label, guard: NONE, location: at(9) });
const migration = (revision: string, effects: Effect[]): PendingMigration => ({ revision, file: `versions/${revision}.py`, effects });
const live = (enums: Record<string, string[]>, tables: string[] = []): SchemaState =>
  createSchemaState(
    Object.entries(enums).map(([n, labels]) => ({ ...name(n), labels })),
    tables.map((t) => ({ ...name(t), enumColumns: [] })),
  );
const kinds = (result: ReturnType<typeof simulate>) => result.events.map((event) => event.kind);

describe('creating an enum that exists', () => {
  it('fails without a guard (the "type already exists" incident), and the run rolls back', () => {
    const start = live({ platformtype: ['meta_ads'] });
    const result = simulate(start, [migration('a1', [createEnum('platformtype', ['meta_ads']), createEnum('metrictype', ['clicks'])])]);
    expect(result.fails).toBe(true);
    expect(result.events[0]).toMatchObject({ kind: 'create-existing', sqlstate: '42710', existing: { kind: 'database' }, revision: 'a1' });
    expect(result.finalState).toEqual(start);
    expect(result.intendedState.enums.size).toBe(2);
    expect(result.appliedRevisions).toEqual([]);
  });

  it('passes on a database without it', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [migration('a1', [createEnum('platformtype', ['meta_ads'])])]);
    expect(result.fails).toBe(false);
    expect(result.events).toEqual([]);
    expect([...result.finalState.enums.values()][0]?.labels).toEqual(['meta_ads']);
  });

  it.each<[string, Guard]>([
    ['IF NOT EXISTS', { kind: 'existence-check', source: 'pg_type', schemaAware: true }],
    ['checkfirst', { kind: 'checkfirst' }],
    ['EXCEPTION WHEN duplicate_object', { kind: 'exception-handler', conditions: ['duplicate_object'] }],
    ['EXCEPTION WHEN others', { kind: 'exception-handler', conditions: ['others'] }],
  ])('is skipped silently by a %s guard, and says whether the labels differ', (_, guard) => {
    const start = live({ platformtype: ['meta_ads'] });
    const differing = simulate(start, [migration('a1', [createEnum('platformtype', ['meta_ads', 'tiktok_ads'], { guard })])]);
    expect(differing.fails).toBe(false);
    expect(differing.events).toEqual([expect.objectContaining({ kind: 'guarded-create-skipped', labelsDiffer: true, existingLabels: ['meta_ads'] })]);
    expect([...differing.finalState.enums.values()][0]?.labels).toEqual(['meta_ads']);
    const same = simulate(start, [migration('a1', [createEnum('platformtype', ['meta_ads'], { guard })])]);
    expect(same.events).toEqual([expect.objectContaining({ kind: 'guarded-create-skipped', labelsDiffer: false })]);
  });

  it('is not covered by an EXCEPTION WHEN duplicate_table handler', () => {
    const result = simulate(live({ p: ['a'] }), [migration('a1', [createEnum('p', ['a'], { guard: { kind: 'exception-handler', conditions: ['duplicate_table'] } })])]);
    expect(result.fails).toBe(true);
  });

  it('is skipped by a pg_type guard that ignores the schema when another schema has the name', () => {
    const start = createSchemaState([{ schema: 'legacy', name: 'platformtype', labels: ['x'] }], []);
    const unaware = simulate(start, [migration('a1', [createEnum('platformtype', ['meta_ads'], { guard: { kind: 'existence-check', source: 'pg_type', schemaAware: false } })])]);
    expect(unaware.events).toEqual([expect.objectContaining({ kind: 'guarded-create-skipped', satisfiedBySchema: 'legacy' })]);
    expect(unaware.finalState.enums.size).toBe(1);
    const aware = simulate(start, [migration('a1', [createEnum('platformtype', ['meta_ads'], { guard: { kind: 'existence-check', source: 'pg_type', schemaAware: true } })])]);
    expect(aware.events).toEqual([]);
    expect(aware.finalState.enums.size).toBe(2);
  });
});

describe("op.create_table's implicit CREATE TYPE", () => {
  it('is emitted once per run: two revisions pending together pass, with a warning', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [
      migration('a1', [createEnum('platformtype', ['meta_ads'], { via: 'create-table' })]),
      migration('b2', [createEnum('platformtype', ['meta_ads', 'tiktok_ads'], { via: 'create-table' })]),
    ]);
    expect(result.fails).toBe(false);
    expect(result.events).toEqual([
      expect.objectContaining({ kind: 'created-twice-masked', revision: 'b2', labelsDiffer: true, firstLabels: ['meta_ads'], existing: expect.objectContaining({ revision: 'a1' }) }),
    ]);
  });

  it('says nothing of two tables of one revision sharing the type: no deploy can split them', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [
      migration('a1', [createEnum('state', ['a', 'b'], { via: 'create-table', line: 6 }), createEnum('state', ['a', 'b'], { via: 'create-table', line: 9 })]),
    ]);
    expect(result.events).toEqual([]);
    expect(result.fails).toBe(false);
  });

  it('within one revision, still says when the second declaration has other labels (the first wins)', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [migration('a1', [createEnum('state', ['a'], { via: 'create-table' }), createEnum('state', ['a', 'b'], { via: 'create-table' })])]);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'created-twice-masked', sameRevision: true, labelsDiffer: true, firstLabels: ['a'], labels: ['a', 'b'] })]);
  });

  it('skips CREATE TYPE after the type was dropped in the run: the table then names a type that does not exist', () => {
    const dropEnum: Effect = { kind: 'drop-enum', name: name('e'), cascade: false, guard: NONE, location: at(5) };
    const result = simulate(EMPTY_SCHEMA_STATE, [
      migration('r1', [createEnum('e', ['a'], { via: 'create-table' })]),
      migration('r2', [dropEnum]),
      migration('r3', [createEnum('e', ['a'], { via: 'create-table' })]),
    ]);
    expect(kinds(result)).not.toContain('created-twice-masked');
    expect(result.finalState.enums.size).toBe(0);
  });

  it('fails when the first revision was applied by an earlier deploy', () => {
    const result = simulate(live({ platformtype: ['meta_ads'] }), [migration('b2', [createEnum('platformtype', ['meta_ads'], { via: 'create-table' })])]);
    expect(result.fails).toBe(true);
    expect(kinds(result)).toEqual(['create-existing']);
  });

  it('is not in the memo of raw SQL: a create_table after a raw CREATE TYPE fails', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [
      migration('a1', [createEnum('platformtype', ['meta_ads'])]),
      migration('b2', [createEnum('platformtype', ['meta_ads'], { via: 'create-table' })]),
    ]);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'create-existing', existing: expect.objectContaining({ kind: 'migration', revision: 'a1' }) })]);
  });
});

describe('ALTER TYPE … ADD VALUE', () => {
  it('fails on an existing label, unless IF NOT EXISTS', () => {
    const start = live({ p: ['a'] });
    expect(kinds(simulate(start, [migration('a1', [addValue('p', 'a')])]))).toEqual(['add-existing-label']);
    expect(kinds(simulate(start, [migration('a1', [addValue('p', 'a', { ifNotExists: true })])]))).toEqual([]);
  });

  it('places the label BEFORE / AFTER, and fails on a missing anchor', () => {
    const start = live({ p: ['a', 'c'] });
    const result = simulate(start, [migration('a1', [addValue('p', 'b', { after: 'a' }), addValue('p', 'z', { before: 'a' })])]);
    expect([...result.finalState.enums.values()][0]?.labels).toEqual(['z', 'a', 'b', 'c']);
    expect(kinds(simulate(start, [migration('a1', [addValue('p', 'b', { after: 'nope' })])]))).toEqual(['missing-label']);
  });

  it('fails on a missing type', () => {
    expect(simulate(EMPTY_SCHEMA_STATE, [migration('a1', [addValue('p', 'b')])]).events).toEqual([expect.objectContaining({ kind: 'missing-object', sqlstate: '42704' })]);
  });

  it('makes a label that a later revision of the same run uses fail with 55P04', () => {
    const start = live({ p: ['a'] });
    const result = simulate(start, [migration('a1', [addValue('p', 'b', { line: 3 })]), migration('b2', [useLabel('p', 'b')])]);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'unsafe-new-label-use', fails: true, revision: 'b2', addedAt: { revision: 'a1', line: 3 } })]);
  });

  it('lets the label be used after a commit: transaction_per_migration, or an autocommit block', () => {
    const start = live({ p: ['a'] });
    const pending = [migration('a1', [addValue('p', 'b')]), migration('b2', [useLabel('p', 'b')])];
    expect(simulate(start, pending, { transactionPerMigration: true }).events).toEqual([]);
    expect(simulate(start, [migration('a1', [addValue('p', 'b', { autocommit: true })]), migration('b2', [useLabel('p', 'b')])]).events).toEqual([]);
  });

  it('lets the labels of a type created in the same transaction be used', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [migration('a1', [createEnum('p', ['a']), addValue('p', 'b'), useLabel('p', 'b')])]);
    expect(result.events).toEqual([]);
  });

  it('fails with 55P04 when a value of an INSERT or UPDATE goes into a column of that enum', () => {
    const start = createSchemaState([{ ...name('p'), labels: ['a'] }], [{ ...name('t'), enumColumns: [{ name: 'c', enumType: name('p'), isArray: false }] }]);
    const intoColumn = (column: string): Effect => ({ kind: 'use-enum-label', label: 'b', table: name('t'), column, guard: NONE, location: at(9) });
    expect(simulate(start, [migration('a1', [addValue('p', 'b')]), migration('b2', [intoColumn('c')])]).events).toEqual([
      expect.objectContaining({ kind: 'unsafe-new-label-use', fails: true, object: name('p') }),
    ]);
    // Another column of the table is not of that type.
    expect(simulate(start, [migration('a1', [addValue('p', 'b')]), migration('b2', [intoColumn('other')])]).events).toEqual([
      expect.objectContaining({ kind: 'unsafe-new-label-use', fails: false }),
    ]);
  });

  it('warns when a statement of unknown type uses a label just added', () => {
    const result = simulate(live({ p: ['a'] }), [migration('a1', [addValue('p', 'b'), useLabel(undefined, 'b')])]);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'unsafe-new-label-use', fails: false })]);
    expect(simulate(live({ p: ['a'] }), [migration('a1', [addValue('p', 'b'), useLabel(undefined, 'a')])]).events).toEqual([]);
  });

  it('cannot run in a transaction before PostgreSQL 12', () => {
    const start = live({ p: ['a'] });
    expect(kinds(simulate(start, [migration('a1', [addValue('p', 'b')])], { serverVersionNum: 110000 }))).toEqual(['add-value-in-transaction']);
    expect(kinds(simulate(start, [migration('a1', [addValue('p', 'b', { autocommit: true })])], { serverVersionNum: 110000 }))).toEqual([]);
  });
});

describe('tables, columns and drops', () => {
  const enumColumn = (type: string, knownEnum: boolean) => ({ name: 'c', enumType: name(type), isArray: false, knownEnum });
  const createTable = (t: string, columns: ReturnType<typeof enumColumn>[] = [], guard: Guard = NONE): Effect => ({ kind: 'create-table', name: name(t), enumColumns: columns, guard, location: at(2) });

  it('fails to create an existing table (42P07) unless guarded', () => {
    const start = live({}, ['t']);
    expect(simulate(start, [migration('a1', [createTable('t')])]).events).toEqual([expect.objectContaining({ kind: 'create-existing', sqlstate: '42P07' })]);
    expect(simulate(start, [migration('a1', [createTable('t', [], { kind: 'if-exists-clause' })])]).events).toEqual([expect.objectContaining({ kind: 'guarded-create-skipped', objectType: 'table' })]);
  });

  it('fails on a column whose enum type does not exist, when the statement says it is an enum', () => {
    const addColumn = (knownEnum: boolean): Effect => ({ kind: 'add-column', table: name('t'), columnType: enumColumn('p', knownEnum), guard: NONE, location: at(4) });
    expect(kinds(simulate(live({}, ['t']), [migration('a1', [addColumn(true)])]))).toEqual(['missing-object']);
    expect(kinds(simulate(live({}, ['t']), [migration('a1', [addColumn(false)])]))).toEqual([]);
    expect(kinds(simulate(live({}, []), [migration('a1', [addColumn(false)])]))).toEqual(['missing-object']);
  });

  it('refuses to drop a type in use (2BP01) unless CASCADE, which drops the columns', () => {
    const setup = [createEnum('p', ['a']), createTable('t', [enumColumn('p', true)])];
    const drop = (cascade: boolean): Effect => ({ kind: 'drop-enum', name: name('p'), cascade, guard: NONE, location: at(7) });
    expect(simulate(EMPTY_SCHEMA_STATE, [migration('a1', [...setup, drop(false)])]).events).toEqual([expect.objectContaining({ kind: 'drop-enum-in-use', usedBy: ['t.c'] })]);
    const cascaded = simulate(EMPTY_SCHEMA_STATE, [migration('a1', [...setup, drop(true)])]);
    expect(cascaded.events).toEqual([]);
    expect([...cascaded.finalState.tables.values()][0]?.enumColumns).toEqual([]);
  });

  it('lets the usual "recreate the enum" sequence drop the old type once no column uses it', () => {
    const start = createSchemaState([{ ...name('p'), labels: ['a'] }], [{ ...name('t'), enumColumns: [{ name: 'c', enumType: name('p'), isArray: false }] }]);
    const toText: Effect = { kind: 'alter-column-type', table: name('t'), column: 'c', guard: NONE, location: at(1) };
    const drop: Effect = { kind: 'drop-enum', name: name('p'), cascade: false, guard: NONE, location: at(2) };
    expect(simulate(start, [migration('a1', [toText, drop])]).events).toEqual([]);
    const dropColumn: Effect = { kind: 'drop-column', table: name('t'), column: 'c', guard: NONE, location: at(1) };
    expect(simulate(start, [migration('a1', [dropColumn, drop])]).events).toEqual([]);
    expect(kinds(simulate(start, [migration('a1', [drop])]))).toEqual(['drop-enum-in-use']);
  });

  it('fails ADD VALUE IF NOT EXISTS on a missing type: the clause guards the label only', () => {
    expect(kinds(simulate(EMPTY_SCHEMA_STATE, [migration('a1', [addValue('p', 'b', { ifNotExists: true })])]))).toEqual(['missing-object']);
  });

  it('says that a type used after being dropped in the run was removed by that run', () => {
    const result = simulate(live({ p: ['a'] }, ['t']), [
      migration('a1', [{ kind: 'drop-enum', name: name('p'), cascade: false, guard: NONE, location: at(5) }]),
      migration('b2', [addValue('p', 'b')]),
    ]);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'missing-object', removedInRun: { revision: 'a1', line: 5 } })]);
  });

  it('renames tables and types, and fails on a rename onto an existing name', () => {
    const start = live({ p: ['a'], q: ['b'] }, ['t']);
    const ok = simulate(start, [migration('a1', [{ kind: 'rename-table', name: name('t'), newName: 'u', guard: NONE, location: at(1) }, { kind: 'rename-enum', name: name('p'), newName: 'r', guard: NONE, location: at(2) }])]);
    expect([...ok.finalState.tables.values()].map((t) => t.name)).toEqual(['u']);
    expect([...ok.finalState.enums.values()].map((e) => e.name)).toEqual(['q', 'r']);
    expect(kinds(simulate(start, [migration('a1', [{ kind: 'rename-enum', name: name('p'), newName: 'q', guard: NONE, location: at(2) }])]))).toEqual(['create-existing']);
  });
});

describe('transactions', () => {
  it('with transaction_per_migration, keeps the revisions before the failing one', () => {
    const start = live({ p: ['a'] });
    const pending = [migration('a1', [createEnum('q', ['x'])]), migration('b2', [createEnum('p', ['a'])]), migration('c3', [createEnum('r', ['y'])])];
    const perMigration = simulate(start, pending, { transactionPerMigration: true });
    expect(perMigration.appliedRevisions).toEqual(['a1']);
    expect([...perMigration.finalState.enums.keys()]).toHaveLength(2);
    const oneRun = simulate(start, pending);
    expect(oneRun.appliedRevisions).toEqual([]);
    expect(oneRun.finalState).toEqual(start);
  });

  it('reports every failing statement, not only the first', () => {
    const result = simulate(live({ p: ['a'], q: ['b'] }), [migration('a1', [createEnum('p', ['a']), createEnum('q', ['b'])])]);
    expect(kinds(result)).toEqual(['create-existing', 'create-existing']);
  });

  it('records invalid SQL as a failure and unknown statements as warnings', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [
      migration('a1', [
        { kind: 'invalid-sql', message: 'syntax error at or near "TYPO"', guard: NONE, location: at(3) },
        { kind: 'unknown', reason: 'dynamic SQL', guard: NONE, location: at(4) },
      ]),
    ]);
    expect(result.fails).toBe(true);
    expect(result.events.map((event) => [event.kind, event.fails])).toEqual([
      ['invalid-sql', true],
      ['unknown', false],
    ]);
  });
});

describe('conditions around a statement', () => {
  const inspectorCondition = (table: string, runsIfExists: boolean) => ({ kind: 'existence' as const, objectType: 'table' as const, name: name(table), runsIfExists, source: 'inspector' as const, schemaAware: true, line: 3 });

  it("skips a statement whose existence condition is false (the create_table's Enum is not created when the table exists)", () => {
    const create: Effect = { ...createEnum('kind', ['a'], { via: 'create-table' }), conditions: [inspectorCondition('events', false)] };
    expect(simulate(live({ kind: ['a'] }, ['events']), [migration('a1', [create])]).events).toEqual([]);
    // The near-twin: the table is missing, so the implicit CREATE TYPE runs and meets the existing type.
    expect(kinds(simulate(live({ kind: ['a'] }, []), [migration('a1', [create])]))).toEqual(['create-existing']);
  });

  it('reports what happens under an opaque condition without letting it decide the verdict', () => {
    const create: Effect = { ...createEnum('kind', ['a']), conditions: [{ kind: 'opaque', expression: 'settings.FEATURE', line: 4 }] };
    const result = simulate(live({ kind: ['a'] }), [migration('a1', [create])]);
    expect(result.fails).toBe(false);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'create-existing', conditional: { expression: 'settings.FEATURE', line: 4 } })]);
  });
});

describe('conditions on the database', () => {
  const usersMissing = (evaluation: number) => ({ kind: 'existence', objectType: 'table', name: name('users'), runsIfExists: false, source: 'has_table', schemaAware: true, line: 2, evaluation }) as const;
  const createTable = (table: string, extra: Partial<Effect> = {}): Effect => ({ kind: 'create-table', name: name(table), enumColumns: [], guard: NONE, location: at(3), ...extra }) as Effect;

  it('are answered once per evaluation, before its first statement: `if not has_table(users)` creates users and groups', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [
      migration('a1', [
        createTable('users', { guard: { kind: 'existence-check', source: 'has_table', schemaAware: true }, guardTests: [usersMissing(1)] }),
        createTable('groups', { conditions: [usersMissing(1)] }),
      ]),
    ]);
    expect(result.events).toEqual([]);
    expect([...result.finalState.tables.values()].map((table) => table.name).sort()).toEqual(['groups', 'users']);
  });

  it('are asked again by another evaluation (a helper called twice)', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [
      migration('a1', [
        createTable('users', { guard: { kind: 'existence-check', source: 'has_table', schemaAware: true }, guardTests: [usersMissing(1)] }),
        createTable('users_log', { conditions: [usersMissing(1)] }),
        createTable('users', { guard: { kind: 'existence-check', source: 'has_table', schemaAware: true }, guardTests: [usersMissing(2)] }),
        createTable('users_log', { conditions: [usersMissing(2)] }),
      ]),
    ]);
    expect(result.fails).toBe(false);
    expect(result.finalState.tables.size).toBe(2);
  });

  it('skip every statement under a test that says no', () => {
    const result = simulate(live({}, ['users']), [migration('a1', [createTable('users', { guard: { kind: 'existence-check', source: 'has_table', schemaAware: true }, guardTests: [usersMissing(1)] }), createTable('groups', { conditions: [usersMissing(1)] })])]);
    expect(result.fails).toBe(false);
    expect([...result.finalState.tables.values()].map((table) => table.name)).toEqual(['users']);
  });
});

describe('statements that only read or write rows, unread', () => {
  const rows: Effect = { kind: 'unknown', reason: 'connection.execute() runs a SQLAlchemy expression (`sa.update().values`), not SQL text', dataOnly: true, guard: NONE, location: at(7) };

  it('are nothing to report when no label was added in the transaction', () => {
    expect(simulate(live({ p: ['a'] }), [migration('a1', [rows])]).events).toEqual([]);
  });

  it('are nothing to report after ADD VALUE to a type created in the same transaction (its labels are safe)', () => {
    expect(simulate(EMPTY_SCHEMA_STATE, [migration('a1', [createEnum('p', ['a']), addValue('p', 'b'), rows])]).events).toEqual([]);
  });

  it('may meet 55P04 after an ADD VALUE in the same transaction, and say so', () => {
    const result = simulate(live({ p: ['a'] }), [migration('a1', [addValue('p', 'b'), rows])]);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'unknown', reason: expect.stringContaining('if it uses the new label, alembic upgrade fails with 55P04') })]);
  });
});


describe('a column with a default changed to an enum type', () => {
  const statusType = { name: 'status', enumType: name('orderstatus'), isArray: false, knownEnum: true };
  const createOrders: Effect = { kind: 'create-table', name: name('orders'), enumColumns: [], defaultColumns: ['status'], guard: NONE, location: at(2) };
  const toEnum: Effect = { kind: 'alter-column-type', table: name('orders'), column: 'status', columnType: statusType, guard: NONE, location: at(5) };
  const withType = (effects: Effect[]) => [createEnum('orderstatus', ['new', 'paid']), ...effects];

  it('fails with 42804: the default has no automatic cast to an enum', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [migration('a1', withType([createOrders, toEnum]))]);
    expect(result.fails).toBe(true);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'default-blocks-type-change', sqlstate: '42804', column: 'status', object: name('orderstatus') })]);
  });

  it('passes when the default is dropped first, and knows defaults from the live schema and from ADD COLUMN', () => {
    const dropDefault: Effect = { kind: 'set-column-default', table: name('orders'), column: 'status', hasDefault: false, guard: NONE, location: at(4) };
    expect(simulate(EMPTY_SCHEMA_STATE, [migration('a1', withType([createOrders, dropDefault, toEnum]))]).fails).toBe(false);
    const live = createSchemaState([{ ...name('orderstatus'), labels: ['new'] }], [{ ...name('orders'), enumColumns: [], defaultColumns: ['status'] }]);
    expect(simulate(live, [migration('a1', [toEnum])]).fails).toBe(true);
    const added: Effect = { kind: 'add-column', table: name('orders'), column: 'status', hasDefault: true, guard: NONE, location: at(3) };
    const bare = createSchemaState([{ ...name('orderstatus'), labels: ['new'] }], [{ ...name('orders'), enumColumns: [] }]);
    expect(simulate(bare, [migration('a1', [added, toEnum])]).fails).toBe(true);
    expect(simulate(bare, [migration('a1', [toEnum])]).fails).toBe(false);
  });

  it('is no conversion when the column already has that enum type', () => {
    const live = createSchemaState([{ ...name('orderstatus'), labels: ['new'] }], [{ ...name('orders'), enumColumns: [{ name: 'status', enumType: name('orderstatus'), isArray: false }], defaultColumns: ['status'] }]);
    expect(simulate(live, [migration('a1', [toEnum])]).fails).toBe(false);
  });
});
