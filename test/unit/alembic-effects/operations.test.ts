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
    expect(summary(effects)).toEqual(['add-column campaigns', 'alter-column-type campaigns', 'drop-column', 'alter-column-type orders', 'rename-table orders', 'drop-table legacy_orders', 'unknown']);
    expect(effects[0]).toMatchObject({ table: { schema: 'ads', name: 'campaigns' }, column: 'tier', columnType: { name: 'tier', enumType: { name: 'tier' } }, location: { line: markerLine(fixture, 'batch add') } });
    expect(effects[1]).toMatchObject({ table: { schema: 'ads', name: 'campaigns' }, column: 'status', columnType: { name: 'status', enumType: { name: 'status2' } } });
    expect(effects[2]).toMatchObject({ table: { schema: 'ads', name: 'campaigns' }, column: 'legacy', location: { line: markerLine(fixture, 'batch drop') } });
    expect(effects[3]).toMatchObject({ column: 'state', columnType: { name: 'state', enumType: { schema: 'public', name: 'orderstate' } }, location: { line: markerLine(fixture, 'alter') } });
    expect(effects[4]).toMatchObject({ name: { schema: 'public', name: 'orders' }, newName: 'purchases' });
    expect(effects[5]).toMatchObject({ cascade: false, guard: { kind: 'none' } });
    expect(effects[6]).toMatchObject({ reason: 'op.replace_view() is not modelled by schema-gate', location: { line: markerLine(fixture, 'custom op') } });
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
    expect(summary(effects)).toEqual(['alter-column-type orders', 'alter-column-type orders', 'unknown', 'drop-column']);
    expect(effects[0]).toEqual({ kind: 'alter-column-type', table: { schema: 'public', name: 'orders' }, column: 'state', guard: { kind: 'none' }, location: { file: 'versions/rev.py', line: 11 } });
    expect(effects[2]).toMatchObject({ reason: expect.stringContaining('app.types.Status') });
    expect(effects[3]).toMatchObject({ table: { schema: 'ads', name: 'orders' }, column: 'legacy' });
  });

  it('turns rows of op.bulk_insert into uses of enum labels', () => {
    const { effects } = analyze(revision(`def upgrade():
    table = op.create_table('plans', sa.Column('tier', postgresql.ENUM('gold', 'silver', name='tier', create_type=False)), sa.Column('n', sa.Integer()))
    op.bulk_insert(table, [{'tier': 'gold', 'n': 1}, {'tier': 'silver', 'n': 2}])
    lightweight = sa.table('plans', sa.column('tier', sa.Enum('gold', name='tier')))
    op.bulk_insert(lightweight, [{'tier': 'gold'}])
    op.bulk_insert(sa.Table('other', sa.MetaData()), [{'x': 1}])`));
    expect(summary(effects)).toEqual(['create-table plans', 'use-enum-label tier gold', 'use-enum-label tier silver', 'use-enum-label tier gold', 'unknown']);
  });

  it('reports an operation on a table whose name it cannot evaluate', () => {
    const { effects } = analyze(revision("from app.config import TABLE\n\ndef upgrade():\n    op.drop_table(TABLE)"));
    expect(effects).toEqual([expect.objectContaining({ kind: 'unknown', reason: expect.stringContaining('op.drop_table() on a table whose name') })]);
  });

  it('says nothing about indexes, constraints and comments, which the model does not hold', () => {
    const { effects } = analyze(revision(`def upgrade():
    op.create_index('ix', 't', ['c'])
    op.create_unique_constraint('uq', 't', ['c'])
    op.drop_constraint('fk', 't', type_='foreignkey')
    op.alter_column('t', 'c', new_column_name='d', nullable=True)`));
    expect(effects).toEqual([]);
  });
});
