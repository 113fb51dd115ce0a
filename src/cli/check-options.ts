import type { Argv } from 'yargs';
import type { CheckOptions } from '../check.js';
import type { Format } from '../report/index.js';
import { migrationsLocation } from './migrations-options.js';

/** The output formats of check (kept here so that --help needs no reporter). */
const FORMATS = ['text', 'json'] as const satisfies readonly Format[];

/**
 * The flags of the check itself — what `check` and `run` share besides the database and migrations
 * flags — so that a deploy checks exactly as a pull request does.
 */
export function withCheckOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('manifest', { type: 'string', demandOption: true, describe: 'JSON manifest of the expected enums and tables' })
    .option('format', { choices: FORMATS, default: 'text' as Format, describe: 'Output format' })
    .option('strict', { type: 'boolean', default: false, describe: 'Warnings fail the check too' })
    .option('sqlalchemy-version', { type: 'string', describe: "The project's SQLAlchemy version (default: its pin in requirements*.txt, pyproject.toml or a lock file near the migrations; else 2.0)", group: 'Migrations:' })
    .option('verify-applied', { type: 'boolean', default: false, describe: 'Also compare the live schema with what the applied revisions create (reads every applied upgrade(); finds hand-made changes)', group: 'Migrations:' })
    .option('transaction-per-migration', { type: 'boolean', default: false, describe: "env.py sets transaction_per_migration=True (default: one transaction for the whole run)", group: 'Migrations:' });
}

/** The library's check options from those flags (the database and its connection are added by the caller). */
export function checkOptions(argv: {
  manifest: string;
  migrations?: string | undefined;
  'alembic-ini'?: string | undefined;
  recursive: boolean;
  to: string;
  strict: boolean;
  'sqlalchemy-version'?: string | undefined;
  'verify-applied': boolean;
  'transaction-per-migration': boolean;
}): CheckOptions {
  return {
    manifestFile: argv.manifest,
    ...migrationsLocation(argv),
    target: argv.to,
    ...(argv['sqlalchemy-version'] ? { sqlalchemyVersion: argv['sqlalchemy-version'] } : {}),
    transactionPerMigration: argv['transaction-per-migration'],
    verifyApplied: argv['verify-applied'],
    strict: argv.strict,
  };
}
