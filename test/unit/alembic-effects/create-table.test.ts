import { describe, expect, it } from '@jest/globals';
import { analyze, analyzeFixture, markerLine, ofKind, revision, summary } from './support.js';

const inPublic = (name: string) => ({ schema: 'public', name });

describe('op.create_table with Enum columns', () => {
  it('creates each named type before the table, once per name, and marks the columns as enums', () => {
    const { effects } = analyzeFixture('create_table_sa_enum.py');
    expect(summary(effects)).toEqual(['create-enum platformtype', 'create-enum campaignstatus', 'create-table campaigns']);
    expect(effects[0]).toMatchObject({ via: 'create-table', labels: ['meta_ads', 'tiktok_ads'], guard: { kind: 'none' }, location: { line: markerLine('create_table_sa_enum.py', 'enum') } });
    expect(effects[1]).toMatchObject({ via: 'create-table', location: { line: markerLine('create_table_sa_enum.py', 'pg enum') } });
    expect(effects[2]).toMatchObject({ location: { line: markerLine('create_table_sa_enum.py', 'create_table') } });
    expect(ofKind(effects, 'create-table')[0]!.enumColumns).toEqual([
      { name: 'platform', enumType: inPublic('platformtype'), isArray: false, knownEnum: true },
      { name: 'platforms', enumType: inPublic('platformtype'), isArray: true, knownEnum: true },
      { name: 'status', enumType: inPublic('campaignstatus'), isArray: false, knownEnum: true },
    ]);
  });

  it('creates nothing for postgresql.ENUM(create_type=False) or native_enum=False (the near-twin)', () => {
    const { effects } = analyzeFixture('create_table_create_type_false.py');
    expect(summary(effects)).toEqual(['create-table campaigns']);
    // The existing type is still the column's type; the VARCHAR column is not an enum column.
    expect(ofKind(effects, 'create-table')[0]!.enumColumns).toEqual([{ name: 'status', enumType: inPublic('campaignstatus'), isArray: false, knownEnum: true }]);
  });

  it('recognises Enum through every import spelling, but not a class of another module named Enum', () => {
    expect(summary(analyzeFixture('create_table_import_aliases.py').effects)).toEqual([
      'create-enum type_a', 'create-enum type_b', 'create-enum type_c', 'create-enum type_d', 'create-enum type_e', 'create-enum type_f', 'create-table things',
    ]);
    const lookalike = analyzeFixture('create_table_lookalikes.py').effects;
    expect(summary(lookalike)).toEqual(['create-table things']);
    expect(ofKind(lookalike, 'create-table')[0]!.enumColumns).toEqual([]);
  });

  it('puts a type without schema= in the default schema even when its table has one, unless inherit_schema=True', () => {
    const { effects } = analyzeFixture('create_table_schemas.py');
    expect(ofKind(effects, 'create-enum').map((effect) => effect.name)).toEqual([inPublic('granularity'), { schema: 'analytics', name: 'rollupkind' }, { schema: 'ops', name: 'rollupstate' }]);
    expect(ofKind(effects, 'create-table')[0]!.name).toEqual({ schema: 'analytics', name: 'rollups' });
  });

  it('builds labels and names from constants, unpacking, comprehensions and formatting', () => {
    const created = ofKind(analyzeFixture('labels_from_constants.py').effects, 'create-enum');
    expect(created.map((effect) => [effect.name.name, effect.labels])).toEqual([
      ['platformtype', ['meta_ads', 'meta_pixel', 'tiktok_ads', 'web']],
      ['platformtype_legacy', ['TIKTOK_ADS']],
    ]);
  });

  it('keeps a second column of the same name but other labels, so the simulation sees the first one win', () => {
    const { effects } = analyze(revision(`def upgrade():
    op.create_table('t',
        sa.Column('a', sa.Enum('x', name='kind')),
        sa.Column('b', sa.Enum('x', 'y', name='kind')))`));
    expect(ofKind(effects, 'create-enum').map((effect) => effect.labels)).toEqual([['x'], ['x', 'y']]);
  });

  it('honours if_not_exists=True on the table only: the types are still created without a check', () => {
    const { effects } = analyze(revision(`def upgrade():
    op.create_table('t', sa.Column('a', sa.Enum('x', name='kind')), if_not_exists=True)`));
    expect(effects.map((effect) => effect.guard.kind)).toEqual(['none', 'if-exists-clause']);
  });

  it('reports a column typed with something imported from the application, which may be an Enum', () => {
    const { effects } = analyze(revision(`from app.types import StatusType

def upgrade():
    op.create_table('t', sa.Column('status', StatusType))`));
    expect(summary(effects)).toEqual(['unknown', 'create-table t']);
    expect(effects[0]).toMatchObject({ reason: expect.stringContaining('app.types.StatusType'), importedType: 'app.types.StatusType' });
  });

  it('takes a project class instantiated with plain data for a column type (GUID(), Timestamp(timezone=True)), not for a helper that may run SQL', () => {
    const { effects } = analyze(revision(`import app.db
from app.types import GUID

def upgrade():
    op.create_table('t', sa.Column('id', GUID()), sa.Column('at', app.db.Timestamp(timezone=True, precision=[3])))`));
    expect(summary(effects)).toEqual(['unknown', 'unknown', 'create-table t']);
    expect(effects.map((effect) => (effect.kind === 'unknown' ? effect.importedType : undefined))).toEqual(['app.types.GUID', 'app.db.Timestamp', undefined]);
  });

  it('still reports a project class given the connection: its constructor may run SQL (the near-twin)', () => {
    const { effects } = analyze(revision(`from app.migrations import Backfill

def upgrade():
    Backfill(op.get_bind())`));
    expect(effects).toEqual([expect.objectContaining({ kind: 'unknown', reason: expect.stringContaining('imported helper `Backfill`') })]);
  });
});

