import { describe, expect, it } from '@jest/globals';
import type { Effect, Guard } from '../../../src/model/effect.js';
import { nameKey } from '../../../src/model/names.js';
import { createSchemaState, EMPTY_SCHEMA_STATE } from '../../../src/model/schema-state.js';
import { simulate, type PendingMigration } from '../../../src/simulate/simulate.js';

const NONE: Guard = { kind: 'none' };
const at = (line: number) => ({ file: 'versions/a.py', line });
const name = (n: string, schema = 'public') => ({ schema, name: n });
const migration = (revision: string, effects: Effect[]): PendingMigration => ({ revision, file: `versions/${revision}.py`, effects });

describe('an enum type recreated with new labels (alembic_postgresql_enum)', () => {
  const replace = (labels: string[]): Effect => ({ kind: 'replace-enum-labels', name: name('status'), labels, operation: 'op.sync_enum_values()', guard: NONE, location: at(3) });
  const start = createSchemaState([{ ...name('status'), labels: ['new', 'done'] }], []);

  it('ends with the new labels, which the same transaction may use, and needs the type', () => {
    const useLabel: Effect = { kind: 'use-enum-label', name: name('status'), label: 'active', guard: NONE, location: at(4) };
    const result = simulate(start, [migration('a1', [replace(['new', 'active', 'done']), useLabel])]);
    expect(result.events).toEqual([]);
    expect(result.finalState.enums.get(nameKey(name('status')))?.labels).toEqual(['new', 'active', 'done']);
    expect(simulate(EMPTY_SCHEMA_STATE, [migration('a1', [replace(['a'])])]).events).toEqual([expect.objectContaining({ kind: 'missing-object', objectType: 'enum', sqlstate: '42704' })]);
  });
});
