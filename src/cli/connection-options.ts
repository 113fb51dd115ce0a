import type { Argv } from 'yargs';
import type { ConnectionOptions } from '../catalog/connection.js';
import type { VersionTableOptions } from '../catalog/introspect.js';
import { InputError } from '../errors.js';
import { givenMoreThanOnce } from './repeated-flag.js';

/** The flags every command that reads a database shares. */
export function withDatabaseOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('database-url', {
      type: 'string',
      describe: 'PostgreSQL URL (postgres://user:pass@host:port/db?sslmode=...); default $DATABASE_URL',
      group: 'Database:',
    })
    // Strings, parsed by databaseOptions: yargs would turn `abc` into NaN before the message could quote it.
    .option('connect-timeout', { type: 'string', default: '10', describe: 'Give up connecting after this many seconds; refused connections, unknown hosts and a server still starting are retried meanwhile', group: 'Database:' })
    .option('statement-timeout', { type: 'string', default: '30', describe: 'Seconds each catalog query may take', group: 'Database:' })
    .option('version-table', { type: 'string', default: 'alembic_version', describe: "Alembic's version table (env.py's version_table)", group: 'Database:' })
    .option('version-table-schema', {
      type: 'string',
      describe: "Schema of the version table (env.py's version_table_schema); default: the search_path",
      group: 'Database:',
    });
}

/** A flag's value as given: the text typed, or a number from a default or a flag declared as a number. */
type SecondsFlagValue = string | number | ReadonlyArray<string | number>;

/**
 * A number of seconds from a flag, or a problem that quotes what was typed. Text is read the way
 * yargs reads numbers (`1.5`, `1e3`, `0x10`).
 */
export function parseSeconds(flag: string, value: SecondsFlagValue): { seconds: number } | { problem: string } {
  const problem = (got: string): { problem: string } => ({ problem: `--${flag} must be a positive number of seconds, got ${got}` });
  if (Array.isArray(value)) return { problem: givenMoreThanOnce(flag, value) };
  const text = String(value).trim();
  if (text === '') return problem('an empty value');
  const seconds = typeof value === 'number' ? value : Number(text);
  if (Number.isFinite(seconds) && seconds > 0) return { seconds };
  // Quoted only when it holds what would not show plainly on one line (control characters, quotes, backslashes).
  return problem(JSON.stringify(text) === `"${text}"` ? text : JSON.stringify(text));
}

/** Turns the shared flags into library options, rejecting impossible values (exit 2). */
export function databaseOptions(argv: {
  'connect-timeout': SecondsFlagValue;
  'statement-timeout': SecondsFlagValue;
  'version-table': string;
  'version-table-schema'?: string | undefined;
}): { connection: ConnectionOptions; versionTable: VersionTableOptions } {
  const problems: string[] = [];
  const seconds = { 'connect-timeout': 0, 'statement-timeout': 0 };
  for (const flag of ['connect-timeout', 'statement-timeout'] as const) {
    const parsed = parseSeconds(flag, argv[flag]);
    if ('problem' in parsed) problems.push(parsed.problem);
    else seconds[flag] = parsed.seconds;
  }
  if (argv['version-table'] === '') problems.push('--version-table must not be empty');
  if (problems.length > 0) throw new InputError(problems);
  return {
    connection: { connectTimeoutMs: seconds['connect-timeout'] * 1000, statementTimeoutMs: seconds['statement-timeout'] * 1000 },
    versionTable: { name: argv['version-table'], ...(argv['version-table-schema'] ? { schema: argv['version-table-schema'] } : {}) },
  };
}

/** The URL from the flag, else $DATABASE_URL; undefined when neither is set (or both are empty). */
export function resolveDatabaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = flag ?? env['DATABASE_URL'];
  return url && url.trim() !== '' ? url.trim() : undefined;
}
