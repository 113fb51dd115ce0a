import { compareNames, nameKey, type QualifiedName } from './names.js';

/** A PostgreSQL enum type with its labels in `enumsortorder` order. */
export interface EnumType extends QualifiedName {
  readonly labels: readonly string[];
}

/** A column whose type is known to be an enum (or an array of one). */
export interface EnumColumn {
  readonly name: string;
  readonly enumType: QualifiedName;
  readonly isArray: boolean;
}

/** An ordinary or partitioned table. `enumColumns` is empty when unknown (e.g. from a manifest). */
export interface Table extends QualifiedName {
  readonly enumColumns: readonly EnumColumn[];
}

/**
 * The one model of a schema. The manifest, the live catalog and the simulation of pending
 * migrations all produce it, and `compareStates` compares any two of them.
 */
export interface SchemaState {
  readonly enums: ReadonlyMap<string, EnumType>;
  readonly tables: ReadonlyMap<string, Table>;
}

/** Builds a frozen SchemaState; later duplicates of a name replace earlier ones. */
export function createSchemaState(enums: readonly EnumType[], tables: readonly Table[]): SchemaState {
  const sortedEnums = [...enums].sort(compareNames);
  const sortedTables = [...tables].sort(compareNames);
  return Object.freeze({
    enums: new Map(sortedEnums.map((e) => [nameKey(e), Object.freeze({ ...e, labels: Object.freeze([...e.labels]) })])),
    tables: new Map(sortedTables.map((t) => [nameKey(t), Object.freeze({ ...t, enumColumns: Object.freeze([...t.enumColumns]) })])),
  });
}

export const EMPTY_SCHEMA_STATE: SchemaState = createSchemaState([], []);
