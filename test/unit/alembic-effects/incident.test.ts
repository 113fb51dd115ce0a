import { describe, expect, it } from '@jest/globals';
import { analyzeFixture, ofKind, summary, type SqlCall } from './support.js';

// The shapes of the incident's revisions (see the seed report): PL/pgSQL blocks that create the
// types with name-only guards, and create_table calls whose sa.Enum columns create the same types.

describe('the incident revisions', () => {
  it('hands each DO block whole to the SQL analyser, at the line of its string literal', () => {
    const calls: SqlCall[] = [];
    const analysis = analyzeFixture('incident_base_enums.py', { calls });
    expect(calls).toHaveLength(2); // downgrade()'s DROP TYPE statements are never read
    expect(calls[0]!.origin).toEqual({ file: 'incident_base_enums.py', line: 24 });
    expect(calls[0]!.sql.trimStart().startsWith('DO $$ BEGIN')).toBe(true);
    expect(calls[0]!.sql.trimEnd().endsWith('END $$;')).toBe(true);
    expect(calls[1]!.origin.line).toBe(39);
    expect(summary(analysis.effects)).toEqual(['create-enum platformtype', 'create-enum analyticsgranularity']);
    // The IF NOT EXISTS (SELECT ... FROM pg_type ...) guard comes from the SQL analyser, unchanged.
    expect(analysis.effects[0]!.guard).toEqual({ kind: 'existence-check', source: 'pg_type', schemaAware: false });
    expect(analysis.effects[0]!.location.line).toBe(27);
  });

  it('keeps the EXCEPTION WHEN duplicate_object block, then the create_table that creates the type again', () => {
    const analysis = analyzeFixture('incident_advanced_analytics.py');
    expect(summary(analysis.effects)).toEqual([
      'create-enum platformtype',
      'create-enum platformtype',
      'create-enum analyticsgranularity',
      'create-table analytics_data_points',
      'use-table analytics_data_points',
      'create-index',
    ]);
    const [viaSql, viaTable, granularity, table] = analysis.effects;
    expect(viaSql).toMatchObject({ via: 'sql', guard: { kind: 'exception-handler', conditions: ['duplicate_object'] } });
    // The table check guards the table only: the CREATE TYPE before it runs unguarded whenever the table is missing.
    expect(viaTable).toMatchObject({ via: 'create-table', guard: { kind: 'none' }, labels: ['meta_ads', 'tiktok_ads', 'google_ads', 'instagram'] });
    expect(viaTable!.conditions).toEqual([
      { kind: 'existence', objectType: 'table', name: { schema: 'public', name: 'analytics_data_points' }, runsIfExists: false, source: 'inspector', schemaAware: true, line: 33, evaluation: 1 },
    ]);
    expect(granularity).toMatchObject({ via: 'create-table', name: { schema: 'public', name: 'analyticsgranularity' } });
    expect(table).toMatchObject({ guard: { kind: 'existence-check', source: 'inspector', schemaAware: true }, location: { line: 34 } });
    expect(table!.conditions).toBeUndefined();
  });

  it('sees the second revision create the same type through create_table, with other labels', () => {
    const first = ofKind(analyzeFixture('incident_advanced_analytics.py').effects, 'create-enum').filter((effect) => effect.via === 'create-table');
    const second = ofKind(analyzeFixture('incident_missing_tables.py').effects, 'create-enum');
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ name: first[0]!.name, via: 'create-table', guard: { kind: 'none' } });
    expect(second[0]!.labels).toHaveLength(10);
    expect(second[0]!.labels).not.toEqual(first[0]!.labels);
    expect(second[0]!.location.line).toBe(25); // the line of `sa.Column('platform', sa.Enum(`
  });
});
