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
  /**
   * The columns that have a default, where that is known (the live catalog, or a table the
   * simulation created): changing such a column's type to an enum fails (42804) unless the default
   * is dropped first.
   */
  readonly defaultColumns?: readonly string[];
}

/**
 * An index. Its name is a relation's: it shares the namespace of the tables of its schema, which is
 * always its table's schema.
 */
export interface Index extends QualifiedName {
  readonly table: QualifiedName;
}

/**
 * The one model of a schema. The manifest, the live catalog and the simulation of pending
 * migrations all produce it, and `compareStates` compares any two of them.
 */
export interface SchemaState {
  readonly enums: ReadonlyMap<string, EnumType>;
  readonly tables: ReadonlyMap<string, Table>;
  /**
   * Relations that are not tables of the model but that statements may still name (views,
   * materialized views, foreign tables, partitions, extension-owned tables, the version table),
   * by {@link nameKey}; absent when there are none or they are unknown (a manifest).
   */
  readonly otherRelations?: ReadonlyMap<string, QualifiedName>;
  /** The indexes, by {@link nameKey}; absent when unknown (a manifest lists none). */
  readonly indexes?: ReadonlyMap<string, Index>;
}

/** Builds a frozen SchemaState; later duplicates of a name replace earlier ones. */
export function createSchemaState(enums: readonly EnumType[], tables: readonly Table[], otherRelations: readonly QualifiedName[] = [], indexes?: readonly Index[]): SchemaState {
  const sortedEnums = [...enums].sort(compareNames);
  const sortedTables = [...tables].sort(compareNames);
  const others = [...otherRelations].sort(compareNames);
  return Object.freeze({
    enums: new Map(sortedEnums.map((e) => [nameKey(e), Object.freeze({ ...e, labels: Object.freeze([...e.labels]) })])),
    tables: new Map(sortedTables.map((t) => [nameKey(t), Object.freeze({ ...t, enumColumns: Object.freeze([...t.enumColumns]) })])),
    ...(others.length > 0 ? { otherRelations: new Map(others.map((r) => [nameKey(r), Object.freeze({ schema: r.schema, name: r.name })])) } : {}),
    ...(indexes ? { indexes: new Map([...indexes].sort(compareNames).map((i) => [nameKey(i), Object.freeze({ schema: i.schema, name: i.name, table: Object.freeze({ schema: i.table.schema, name: i.table.name }) })])) } : {}),
  });
}

export const EMPTY_SCHEMA_STATE: SchemaState = createSchemaState([], []);
