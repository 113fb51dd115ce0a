import { dirname, relative } from 'node:path';
import type { AlembicSource, ScanOptions } from '../migrations/alembic/scan.js';
import type { VersionDependence } from '../migrations/alembic/upgrade-effects.js';
import type { SuppressionComment } from '../migrations/source.js';
import type { SchemaState } from '../model/schema-state.js';
import type { Effect } from '../model/effect.js';
import { simulate, type PendingMigration, type SimulationResult } from './simulate.js';

/** Which SQLAlchemy the verdict assumes, and why. */
export interface SqlalchemyAssumption {
  readonly version: string;
  /** Where it came from: the flag, a pin (file:line), or the default. */
  readonly source: string;
  /** True when nothing said which version: the default was assumed. */
  readonly assumed: boolean;
}

/** What the analysis of the pending revisions' statements gives. */
export interface PendingAnalysis {
  readonly migrations: readonly PendingMigration[];
  readonly simulation: SimulationResult;
  readonly sqlalchemy: SqlalchemyAssumption;
  /** Statements whose effect depends on the SQLAlchemy version. */
  readonly versionDependent: readonly VersionDependence[];
  /**
   * The `# schema-gate:` directives of every analysed script (absolute paths), read from the trees
   * the analysis parsed anyway.
   */
  readonly suppressions: readonly SuppressionComment[];
  /** The analysed scripts (absolute paths): every finding they could carry was looked for. */
  readonly analysedFiles: readonly string[];
}

/** How to analyse and simulate. */
export interface PendingAnalysisOptions {
  /** `--sqlalchemy-version`; else the project's pin near the migrations; else the default. */
  readonly sqlalchemyVersion?: string;
  readonly transactionPerMigration?: boolean;
  readonly serverVersionNum?: number;
  /** For messages: paths relative to this. */
  readonly cwd: string;
  /** The assumption the scan's analysis made (`scanTimeAnalysis`); found again when absent. */
  readonly sqlalchemy?: SqlalchemyAssumption;
}

/**
 * Finds the SQLAlchemy version to assume for a history whose first version location is given:
 * the flag, else the project's pin near it, else the default.
 */
export async function sqlalchemyAssumption(versionLocation: string | undefined, given: string | undefined, cwd: string): Promise<SqlalchemyAssumption> {
  const { DEFAULT_SQLALCHEMY_VERSION } = await import('../migrations/alembic/upgrade-effects.js');
  if (given) return { version: given, source: '--sqlalchemy-version', assumed: false };
  if (versionLocation !== undefined) {
    const { findSqlalchemyVersion } = await import('../migrations/alembic/sqlalchemy-version.js');
    const search = await findSqlalchemyVersion(dirname(versionLocation));
    if (search.found?.version) {
      return { version: search.found.version, source: `${relative(cwd, search.found.file) || search.found.file}:${search.found.line} (${search.found.specifier})`, assumed: false };
    }
  }
  return { version: DEFAULT_SQLALCHEMY_VERSION, source: 'default', assumed: true };
}

/**
 * Starts loading what the analysis needs (the SQL parser's WebAssembly compiles off the main
 * thread) without waiting; a failure surfaces where the analysis awaits it.
 */
export function preloadAnalysers(): void {
  loadAnalysers().catch(() => undefined);
}

/** The SQL and Python analysers, loaded on first need (the SQL parser ready to call). */
async function loadAnalysers() {
  const [{ loadSqlParser, sqlEffects, sqlCatalogQuery, sqlOnlyRows }, { analyzeUpgrade }] = await Promise.all([import('../migrations/sql/parse-sql.js'), import('../migrations/alembic/upgrade-effects.js')]);
  await loadSqlParser();
  return { sqlEffects, sqlCatalogQuery, sqlOnlyRows, analyzeUpgrade };
}

/** An analysis of every `upgrade()` made while the history is scanned, each file parsed once. */
export interface ScanTimeAnalysis {
  readonly sqlalchemy: SqlalchemyAssumption;
  readonly analyzeUpgrade: NonNullable<ScanOptions['analyzeUpgrade']>;
}

/**
 * Prepares the analysis of every script's `upgrade()` during the scan (`ScanOptions.analyzeUpgrade`),
 * for when every revision will be analysed: offline, all of them are pending. Give its `sqlalchemy`
 * to `analyzePending` so that both agree.
 */
export async function scanTimeAnalysis(versionLocations: readonly string[], options: Pick<PendingAnalysisOptions, 'sqlalchemyVersion' | 'cwd'>): Promise<ScanTimeAnalysis> {
  const [{ sqlEffects, sqlCatalogQuery, sqlOnlyRows, analyzeUpgrade }, sqlalchemy] = await Promise.all([loadAnalysers(), sqlalchemyAssumption(versionLocations[0], options.sqlalchemyVersion, options.cwd)]);
  return {
    sqlalchemy,
    analyzeUpgrade: (text, file, tree) => analyzeUpgrade(text, relative(options.cwd, file) || file, { sqlEffects, sqlCatalogQuery, sqlOnlyRows, sqlalchemyVersion: sqlalchemy.version, tree }),
  };
}

/**
 * Reads the `upgrade()` of every pending revision (and only those: applied revisions cost nothing)
 * into effects, then simulates them on the starting state. The SQL and Python analysers are loaded
 * here, lazily, so that commands that do not simulate never pay for them.
 */
export async function analyzePending(source: AlembicSource, pending: readonly string[], start: SchemaState, options: PendingAnalysisOptions): Promise<PendingAnalysis> {
  const { sqlEffects, sqlCatalogQuery, sqlOnlyRows, analyzeUpgrade } = await loadAnalysers();
  const sqlalchemy = options.sqlalchemy ?? (await sqlalchemyAssumption(source.scripts[0]?.versionLocation, options.sqlalchemyVersion, options.cwd));
  const versionDependent: VersionDependence[] = [];
  const suppressions: SuppressionComment[] = [];
  const analysedFiles: string[] = [];
  const migrations: PendingMigration[] = pending.map((revision) => {
    const script = source.scriptFor(revision);
    if (!script) return { revision, file: revision, effects: [] };
    // Relative paths from here on: they appear in messages, not only in file fields.
    const file = relative(options.cwd, script.file) || script.file;
    const analysis = script.upgrade ?? analyzeUpgrade(script.text, file, { sqlEffects, sqlCatalogQuery, sqlOnlyRows, sqlalchemyVersion: sqlalchemy.version });
    versionDependent.push(...analysis.versionDependent);
    analysedFiles.push(script.file);
    for (const comment of analysis.suppressions) suppressions.push({ ...comment, file: script.file });
    const effects: Effect[] = [...analysis.effects];
    return { revision, file, effects };
  });
  const simulation = simulate(start, migrations, {
    ...(options.transactionPerMigration ? { transactionPerMigration: true } : {}),
    ...(options.serverVersionNum !== undefined ? { serverVersionNum: options.serverVersionNum } : {}),
  });
  return { migrations, simulation, sqlalchemy, versionDependent, suppressions, analysedFiles };
}
