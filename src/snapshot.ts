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

/** The manifest of a live database. */
export interface SnapshotResult {
  readonly manifest: ManifestDocument;
  /**
   * Always empty: a manifest lists an enum without labels as `[]`. (Before manifests accepted that,
   * such enums were left out and named here; the field stays for callers that read it.)
   */
  readonly skippedEmptyEnums: readonly string[];
}

/** The manifest that describes a schema, limited to some schemas (all when `schemas` is empty). */
export function manifestOfState(state: SchemaState, schemas?: readonly string[]): SnapshotResult {
  if (!schemas || schemas.length === 0) return { manifest: manifestFromState(state), skippedEmptyEnums: [] };
  const wanted = new Set(schemas);
  const inScope = (object: { schema: string }): boolean => wanted.has(object.schema);
  const written = createSchemaState([...state.enums.values()].filter(inScope), [...state.tables.values()].filter(inScope));
  return { manifest: manifestFromState(written), skippedEmptyEnums: [] };
}

/** Reads a live database and writes the manifest that describes it. */
export async function snapshot(options: SnapshotOptions): Promise<SnapshotResult> {
  const catalog = await introspect(options.databaseUrl, { connection: options.connection, versionTable: options.versionTable, namesOnly: true });
  return manifestOfState(catalog.state, options.schemas);
}
