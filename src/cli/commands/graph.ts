import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.js';
import { formatResolvedConfig, resolvedConfig, withConfigOptions } from '../config-options.js';
import { databaseOptions, resolveDatabaseUrl, withDatabaseOptions } from '../connection-options.js';
import { migrationsLocation, withMigrationsOptions } from '../migrations-options.js';
import { runCommand } from '../run-command.js';

function builder(yargs: Argv) {
  return withConfigOptions(withDatabaseOptions(withMigrationsOptions(yargs)), { runsRules: false })
    .option('offline', { type: 'boolean', default: false, describe: 'Ignore --database-url and $DATABASE_URL' })
    .option('format', { choices: ['mermaid', 'dot'] as const, default: 'mermaid' as 'mermaid' | 'dot', describe: 'Mermaid flowchart or Graphviz DOT' })
    .example('$0 graph --migrations alembic/versions > history.mmd', 'Mermaid, for a README or a pull request')
    .example('$0 graph --alembic-ini alembic.ini --format dot | dot -Tsvg > history.svg', 'Graphviz');
}

type GraphArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `schema-gate graph`: draw the revision graph, marking heads, merges, labels, current and pending. */
export const graphCommand: CommandModule<object, GraphArgs> = {
  command: 'graph',
  describe: 'Draw the revision graph (Mermaid or Graphviz DOT), marking heads, merges, the current and the pending revisions',
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
      const { openMigrations } = await import('../../migrations/open.js');
      const { analyzeMigrations, readCatalog } = await import('../../plan.js');
      const { formatDot, formatMermaid } = await import('../../report/graph.js');
      const source = openMigrations(migrationsLocation(argv));
      const current = databaseUrl ? ((await readCatalog({ databaseUrl, connection, versionTable })).versionTable?.revisions ?? []) : [];
      const analysis = analyzeMigrations(source, current, argv.to);
      const marks = { current, pending: analysis.pending.revisions };
      process.stdout.write(argv.format === 'dot' ? formatDot(source.graph, marks) : formatMermaid(source.graph, marks));
      return ExitCode.Safe;
    }),
};
