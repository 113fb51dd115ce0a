import { stat } from 'node:fs/promises';
import { introspect, type CatalogSnapshot, type VersionTableOptions } from './catalog/introspect.js';
import { redactUrl, type ConnectionOptions } from './catalog/connection.js';
import { InputError } from './errors.js';
import { loadManifest } from './manifest/load.js';
import { compareStates } from './model/compare.js';
import { runRules, type Finding } from './rules/index.js';

/** What `check` needs; everything but the manifest is optional. */
export interface CheckOptions {
  readonly manifestFile: string;
  /** An Alembic versions directory. Accepted and validated; its analysis is not implemented yet. */
  readonly migrationsDir?: string;
  /** Without a URL the check runs offline. */
  readonly databaseUrl?: string;
  /** Warnings fail the check too. */
  readonly strict?: boolean;
  readonly connection?: ConnectionOptions;
  readonly versionTable?: VersionTableOptions;
}

/** Counts of findings by severity. */
export interface FindingSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
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
  readonly migrations: { readonly directory: string; readonly analysed: boolean } | null;
  /** Sentences about what was and was not checked. */
  readonly notes: readonly string[];
}

/** Counts findings by severity. */
export function summarize(findings: readonly Finding[]): FindingSummary {
  return {
    errors: findings.filter((finding) => finding.severity === 'error').length,
    warnings: findings.filter((finding) => finding.severity === 'warning').length,
    infos: findings.filter((finding) => finding.severity === 'info').length,
  };
}

/** Whether a summary is safe to migrate. */
export function isSafe(summary: FindingSummary, strict: boolean): boolean {
  return summary.errors === 0 && (!strict || summary.warnings === 0);
}

async function assertDirectory(directory: string, flag: string): Promise<void> {
  try {
    if ((await stat(directory)).isDirectory()) return;
    throw new InputError(`${flag} ${directory}: not a directory`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${flag} ${directory}: no such directory`);
  }
}

function databaseReport(url: string, catalog: CatalogSnapshot): DatabaseReport {
  return {
    url: redactUrl(url),
    database: catalog.databaseName,
    serverVersion: catalog.serverVersion,
    versionTable: catalog.versionTable
      ? { schema: catalog.versionTable.schema, name: catalog.versionTable.name, revisions: catalog.versionTable.revisions }
      : null,
  };
}

/**
 * Checks whether it is safe to migrate: loads the manifest, reads the live catalog when a URL is
 * given, and runs every rule. Throws InputError (exit 2) or DatabaseError (exit 3); findings are
 * returned, never thrown.
 */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const strict = options.strict ?? false;
  const manifest = await loadManifest(options.manifestFile);
  if (options.migrationsDir !== undefined) await assertDirectory(options.migrationsDir, '--migrations');
  const notes: string[] = [];
  if (options.migrationsDir !== undefined) {
    notes.push(`migrations in ${options.migrationsDir} are not analysed yet: pending migrations are not simulated`);
  }

  let findings: Finding[] = [];
  let database: DatabaseReport | null = null;
  if (options.databaseUrl) {
    const catalog = await introspect(options.databaseUrl, { connection: options.connection, versionTable: options.versionTable });
    database = databaseReport(options.databaseUrl, catalog);
    findings = runRules({
      expected: manifest.expected,
      actual: catalog.state,
      diff: compareStates(manifest.expected, catalog.state),
      actualDescription: 'the database',
    });
  } else {
    notes.push('offline: no database URL (--database-url or DATABASE_URL), so the live schema was not compared with the manifest');
  }

  const summary = summarize(findings);
  return {
    ok: isSafe(summary, strict),
    mode: database ? 'online' : 'offline',
    strict,
    summary,
    findings,
    manifest: { file: manifest.file },
    database,
    migrations: options.migrationsDir !== undefined ? { directory: options.migrationsDir, analysed: false } : null,
    notes,
  };
}
