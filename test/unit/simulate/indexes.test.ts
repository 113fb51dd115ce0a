import { describe, expect, it } from '@jest/globals';
import type { Effect, Guard } from '../../../src/model/effect.js';
import { createSchemaState, EMPTY_SCHEMA_STATE, type SchemaState } from '../../../src/model/schema-state.js';
import { simulate, type PendingMigration } from '../../../src/simulate/simulate.js';

const NONE: Guard = { kind: 'none' };
const IF_NOT_EXISTS: Guard = { kind: 'if-exists-clause' };
const at = (line: number) => ({ file: 'versions/a.py', line });
const name = (n: string, schema = 'public') => ({ schema, name: n });

const createIndex = (index: string, table: string, guard: Guard = NONE, line = 5): Effect => ({ kind: 'create-index', name: name(index), table: name(table), operation: 'op.create_index', guard, location: at(line) });
const dropIndex = (index: string, options: { constraint?: boolean; unqualified?: boolean } = {}): Effect => ({ kind: 'drop-index', name: name(index), operation: 'op.drop_index', ...options, guard: NONE, location: at(6) });
const createTable = (table: string): Effect => ({ kind: 'create-table', name: name(table), enumColumns: [], guard: NONE, location: at(2) });
const migration = (revision: string, effects: Effect[]): PendingMigration => ({ revision, file: `versions/${revision}.py`, effects });
/** A live database with these tables, and these indexes (index → table); `indexes` undefined: unknown, as a manifest. */
const live = (tables: string[], indexes?: Record<string, string>, views: string[] = []): SchemaState =>
  createSchemaState(
    [],
    tables.map((t) => ({ ...name(t), enumColumns: [] })),
    views.map((v) => name(v)),
    indexes ? Object.entries(indexes).map(([index, table]) => ({ ...name(index), table: name(table) })) : undefined,
  );

describe('creating a named index', () => {
  it('fails when the database has an index of that name (made by hand, say), and the run rolls back', () => {
    const result = simulate(live(['users'], { ix_users_email: 'users' }), [migration('a1', [createIndex('ix_users_email', 'users')])]);
    expect(result.fails).toBe(true);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'create-existing', sqlstate: '42P07', objectType: 'index', object: name('ix_users_email'), existing: { kind: 'database' } })]);
    expect(result.appliedRevisions).toEqual([]);
  });

  it('fails when an earlier revision of the run created it', () => {
    const result = simulate(EMPTY_SCHEMA_STATE, [
      migration('a1', [createTable('users'), createIndex('ix_users_email', 'users', NONE, 3)]),
      migration('b2', [createIndex('ix_users_email', 'users')]),
    ]);
    expect(result.fails).toBe(true);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'create-existing', revision: 'b2', existing: expect.objectContaining({ kind: 'migration', revision: 'a1', line: 3 }) })]);
  });

  it('fails when a table or a view has the name: relations share one namespace per schema', () => {
    const table = simulate(live(['users', 'audit'], {}), [migration('a1', [createIndex('audit', 'users')])]);
    expect(table.events).toEqual([expect.objectContaining({ kind: 'create-existing', objectType: 'index', existingRelation: 'table' })]);
    const view = simulate(live(['users'], {}, ['active_users']), [migration('a1', [createIndex('active_users', 'users')])]);
    expect(view.events).toEqual([expect.objectContaining({ kind: 'create-existing', objectType: 'index', existingRelation: 'view or other relation' })]);
  });

  it('is skipped by IF NOT EXISTS, and passes under another schema', () => {
    expect(simulate(live(['users'], { ix_users_email: 'users' }), [migration('a1', [createIndex('ix_users_email', 'users', IF_NOT_EXISTS)])]).events).toEqual([]);
    const otherSchema: Effect = { kind: 'create-index', name: name('ix_users_email', 'audit'), table: name('users', 'audit'), operation: 'CREATE INDEX', guard: NONE, location: at(5) };
    expect(simulate(live(['users'], { ix_users_email: 'users' }), [migration('a1', [otherSchema])]).fails).toBe(false);
  });

  it('passes after the index, its constraint or its table was dropped earlier in the run', () => {
    const start = live(['users'], { ix_users_email: 'users', uq_users_email: 'users' });
    expect(simulate(start, [migration('a1', [dropIndex('ix_users_email'), createIndex('ix_users_email', 'users')])]).fails).toBe(false);
    expect(simulate(start, [migration('a1', [dropIndex('uq_users_email', { constraint: true }), createIndex('uq_users_email', 'users')])]).fails).toBe(false);
    const dropTable: Effect = { kind: 'drop-table', name: name('users'), cascade: false, guard: NONE, location: at(3) };
    expect(simulate(start, [migration('a1', [dropTable, createTable('users'), createIndex('ix_users_email', 'users')])]).fails).toBe(false);
  });

  it('passes after a column of its table was dropped: which indexes went with it is not known', () => {
    const dropColumn: Effect = { kind: 'drop-column', table: name('users'), column: 'email', guard: NONE, location: at(3) };
    expect(simulate(live(['users'], { ix_users_email: 'users' }), [migration('a1', [dropColumn, createIndex('ix_users_email', 'users')])]).fails).toBe(false);
  });

  it('keeps the indexes of a renamed table, and follows a renamed index', () => {
    const renameTable: Effect = { kind: 'rename-table', name: name('users'), newName: 'accounts', guard: NONE, location: at(3) };
    const again = simulate(live(['users'], { ix_users_email: 'users' }), [migration('a1', [renameTable, createIndex('ix_users_email', 'accounts')])]);
    expect(again.fails).toBe(true);
    const renameIndex: Effect = { kind: 'rename-index', name: name('ix_users_email'), newName: 'ix_accounts_email', guard: NONE, location: at(3) };
    const renamed = simulate(live(['users'], { ix_users_email: 'users' }), [migration('a1', [renameIndex, createIndex('ix_users_email', 'users'), createIndex('ix_accounts_email', 'users')])]);
    expect(renamed.events).toEqual([expect.objectContaining({ kind: 'create-existing', object: name('ix_accounts_email') })]);
  });

  it('drops an unqualified index found through the search_path from every schema', () => {
    const start = createSchemaState([], [{ ...name('users', 'app'), enumColumns: [] }], [], [{ ...name('ix_users_email', 'app'), table: name('users', 'app') }]);
    const create: Effect = { kind: 'create-index', name: name('ix_users_email', 'app'), table: name('users', 'app'), operation: 'op.create_index', guard: NONE, location: at(5) };
    expect(simulate(start, [migration('a1', [dropIndex('ix_users_email', { unqualified: true }), create])]).fails).toBe(false);
  });

  it('leaves the index of a temporary table to the session', () => {
    const temporary: Effect = { kind: 'create-relation', name: name('scratch'), relationKind: 'temporary-table', guard: NONE, location: at(2) };
    const index: Effect = { kind: 'create-index', name: name('ix_users_email'), table: name('scratch'), operation: 'CREATE INDEX', unqualifiedTable: true, guard: NONE, location: at(3) };
    expect(simulate(live(['users'], { ix_users_email: 'users' }), [migration('a1', [temporary, index])]).fails).toBe(false);
  });

  it('cannot clash with indexes it does not know (a manifest start, offline)', () => {
    expect(simulate(live(['users']), [migration('a1', [createIndex('ix_users_email', 'users')])]).fails).toBe(false);
  });
});

