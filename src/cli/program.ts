import yargs from 'yargs';
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
import { printError } from './run-command.js';

/** The yargs program; exported so tests can parse without spawning. */
export function createProgram(argv: readonly string[]) {
  return yargs(argv)
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
    .demandCommand(1, 'Name a command: check, plan, graph, run, rehearse, snapshot, init, rules or explain')
    .strict()
    .recommendCommands()
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // Usage errors (unknown flag, missing value, bad choice) are exit 2, not yargs's 1.
      printError([message || (error ? error.message : 'invalid usage')]);
      process.stderr.write('Run schema-gate --help for usage.\n');
      process.exit(ExitCode.InvalidInput);
    });
}

