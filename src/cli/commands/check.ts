import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.js';
import type { Format } from '../../report/index.js';

/** The output formats of check (kept here so that --help needs no reporter). */
const FORMATS = ['text', 'json'] as const satisfies readonly Format[];
import { databaseOptions, resolveDatabaseUrl, withDatabaseOptions } from '../connection-options.js';
import { migrationsLocation, withMigrationsOptions } from '../migrations-options.js';
import { shouldColor } from '../output.js';
import { runCommand } from '../run-command.js';

function builder(yargs: Argv) {
  return withDatabaseOptions(withMigrationsOptions(yargs))
    .option('manifest', { type: 'string', demandOption: true, describe: 'JSON manifest of the expected enums and tables' })
    .option('offline', { type: 'boolean', default: false, describe: 'Ignore --database-url and $DATABASE_URL; check statically' })
    .option('format', { choices: FORMATS, default: 'text' as Format, describe: 'Output format' })
    .option('strict', { type: 'boolean', default: false, describe: 'Warnings fail the check too' })
    .option('sqlalchemy-version', { type: 'string', describe: "The project's SQLAlchemy version (default: its pin in requirements*.txt, pyproject.toml or a lock file near the migrations; else 2.0)", group: 'Migrations:' })
    .option('verify-applied', { type: 'boolean', default: false, describe: 'Also compare the live schema with what the applied revisions create (reads every applied upgrade(); finds hand-made changes)', group: 'Migrations:' })
    .option('transaction-per-migration', { type: 'boolean', default: false, describe: "env.py sets transaction_per_migration=True (default: one transaction for the whole run)", group: 'Migrations:' })
    .example('$0 check --manifest schema-manifest.json --migrations alembic/versions', 'Before alembic upgrade head, against $DATABASE_URL')
    .example('$0 check --manifest schema-manifest.json --alembic-ini alembic.ini --offline', 'In CI, without a database')
    .example('$0 check --manifest m.json --database-url postgres://app@db:5432/app --format json', 'Machine-readable report on stdout')
    .epilogue(
      'Exit codes: 0 safe to migrate (warnings allowed), 1 at least one error finding (or a warning with --strict), 2 bad usage or invalid input, 3 the database could not be reached or queried.',
    );
}

type CheckArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `schema-gate check`: is it safe to migrate? */
export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check',
  describe: 'Check the live schema and the migration history against the manifest: is it safe to migrate?',
  builder,
  handler: (argv) =>
    runCommand(Boolean(argv['debug']), async () => {
      const { connection, versionTable } = databaseOptions(argv);
      const { check } = await import('../../check.js');
      const { formatResult } = await import('../../report/index.js');
      const databaseUrl = argv.offline ? undefined : resolveDatabaseUrl(argv['database-url']);
      const result = await check({
        manifestFile: argv.manifest,
        ...migrationsLocation(argv),
        target: argv.to,
        ...(argv['sqlalchemy-version'] ? { sqlalchemyVersion: argv['sqlalchemy-version'] } : {}),
        transactionPerMigration: argv['transaction-per-migration'],
        verifyApplied: argv['verify-applied'],
        ...(databaseUrl ? { databaseUrl } : {}),
        strict: argv.strict,
        connection,
        versionTable,
      });
      process.stdout.write(formatResult(result, argv.format, { color: shouldColor(process.stdout) }));
      return result.ok ? ExitCode.Safe : ExitCode.Findings;
    }),
};
