import { constants as osConstants } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import type { RehearseEvent } from '../../deploy/rehearse.js';
import { ExitCode } from '../../errors.js';
import { databaseOptions } from '../connection-options.js';
import { migrationsLocation, withMigrationsOptions } from '../migrations-options.js';
import { shouldColor } from '../output.js';
import { printError, runCommand } from '../run-command.js';

/** The output formats of rehearse. */
const FORMATS = ['text', 'json'] as const;

/** The signals that stop a rehearsal: each stops the running command and drops the scratch databases first. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const satisfies readonly NodeJS.Signals[];

function builder(yargs: Argv) {
  return withMigrationsOptions(yargs)
    .usage(
      '$0 rehearse --manifest FILE --upgrade "<command>" [options]\n\nRuns the real upgrade command with DATABASE_URL pointed at scratch databases — fresh, a second time, several at once, downgraded and upgraded again, a schema-only copy of the live database — and holds each result against the manifest.',
    )
    .option('manifest', { type: 'string', demandOption: true, describe: 'JSON manifest of the expected enums and tables' })
    .option('upgrade', { type: 'string', demandOption: true, describe: 'The upgrade command, run with sh -c and DATABASE_URL set (env.py must read it), e.g. "alembic upgrade head"' })
    .option('downgrade', { type: 'string', describe: 'A command that undoes the upgrade, e.g. "alembic downgrade base": adds the round-trip situation' })
    .option('from', { type: 'string', describe: 'URL of the live database: adds the live-copy situation, the upgrade on a schema-only copy of it (read in a READ ONLY transaction)' })
    .option('scratch-url', { type: 'string', describe: 'A server where rehearse may CREATE and DROP DATABASE; default an embedded PostgreSQL started for the rehearsal' })
    .option('concurrency', { type: 'number', default: 4, describe: 'Upgrades started at once through schema-gate run in the concurrent situation; 0 skips it' })
    .option('cwd', { type: 'string', describe: 'Directory the commands run in; default the current one' })
    .option('timeout', { type: 'number', default: 600, describe: 'Seconds one command may run before it is stopped' })
    .option('format', { choices: FORMATS, default: 'text' as (typeof FORMATS)[number], describe: 'Output format' })
    .option('strict', { type: 'boolean', default: false, describe: 'Warnings of the manifest comparison fail a situation too' })
    .option('sqlalchemy-version', { type: 'string', describe: "The project's SQLAlchemy version, for schema-gate run's check", group: 'Migrations:' })
    .option('transaction-per-migration', { type: 'boolean', default: false, describe: "env.py sets transaction_per_migration=True (for schema-gate run's check)", group: 'Migrations:' })
    .option('connect-timeout', { type: 'string', default: '10', describe: 'Seconds to wait for a connection', group: 'Database:' })
    .option('statement-timeout', { type: 'string', default: '30', describe: 'Seconds each catalog query may take', group: 'Database:' })
    .option('version-table', { type: 'string', default: 'alembic_version', describe: "Alembic's version table (env.py's version_table)", group: 'Database:' })
    .option('version-table-schema', { type: 'string', describe: "Schema of the version table (env.py's version_table_schema); default: the search_path", group: 'Database:' })
    .example('$0 rehearse --manifest schema-manifest.json --upgrade "alembic upgrade head"', 'A dry run on a laptop: nothing to set up')
    .example('$0 rehearse --manifest m.json --upgrade "alembic upgrade head" --downgrade "alembic downgrade base" --from "$PRODUCTION_DATABASE_URL"', 'Every situation, with a copy of production')
    .epilogue(
      'Situations: empty, again, concurrent (with --migrations, --alembic-ini or an alembic.ini in --cwd, for schema-gate run), round-trip (with --downgrade), live-copy (with --from). Exit codes: 0 every situation that ran passed, 1 one failed, 2 bad usage or invalid input, 3 the scratch server or the live database could not be reached, 130/143 stopped by SIGINT/SIGTERM (after cleaning up).',
    );
}

type RehearseArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

function note(line: string): void {
  process.stderr.write(`schema-gate: ${line}\n`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Whether some scratch database or the embedded server could not be removed (said once more at a stop). */
let cleanupIncomplete = false;

