/**
 * Intended failures carry their exit code; anything else that escapes is a bug. The CLI maps both
 * to exit codes in one place (`cli/run-command.ts`); the library never exits.
 */

/** The documented exit codes of every command. */
export const ExitCode = {
  /** Safe to migrate: no error finding (warnings allowed unless --strict). */
  Safe: 0,
  /** At least one error finding (or a warning under --strict). */
  Findings: 1,
  /** Bad usage or invalid input: flags, manifest, migrations. */
  InvalidInput: 2,
  /** The database could not be reached or queried. */
  Database: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the user can act on: printed as its lines, without a stack trace. */
export class GateError extends Error {
  constructor(
    /** Each line is one complete problem statement (file, pointer or host, and what is wrong). */
    readonly lines: readonly string[],
    readonly exitCode: ExitCode,
  ) {
    super(lines.join('\n'));
    this.name = new.target.name;
  }
}

/** Invalid flags or input files (exit 2). Collects every problem found, not only the first. */
export class InputError extends GateError {
  constructor(lines: string | readonly string[]) {
    super(typeof lines === 'string' ? [lines] : lines, ExitCode.InvalidInput);
  }
}

/** The database could not be reached or queried (exit 3). The message never holds a password. */
export class DatabaseError extends GateError {
  constructor(line: string) {
    super([line], ExitCode.Database);
  }
}

/** Readable reasons for the errno codes a read commonly fails with. */
const READ_ERROR_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent of it is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * Why a file could not be read, in words (`no such file`, `permission denied`), on one line.
 * Other errno codes give the description Node attaches (`EMFILE: too many open files, open 'x'`
 * gives `too many open files`).
 */
export function readErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && READ_ERROR_REASONS[code] !== undefined) return READ_ERROR_REASONS[code]!;
  const message = (error instanceof Error ? error.message : String(error)).split(/\r?\n/)[0]!;
  if (code !== undefined && message.startsWith(`${code}: `)) {
    const description = message.slice(code.length + 2).replace(/, [a-z]+(?: '.*)?$/, '');
    return description !== '' ? description : code;
  }
  return message !== '' ? message : (code ?? 'unknown error');
}
