import type { CheckResult } from '../check.js';
import type { ResolvedConfig } from './config-options.js';

/** Where the configuration came from, in words. */
export function configurationLine(resolved: ResolvedConfig): string {
  if (resolved.file !== undefined) return `configuration: ${resolved.file}${resolved.config?.pointer ? ` (${resolved.config.pointer})` : ''}`;
  const searched = resolved.searched;
  if (searched.length === 0) return 'configuration: none';
  const where = searched.length === 1 ? `in ${searched[0]}` : `from ${searched[0]} up to ${searched[searched.length - 1]}`;
  return `configuration: none found ${where}`;
}

/**
 * The --verbose notes of a check: what it read — configuration, manifest, history, database,
 * the SQLAlchemy version assumed, severity overrides — and how long each phase took.
 */
export function verboseLines(result: CheckResult, resolved: ResolvedConfig, timings: string): string[] {
  const lines = [configurationLine(resolved), `manifest: ${result.manifest.file}`];
  const overrides = Object.entries(resolved.severities);
  if (overrides.length > 0) lines.push(`severity overrides: ${overrides.map(([rule, severity]) => `${rule} ${severity}`).join(', ')}`);
  const migrations = result.migrations;
  if (migrations) {
    const heads = migrations.heads.length === 0 ? 'no head' : `head${migrations.heads.length === 1 ? '' : 's'} ${migrations.heads.join(', ')}`;
    const pending = migrations.pending.length === 1 ? '1 pending revision' : `${migrations.pending.length} pending revisions`;
    lines.push(`migrations: ${migrations.directory}: ${heads}; ${pending} for upgrade ${migrations.target}`);
    if (migrations.sqlalchemy) lines.push(`SQLAlchemy: ${migrations.sqlalchemy.version} (${migrations.sqlalchemy.source})`);
  } else {
    lines.push('migrations: none given (--migrations or --alembic-ini)');
  }
  if (result.database) {
    const table = result.database.versionTable;
    const stamp = table ? `${table.schema}.${table.name} at ${table.revisions.join(', ') || 'no revision'}` : 'no version table';
    lines.push(`database: ${result.database.url}: PostgreSQL ${result.database.serverVersion}; ${stamp}`);
  } else {
    lines.push('database: none (offline)');
  }
  lines.push(`timings: ${timings}`);
  return lines;
}

/** What a check was given, for the --verbose notes of a check that stopped before its result. */
export interface CheckInputs {
  readonly manifestFile: string;
  readonly migrationsDir?: string;
  readonly alembicIni?: string;
  /** Already redacted. */
  readonly databaseUrl?: string;
}

/**
 * The --verbose notes of a check that failed (a database out of reach, an unreadable input): what it
 * was given and how far each phase got, so that the error line has its context.
 */
export function verboseFailureLines(inputs: CheckInputs, resolved: ResolvedConfig, timings: string): string[] {
  const migrations = inputs.alembicIni ?? inputs.migrationsDir;
  return [
    configurationLine(resolved),
    `manifest: ${inputs.manifestFile}`,
    migrations === undefined ? 'migrations: none given (--migrations or --alembic-ini)' : `migrations: ${migrations}`,
    inputs.databaseUrl === undefined ? 'database: none (offline)' : `database: ${inputs.databaseUrl}`,
    `timings: ${timings} (stopped)`,
  ];
}
