import type { VersionTableOptions } from './catalog/introspect.js';
import type { ConnectionOptions } from './catalog/connection.js';
import { loadManifest } from './manifest/load.js';
import { hasMigrations, openMigrations, type MigrationsLocation } from './migrations/open.js';
import { compareStates } from './model/compare.js';
import { analyzeMigrations, databaseReport, plannedRevisions, readCatalog, relativeFindings, type PlannedRevision } from './plan.js';
import { runRules, type Finding } from './rules/index.js';
import { isSafe, summarize, type FindingSummary } from './rules/summary.js';

export { isSafe, summarize, type FindingSummary };

/** What `check` needs; everything but the manifest is optional. */
export interface CheckOptions extends MigrationsLocation {
  readonly manifestFile: string;
  /** Without a URL the check runs offline. */
  readonly databaseUrl?: string;
  /** Warnings fail the check too. */
  readonly strict?: boolean;
  /** `alembic upgrade` target: `head` (default), `heads`, a revision, `label@head`. */
  readonly target?: string;
  readonly connection?: ConnectionOptions;
  readonly versionTable?: VersionTableOptions;
  /** Where relative paths in findings start; default the working directory. */
  readonly cwd?: string;
}

/** The live database as the check saw it. */
export interface DatabaseReport {
  /** The URL with its password replaced by `***`. */
  readonly url: string;
  readonly database: string;
  readonly serverVersion: string;
  /** null on a fresh database (no version table). */
  readonly versionTable: { readonly schema: string; readonly name: string; readonly revisions: readonly string[] } | null;
}

/** What the check made of the migration history. */
export interface MigrationsReport {
  /** The versions directory (or alembic.ini) as given. */
  readonly directory: string;
  /** Whether the history was read (always, since the revision graph is analysed). */
  readonly analysed: boolean;
  readonly heads: readonly string[];
  /** The revisions `alembic upgrade <target>` would apply, in order. */
  readonly pending: readonly PlannedRevision[];
  readonly target: string;
}

/** The whole result of a check; reporters are pure functions of it. */
export interface CheckResult {
  /** True when it is safe to migrate: no error, and no warning under strict. */
  readonly ok: boolean;
  /** `online` when a database was read, `offline` otherwise. */
  readonly mode: 'online' | 'offline';
  readonly strict: boolean;
  readonly summary: FindingSummary;
  readonly findings: readonly Finding[];
  readonly manifest: { readonly file: string };
  readonly database: DatabaseReport | null;
  readonly migrations: MigrationsReport | null;
  /** Sentences about what was and was not checked. */
  readonly notes: readonly string[];
}

/**
 * Checks whether it is safe to migrate: loads the manifest, reads the migration history and the
 * live catalog when given, and runs every rule. Throws InputError (exit 2) or DatabaseError
 * (exit 3); findings are returned, never thrown.
 */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const strict = options.strict ?? false;
  const cwd = options.cwd ?? process.cwd();
  const target = options.target ?? 'head';
  const manifest = await loadManifest(options.manifestFile);
  const source = hasMigrations(options) ? openMigrations(options) : undefined;
  const catalog = options.databaseUrl ? await readCatalog({ ...options, databaseUrl: options.databaseUrl }) : undefined;
  const analysis = source ? analyzeMigrations(source, catalog?.versionTable?.revisions ?? [], target) : undefined;

  const notes: string[] = [];
  if (!catalog) notes.push('offline: no database URL (--database-url or DATABASE_URL), so the live schema was not compared with the manifest');
  if (source) notes.push('the revision graph is analysed; the statements of pending migrations are not simulated yet');

  const actual = catalog?.state ?? manifest.expected;
  const findings = relativeFindings(
    runRules({
      expected: manifest.expected,
      actual,
      diff: compareStates(manifest.expected, actual),
      actualDescription: 'the database',
      ...(analysis ? { migrations: analysis.context } : {}),
    }),
    cwd,
  );
  const summary = summarize(findings);
  return {
    ok: isSafe(summary, strict),
    mode: catalog ? 'online' : 'offline',
    strict,
    summary,
    findings,
    manifest: { file: manifest.file },
    database: catalog && options.databaseUrl ? await databaseReport(options.databaseUrl, catalog) : null,
    migrations: analysis
      ? {
          directory: options.migrationsDir ?? options.alembicIni ?? '',
          analysed: true,
          heads: analysis.source.graph.heads,
          pending: plannedRevisions(analysis, cwd),
          target,
        }
      : null,
    notes,
  };
}
