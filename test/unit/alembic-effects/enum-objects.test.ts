import { describe, expect, it } from '@jest/globals';
import { analyze, analyzeFixture, markerLine, ofKind, revision, summary } from './support.js';

describe('Enum objects created and dropped explicitly', () => {
  it('follows an ENUM bound to a module variable or a local one into .create() and into columns', () => {
    const fixture = 'enum_variable_reuse.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual(['create-enum platformtype', 'create-enum campaignstatus', 'create-table campaigns']);
    expect(effects[0]).toMatchObject({ via: 'enum-create', guard: { kind: 'checkfirst' }, labels: ['meta_ads', 'tiktok_ads'], location: { line: markerLine(fixture, 'create') } });
    // postgresql.ENUM(...).create(bind) checks first by default.
    expect(effects[1]).toMatchObject({ via: 'enum-create', guard: { kind: 'checkfirst' }, location: { line: markerLine(fixture, 'default checkfirst') } });
    // create_type=False: the table creates no type, but its columns use them.
    expect(ofKind(effects, 'create-table')[0]!.enumColumns.map((column) => column.enumType.name)).toEqual(['platformtype', 'campaignstatus']);
  });

  it('sa.Enum(...).create(bind) does not check first unless told to (the near-twin)', () => {
    const fixture = 'enum_create_generic.py';
    const { effects } = analyzeFixture(fixture);
    expect(summary(effects)).toEqual(['create-enum platformtype', 'drop-enum old_kind']);
    expect(effects[0]).toMatchObject({ via: 'enum-create', guard: { kind: 'none' }, location: { line: markerLine(fixture, 'create') } });
    expect(effects[1]).toMatchObject({ guard: { kind: 'checkfirst' }, cascade: false, location: { line: markerLine(fixture, 'drop') } });
  });

  it('reads checkfirst and bind given by keyword, and a constructor called in place', () => {
    const { effects } = analyze(revision(`def upgrade():
    flag = False
    postgresql.ENUM('a', name='kind').create(bind=op.get_bind(), checkfirst=flag)
    postgresql.ENUM('a', name='other').drop(op.get_bind())`));
    expect(effects.map((effect) => [effect.kind, effect.guard.kind])).toEqual([['create-enum', 'none'], ['drop-enum', 'checkfirst']]);
  });

  it('cannot create an unnamed type, and says so', () => {
    expect(summary(analyze(revision("def upgrade():\n    postgresql.ENUM('a').create(op.get_bind())")).effects)).toEqual(['invalid-sql']);
  });

  it('reports a checkfirst it cannot evaluate', () => {
    const { effects } = analyze(revision("import os\n\ndef upgrade():\n    postgresql.ENUM('a', name='k').create(op.get_bind(), checkfirst=os.environ['X'])"));
    expect(effects[0]).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('checkfirst') });
  });
});
