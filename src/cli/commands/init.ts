import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.js';
import { databaseOptions, resolveDatabaseUrl, withDatabaseOptions } from '../connection-options.js';
import { migrationsLocation, withMigrationsOptions } from '../migrations-options.js';
import { shouldColor } from '../output.js';
import { runCommand } from '../run-command.js';

function builder(yargs: Argv) {
  return withDatabaseOptions(withMigrationsOptions(yargs))
    .usage(
      '$0 init [options]\n\nWrite a starter manifest: from the live database when a URL is given, else from the migration history simulated from an empty database. Then print the pre-deploy command and a pull-request job that fit the project.',
    )
    .option('manifest', { type: 'string', default: 'schema-manifest.json', describe: 'The manifest to write' })
    .option('force', { type: 'boolean', default: false, describe: 'Overwrite the manifest if it exists' })
    .option('offline', { type: 'boolean', default: false, describe: 'Ignore --database-url and $DATABASE_URL; simulate the migration history' })
    .option('baseline', {
      type: 'string',
      describe: 'Offline: a manifest of the schema the history starts from (tables metadata.create_all made before the first revision), instead of an empty database',
    })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Write nothing: print the manifest on stdout instead' })
    .option('schema', { type: 'string', array: true, default: [] as string[], describe: 'Only these schemas (repeatable); default all user schemas' })
    .option('sqlalchemy-version', { type: 'string', describe: "The project's SQLAlchemy version (default: its pin near the migrations; else 2.0)", group: 'Migrations:' })
    .option('transaction-per-migration', { type: 'boolean', default: false, describe: 'env.py sets transaction_per_migration=True', group: 'Migrations:' })
    .example('$0 init', 'Offline, from ./alembic.ini (or from $DATABASE_URL when it is set): writes schema-manifest.json')
    .example('$0 init --database-url "$STAGING_DATABASE_URL" --alembic-ini alembic.ini', 'From staging, with the revisions it has not applied yet')
    .example('$0 init --offline --migrations db/versions --manifest db/schema-manifest.json', 'From a versions directory, into another file')
    .epilogue('Exit codes: 0 the manifest was written, 2 bad usage or invalid input (the manifest exists without --force, no database and no history, a history Alembic would refuse), 3 the database could not be reached or queried. It never writes to the database.');
}

type InitArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `schema-gate init`: write a starter manifest and print the snippets that put the gate to work. */
export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init',
  describe: 'Write a starter manifest (from a database or the migrations) and print deploy and CI snippets',
  builder,
  handler: (argv) =>
    runCommand(Boolean(argv['debug']), async () => {
      const { connection, versionTable } = databaseOptions(argv);
      const [{ initManifest }, { formatInitText }] = await Promise.all([import('../../init/init.js'), import('../../report/init.js')]);
      const databaseUrl = argv.offline ? undefined : resolveDatabaseUrl(argv['database-url']);
      const result = await initManifest({
        ...migrationsLocation(argv),
        ...(databaseUrl ? { databaseUrl } : {}),
        connection,
        versionTable,
        manifestFile: argv.manifest,
        ...(argv.baseline !== undefined && argv.baseline !== '' ? { baselineFile: argv.baseline } : {}),
        force: argv.force,
        dryRun: argv['dry-run'],
        schemas: argv.schema,
        target: argv.to,
        ...(argv['sqlalchemy-version'] ? { sqlalchemyVersion: argv['sqlalchemy-version'] } : {}),
        transactionPerMigration: argv['transaction-per-migration'],
      });
      if (argv['dry-run']) {
        process.stdout.write(result.text);
        process.stderr.write(formatInitText(result, { color: shouldColor(process.stderr) }));
      } else {
        process.stdout.write(formatInitText(result, { color: shouldColor(process.stdout) }));
      }
      return ExitCode.Safe;
    }),
};
