import yargs from 'yargs';
import { closest } from '../edit-distance.js';
import { ExitCode } from '../errors.js';
import { VERSION } from '../version.js';
import { checkCommand } from './commands/check.js';
import { explainCommand } from './commands/explain.js';
import { graphCommand } from './commands/graph.js';
import { initCommand } from './commands/init.js';
import { planCommand } from './commands/plan.js';
import { rehearseCommand } from './commands/rehearse.js';
import { rulesCommand } from './commands/rules.js';
import { runCommandModule } from './commands/run.js';
import { snapshotCommand } from './commands/snapshot.js';
import { givenMoreThanOnce } from './repeated-flag.js';
import { printError } from './run-command.js';

/** The yargs program; exported so tests can parse without spawning. */
export function createProgram(argv: readonly string[]) {
  const program = yargs(argv);
  skipHelpPrerendering(program);
  return program
    .scriptName('schema-gate')
    .usage('$0 <command> [options]\n\nA gate to run before a PostgreSQL schema migration: its exit code says whether it is safe.')
    .command(checkCommand)
    .command(planCommand)
    .command(graphCommand)
    .command(runCommandModule)
    .command(rehearseCommand)
    .command(snapshotCommand)
    .command(initCommand)
    .command(rulesCommand)
    .command(explainCommand)
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces of failures' })
    .check((parsed) => {
      const repeated = repeatedFlag(parsed, arrayOptions(program));
      if (repeated) throw new Error(repeated);
      return true;
    }, true)
    .demandCommand(1, `Name a command: ${COMMANDS.slice(0, -1).join(', ')} or ${COMMANDS.at(-1)!}`)
    .strict()
    .recommendCommands()
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // Usage errors (unknown flag, missing value, bad choice) are exit 2, not yargs's 1.
      const line = message || (error ? error.message : 'invalid usage');
      const known = optionNames(program);
      printError([withFlagSuggestions(line, known)]);
      const command = COMMANDS.find((name) => name === argv[0]);
      process.stderr.write(`Run schema-gate ${command ? `${command} ` : ''}--help for usage.\n`);
      process.exit(ExitCode.InvalidInput);
    });
}

/** The flags yargs knows at the moment of a failure (the command's, once its builder ran); none if yargs hides them. */
function optionNames(program: ReturnType<typeof yargs>): string[] {
  const options = (program as unknown as { getOptions?: () => { key?: Record<string, unknown> } }).getOptions?.();
  return Object.keys(options?.key ?? {});
}

/** The flags of the current command that take several values (`init --schema a --schema b`). */
function arrayOptions(program: ReturnType<typeof yargs>): Set<string> {
  const options = (program as unknown as { getOptions?: () => { array?: string[] } }).getOptions?.();
  return new Set(options?.array ?? []);
}

/**
 * A flag that takes one value, given more than once (`--format json --format text`): yargs
 * collects the values in an array, which no command expects. One line that names it.
 */
export function repeatedFlag(parsed: Record<string, unknown>, arrays: ReadonlySet<string>): string | undefined {
  for (const [flag, value] of Object.entries(parsed)) {
    if (flag === '_' || flag === '--' || flag === '$0' || arrays.has(flag) || !Array.isArray(value)) continue;
    // Aliases and camel-case copies share the value: name the flag once, as written on the command line.
    if (flag.length === 1 || /[A-Z]/.test(flag)) continue;
    return givenMoreThanOnce(flag, value);
  }
  return undefined;
}

const COMMANDS = ['check', 'plan', 'graph', 'run', 'rehearse', 'snapshot', 'init', 'rules', 'explain'];

/**
 * yargs's "Unknown argument(s): a, b" with the nearest flag of the command for each, when one is
 * close (`--manifets` → `--manifest`); any other message as it is.
 */
export function withFlagSuggestions(message: string, knownFlags: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (!unknown) return message;
  const names = unknown[1]!.split(', ');
  const suggestions = names.flatMap((name) => {
    const nearest = closest(name.replace(/_/g, '-'), knownFlags);
    return nearest ? [`--${nearest} for ${name.length === 1 ? '-' : '--'}${name}`] : [];
  });
  return suggestions.length > 0 ? `${message} (did you mean ${suggestions.join(', ')}?)` : message;
}



/**
 * yargs renders the whole help text each time a command's handler starts, only to have it ready
 * should the program show help afterwards (`showHelp()` in a handler). schema-gate never does — its
 * failures are one line (see `fail` above) and `--help` renders afresh — so that rendering, ~25 ms
 * of string-width measurements on every run, is skipped. `--help` and usage errors are unaffected
 * (tested). If a yargs release moves the method, nothing breaks: the rendering simply happens again.
 */
function skipHelpPrerendering(program: ReturnType<typeof yargs>): void {
  const internals = (program as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}