describe('long names', () => {
  it('keeps the first 63 bytes of a type or table name, as PostgreSQL does, never splitting a character', () => {
    const { effects } = analyze(revision(`def upgrade():\n    op.create_table("${'t'.repeat(70)}", sa.Column("c", sa.Enum("a", name="${'é'.repeat(40)}")))`));
    expect(summary(effects)).toEqual([`create-enum ${'é'.repeat(31)}`, `create-table ${'t'.repeat(63)}`]);
  });
});

describe('labels from a Python enum class', () => {
  it('uses the member NAMES and the lower-cased class name, without aliases (SQLAlchemy 2.0)', () => {
    const analysis = analyzeFixture('enum_class_labels.py');
    const created = ofKind(analysis.effects, 'create-enum');
    expect(created.map((effect) => [effect.name.name, effect.labels])).toEqual([
      ['platform', ['META_ADS', 'TIKTOK_ADS']],
      ['granularity', ['DAY', 'WEEK']],
    ]);
    expect(analysis.versionDependent).toEqual([
      { location: { file: 'enum_class_labels.py', line: markerLine('enum_class_labels.py', 'names') }, feature: 'enum-class-aliases', changedIn: '2.0', newerBehaviourApplied: true },
    ]);
  });

  it('keeps the aliases as labels with SQLAlchemy 1.4', () => {
    const created = ofKind(analyzeFixture('enum_class_labels.py', { sqlalchemyVersion: '1.4.46' }).effects, 'create-enum');
    expect(created[0]!.labels).toEqual(['META_ADS', 'TIKTOK_ADS', 'FACEBOOK_ADS']);
  });

  it('uses the values when values_callable says so (the near-twin), aliases never included', () => {
    const analysis = analyzeFixture('enum_class_values.py', { sqlalchemyVersion: '1.4.46' });
    expect(ofKind(analysis.effects, 'create-enum').map((effect) => [effect.name.name, effect.labels])).toEqual([['platformtype', ['meta_ads', 'tiktok_ads']]]);
    expect(analysis.versionDependent).toEqual([]);
  });

  it('knows the name of an imported class but not its labels: unknown, and a column that is an enum only if the type exists', () => {
    const { effects } = analyzeFixture('enum_class_imported.py');
    expect(summary(effects)).toEqual(['unknown', 'create-table campaigns', 'add-column events']);
    expect(effects[0]).toMatchObject({ reason: expect.stringContaining('app.models.PlatformType'), location: { line: markerLine('enum_class_imported.py', 'imported class') } });
    expect(ofKind(effects, 'create-table')[0]!.enumColumns).toEqual([{ name: 'platform', enumType: inPublic('platformtype'), isArray: false, knownEnum: false }]);
    expect(ofKind(effects, 'add-column')[0]!.columnType).toEqual({ name: 'platform', enumType: inPublic('platformtype'), isArray: false, knownEnum: true });
  });
});

