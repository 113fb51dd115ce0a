import { isAbsolute, relative } from 'node:path';
import type { ConnectionOptions } from './catalog/connection.js';
import type { CatalogSnapshot, VersionTableOptions } from './catalog/introspect.js';
import type { DatabaseReport } from './check.js';
import { isSafe, summarize, type FindingSummary } from './rules/summary.js';
import { openAlembicSource, openAlembicSourceInTurns, type AlembicSource, type ScannedScript } from './migrations/alembic/scan.js';
import { pendingRevisions, type PendingRevisions } from './migrations/graph.js';
import { migrationScanOptions, type MigrationsLocation } from './migrations/open.js';
import { compareStates } from './model/compare.js';
import { EMPTY_SCHEMA_STATE } from './model/schema-state.js';
import { RULES, runRules, unknownRuleIds, type Finding, type RuleSeverities } from './rules/index.js';
import { InputError } from './errors.js';
import type { MigrationsContext } from './rules/rule.js';

/** One revision that `alembic upgrade` would apply. */
export interface PlannedRevision {
  readonly revision: string;
  /** Relative to the working directory. */
  readonly file: string;
  readonly line: number;
  /** The first line of its docstring. */
  readonly message: string;
  readonly downRevisions: readonly string[];
  readonly dependsOn: readonly string[];
  readonly branchLabels: readonly string[];
  readonly isMerge: boolean;
  /** What its upgrade() does, statement by statement (with --effects). */
  readonly effects?: readonly PlannedEffect[];
}

/** One statement of a pending revision, as the gate understood it. */
export interface PlannedEffect {
  readonly line: number;
  readonly kind: string;
  readonly description: string;
}

/** What `plan` needs. */
export interface PlanOptions extends MigrationsLocation {
  /** `alembic upgrade` target: `head` (default), `heads`, a revision, `label@head`. */
  readonly target?: string;
  /** Without a URL, everything is pending (offline). */
  readonly databaseUrl?: string;
  readonly connection?: ConnectionOptions;
  readonly versionTable?: VersionTableOptions;
  /** Where relative paths start; default the working directory. */
  readonly cwd?: string;
  /** Also read each pending revision's upgrade() and list what it does. */
  readonly effects?: boolean;
  readonly sqlalchemyVersion?: string;
  /** Severity overrides by rule id (`off` drops a rule's findings); an unknown id is an InputError. */
  readonly severities?: RuleSeverities;
}

/** What `alembic upgrade <target>` would do, before it runs. */
export interface PlanResult {
  /** True when the upgrade would start (no error finding). */
  readonly ok: boolean;
  readonly mode: 'online' | 'offline';
  readonly target: string;
  /** The heads of the history, as `alembic heads` lists them. */
  readonly heads: readonly string[];
  /** The database's stamped revisions; empty offline and on a fresh database. */
  readonly current: readonly string[];
  /** In the order Alembic would apply them; empty when it would refuse. */
  readonly pending: readonly PlannedRevision[];
  readonly findings: readonly Finding[];
  readonly summary: FindingSummary;
  readonly database: DatabaseReport | null;
  readonly versionLocations: readonly string[];
  readonly notes: readonly string[];
}

/** The history read from disk, its pending revisions, and what the rules need to know of them. */
export interface MigrationAnalysis {
  readonly source: AlembicSource;
  readonly pending: PendingRevisions;
  readonly context: MigrationsContext;
}

/** Works out the upgrade a database stamped with `stamped` would get. */
export function analyzeMigrations(source: AlembicSource, stamped: readonly string[], target = 'head'): MigrationAnalysis {
  const pending = pendingRevisions(source.graph, { stamped, target });
  return { source, pending, context: { target, problems: source.problems, refusals: pending.problems, warnings: pending.warnings } };
}

/** Makes finding paths relative to `cwd`, so that they read well and match a repository's layout. */
export function relativeFindings(findings: readonly Finding[], cwd: string): Finding[] {
  // The simulation's findings are relative to cwd already; relative() would resolve them against
  // the process's working directory instead.
  return findings.map((finding) => (finding.file && isAbsolute(finding.file) ? { ...finding, file: relative(cwd, finding.file) || finding.file } : finding));
}

/** The planned revisions of an analysis, with paths relative to `cwd`. */
export function plannedRevisions(analysis: MigrationAnalysis, cwd: string): PlannedRevision[] {
  return analysis.pending.revisions.map((id) => {
    const revision = analysis.source.graph.revisions.get(id)!;
    const script = analysis.source.scriptFor(id);
    return {
      revision: id,
      file: relative(cwd, revision.file),
      line: revision.line,
      message: script?.message ?? '',
      downRevisions: revision.downRevisions,
      dependsOn: revision.dependsOn,
      branchLabels: revision.branchLabels,
      isMerge: revision.downRevisions.length > 1,
    };
  });
}