/** One line on stderr per step, so that a long rehearsal shows where it is. */
function printEvent(event: RehearseEvent): void {
  switch (event.kind) {
    case 'live-read':
      note(`read the live schema of ${event.live.url} (PostgreSQL ${event.live.serverVersion}), read only`);
      break;
    case 'scratch-ready':
      note(event.scratch.kind === 'embedded' ? `started an embedded PostgreSQL ${event.scratch.serverVersion} for the scratch databases` : `scratch server ${event.scratch.url} (PostgreSQL ${event.scratch.serverVersion})`);
      break;
    case 'situation-started':
      note(`${event.situation}: ${event.description} (${event.database})`);
      break;
    case 'command-started':
      note(`${event.situation}: running the ${event.step}: ${event.command}`);
      break;
    case 'command-finished': {
      const { run } = event;
      const how = run.startError !== null ? `could not start (${run.startError})` : run.timedOut ? 'was stopped at the timeout' : `exited with ${run.exitCode ?? '?'}${run.signal ? ` (${run.signal})` : ''}`;
      note(`${event.situation}: the ${run.step} ${how} after ${seconds(run.durationMs)}`);
      break;
    }
    case 'situation-finished':
      note(`${event.result.name}: ${event.result.status}${event.result.status === 'skipped' ? ` (${event.result.notes.join('; ')})` : ''}`);
      break;
    case 'database-dropped':
      note(`dropped ${event.database}`);
      break;
    case 'cleanup-failed':
      cleanupIncomplete = true;
      note(`warning: ${event.reason}`);
      break;
  }
}

/** `schema-gate rehearse`: the real upgrade, tried on scratch databases. */
export const rehearseCommand: CommandModule<object, RehearseArgs> = {
  command: 'rehearse',
  describe: 'Run the real upgrade command on scratch databases (fresh, twice, concurrently, round trip, a copy of the live schema) and hold each result against the manifest',
  builder,
  handler: async (argv) => {
    const stop = new AbortController();
    let received: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) {
        note(`received ${signal} again; still cleaning up`);
        return;
      }
      received = signal;
      note(`received ${signal}: stopping the command and dropping the scratch databases`);
      stop.abort();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    try {
      await runCommand(Boolean(argv['debug']), async () => {
        const { connection, versionTable } = databaseOptions(argv);
        const { rehearse } = await import('../../deploy/rehearse.js');
        const { formatRehearseJson, formatRehearseText } = await import('../../report/rehearse.js');
        const { isExecutable } = await import('../../runtime/assets.js');
        // `run` is started the way this process was, so that it is this very schema-gate: the
        // single executable alone, or Node with the script it was given.
        const script = process.argv[1];
        const gateCommand: [string, ...string[]] | undefined = isExecutable() ? [process.execPath] : script ? [process.execPath, script] : undefined;
        const result = await rehearse({
          manifestFile: argv.manifest,
          upgradeCommand: argv.upgrade,
          ...(argv.downgrade !== undefined ? { downgradeCommand: argv.downgrade } : {}),
          ...(argv.from !== undefined ? { fromUrl: argv.from } : {}),
          ...(argv['scratch-url'] !== undefined ? { scratchUrl: argv['scratch-url'] } : {}),
          concurrency: argv.concurrency,
          ...(argv.cwd !== undefined ? { cwd: argv.cwd } : {}),
          commandTimeoutMs: argv.timeout * 1000,
          strict: argv.strict,
          connection,
          versionTable,
          migrations: {
            ...migrationsLocation(argv),
            target: argv.to,
            ...(argv['sqlalchemy-version'] ? { sqlalchemyVersion: argv['sqlalchemy-version'] } : {}),
            transactionPerMigration: argv['transaction-per-migration'],
          },
          ...(gateCommand ? { gateCommand } : {}),
          signal: stop.signal,
          onEvent: printEvent,
        });
        process.stdout.write(argv.format === 'json' ? formatRehearseJson(result) : formatRehearseText(result, { color: shouldColor(process.stdout) }));
        return result.ok ? ExitCode.Safe : ExitCode.Findings;
      });
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    }
    // A stop is not a verdict: exit as a shell reports a command ended by that signal.
    if (received) {
      const cleanup = cleanupIncomplete
        ? 'cleanup was incomplete (see the warnings above)'
        : `the scratch databases were dropped${argv['scratch-url'] === undefined ? ' and the embedded server removed' : ''}`;
      printError([`stopped by ${received}: ${cleanup}`]);
      process.exitCode = 128 + (osConstants.signals[received] ?? 0);
    }
  },
};
