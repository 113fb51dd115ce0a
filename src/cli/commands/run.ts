import type { Argv, CommandModule } from 'yargs';
import type { describeHolders } from '../../deploy/lock.js';
import type { RunEvent, RunOutcome, shellExitStatus, SignalSource } from '../../deploy/run.js';
import type { CheckResult } from '../../check.js';
import { ExitCode, InputError } from '../../errors.js';
import { checkOptions, reportPrinter, resolveFormat, withCheckOptions } from '../check-options.js';
import { formatResolvedConfig, resolvedConfig, withConfigOptions, type ResolvedConfig } from '../config-options.js';
import { databaseOptions, resolveDatabaseUrl, withDatabaseOptions } from '../connection-options.js';
import { withMigrationsOptions } from '../migrations-options.js';
import { printError, runCommand } from '../run-command.js';
import { shellCommand } from '../../shell-words.js';
import { sqlalchemyUrl } from '../../catalog/urls.js';

/** Exit code when another deploy held the lock for the whole --lock-timeout. */
export const LOCK_TIMEOUT_EXIT_CODE = 4;
/** A shell's codes for a command that could not be started: not found, and found but not runnable. */
const COMMAND_NOT_FOUND_EXIT_CODE = 127;
const COMMAND_NOT_RUNNABLE_EXIT_CODE = 126;

/** The signals a deploy platform or a terminal sends to stop the gate; each is passed on to the command. */
const FORWARDED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const satisfies readonly NodeJS.Signals[];

function builder(yargs: Argv) {
  return (
    withConfigOptions(withCheckOptions(withDatabaseOptions(withMigrationsOptions(yargs.group([], 'Check:')))), { runsRules: true })
      // The command's arguments are taken verbatim: without this, `upgrade 0x1f` would reach it as `upgrade 31`.
      .parserConfiguration({ 'populate--': true, 'parse-positional-numbers': false })
      .usage('$0 run --manifest FILE [check options] -- <command ...>\n\nUnder a PostgreSQL advisory lock: check, and only if it is safe run the command (e.g. alembic upgrade head).')
      // A deploy waits for a database that restarts with it, so it gives the connection longer than check does.
      .option('connect-timeout', { type: 'number', default: 30, describe: 'Give up connecting after this many seconds (refused connections and a starting server are retried meanwhile)', group: 'Database:' })
      .option('lock-name', {
        type: 'string',
        describe: 'Name of the deploy lock (its key is the first 8 bytes of its SHA-256); default schema-gate:<database>:<schema>.<version table>',
        group: 'Deploy lock:',
      })
      .option('lock-timeout', { type: 'number', default: 600, describe: 'Seconds to wait while another deploy holds the lock; 0 tries once', group: 'Deploy lock:' })
      .example('$0 run --manifest schema-manifest.json --migrations alembic/versions -- alembic upgrade head', 'The pre-deploy command: one deploy at a time, each checked first')
      .example('$0 run --manifest m.json --alembic-ini alembic.ini --lock-timeout 60 -- python -m alembic upgrade head', 'Give up after a minute if another deploy is still migrating')
      .epilogue(
        'Exit codes: the command\'s own exit code when it ran (128 + the signal\'s number if a signal ended it); otherwise 1 the check found an error (the command was not run), 2 bad usage or invalid input, 3 the database could not be reached or queried, 4 another deploy held the lock for all of --lock-timeout, 126/127 the command could not be started.',
      )
  );
}

type RunArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** The words after `--`, as given. */
function commandAfterDashes(argv: object): string[] {
  const words = (argv as { '--'?: unknown })['--'];
  return Array.isArray(words) ? words.map(String) : [];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Passes the process's stop signals to the library while a run is under way. */
const processSignals: SignalSource = {
  subscribe(listener) {
    const handlers = FORWARDED_SIGNALS.map((signal) => {
      const handler = (): void => listener(signal);
      process.on(signal, handler);
      return { signal, handler };
    });
    return () => {
      for (const { signal, handler } of handlers) process.off(signal, handler);
    };
  },
};

/** One line on stderr for each step, so that a deploy log shows who waited for whom and why. */
function note(line: string): void {
  process.stderr.write(`schema-gate: ${line}\n`);
}

/** How a run prints: its report, and its lines on stderr (through the progress line while one may show). */
interface RunPrinter {
  readonly report: (result: CheckResult) => void;
  readonly describeHolders: typeof describeHolders;
  /** A line that always shows: waiting, retries, signals, warnings. */
  readonly note: (line: string) => void;
  /** A line that --quiet leaves out: the lock taken and released, the command started and ended. */
  readonly info: (line: string) => void;
  /** Called when the check has returned, before its report is printed. */
  readonly checked: (result: CheckResult) => void;
}

/** Prints a run's progress; the check's report goes to stdout, as `check` prints it. */
function printEvent(event: RunEvent, print: RunPrinter): void {
  const note = print.note;
  const info = print.info;
  switch (event.kind) {
    case 'lock-waiting':
      note(`waiting for the deploy lock "${event.lock.name}" (key ${event.lock.key}): ${print.describeHolders(event.holders)}; waiting up to ${seconds(event.remainingMs)} more`);
      break;
    case 'lock-acquired':
      info(`took the deploy lock "${event.lock.name}" (key ${event.lock.key})${event.waitedMs >= 1000 ? ` after ${seconds(event.waitedMs)}` : ''}`);
      break;
    case 'checked':
      print.checked(event.result);
      print.report(event.result);
      break;
    case 'command-started':
      info(`check passed; running ${shellCommand(event.command)} (pid ${event.pid ?? '?'})`);
      break;
    case 'signal-forwarded':
      note(`received ${event.signal}; passed it on to the command (pid ${event.pid ?? '?'}) and waiting for it to end`);
      break;
    case 'lock-lost':
      note(`warning: the deploy lock "${event.lock.name}" is no longer held (${event.reason}); another deploy may start now`);
      break;
    case 'lock-released':
      info(`released the deploy lock "${event.lock.name}"`);
      break;
  }
}

/** The exit code of a run: the command's own, or the gate's when the command did not run. */
function exitCodeOf(outcome: RunOutcome, exitStatus: typeof shellExitStatus): number {
  switch (outcome.kind) {
    case 'lock-timeout':
      return LOCK_TIMEOUT_EXIT_CODE;
    case 'check-failed':
      return ExitCode.Findings;
    case 'interrupted':
      return exitStatus(null, outcome.signal);
    case 'command-not-started':
      return outcome.errorCode === 'ENOENT' ? COMMAND_NOT_FOUND_EXIT_CODE : COMMAND_NOT_RUNNABLE_EXIT_CODE;
    case 'command-exited':
      return exitStatus(outcome.exitCode, outcome.signal);
  }
}

/** `schema-gate run`: the deploy path — lock, check, then the migration command. */
export const runCommandModule: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Under a PostgreSQL advisory lock, check and, only if it is safe, run a command (alembic upgrade head): one deploy at a time',
  builder,
  handler: async (argv) => {
    // runCommand maps thrown failures (exit 2, 3, 70); the codes a run ends with otherwise are not
    // verdicts of the check, so they are set here once it returns.
    let outcome: RunOutcome | undefined;
    let exitCode = 0;
    await runCommand(Boolean(argv['debug']), async () => {
      const config: ResolvedConfig = resolvedConfig(argv);
      const format = resolveFormat(argv.format);
      if (argv['print-config']) {
        const formatSource = process.env['GITHUB_ACTIONS'] === 'true' ? 'GITHUB_ACTIONS=true' : 'default';
        process.stdout.write(formatResolvedConfig(argv, config, { format: { value: format, source: formatSource } }));
        return ExitCode.Safe;
      }
      const quiet = argv.quiet ?? false;
      const command = commandAfterDashes(argv);
      const databaseUrl = resolveDatabaseUrl(argv['database-url']);
      const problems: string[] = [];
      if (command.length === 0 || command[0] === '') problems.push('run needs the command to run after --, e.g. schema-gate run --manifest m.json -- alembic upgrade head');
      if (!databaseUrl) problems.push('run needs a database: pass --database-url or set DATABASE_URL');
      if (!Number.isFinite(argv['lock-timeout']) || argv['lock-timeout'] < 0) problems.push(`--lock-timeout must be zero or a positive number of seconds, got ${String(argv['lock-timeout'])}`);
      if (argv['lock-name'] === '') problems.push('--lock-name must not be empty');
      let database: ReturnType<typeof databaseOptions> | undefined;
      let options: ReturnType<typeof checkOptions> | undefined;
      for (const read of [() => (options = checkOptions(argv, config.severities)), () => (database = databaseOptions(argv))]) {
        try {
          read();
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          problems.push(...error.lines);
        }
      }
      if (problems.length > 0 || !database || !options || !databaseUrl) throw new InputError(problems);
      const given = options;

      const deploy = await import('../../deploy/run.js');
      const { checkProgress } = await import('../progress.js');
      const progress = checkProgress({ format, quiet });
      const verboseLines = argv.verbose ? (await import('../verbose.js')).verboseLines : undefined;
      const print: RunPrinter = {
        report: await reportPrinter(format, process.env, { quiet }),
        describeHolders: (await import('../../deploy/lock.js')).describeHolders,
        note: progress.note,
        info: (line) => {
          if (!quiet) progress.note(line);
        },
        checked: (result) => {
          progress.finish();
          for (const line of verboseLines?.(result, config, progress.timings.describe()) ?? []) note(line);
        },
      };
      const [file, ...args] = command as [string, ...string[]];
      outcome = await deploy.runUnderLock({
        check: {
          ...options,
          databaseUrl,
          versionTable: database.versionTable,
          onProgress: progress.onProgress,
          connection: {
            ...database.connection,
            onRetry: (retry) => progress.note(`${retry.reason}; retrying in ${seconds(retry.delayMs)} (giving up in ${seconds(retry.remainingMs + retry.delayMs)})`),
          },
        },
        command: [file, ...args],
        // The command migrates the database that was checked: with --database-url, it is its DATABASE_URL too.
        ...(argv['database-url'] !== undefined ? commandEnvironment(databaseUrl, process.env) : {}),
        ...(argv['lock-name'] !== undefined ? { lockName: argv['lock-name'] } : {}),
        lockTimeoutMs: argv['lock-timeout'] * 1000,
        signals: processSignals,
        onEvent: (event) => printEvent(event, print),
      })
        .catch(async (error: unknown) => {
          progress.finish();
          if (argv.verbose) {
            // The error line follows; these say what the check was given and how far it got.
            const [{ verboseFailureLines }, { redactUrl }] = await Promise.all([import('../verbose.js'), import('../../catalog/connection.js')]);
            for (const line of verboseFailureLines({ ...given, databaseUrl: redactUrl(databaseUrl) }, config, progress.timings.describe())) note(line);
          }
          throw error;
        })
        .finally(() => progress.finish());
      exitCode = exitCodeOf(outcome, deploy.shellExitStatus);
      switch (outcome.kind) {
        case 'lock-timeout':
          printError([`gave up waiting for the deploy lock "${outcome.lock.name}" (key ${outcome.lock.key}) after ${seconds(outcome.waitedMs)}: ${print.describeHolders(outcome.holders)}; nothing was run`]);
          break;
        case 'check-failed':
          printError([`not safe to migrate: ${shellCommand(command)} was not run`]);
          break;
        case 'interrupted':
          printError([`received ${outcome.signal} before the command started: nothing was run`]);
          break;
        case 'command-not-started':
          printError([`cannot run ${outcome.command}: ${outcome.errorCode === 'ENOENT' ? 'command not found' : outcome.message}`]);
          break;
        case 'command-exited':
          print.info(outcome.signal ? `the command was ended by ${outcome.signal} (exit ${exitCode})` : `the command exited with ${exitCode}`);
          break;
      }
      return ExitCode.Safe;
    });
    if (outcome) process.exitCode = exitCode;
  },
};

/**
 * The command's environment when --database-url names the database: DATABASE_URL set to it, in the
 * `postgresql://` spelling SQLAlchemy 1.4 and later accept (they refuse `postgres://`); left as it
 * is when it already names that database, in either spelling.
 */
export function commandEnvironment(databaseUrl: string, env: NodeJS.ProcessEnv): { env?: NodeJS.ProcessEnv } {
  const withoutScheme = (url: string): string => url.replace(/^postgres(ql)?:\/\//i, '');
  const current = env['DATABASE_URL'];
  if (current !== undefined && withoutScheme(current) === withoutScheme(databaseUrl)) return {};
  return { env: { ...env, DATABASE_URL: sqlalchemyUrl(databaseUrl) } };
}

