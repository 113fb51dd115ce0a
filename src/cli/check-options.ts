import { appendFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { CheckOptions, CheckResult } from '../check.js';
import { FORMATS, type Format, type SourceRoot } from '../report/formats.js';
import { InputError } from '../errors.js';
import type { RuleSeverities } from '../rules/severities.js';
import { migrationsLocation } from './migrations-options.js';
import { shouldColor } from './output.js';

/**
 * The flags of the check itself — what `check` and `run` share besides the database and migrations
 * flags — so that a deploy checks exactly as a pull request does.
 */
export function withCheckOptions<T>(yargs: Argv<T>) {
  return yargs
    // Required, but it may come from the configuration file, so the handler checks it (checkOptions).
    .option('manifest', { type: 'string', describe: 'JSON manifest of the expected enums and tables (required: here or in the configuration file)', group: 'Check:' })
    // No static default: inside GitHub Actions the default is github, decided by resolveFormat.
    .option('format', { choices: FORMATS, describe: 'Output format: text (default), json, github (default when GITHUB_ACTIONS=true), markdown or sarif', group: 'Output:' })
    .option('strict', { type: 'boolean', default: false, describe: 'Warnings fail the check too', group: 'Check:' })
    .option('sqlalchemy-version', { type: 'string', describe: "The project's SQLAlchemy version (default: its pin in requirements*.txt, pyproject.toml or a lock file near the migrations; else 2.0)", group: 'Migrations:' })
    .option('verify-applied', { type: 'boolean', default: false, describe: 'Also compare the live schema with what the applied revisions create (reads every applied upgrade(); finds hand-made changes)', group: 'Migrations:' })
    .option('transaction-per-migration', { type: 'boolean', default: false, describe: "env.py sets transaction_per_migration=True (default: one transaction for the whole run)", group: 'Migrations:' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Text report: only what fails the check and the verdict line; no progress line, no notes', group: 'Output:' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Also say on stderr what was read (configuration, manifest, migrations, database, SQLAlchemy) and how long each phase took', group: 'Output:' })
    .conflicts('quiet', 'verbose');
}

/** Without --manifest or a manifest in the configuration, a check has nothing to hold the schema against. */
export const NO_MANIFEST_MESSAGE = 'no manifest: pass --manifest FILE, or set "manifest" in the configuration file (schema-gate.config.json, "schemaGate" in package.json or [tool.schema-gate] in pyproject.toml)';

/**
 * The flags of `check` alone: a pull request's view of the history. `run` does not take them — a
 * deploy must fail on every error, whoever wrote the file.
 */
export function withPullRequestOptions<T>(yargs: Argv<T>) {
  return yargs.option('changed-since', {
    type: 'string',
    describe: 'A git ref (e.g. origin/main): findings in files unchanged since its merge base with HEAD are reported as info and never fail',
    group: 'Migrations:',
  });
}

/** The library's check options from those flags (the database and its connection are added by the caller). */
export function checkOptions(
  argv: {
    manifest?: string | undefined;
    migrations?: string | undefined;
    'alembic-ini'?: string | undefined;
    recursive: boolean;
    to: string;
    strict: boolean;
    'sqlalchemy-version'?: string | undefined;
    'verify-applied': boolean;
    'transaction-per-migration': boolean;
  },
  severities: RuleSeverities = {},
): CheckOptions {
  if (argv.manifest === undefined || argv.manifest === '') throw new InputError(NO_MANIFEST_MESSAGE);
  return {
    manifestFile: argv.manifest,
    ...migrationsLocation(argv),
    target: argv.to,
    ...(argv['sqlalchemy-version'] ? { sqlalchemyVersion: argv['sqlalchemy-version'] } : {}),
    transactionPerMigration: argv['transaction-per-migration'],
    verifyApplied: argv['verify-applied'],
    strict: argv.strict,
    ...(Object.keys(severities).length > 0 ? { severities } : {}),
  };
}

/** The format asked for; without --format, github inside GitHub Actions and text elsewhere. */
export function resolveFormat(given: Format | undefined, env: NodeJS.ProcessEnv = process.env): Format {
  if (given !== undefined) return given;
  return env['GITHUB_ACTIONS'] === 'true' ? 'github' : 'text';
}

/** The repository root that reports name files from: the nearest directory above cwd holding `.git`, else cwd. */
export function findSourceRoot(cwd: string = process.cwd()): SourceRoot {
  const start = resolve(cwd);
  for (let directory = start; ; directory = dirname(directory)) {
    // A work tree's .git is a directory; a linked worktree's or a submodule's is a file: both mark the top level.
    if (existsSync(resolve(directory, '.git'))) return { root: directory, cwd: start };
    if (dirname(directory) === directory) return { root: start, cwd: start };
  }
}

/**
 * Prepares what prints a check's report in a format: loads the reporters (and, for SARIF, the
 * rules' pages) once, then prints each result on stdout and appends its job summary to
 * $GITHUB_STEP_SUMMARY when that is set.
 */
export async function reportPrinter(format: Format, env: NodeJS.ProcessEnv = process.env, options: { quiet?: boolean } = {}): Promise<(result: CheckResult) => void> {
  const { renderResult } = await import('../report/index.js');
  const ruleDocs = format === 'sarif' ? (await import('../rules/docs.js')).readRuleDocs() : undefined;
  const sourceRoot = format === 'text' || format === 'json' ? undefined : findSourceRoot();
  const summaryFile = env['GITHUB_STEP_SUMMARY'];
  return (result) => {
    const report = renderResult(result, format, { color: shouldColor(process.stdout), quiet: options.quiet ?? false, ...(sourceRoot ? { sourceRoot } : {}), ...(ruleDocs ? { ruleDocs } : {}) });
    process.stdout.write(report.stdout);
    if (report.summary !== undefined && summaryFile) {
      try {
        appendFileSync(summaryFile, report.summary);
      } catch (error) {
        throw new InputError(`cannot append the job summary to $GITHUB_STEP_SUMMARY (${summaryFile}): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
}
