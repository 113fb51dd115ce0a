import { describe, expect, it } from '@jest/globals';
import { compareStates, diffLabels } from '../../src/model/compare.js';
import { createSchemaState } from '../../src/model/schema-state.js';

const platform = { schema: 'public', name: 'platformtype' };

describe('diffLabels', () => {
  it('finds nothing when labels are equal', () => {
    expect(diffLabels(platform, ['a', 'b'], ['a', 'b'])).toBeUndefined();
  });

  it('names missing and extra labels', () => {
    expect(diffLabels(platform, ['a', 'b', 'c'], ['a', 'd'])).toMatchObject({ missing: ['b', 'c'], extra: ['d'], moved: [] });
  });

  it('reports only the fewest labels that moved, with 1-based positions', () => {
    expect(diffLabels(platform, ['a', 'b', 'c'], ['b', 'c', 'a'])).toMatchObject({
      missing: [],
      extra: [],
      moved: [{ label: 'a', expectedPosition: 1, actualPosition: 3 }],
    });
  });

  it('does not call a label moved when only an insertion shifted it', () => {
    expect(diffLabels(platform, ['a', 'b'], ['a', 'x', 'b'])).toMatchObject({ extra: ['x'], moved: [] });
  });
});

describe('compareStates', () => {
  it('lists missing and unexpected enums and tables, and label differences', () => {
    const expected = createSchemaState(
      [
        { ...platform, labels: ['a'] },
        { schema: 'public', name: 'gone', labels: ['x'] },
      ],
      [{ schema: 'public', name: 't', enumColumns: [] }],
    );
    const actual = createSchemaState(
      [
        { ...platform, labels: ['a', 'b'] },
        { schema: 'public', name: 'PlatformType', labels: ['a'] },
      ],
      [{ schema: 'analytics', name: 't', enumColumns: [] }],
    );
    const diff = compareStates(expected, actual);
    expect(diff.missingEnums.map((e) => e.name)).toEqual(['gone']);
    expect(diff.unexpectedEnums.map((e) => e.name)).toEqual(['PlatformType']);
    expect(diff.enumLabelDiffs.map((d) => d.extra)).toEqual([['b']]);
    expect(diff.missingTables.map((t) => `${t.schema}.${t.name}`)).toEqual(['public.t']);
    expect(diff.unexpectedTables.map((t) => `${t.schema}.${t.name}`)).toEqual(['analytics.t']);
  });

  it('finds nothing between equal states', () => {
    const state = createSchemaState([{ ...platform, labels: ['a'] }], [{ schema: 'public', name: 't', enumColumns: [] }]);
    expect(compareStates(state, state)).toEqual({ missingEnums: [], unexpectedEnums: [], enumLabelDiffs: [], missingTables: [], unexpectedTables: [] });
  });
});