describe('an Enum without a name', () => {
  it('stops the upgrade: SQLAlchemy cannot render CREATE TYPE', () => {
    const { effects } = analyzeFixture('enum_nameless.py');
    expect(effects).toEqual([
      { kind: 'invalid-sql', message: expect.stringContaining('PostgreSQL ENUM type requires a name'), guard: { kind: 'none' }, location: { file: 'enum_nameless.py', line: markerLine('enum_nameless.py', 'nameless') } },
    ]);
  });

  it('is fine as a VARCHAR (the near-twin)', () => {
    expect(summary(analyzeFixture('enum_nameless_varchar.py').effects)).toEqual(['create-table flags']);
  });

  it('fails op.add_column too', () => {
    expect(summary(analyze(revision("def upgrade():\n    op.add_column('t', sa.Column('c', sa.Enum('a')))")).effects)).toEqual(['invalid-sql']);
  });
});

describe('create_type=False and metadata= depend on the SQLAlchemy version', () => {
  const fixture = 'create_table_sa_enum_create_type_false.py';

  it('sa.Enum(create_type=False) still creates the type before 2.1, and says which version it assumed', () => {
    for (const version of ['1.4.46', '2.0.36', undefined]) {
      const analysis = analyzeFixture(fixture, version ? { sqlalchemyVersion: version } : {});
      expect(summary(analysis.effects)).toEqual(['create-enum platformtype', 'create-table analytics_data_points']);
      expect(analysis.versionDependent).toEqual([{ location: { file: fixture, line: markerLine(fixture, 'enum') }, feature: 'sa-enum-create-type', changedIn: '2.1', newerBehaviourApplied: false }]);
    }
    expect(analyzeFixture(fixture).sqlalchemy).toEqual({ version: '2.0', assumed: true });
    expect(analyzeFixture(fixture, { sqlalchemyVersion: '1.4.46' }).sqlalchemy).toEqual({ version: '1.4.46', assumed: false });
  });

  it('is honoured from 2.1 on', () => {
    const analysis = analyzeFixture(fixture, { sqlalchemyVersion: '2.1.0b4' });
    expect(summary(analysis.effects)).toEqual(['create-table analytics_data_points']);
    expect(analysis.versionDependent[0]).toMatchObject({ newerBehaviourApplied: true });
  });

  it('an Enum given metadata= is not created with the table before 2.1', () => {
    const source = revision("md = sa.MetaData()\n\ndef upgrade():\n    op.create_table('t', sa.Column('c', sa.Enum('a', name='kind', metadata=md)))");
    expect(summary(analyze(source, { sqlalchemyVersion: '1.4.46' }).effects)).toEqual(['create-table t']);
    expect(summary(analyze(source, { sqlalchemyVersion: '2.1' }).effects)).toEqual(['create-enum kind', 'create-table t']);
  });

  it('assumes 2.0 for a version it cannot read', () => {
    expect(analyze(revision('def upgrade():\n    pass'), { sqlalchemyVersion: 'latest' }).sqlalchemy).toEqual({ version: '2.0', assumed: true });
  });
});
