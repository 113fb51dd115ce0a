import type { Argv, CommandModule } from 'yargs';
import { check } from '../../check.js';
import { ExitCode } from '../../errors.js';
import { FORMATS, formatResult, type Format } from '../../report/index.js';
import { databaseOptions, resolveDatabaseUrl, withDatabaseOptions } from '../connection-options.js';
import { shouldColor } from '../output.js';
import { runCommand } from '../run-command.js';

function builder(yargs: Argv) {
  return withDatabaseOptions(yargs)
    .option('manifest', { type: 'string', demandOption: true, describe: 'JSON manifest of the expected enums and tables' })
    .option('migrations', { type: 'string', describe: 'Alembic versions directory (accepted; not analysed yet)' })
    .option('offline', { type: 'boolean', default: false, describe: 'Ignore --database-url and $DATABASE_URL; check statically' })
    .option('format', { choices: FORMATS, default: 'text' as Format, describe: 'Output format' })
    .option('strict', { type: 'boolean', default: false, describe: 'Warnings fail the check too' })
    .example('$0 check --manifest schema-manifest.json', 'Compare $DATABASE_URL with the manifest')
    .example('$0 check --manifest m.json --database-url postgres://app@db:5432/app --format json', 'Machine-readable report on stdout')
    .epilogue(
      'Exit codes: 0 safe to migrate (warnings allowed), 1 at least one error finding (or a warning with --strict), 2 bad usage or invalid input, 3 the database could not be reached or queried.',
    );
}

type CheckArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `schema-gate check`: is it safe to migrate? */
export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check',
  describe: 'Check the live schema (and, soon, the pending migrations) against the manifest',
  builder,
  handler: (argv) =>
    runCommand(Boolean(argv['debug']), async () => {
      const { connection, versionTable } = databaseOptions(argv);
      const databaseUrl = argv.offline ? undefined : resolveDatabaseUrl(argv['database-url']);
      const result = await check({
        manifestFile: argv.manifest,
        ...(argv.migrations !== undefined ? { migrationsDir: argv.migrations } : {}),
        ...(databaseUrl ? { databaseUrl } : {}),
        strict: argv.strict,
        connection,
        versionTable,
      });
      process.stdout.write(formatResult(result, argv.format, { color: shouldColor(process.stdout) }));
      return result.ok ? ExitCode.Safe : ExitCode.Findings;
    }),
};
