import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.js';
import { formatResolvedConfig, resolvedConfig, withConfigOptions } from '../config-options.js';
import { databaseOptions, resolveDatabaseUrl, withDatabaseOptions } from '../connection-options.js';
import { migrationsLocation, withMigrationsOptions } from '../migrations-options.js';
import { shouldColor } from '../output.js';
import { runCommand } from '../run-command.js';

function builder(yargs: Argv) {
  return withConfigOptions(withDatabaseOptions(withMigrationsOptions(yargs)), { runsRules: true })
    .option('offline', { type: 'boolean', default: false, describe: 'Ignore --database-url and $DATABASE_URL: plan from an empty database' })
    .option('effects', { type: 'boolean', default: false, describe: "Also read each pending revision's upgrade() and list what it does to enums and tables" })
    .option('sqlalchemy-version', { type: 'string', describe: "The project's SQLAlchemy version, for --effects (default: its pin near the migrations; else 2.0)", group: 'Migrations:' })
    .option('format', { choices: ['text', 'json'] as const, default: 'text' as 'text' | 'json', describe: 'Output format' })
    .example('$0 plan --migrations alembic/versions', 'What upgrade head would apply to $DATABASE_URL (or, offline, to an empty database)')
    .example('$0 plan --alembic-ini alembic.ini --to heads --format json', 'As JSON, for every head')
    .example('$0 plan --migrations alembic/versions --effects', 'With what each pending upgrade() does, as the gate understood it')
    .epilogue('Exit codes: 0 the upgrade can start, 1 it would refuse (several heads, unknown stamped revision, ...), 2 bad usage or unreadable history, 3 database unreachable.');
}

type PlanArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `schema-gate plan`: what `alembic upgrade` would apply, in order. */
export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan',
  describe: 'List the revisions alembic upgrade would apply, in order, and why it would refuse',
  builder,
  handler: (argv) =>
    runCommand(Boolean(argv['debug']), async () => {
      const config = resolvedConfig(argv);
      if (argv['print-config']) {
        process.stdout.write(formatResolvedConfig(argv, config));
        return ExitCode.Safe;
      }
      const { connection, versionTable } = databaseOptions(argv);
      const databaseUrl = argv.offline ? undefined : resolveDatabaseUrl(argv['database-url']);
      const { plan } = await import('../../plan.js');
      const { formatPlanJson, formatPlanText } = await import('../../report/plan.js');
      const result = await plan({
        ...migrationsLocation(argv),
        target: argv.to,
        ...(databaseUrl ? { databaseUrl } : {}),
        connection,
        versionTable,
        effects: argv.effects,
        ...(argv['sqlalchemy-version'] ? { sqlalchemyVersion: argv['sqlalchemy-version'] } : {}),
        ...(Object.keys(config.severities).length > 0 ? { severities: config.severities } : {}),
      });
      process.stdout.write(argv.format === 'json' ? formatPlanJson(result) : formatPlanText(result, { color: shouldColor(process.stdout) }));
      return result.ok ? ExitCode.Safe : ExitCode.Findings;
    }),
};
