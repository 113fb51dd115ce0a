import { introspect, type VersionTableOptions } from './catalog/introspect.js';
import type { ConnectionOptions } from './catalog/connection.js';
import { manifestFromState, type ManifestDocument } from './manifest/load.js';
import { createSchemaState, type SchemaState } from './model/schema-state.js';

/** What `snapshot` needs. */
export interface SnapshotOptions {
  readonly databaseUrl: string;
  /** Only these schemas; all user schemas when empty. */
  readonly schemas?: readonly string[];
  readonly connection?: ConnectionOptions;
  readonly versionTable?: VersionTableOptions;
}

/** The manifest of a live database, and the enums it could not write (a manifest needs labels). */
export interface SnapshotResult {
  readonly manifest: ManifestDocument;
  readonly skippedEmptyEnums: readonly string[];
}

/**
 * The manifest that describes a schema, limited to some schemas (all when `schemas` is empty). An
 * enum without labels cannot be written in a manifest: it is left out and named in `skippedEmptyEnums`.
 */
export function manifestOfState(state: SchemaState, schemas?: readonly string[]): SnapshotResult {
  const wanted = schemas && schemas.length > 0 ? new Set(schemas) : undefined;
  const inScope = (object: { schema: string }): boolean => !wanted || wanted.has(object.schema);
  const enums = [...state.enums.values()].filter(inScope);
  const written = createSchemaState(
    enums.filter((enumType) => enumType.labels.length > 0),
    [...state.tables.values()].filter(inScope),
  );
  const manifest = manifestFromState(written);
  const skippedEmptyEnums = enums.filter((enumType) => enumType.labels.length === 0).map((enumType) => `${enumType.schema}.${enumType.name}`);
  return { manifest, skippedEmptyEnums };
}

/** Reads a live database and writes the manifest that describes it. */
export async function snapshot(options: SnapshotOptions): Promise<SnapshotResult> {
  const catalog = await introspect(options.databaseUrl, { connection: options.connection, versionTable: options.versionTable });
  return manifestOfState(catalog.state, options.schemas);
}
