import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The interpreter that has Debian's python3-alembic (Alembic 1.8, SQLAlchemy 1.4). */
export const ALEMBIC_PYTHON = '/usr/bin/python3';

/** Where the fixture histories live: `<name>/versions/*.py`. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/alembic/', import.meta.url));

/** The versions directory of a fixture history. */
export function fixtureVersions(name: string): string {
  return join(FIXTURES, name, 'versions');
}

/** Every fixture history, by name. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * A directory and its subdirectories, top-down: the locations to list explicitly for an Alembic
 * that predates `recursive_version_locations` (1.10).
 */
export function directoryTree(directory: string): string[] {
  const subdirectories = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.endsWith('__pycache__'))
    .map((entry) => entry.name)
    .sort();
  return [directory, ...subdirectories.flatMap((name) => directoryTree(join(directory, name)))];
}

/**
 * env.py for the tests: offline (`--sql`) it only needs a URL for the dialect; online it connects
 * to SCHEMA_GATE_ALEMBIC_URL and logs each step ("Running upgrade X -> Y") to stderr.
 */
const ENV_PY = `import logging
import os

from alembic import context

url = os.environ.get("SCHEMA_GATE_ALEMBIC_URL") or context.config.get_main_option("sqlalchemy.url")

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    from sqlalchemy import create_engine, pool

    logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
`;

/** A throwaway Alembic project whose scripts live elsewhere (a fixture's versions directories). */
export interface AlembicProject {
  readonly directory: string;
  readonly ini: string;
  remove(): void;
}

/** Writes alembic.ini and env.py into a temporary directory; `version_locations` lists the given directories. */
export function createAlembicProject(versionLocations: readonly string[]): AlembicProject {
  const directory = mkdtempSync(join(tmpdir(), 'schema-gate-alembic-'));
  writeFileSync(join(directory, 'env.py'), ENV_PY);
  writeFileSync(join(directory, 'script.py.mako'), '');
  const ini = join(directory, 'alembic.ini');
  writeFileSync(
    ini,
    [
      '[alembic]',
      'script_location = %(here)s',
      `version_locations = ${versionLocations.join(':')}`,
      'version_path_separator = :',
      'sqlalchemy.url = postgresql://localhost/offline',
      '',
    ].join('\n'),
  );
  return { directory, ini, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/** What one Alembic command did. */
export interface AlembicRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `python3 -m alembic -c <ini> ...args` with a clean environment. */
export function runAlembic(project: AlembicProject, args: readonly string[], env: Record<string, string> = {}): Promise<AlembicRun> {
  return new Promise((resolve, reject) => {
    execFile(
      ALEMBIC_PYTHON,
      ['-m', 'alembic', '-c', project.ini, ...args],
      {
        cwd: project.directory,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', PYTHONDONTWRITEBYTECODE: '1', LANG: 'C.UTF-8', ...env },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** The revision ids `alembic heads` printed, in order. */
export function parseHeads(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.split(' ')[0]!);
}

/** One line of `alembic history`: `down[, down] [(deps)] -> rev [(labels)] [(head)]..., message`. */
export interface HistoryLine {
  readonly revision: string;
  readonly downRevisions: readonly string[];
  readonly dependsOn: readonly string[];
  readonly message: string;
}

/** The lines of `alembic history`, newest first. */
export function parseHistory(stdout: string): HistoryLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.includes(' -> '))
    .map((line) => {
      const arrow = line.indexOf(' -> ');
      let parents = line.slice(0, arrow);
      let dependsOn: string[] = [];
      const dependencies = /^(.*) \(([^)]*)\)$/.exec(parents);
      if (dependencies) {
        parents = dependencies[1]!;
        dependsOn = dependencies[2]!.split(', ');
      }
      // After the id come optional groups — ` (labels)`, ` (head)`, ` (branchpoint)` ... — then `, message`.
      let rest = line.slice(arrow + 4);
      const revision = rest.split(/[ ,]/)[0]!;
      rest = rest.slice(revision.length);
      while (rest.startsWith(' (')) rest = rest.slice(rest.indexOf(')') + 1);
      return {
        revision,
        downRevisions: parents === '<base>' ? [] : parents.split(', '),
        dependsOn,
        message: rest.startsWith(', ') ? rest.slice(2) : '',
      };
    });
}

/** The revisions applied, in order, from `-- Running upgrade A -> B` (offline) or `Running upgrade A -> B, msg` (online) lines. */
export function parseRunningUpgrades(output: string): string[] {
  const applied: string[] = [];
  for (const line of output.split('\n')) {
    const match = /Running upgrade (.*?) -> ([^\s,]+)/.exec(line);
    if (match) applied.push(match[2]!);
  }
  return applied;
}

/** Why Alembic stopped: its `FAILED:` line (printed on stdout), or the last line of a traceback. */
export function alembicFailure(run: AlembicRun): string | undefined {
  if (run.code === 0) return undefined;
  const failed = `${run.stdout}\n${run.stderr}`.split('\n').find((line) => line.startsWith('FAILED:'));
  const traceback = run.stderr.split('\n').filter((line) => line.trim() !== '');
  return failed ?? traceback[traceback.length - 1] ?? `exit ${run.code}`;
}

/** SQLAlchemy 1.4 knows only the `postgresql://` spelling of the scheme. */
export function sqlalchemyUrl(url: string): string {
  return url.replace(/^postgres(ql)?:\/\//, 'postgresql://');
}

/**
 * env.py as `alembic init` writes it and our users keep it: the URL from DATABASE_URL, no target
 * metadata, and every pending revision in ONE transaction (`transaction_per_migration` off), so a
 * failing run rolls back every revision in it.
 */
const STANDARD_ENV_PY = `import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = None


def run_migrations_online():
    connectable = create_engine(os.environ["DATABASE_URL"], poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
`;

/** alembic.ini's logging as `alembic init` writes it: Alembic's INFO lines ("Running upgrade A -> B") go to stderr. */
const STANDARD_LOGGING_INI = `[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
`;

/**
 * A throwaway Alembic project shaped like a user's: alembic.ini and the standard env.py (online
 * only; it reads DATABASE_URL, which must be in SQLAlchemy's spelling, see `sqlalchemyUrl`), with
 * the revisions read from `versionsDirectory` in place.
 */
export function createStandardAlembicProject(versionsDirectory: string): AlembicProject {
  const directory = mkdtempSync(join(tmpdir(), 'schema-gate-alembic-'));
  writeFileSync(join(directory, 'env.py'), STANDARD_ENV_PY);
  writeFileSync(join(directory, 'script.py.mako'), '');
  const ini = join(directory, 'alembic.ini');
  writeFileSync(
    ini,
    ['[alembic]', 'script_location = %(here)s', `version_locations = ${versionsDirectory}`, 'version_path_separator = os', '', STANDARD_LOGGING_INI].join('\n'),
  );
  return { directory, ini, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
