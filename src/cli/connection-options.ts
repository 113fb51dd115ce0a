import type { Argv } from 'yargs';
import type { ConnectionOptions } from '../catalog/connection.js';
import type { VersionTableOptions } from '../catalog/introspect.js';
import { InputError } from '../errors.js';

/** The flags every command that reads a database shares. */
export function withDatabaseOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('database-url', {
      type: 'string',
      describe: 'PostgreSQL URL (postgres://user:pass@host:port/db?sslmode=...); default $DATABASE_URL',
      group: 'Database:',
    })
    .option('connect-timeout', { type: 'number', default: 10, describe: 'Give up connecting after this many seconds; refused connections, unknown hosts and a server still starting are retried meanwhile', group: 'Database:' })
    .option('statement-timeout', { type: 'number', default: 30, describe: 'Seconds each catalog query may take', group: 'Database:' })
    .option('version-table', { type: 'string', default: 'alembic_version', describe: "Alembic's version table (env.py's version_table)", group: 'Database:' })
    .option('version-table-schema', {
      type: 'string',
      describe: "Schema of the version table (env.py's version_table_schema); default: the search_path",
      group: 'Database:',
    });
}

/** Turns the shared flags into library options, rejecting impossible values (exit 2). */
export function databaseOptions(argv: {
  'connect-timeout': number;
  'statement-timeout': number;
  'version-table': string;
  'version-table-schema'?: string | undefined;
}): { connection: ConnectionOptions; versionTable: VersionTableOptions } {
  const problems: string[] = [];
  for (const flag of ['connect-timeout', 'statement-timeout'] as const) {
    if (!Number.isFinite(argv[flag]) || argv[flag] <= 0) problems.push(`--${flag} must be a positive number of seconds, got ${String(argv[flag])}`);
  }
  if (argv['version-table'] === '') problems.push('--version-table must not be empty');
  if (problems.length > 0) throw new InputError(problems);
  return {
    connection: { connectTimeoutMs: argv['connect-timeout'] * 1000, statementTimeoutMs: argv['statement-timeout'] * 1000 },
    versionTable: { name: argv['version-table'], ...(argv['version-table-schema'] ? { schema: argv['version-table-schema'] } : {}) },
  };
}

/** The URL from the flag, else $DATABASE_URL; undefined when neither is set (or both are empty). */
export function resolveDatabaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = flag ?? env['DATABASE_URL'];
  return url && url.trim() !== '' ? url.trim() : undefined;
}