/** Reads the live catalog; loaded lazily so that offline runs never load the database driver. */
export async function readCatalog(options: {
  databaseUrl: string;
  connection?: ConnectionOptions;
  versionTable?: VersionTableOptions;
  onProgress?: (phase: 'connecting' | 'introspecting') => void;
  namesOnly?: boolean;
}): Promise<CatalogSnapshot> {
  const { introspect } = await import('./catalog/introspect.js');
  return introspect(options.databaseUrl, {
    ...(options.connection ? { connection: options.connection } : {}),
    ...(options.versionTable ? { versionTable: options.versionTable } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.namesOnly ? { namesOnly: true } : {}),
  });
}

/**
 * Starts reading the catalog and returns at once: the caller parses the history meanwhile, in
 * turns with the event loop, so that the connection and the server's answer do not wait for the
 * parse. `settled` says whether the read is over. A failure is thrown where `read` is awaited.
 */
export function readCatalogMeanwhile(options: Parameters<typeof readCatalog>[0]): { read: Promise<CatalogSnapshot>; settled: () => boolean } {
  let settled = false;
  const read = readCatalog(options).finally(() => {
    settled = true;
  });
  // Awaited once the history is read; a failure before then is not an unhandled rejection.
  read.catch(() => undefined);
  return { read, settled: () => settled };
}

/** The database part of a report. */
export async function databaseReport(url: string, catalog: CatalogSnapshot): Promise<DatabaseReport> {
  const { redactUrl } = await import('./catalog/connection.js');
  return {
    url: redactUrl(url),
    database: catalog.databaseName,
    serverVersion: catalog.serverVersion,
    versionTable: catalog.versionTable ? { schema: catalog.versionTable.schema, name: catalog.versionTable.name, revisions: catalog.versionTable.revisions } : null,
  };
}

/**
 * Plans `alembic upgrade <target>`: the heads, the database's current revisions, and the pending
 * revisions in Alembic's order, with every reason the upgrade would refuse to run. Migration code
 * is never executed. Throws InputError (exit 2) and DatabaseError (exit 3).
 */
export async function plan(options: PlanOptions): Promise<PlanResult> {
  const cwd = options.cwd ?? process.cwd();
  const target = options.target ?? 'head';
  const severities = options.severities ?? {};
  const unknownRules = unknownRuleIds(severities, RULES);
  if (unknownRules.length > 0) throw new InputError(unknownRules.map((id) => `severities: unknown rule "${id}" (schema-gate rules lists them)`));
  const scanOptions = migrationScanOptions(options);
  // Without --effects only the version table matters: the catalog's names, never its columns.
  const catalogRead = options.databaseUrl ? readCatalogMeanwhile({ ...options, databaseUrl: options.databaseUrl, namesOnly: !options.effects }) : undefined;
  const source = catalogRead ? await openAlembicSourceInTurns(scanOptions) : openAlembicSource(scanOptions);
  const catalog = catalogRead ? await catalogRead.read : undefined;
  const current = catalog?.versionTable?.revisions ?? [];
  const analysis = analyzeMigrations(source, current, target);
  const findings = relativeFindings(
    runRules({ expected: EMPTY_SCHEMA_STATE, actual: EMPTY_SCHEMA_STATE, diff: compareStates(EMPTY_SCHEMA_STATE, EMPTY_SCHEMA_STATE), actualDescription: 'the database', migrations: analysis.context }, RULES, severities),
    cwd,
  );
  const summary = summarize(findings);
  const notes = catalog ? [] : ['offline: no database URL, so every revision is pending, from an empty database'];
  let pending = plannedRevisions(analysis, cwd);
  if (options.effects && analysis.pending.problems.length === 0) {
    const { analyzePending } = await import('./simulate/pending.js');
    const { describeEffect } = await import('./report/describe-effect.js');
    const { EMPTY_SCHEMA_STATE: empty } = await import('./model/schema-state.js');
    const analysed = await analyzePending(source, analysis.pending.revisions, catalog?.state ?? empty, {
      cwd,
      ...(options.sqlalchemyVersion ? { sqlalchemyVersion: options.sqlalchemyVersion } : {}),
    });
    const byRevision = new Map(analysed.migrations.map((migration) => [migration.revision, migration.effects]));
    pending = pending.map((revision) => ({
      ...revision,
      effects: (byRevision.get(revision.revision) ?? []).map((effect) => ({ line: effect.location.line, kind: effect.kind, description: describeEffect(effect) })),
    }));
    notes.push(`statements read assuming SQLAlchemy ${analysed.sqlalchemy.version} (${analysed.sqlalchemy.source})`);
  }
  return {
    ok: isSafe(summary, false),
    mode: catalog ? 'online' : 'offline',
    target,
    heads: source.graph.heads,
    current,
    pending,
    findings,
    summary,
    database: catalog && options.databaseUrl ? await databaseReport(options.databaseUrl, catalog) : null,
    versionLocations: [...new Set((source.scripts as readonly ScannedScript[]).map((script) => script.versionLocation))].map((location) => relative(cwd, location) || '.'),
    notes,
  };
}
