import { Chalk } from 'chalk';
import { ExitCode, GateError } from '../errors.js';
import { shouldColor } from './output.js';

/** Exit code for a bug in schema-gate itself (BSD's EX_SOFTWARE), distinct from every verdict. */
export const INTERNAL_ERROR_EXIT_CODE = 70;

/** Prints one line per problem on stderr, prefixed so that it stands out in a deploy log. */
export function printError(lines: readonly string[]): void {
  const chalk = new Chalk({ level: shouldColor(process.stderr) ? 1 : 0 });
  for (const line of lines) process.stderr.write(`${chalk.red('schema-gate: error:')} ${line}\n`);
}

/**
 * Runs a command's body and turns its outcome into the process exit code: the one place where
 * exit codes are decided. Intended failures print their lines; bugs print one line, and their stack
 * only under --debug.
 */
export async function runCommand(debug: boolean, body: () => Promise<ExitCode>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (error) {
    if (error instanceof GateError) {
      printError(error.lines);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    printError([`internal error: ${message} (this is a bug in schema-gate; --debug shows the stack trace)`]);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = INTERNAL_ERROR_EXIT_CODE;
  }
}

export { ExitCode };