describe('dropping an index by name', () => {
  const start = live(['users'], { ix_users_email: 'users' });
  const drop = (index: string, options: { guard?: Guard; table?: string; unqualified?: boolean } = {}): Effect => ({
    kind: 'drop-index',
    name: name(index),
    operation: 'op.drop_index',
    ...(options.table ? { table: name(options.table) } : {}),
    ...(options.unqualified ? { unqualified: true } : {}),
    guard: options.guard ?? NONE,
    location: at(7),
  });

  it('fails with 42704 when the database has no index of that name, unless IF EXISTS', () => {
    const result = simulate(start, [migration('a1', [drop('ix_users_name', { table: 'users' })])]);
    expect(result.fails).toBe(true);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'missing-object', sqlstate: '42704', objectType: 'index', object: name('ix_users_name') })]);
    expect(simulate(start, [migration('a1', [drop('ix_users_name', { guard: IF_NOT_EXISTS })])]).events).toEqual([]);
  });

  it('fails on the second drop, saying where the first was', () => {
    const result = simulate(start, [migration('a1', [drop('ix_users_email')]), migration('b2', [drop('ix_users_email')])]);
    expect(result.events).toEqual([expect.objectContaining({ kind: 'missing-object', revision: 'b2', removedInRun: { revision: 'a1', line: 7 } })]);
  });

  it('finds an unqualified name in any schema the search_path may reach', () => {
    const elsewhere = createSchemaState([], [{ ...name('users', 'app'), enumColumns: [] }], [], [{ ...name('ix_users_email', 'app'), table: name('users', 'app') }]);
    expect(simulate(elsewhere, [migration('a1', [drop('ix_users_email', { unqualified: true })])]).fails).toBe(false);
  });

  it('says nothing once the run may have made indexes of names it cannot know on that table, or anywhere, or when the start knows none', () => {
    const unnamed: Effect = { kind: 'create-index', table: name('users'), operation: 'op.create_unique_constraint', guard: NONE, location: at(3) };
    const unknown: Effect = { kind: 'unknown', reason: 'SQL built at run time', mayCreateTables: true, guard: NONE, location: at(3) };
    const dropColumn: Effect = { kind: 'drop-column', table: name('users'), column: 'email', guard: NONE, location: at(3) };
    for (const before of [createTable('accounts'), unnamed, unknown]) {
      expect(simulate(start, [migration('a1', [before, drop('users_pkey')])]).events.filter((event) => event.kind !== 'unknown')).toEqual([]);
    }
    // The index may have gone with the column, or not.
    expect(simulate(start, [migration('a1', [dropColumn, drop('ix_users_email')])]).events).toEqual([]);
    expect(simulate(live(['users']), [migration('a1', [drop('ix_users_name')])]).events).toEqual([]);
    expect(simulate(EMPTY_SCHEMA_STATE, [migration('a1', [drop('ix_users_name')])]).events).toEqual([]);
  });

  it('keeps what may make indexes of unknown names to its table when the drop names its table', () => {
    const start2 = live(['users', 'accounts'], { ix_users_email: 'users' });
    const addColumn = (table: string): Effect => ({ kind: 'add-column', table: name(table), column: 'c', guard: NONE, location: at(3) });
    // A column added to another table cannot have made an index of users.
    expect(simulate(start2, [migration('a1', [addColumn('accounts'), drop('ix_users_name', { table: 'users' })])]).fails).toBe(true);
    expect(simulate(start2, [migration('a1', [addColumn('users'), drop('ix_users_name', { table: 'users' })])]).events).toEqual([]);
    // Without its table, the index could be any table's.
    expect(simulate(start2, [migration('a1', [addColumn('accounts'), drop('ix_users_name')])]).events).toEqual([]);
    // A renamed table takes its unknown names along; a dropped one, away.
    const rename: Effect = { kind: 'rename-table', name: name('accounts'), newName: 'members', guard: NONE, location: at(4) };
    expect(simulate(start2, [migration('a1', [addColumn('accounts'), rename, drop('ix_members_c', { table: 'members' })])]).events).toEqual([]);
    const dropTable: Effect = { kind: 'drop-table', name: name('accounts'), cascade: false, guard: NONE, location: at(4) };
    expect(simulate(start2, [migration('a1', [addColumn('accounts'), dropTable, drop('ix_users_name')])]).fails).toBe(true);
  });

  it('leaves a missing table to its own check, and a dropped constraint to nothing', () => {
    expect(simulate(start, [migration('a1', [drop('ix_orders_total', { table: 'orders' })])]).events).toEqual([]);
    const constraint: Effect = { kind: 'drop-index', name: name('fk_users_org'), operation: 'op.drop_constraint', constraint: true, guard: NONE, location: at(7) };
    expect(simulate(start, [migration('a1', [constraint])]).events).toEqual([]);
  });
});

