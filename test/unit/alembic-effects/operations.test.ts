import { describe, expect, it } from '@jest/globals';
import { analyze, analyzeFixture, markerLine, ofKind, revision, summary } from './support.js';

describe('Alembic operations on tables and columns', () => {
  it('op.add_column records the enum type of the column and never creates it', () => {
    const fixture = 'add_column_enum.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual(['add-column campaigns', 'add-column campaigns']);
    expect(effects[0]).toMatchObject({
      table: { schema: 'ads', name: 'campaigns' },
      // The type has no schema=, so it is looked up on the search path, not in the table's schema.
      columnType: { name: 'platform', enumType: { schema: 'public', name: 'platformtype' }, isArray: false, knownEnum: true },
      location: { line: markerLine(fixture, 'add') },
    });
    expect(ofKind(effects, 'add-column')[1]!.columnType).toBeUndefined();
  });

  it('sa.Table(...).create(bind) creates the table, skipped by checkfirst=True; with a column that may be an enum it stays a note', () => {
    const table = "t = sa.Table('events', sa.MetaData(), sa.Column('id', sa.Integer), sa.Column('tags', postgresql.ARRAY(sa.String)))";
    const plain = analyze(revision(`def upgrade():\n    ${table}\n    t.create(op.get_bind())`));
    expect(summary(plain.effects)).toEqual(['create-table events']);
    expect(plain.effects[0]).toMatchObject({ guard: { kind: 'none' }, location: { line: 10 } });
    const checked = analyze(revision(`def upgrade():\n    ${table}\n    t.create(op.get_bind(), checkfirst=True)`));
    expect(checked.effects[0]).toMatchObject({ kind: 'create-table', guard: { kind: 'checkfirst' } });
    const withEnum = analyze(revision("def upgrade():\n    t = sa.Table('events', sa.MetaData(), sa.Column('kind', sa.Enum('a', name='kind')))\n    t.create(op.get_bind())"));
    expect(summary(withEnum.effects)).toEqual(['unknown']);
  });

  it('op.add_column with a server_default on an enum column uses that label (ADD COLUMN evaluates the default)', () => {
    const { effects } = analyze(
      revision(
        "def upgrade():\n    op.add_column('t', sa.Column('s', postgresql.ENUM(name='st', create_type=False), server_default='c'))\n    op.add_column('t', sa.Column('u', postgresql.ENUM(name='st', create_type=False), server_default=sa.text(\"'d'::st\")))\n    op.add_column('t', sa.Column('n', sa.Integer, server_default='0'))",
      ),
    );
    expect(summary(effects)).toEqual(['use-enum-label st c', 'add-column t', 'use-enum-label st d', 'add-column t', 'add-column t']);
    expect(effects[0]).toMatchObject({ table: { name: 't' }, column: 's' });
  });

  it('records server defaults: create_table and add_column columns, alter_column setting or dropping one (after its type change)', () => {
    const { effects } = analyze(
      revision(
        "def upgrade():\n    op.create_table('orders', sa.Column('id', sa.Integer), sa.Column('status', sa.String(20), server_default='new'))\n    op.add_column('orders', sa.Column('kind', sa.String, server_default=sa.text(\"'x'\")))\n    op.alter_column('orders', 'status', type_=sa.Text(), server_default=None)",
      ),
    );
    expect(effects[0]).toMatchObject({ kind: 'create-table', defaultColumns: ['status'] });
    expect(effects.find((effect) => effect.kind === 'add-column')).toMatchObject({ hasDefault: true });
    expect(summary(effects).slice(-2)).toEqual(['alter-column-type orders', 'set-column-default']);
  });

  it('batch_op.f(), like op.f(), is only a name: nothing to report', () => {
    const { effects } = analyze(revision("def upgrade():\n    with op.batch_alter_table('t') as batch_op:\n        batch_op.create_index(batch_op.f('ix_t_c'), ['c'])"));
    expect(effects.filter((effect) => effect.kind === 'unknown')).toEqual([]);
  });

  it('op.add_column attaches the column to its table first, so inherit_schema=True takes the table\'s schema', () => {
    const { effects } = analyze(revision("def upgrade():\n    op.add_column('t', sa.Column('c', sa.Enum('a', name='kind', inherit_schema=True)), schema='ads')"));
    expect(ofKind(effects, 'add-column')[0]!.columnType?.enumType).toEqual({ schema: 'ads', name: 'kind' });
  });

  it('applies batch operations to the batch table; alter_column to an Enum, renames and drops', () => {
    const fixture = 'batch_and_table_ops.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual([
      'add-column campaigns',
      'alter-column-type campaigns',
      'use-table ads.campaigns',
      'create-index',
      'drop-column',
      'alter-column-type orders',
      'use-table orders',
      'rename-table orders',
      'drop-table legacy_orders',
      'use-table purchases',
      'create-index',
      'use-table purchases',
      'use-table users',
      'unknown',
    ]);
    expect(effects[0]).toMatchObject({ table: { schema: 'ads', name: 'campaigns' }, column: 'tier', columnType: { name: 'tier', enumType: { name: 'tier' } }, location: { line: markerLine(fixture, 'batch add') } });
    expect(effects[1]).toMatchObject({ table: { schema: 'ads', name: 'campaigns' }, column: 'status', columnType: { name: 'status', enumType: { name: 'status2' } } });
    // schema='ads' qualifies the batch's table; an unqualified name is found through the search_path.
    expect(effects[2]).toEqual({ kind: 'use-table', table: { schema: 'ads', name: 'campaigns' }, operation: 'batch_op.create_index', guard: { kind: 'none' }, location: { file: 'batch_and_table_ops.py', line: markerLine(fixture, 'batch add') + 2 } });
    // The index lives in its table's schema.
    expect(effects[3]).toMatchObject({ kind: 'create-index', name: { schema: 'ads' }, table: { schema: 'ads', name: 'campaigns' }, operation: 'batch_op.create_index' });
    expect(effects[4]).toMatchObject({ table: { schema: 'ads', name: 'campaigns' }, column: 'legacy', location: { line: markerLine(fixture, 'batch drop') } });
    expect(effects[5]).toMatchObject({ column: 'state', columnType: { name: 'state', enumType: { schema: 'public', name: 'orderstate' } }, location: { line: markerLine(fixture, 'alter') } });
    expect(effects[6]).toMatchObject({ operation: 'op.alter_column', unqualified: true, location: { line: markerLine(fixture, 'alter') + 1 } });
    expect(effects[7]).toMatchObject({ name: { schema: 'public', name: 'orders' }, newName: 'purchases' });
    expect(effects[8]).toMatchObject({ cascade: false, guard: { kind: 'none' } });
    expect(effects.slice(9, 13).map((effect) => (effect.kind === 'use-table' || effect.kind === 'create-index' ? effect.operation : ''))).toEqual([
      'op.create_index',
      'op.create_index',
      'op.create_foreign_key',
      'op.create_foreign_key (the referenced table)',
    ]);
    expect(effects[13]).toMatchObject({ reason: 'op.replace_view() is not modelled by schema-gate', mayCreateTables: true, location: { line: markerLine(fixture, 'custom op') } });
  });

  it('reads if_exists on drop_table as a guard, and if_not_exists on add_column as the column\'s only', () => {
    const { effects } = analyze(revision("def upgrade():\n    op.drop_table('t', if_exists=True)\n    op.add_column('t', sa.Column('c', sa.Integer()), if_not_exists=True)"));
    expect(effects.map((effect) => effect.guard.kind)).toEqual(['if-exists-clause', 'none']);
    expect(effects[1]).toMatchObject({ kind: 'add-column', column: 'c', ifNotExists: true });
  });

  it('a type change to a type that is not an enum ends the column\'s use of its enum; to an unknown type it is unknown', () => {
    const { effects } = analyze(revision(`from app.types import Status

def upgrade():
    op.alter_column('orders', 'state', type_=sa.String(20), existing_type=sa.Enum('a', name='orderstate'))
    op.alter_column('orders', 'kind', type_=sa.Enum('a', name='k', native_enum=False))
    op.alter_column('orders', 'other', type_=Status)
    op.drop_column('orders', 'legacy', schema='ads')`));
    // The unknown type still needs the table: alter_column runs ALTER TABLE whatever the type.
    expect(summary(effects)).toEqual(['alter-column-type orders', 'alter-column-type orders', 'unknown', 'use-table orders', 'drop-column']);
    expect(effects[0]).toEqual({ kind: 'alter-column-type', table: { schema: 'public', name: 'orders' }, column: 'state', guard: { kind: 'none' }, location: { file: 'versions/rev.py', line: 11 } });
    expect(effects[2]).toMatchObject({ reason: expect.stringContaining('app.types.Status') });
    expect(effects[4]).toMatchObject({ table: { schema: 'ads', name: 'orders' }, column: 'legacy' });
  });

  it('turns rows of op.bulk_insert into uses of enum labels', () => {
    const { effects } = analyze(revision(`def upgrade():
    table = op.create_table('plans', sa.Column('tier', postgresql.ENUM('gold', 'silver', name='tier', create_type=False)), sa.Column('n', sa.Integer()))
    op.bulk_insert(table, [{'tier': 'gold', 'n': 1}, {'tier': 'silver', 'n': 2}])
    lightweight = sa.table('plans', sa.column('tier', sa.Enum('gold', name='tier')))
    op.bulk_insert(lightweight, [{'tier': 'gold'}])
    op.bulk_insert(sa.Table('other', sa.MetaData(), schema='s'), [{'x': 1}])
    op.bulk_insert(sa.table('empty'), [])
    op.bulk_insert(helper_table(), [{'x': 1}])`));
    // Each INSERT needs its table; an empty list of rows runs none.
    expect(summary(effects)).toEqual([
      'create-table plans',
      'use-table plans',
      'use-enum-label tier gold',
      'use-enum-label tier silver',
      'use-table plans',
      'use-enum-label tier gold',
      'use-table s.other',
      'unknown',
      'unknown',
    ]);
    expect(effects[1]).toMatchObject({ operation: 'op.bulk_insert', unqualified: true });
    expect(effects[6]).not.toHaveProperty('unqualified');
  });

  it('reports an operation on a table whose name it cannot evaluate', () => {
    const { effects } = analyze(revision("from app.config import TABLE\n\ndef upgrade():\n    op.drop_table(TABLE)"));
    expect(effects).toEqual([expect.objectContaining({ kind: 'unknown', reason: expect.stringContaining('op.drop_table() on a table whose name') })]);
  });

  it('indexes, constraints, comments and alter_column without a type need their table, and nothing else', () => {
    const { effects } = analyze(revision(`def upgrade():
    op.create_index('ix', 't', ['c'])
    op.create_unique_constraint('uq', 't', ['c'])
    op.create_check_constraint('ck', 't', 'c > 0')
    op.create_primary_key('pk', 't', ['id'], schema='s')
    op.create_exclude_constraint('ex', 't', ('c', '='))
    op.drop_constraint('fk', 't', type_='foreignkey')
    op.create_table_comment('t', 'a comment')
    op.drop_table_comment('t')
    op.alter_column('t', 'c', new_column_name='d', nullable=True)`));
    expect(effects.map((effect) => (effect.kind === 'use-table' ? `${effect.operation} ${effect.table.schema}.${effect.table.name}` : effect.kind))).toEqual([
      'op.create_index public.t',
      'create-index',
      'op.create_unique_constraint public.t',
      'create-index',
      'op.create_check_constraint public.t',
      'op.create_primary_key s.t',
      'create-index',
      'op.create_exclude_constraint public.t',
      'create-index',
      'op.drop_constraint public.t',
      'drop-index',
      'op.create_table_comment public.t',
      'op.drop_table_comment public.t',
      'op.alter_column public.t',
    ]);
    expect(effects[0]).toEqual({ kind: 'use-table', table: { schema: 'public', name: 't' }, operation: 'op.create_index', unqualified: true, guard: { kind: 'none' }, location: { file: 'versions/rev.py', line: 9 } });
    expect(effects[1]).toEqual({ kind: 'create-index', name: { schema: 'public', name: 'ix' }, table: { schema: 'public', name: 't' }, operation: 'op.create_index', guard: { kind: 'none' }, location: { file: 'versions/rev.py', line: 9 } });
    // A unique constraint makes an index under a name a naming convention may rewrite: one schema-gate cannot know.
    expect(effects[3]).toEqual(expect.objectContaining({ kind: 'create-index', table: { schema: 'public', name: 't' }, operation: 'op.create_unique_constraint' }));
    expect(effects[3]).not.toHaveProperty('name');
    // A dropped constraint takes its index, if it has one, along.
    expect(effects[10]).toMatchObject({ kind: 'drop-index', name: { schema: 'public', name: 'fk' }, operation: 'op.drop_constraint', constraint: true });
  });

  it('create_index under a name (op.f() or plain), if_not_exists as its guard, in the schema of its table; or under one it cannot know', () => {
    const { effects } = analyze(revision(`def upgrade():
    op.create_index(op.f('ix_users_email'), 'users', ['email'], unique=True, schema='auth')
    op.create_index('ix_users_name', 'users', ['name'], if_not_exists=True)
    op.create_index(None, 'users', ['age'])`));
    expect(effects.filter((effect) => effect.kind === 'create-index')).toEqual([
      expect.objectContaining({ name: { schema: 'auth', name: 'ix_users_email' }, table: { schema: 'auth', name: 'users' }, guard: { kind: 'none' } }),
      expect.objectContaining({ name: { schema: 'public', name: 'ix_users_name' }, guard: { kind: 'if-exists-clause' } }),
      expect.objectContaining({ kind: 'create-index', table: { schema: 'public', name: 'users' } }),
    ]);
    expect(effects.filter((effect) => effect.kind === 'create-index')[2]).not.toHaveProperty('name');
  });

  it('a name over 63 bytes is one SQLAlchemy shortens its own way: not known, and its drop says nothing', () => {
    const long = `ix_${'x'.repeat(70)}`;
    const { effects } = analyze(revision(`def upgrade():
    op.create_index(op.f('${long}'), 'users', ['email'])
    op.drop_index(op.f('${long}'), table_name='users')`));
    expect(effects.filter((effect) => effect.kind === 'create-index' || effect.kind === 'drop-index')).toEqual([expect.not.objectContaining({ name: expect.anything() })]);
  });

  it('alter_column runs nothing when it changes nothing: existing_* alone need no table', () => {
    const { effects } = analyze(revision(`def upgrade():
    op.alter_column('t', 'c', existing_type=sa.Integer(), existing_nullable=True)
    op.alter_column('t', 'c', server_default=False, comment=False, nullable=None)
    op.alter_column('t', 'c', server_default=None)
    op.alter_column('t', 'c', comment='why')`));
    // server_default=None drops the default: the model keeps track of it.
    expect(summary(effects)).toEqual(['use-table t', 'set-column-default', 'use-table t']);
    expect(effects[1]).toMatchObject({ kind: 'set-column-default', column: 'c', hasDefault: false });
  });

  it('create_foreign_key needs the source and the referenced table, each in its own schema; a self-reference needs one', () => {
    const { effects } = analyze(revision(`def upgrade():
    op.create_foreign_key('fk', 'orders', 'users', ['user_id'], ['id'], source_schema='shop', referent_schema='auth')
    op.create_foreign_key('fk2', 'orders', 'users', ['user_id'], ['id'], source_schema='shop')
    op.create_foreign_key('fk3', 'nodes', 'nodes', ['parent_id'], ['id'])`));
    expect(summary(effects)).toEqual(['use-table shop.orders', 'use-table auth.users', 'use-table shop.orders', 'use-table users', 'use-table nodes']);
  });

  it('drop_index names its table only with table_name; if_exists guards it', () => {
    const { effects } = analyze(revision(`def upgrade():
    op.drop_index('ix')
    op.drop_index('ix', table_name='t')
    op.drop_index('ix', 't', schema='s', if_exists=True)`));
    expect(effects.filter((effect) => effect.kind === 'use-table')).toEqual([
      expect.objectContaining({ kind: 'use-table', table: { schema: 'public', name: 't' }, operation: 'op.drop_index', viaObject: 'index', guard: { kind: 'none' } }),
      expect.objectContaining({ kind: 'use-table', table: { schema: 's', name: 't' }, viaObject: 'index', guard: { kind: 'if-exists-clause' } }),
    ]);
    // The index itself goes, found through the search_path unless a schema is given.
    expect(effects.filter((effect) => effect.kind === 'drop-index')).toEqual([
      expect.objectContaining({ name: { schema: 'public', name: 'ix' }, unqualified: true }),
      expect.objectContaining({ name: { schema: 'public', name: 'ix' }, unqualified: true }),
      expect.objectContaining({ name: { schema: 's', name: 'ix' }, guard: { kind: 'if-exists-clause' } }),
    ]);
    expect(effects.filter((effect) => effect.kind === 'drop-index')[2]).not.toHaveProperty('unqualified');
  });

  it('batch operations on indexes and constraints need the batch table (plain ALTERs on PostgreSQL)', () => {
    const { effects } = analyze(revision(`def upgrade():
    with op.batch_alter_table('t', schema='s') as batch_op:
        batch_op.alter_column('c', nullable=False)
        batch_op.create_unique_constraint('uq', ['c'])
        batch_op.create_foreign_key('fk', 'users', ['user_id'], ['id'])
        batch_op.drop_constraint('ck')
        batch_op.drop_index('ix')
    with op.batch_alter_table('u') as batch_op:
        batch_op.create_check_constraint('ck', 'c > 0')`));
    expect(summary(effects)).toEqual(['use-table s.t', 'use-table s.t', 'create-index', 'use-table s.t', 'use-table users', 'use-table s.t', 'drop-index', 'use-table s.t', 'drop-index', 'use-table u']);
    expect(effects[2]).toMatchObject({ operation: 'batch_op.create_unique_constraint', table: { schema: 's', name: 't' } });
    expect(effects[6]).toMatchObject({ name: { schema: 's', name: 'ck' }, constraint: true });
    expect(effects[7]).toMatchObject({ operation: 'batch_op.drop_index', viaObject: 'index' });
    expect(effects[8]).toMatchObject({ name: { schema: 's', name: 'ix' }, operation: 'batch_op.drop_index', table: { schema: 's', name: 't' } });
    expect(effects[9]).toMatchObject({ unqualified: true });
  });

  it('a branch schema-gate cannot evaluate that only needs tables gets no note: each statement carries the condition', () => {
    const { effects } = analyze(revision(`def upgrade():
    if settings.INDEXES:
        op.create_index('ix', 't', ['c'])
    if settings.COLUMNS:
        op.add_column('t', sa.Column('c', sa.Integer()))`));
    expect(summary(effects)).toEqual(['use-table t', 'create-index', 'unknown', 'add-column t']);
    expect(effects[0]!.conditions).toEqual([expect.objectContaining({ kind: 'opaque', expression: 'settings.INDEXES' })]);
  });

  it('an operation on a table whose name it cannot evaluate adds no warning of its own', () => {
    const { effects } = analyze(revision("from app.config import TABLE\n\ndef upgrade():\n    op.create_index('ix', TABLE, ['c'])"));
    expect(effects).toEqual([]);
  });

  it('marks unknown statements that may create tables unseen, and only those', () => {
    const { effects } = analyze(revision(`from app.db import create_tables, GUID, now_utc

def upgrade():
    create_tables(op.get_bind())
    op.add_column('t', sa.Column('id', GUID()))  # a value: no note at all
    op.execute(f"CREATE TABLE {NAME} (id int)")
    t = sa.table('t', sa.column('c'))
    op.execute(t.update().values(c=now_utc()))`));
    expect(effects.filter((effect) => effect.kind === 'unknown').map((effect) => effect.kind === 'unknown' && effect.mayCreateTables === true)).toEqual([true, true, false, false]);
  });

  it('op.sync_enum_values() (alembic_postgresql_enum) gives the type its new labels; with arguments it cannot evaluate, it stays unknown but creates no table or type', () => {
    const { effects } = analyze(revision(`from alembic_postgresql_enum import TableReference
from app.enums import STATES

def upgrade():
    op.sync_enum_values('public', 'status', ['a', 'b'], [TableReference(table_schema='public', table_name='t', column_name='s')])
    op.sync_enum_values(enum_schema='billing', enum_name='plan', new_values=['free', 'pro'], affected_columns=[], enum_values_to_rename=[])
    op.sync_enum_values('public', 'state', STATES, [])`));
    expect(effects.filter((effect) => effect.kind === 'replace-enum-labels')).toEqual([
      expect.objectContaining({ name: { schema: 'public', name: 'status' }, labels: ['a', 'b'], location: { file: 'versions/rev.py', line: 12 } }),
      expect.objectContaining({ name: { schema: 'billing', name: 'plan' }, labels: ['free', 'pro'] }),
    ]);
    const unknown = effects.filter((effect) => effect.kind === 'unknown' && effect.reason.includes('alembic_postgresql_enum'));
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).not.toHaveProperty('mayCreateTables');
  });

  it('CreateSchema / DropSchema objects stay unknown, but make or drop no table or type of their own', () => {
    const { effects } = analyze(revision(`from sqlalchemy.schema import CreateSchema

def upgrade():
    op.execute(CreateSchema('event_editing'))
    op.execute(sa.schema.DropSchema('old', cascade=True))
    op.execute(sa.schema.CreateTable(sa.table('t')))`));
    expect(effects.map((effect) => effect.kind === 'unknown' && effect.mayCreateTables === true)).toEqual([false, false, true]);
    expect(effects[0]).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('sa.schema.CreateSchema') });
  });
});
