import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.js';
import { checkOptions, reportPrinter, resolveFormat, withCheckOptions, withPullRequestOptions } from '../check-options.js';
import { databaseOptions, resolveDatabaseUrl, withDatabaseOptions } from '../connection-options.js';
import { withMigrationsOptions } from '../migrations-options.js';
import { runCommand } from '../run-command.js';

function builder(yargs: Argv) {
  return withPullRequestOptions(withCheckOptions(withDatabaseOptions(withMigrationsOptions(yargs))))
    .option('offline', { type: 'boolean', default: false, describe: 'Ignore --database-url and $DATABASE_URL; check statically' })
    .example('$0 check --manifest schema-manifest.json --migrations alembic/versions', 'Before alembic upgrade head, against $DATABASE_URL')
    .example('$0 check --manifest schema-manifest.json --alembic-ini alembic.ini --offline', 'In CI, without a database')
    .example('$0 check --manifest m.json --database-url postgres://app@db:5432/app --format json', 'Machine-readable report on stdout')
    .example('$0 check --manifest m.json --alembic-ini alembic.ini --offline --changed-since origin/main', 'In a pull request: only its own revisions can fail')
    .example('$0 check --manifest m.json --alembic-ini alembic.ini --offline --format sarif > schema-gate.sarif', 'For code scanning; in GitHub Actions the default is --format github (annotations and a job summary)')
    .epilogue(
      'Suppressions: "# schema-gate: ignore <rule-id>[, <rule-id>] -- <reason>" on the line a finding names or the line above it, "# schema-gate: ignore-file <rule-id> -- <reason>" anywhere in the file; the reason is required.\n\n' +
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
      const printReport = await reportPrinter(resolveFormat(argv.format));
      const databaseUrl = argv.offline ? undefined : resolveDatabaseUrl(argv['database-url']);
      const changedSince = argv['changed-since'];
      const result = await check({ ...checkOptions(argv), ...(databaseUrl ? { databaseUrl } : {}), ...(changedSince !== undefined ? { changedSince } : {}), connection, versionTable });
      printReport(result);
      return result.ok ? ExitCode.Safe : ExitCode.Findings;
    }),
};