describe('indexes of views and after what schema-gate cannot read', () => {
  const withView = createSchemaState([], [{ ...name('orders'), enumColumns: [] }], [name('order_totals')], [{ ...name('ix_order_totals_day'), table: name('order_totals') }]);
  const createViewIndex: Effect = { kind: 'create-index', name: name('ix_order_totals_day'), table: name('order_totals'), operation: 'CREATE INDEX', guard: NONE, location: at(9) };

  it('forgets the indexes of a dropped materialized view, and of views a DROP … CASCADE took along', () => {
    const dropView: Effect = { kind: 'drop-relation', name: name('order_totals'), relationKind: 'materialized-view', cascade: false, guard: NONE, location: at(3) };
    const recreate: Effect = { kind: 'create-relation', name: name('order_totals'), relationKind: 'materialized-view', guard: NONE, location: at(4) };
    expect(simulate(withView, [migration('a1', [dropView, recreate, createViewIndex])]).events).toEqual([]);
    const dropTableCascade: Effect = { kind: 'drop-table', name: name('orders'), cascade: true, guard: NONE, location: at(3) };
    expect(simulate(withView, [migration('a1', [dropTableCascade, createViewIndex])]).events).toEqual([]);
    // Without CASCADE or the view's drop, the index is still there.
    expect(simulate(withView, [migration('a1', [createViewIndex])]).fails).toBe(true);
  });

  it('makes a clash possible, not certain, after a statement it could not read that came after the index', () => {
    const unknown: Effect = { kind: 'unknown', reason: 'op.replace_entity() is not modelled by schema-gate', mayCreateTables: true, guard: NONE, location: at(3) };
    const result = simulate(withView, [migration('a1', [unknown, createViewIndex])]);
    expect(result.fails).toBe(false);
    expect(result.events.filter((event) => event.kind === 'create-existing')).toEqual([expect.objectContaining({ uncertain: expect.stringContaining('may have dropped it') })]);
    // An index made after that statement is certain.
    const again: Effect = { ...createViewIndex, location: at(12) };
    expect(simulate(withView, [migration('a1', [unknown, { kind: 'drop-index', name: name('ix_order_totals_day'), operation: 'DROP INDEX', guard: NONE, location: at(5) }, createViewIndex, again])]).fails).toBe(true);
  });
});
