import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.js';
import { checkOptions, reportPrinter, resolveFormat, withCheckOptions, withPullRequestOptions } from '../check-options.js';
import { formatResolvedConfig, resolvedConfig, withConfigOptions } from '../config-options.js';
import { databaseOptions, resolveDatabaseUrl, withDatabaseOptions } from '../connection-options.js';
import { withMigrationsOptions } from '../migrations-options.js';
import { runCommand } from '../run-command.js';

function builder(yargs: Argv) {
  // The Check: group first (--manifest, --strict): yargs lists groups in the order they are first named.
  return withConfigOptions(withPullRequestOptions(withCheckOptions(withDatabaseOptions(withMigrationsOptions(yargs.group([], 'Check:'))))), { runsRules: true })
    .option('offline', { type: 'boolean', default: false, describe: 'Ignore --database-url and $DATABASE_URL; check statically', group: 'Database:' })
    .option('baseline', {
      type: 'string',
      describe: 'Offline: a manifest of the schema the history starts from (tables metadata.create_all made before the first revision), instead of an empty database',
      group: 'Check:',
    })
    .example('$0 check --manifest schema-manifest.json --migrations alembic/versions', 'Before alembic upgrade head, against $DATABASE_URL')
    .example('$0 check --manifest schema-manifest.json --alembic-ini alembic.ini --offline', 'In CI, without a database')
    .example('$0 check --manifest m.json --database-url postgres://app@db:5432/app --format json', 'Machine-readable report on stdout')
    .example('$0 check --manifest m.json --alembic-ini alembic.ini --offline --changed-since origin/main', 'In a pull request: only its own revisions can fail')
    .example('$0 check --manifest m.json --alembic-ini alembic.ini --offline --format sarif > schema-gate.sarif', 'For code scanning; in GitHub Actions the default is --format github (annotations and a job summary)')
    .example('$0 check --print-config', 'What the configuration file and the flags resolve to')
    .epilogue(
      'Suppressions: "# schema-gate: ignore <rule-id>[, <rule-id>] -- <reason>" on the line a finding names or the line above it, "# schema-gate: ignore-file <rule-id> -- <reason>" anywhere in the file; the reason is required.\n\n' +
      'Flags given on the command line override the configuration file (schema-gate.config.json, "schemaGate" in package.json or [tool.schema-gate] in pyproject.toml). Exit codes: 0 safe to migrate (warnings allowed), 1 at least one error finding (or a warning with --strict), 2 bad usage or invalid input (configuration included), 3 the database could not be reached or queried.',
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
      const config = resolvedConfig(argv);
      const format = resolveFormat(argv.format);
      if (argv['print-config']) {
        const formatSource = process.env['GITHUB_ACTIONS'] === 'true' ? 'GITHUB_ACTIONS=true' : 'default';
        process.stdout.write(formatResolvedConfig(argv, config, { format: { value: format, source: formatSource } }));
        return ExitCode.Safe;
      }
      const options = { ...checkOptions(argv, config.severities), ...(argv.baseline !== undefined && argv.baseline !== '' ? { baselineFile: argv.baseline } : {}) };
      const { connection, versionTable } = databaseOptions(argv);
      const { check } = await import('../../check.js');
      const { checkProgress } = await import('../progress.js');
      const printReport = await reportPrinter(format, process.env, { quiet: argv.quiet ?? false });
      const databaseUrl = argv.offline ? undefined : resolveDatabaseUrl(argv['database-url']);
      const progress = checkProgress({ format, quiet: argv.quiet ?? false });
      const changedSince = argv['changed-since'];
      let result;
      try {
        result = await check({ ...options, ...(databaseUrl ? { databaseUrl } : {}), ...(changedSince !== undefined ? { changedSince } : {}), connection, versionTable, onProgress: progress.onProgress });
      } catch (error) {
        progress.finish();
        if (argv.verbose) {
          // The error line follows; these say what the check was given and how far it got.
          const [{ verboseFailureLines }, { redactUrl }] = await Promise.all([import('../verbose.js'), import('../../catalog/connection.js')]);
          const inputs = { ...options, ...(databaseUrl ? { databaseUrl: redactUrl(databaseUrl) } : {}) };
          for (const line of verboseFailureLines(inputs, config, progress.timings.describe())) progress.note(line);
        }
        throw error;
      }
      progress.finish();
      if (argv.verbose) {
        const { verboseLines } = await import('../verbose.js');
        for (const line of verboseLines(result, config, progress.timings.describe())) progress.note(line);
      }
      printReport(result);
      return result.ok ? ExitCode.Safe : ExitCode.Findings;
    }),
};
