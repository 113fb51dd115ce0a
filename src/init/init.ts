import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ConnectionOptions } from '../catalog/connection.js';
import type { VersionTableOptions } from '../catalog/introspect.js';
import type { DatabaseReport } from '../check.js';
import { InputError } from '../errors.js';
import { loadManifest, type ManifestDocument } from '../manifest/load.js';
import { openMigrations, type MigrationsLocation } from '../migrations/open.js';
import { compareStates } from '../model/compare.js';
import { EMPTY_SCHEMA_STATE, type SchemaState } from '../model/schema-state.js';
import { analyzeMigrations, databaseReport, readCatalog, relativeFindings } from '../plan.js';
import { runRules, type Finding } from '../rules/index.js';
import { manifestOfState } from '../snapshot.js';
import { initSnippets, WORKFLOW_FILE, type HistoryFlag, type InitSnippet } from './snippets.js';

/** The manifest `init` writes when no other file is named. */
export const DEFAULT_MANIFEST_FILE = 'schema-manifest.json';

/** What `init` needs; everything is optional. */
export interface InitOptions extends MigrationsLocation {
  /** Read the live schema from this database; without it, the history is simulated from an empty schema. */
  readonly databaseUrl?: string;
  readonly connection?: ConnectionOptions;
  readonly versionTable?: VersionTableOptions;
  /**
   * Offline: a manifest of the schema the history starts from (tables `metadata.create_all()` made
   * before the first revision) instead of an empty database; the pull-request job gets it too.
   */
  readonly baselineFile?: string;
  /** Where to write the manifest; default `schema-manifest.json` in `cwd`. */
  readonly manifestFile?: string;
  /** Overwrite an existing manifest. */
  readonly force?: boolean;
  /** Compute the manifest and the snippets, but write nothing. */
  readonly dryRun?: boolean;
  /** Only these schemas; all user schemas when empty. */
  readonly schemas?: readonly string[];
  /** `alembic upgrade` target: `head` (default), `heads`, a revision, `label@head`. */
  readonly target?: string;
  readonly sqlalchemyVersion?: string;
  readonly transactionPerMigration?: boolean;
  /** Where relative paths start, and where `alembic.ini` is looked for; default the working directory. */
  readonly cwd?: string;
}

/** Where the manifest's contents came from. */
export type InitSource =
  | { readonly kind: 'database'; readonly database: DatabaseReport; readonly pendingRevisions: number }
  | { readonly kind: 'migrations'; readonly heads: readonly string[]; readonly revisions: number; readonly baseline?: string };

/** What `init` wrote and suggests. */
export interface InitResult {
  /** The manifest file, relative to `cwd`. */
  readonly file: string;
  readonly written: boolean;
  readonly manifest: ManifestDocument;
  /** The file's exact text: two-space indented JSON and a final newline. */
  readonly text: string;
  readonly source: InitSource;
  /** The history used, as the snippets name it (relative to `cwd`); null when none was found. */
  readonly history: HistoryFlag | null;
  /** Whether the history is the `alembic.ini` found in `cwd` rather than a flag. */
  readonly historyFound: boolean;
  /**
   * What `check` will report on this history besides drift: statements it cannot analyse, and
   * creates that would fail. Paths relative to `cwd`.
   */
  readonly findings: readonly Finding[];
  /** Sentences about what the manifest holds and what it could not. */
  readonly notes: readonly string[];
  readonly snippets: readonly InitSnippet[];
}

/** The manifest text as `init` writes it. */
export function manifestText(manifest: ManifestDocument): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * A path as the user would type it from `base`: relative, unless it was given absolute and lies
 * outside `base` (where `../../..` would read worse than what was typed).
 */
function displayPath(given: string, cwd: string, base: string = cwd): string {
  const relativePath = relative(base, resolve(cwd, given));
  if (relativePath === '') return '.';
  return isAbsolute(given) && (relativePath === '..' || relativePath.startsWith(`..${sep}`)) ? given : relativePath;
}

/** The repository root: the nearest directory at or above `cwd` that holds `.git`, else `cwd`. */
function repositoryRoot(cwd: string): string {
  for (let directory = cwd; ; directory = dirname(directory)) {
    if (existsSync(resolve(directory, '.git'))) return directory;
    if (dirname(directory) === directory) return cwd;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The history flag a snippet uses, with its path as typed from `base`. */
function historyFlag(location: MigrationsLocation, given: MigrationsLocation, cwd: string, base: string): HistoryFlag | undefined {
  if (location.alembicIni !== undefined) return { flag: '--alembic-ini', path: displayPath(given.alembicIni ?? location.alembicIni, cwd, base) };
  if (location.migrationsDir !== undefined) return { flag: '--migrations', path: displayPath(given.migrationsDir ?? location.migrationsDir, cwd, base), recursive: location.recursive ?? false };
  return undefined;
}

/** `deploy.preDeployCommand` of an existing railway.json, if it has one (a broken file has none). */
function railwayPreDeploy(file: string): string[] | undefined {
  try {
    const document = JSON.parse(readFileSync(file, 'utf8')) as { deploy?: { preDeployCommand?: unknown } };
    const command = document.deploy?.preDeployCommand;
    if (typeof command === 'string') return [command];
    if (Array.isArray(command)) return command.map(String);
  } catch {
    // No readable railway.json: the snippet says to merge, nothing more.
  }
  return undefined;
}

/**
 * The schema the history leaves, simulated on `start` (the live schema, or an empty one): the
 * state `check` holds the manifest against, so that the manifest round-trips. When Alembic would
 * refuse to run (several heads, an unknown stamped revision) there is no such state: the reasons
 * are returned instead.
 */
async function simulateHistory(
  location: MigrationsLocation,
  start: SchemaState,
  stamped: readonly string[],
  options: InitOptions,
  cwd: string,
  serverVersionNum: number | undefined,
): Promise<{ state: SchemaState; findings: Finding[]; notes: string[]; heads: readonly string[]; pending: number; revisions: number } | { refusals: string[] }> {
  const source = openMigrations(location);
  const analysis = analyzeMigrations(source, stamped, options.target ?? 'head');
  if (analysis.pending.problems.length > 0) {
    const refusals = runRules({ expected: start, actual: start, diff: compareStates(start, start), actualDescription: 'the database', migrations: analysis.context }).filter(
      (finding) => finding.severity === 'error',
    );
    return { refusals: relativeFindings(refusals, cwd).map((finding) => `${finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ''}: ` : ''}${finding.message} (${finding.rule})`) };
  }
  const { analyzePending } = await import('../simulate/pending.js');
  const pending = await analyzePending(analysis.source, analysis.pending.revisions, start, {
    cwd,
    ...(options.sqlalchemyVersion ? { sqlalchemyVersion: options.sqlalchemyVersion } : {}),
    ...(options.transactionPerMigration ? { transactionPerMigration: true } : {}),
    ...(serverVersionNum !== undefined ? { serverVersionNum } : {}),
  });
  const { simulation, sqlalchemy } = pending;
  // As check does: when the upgrade would fail, the manifest holds what the migrations intend.
  const state = simulation.fails ? simulation.intendedState : simulation.finalState;
  // The manifest equals that state, so the rules report only what is not drift.
  const findings = relativeFindings(
    runRules({ expected: state, actual: state, diff: compareStates(state, state), actualDescription: 'the schema after alembic upgrade', simulation, migrations: analysis.context }),
    cwd,
  );
  const notes = [
    sqlalchemy.assumed
      ? `SQLAlchemy version unknown (no pin found near the migrations): the simulation assumed ${sqlalchemy.version}; pass --sqlalchemy-version`
      : `the simulation assumed SQLAlchemy ${sqlalchemy.version} (${sqlalchemy.source})`,
  ];
  if (simulation.fails) notes.push('alembic upgrade would fail on this history: the manifest holds what the migrations intend; run schema-gate check to see why');
  return { state, findings, notes, heads: source.graph.heads, pending: analysis.pending.revisions.length, revisions: source.graph.revisions.size };
}

/**
 * Writes a starter manifest: from the live database when a URL is given (with the pending
 * revisions of the history, when one is known, simulated on it), else from the whole history
 * simulated from an empty schema. Returns it with the deploy and pull-request snippets that fit the
 * project. Never writes to the database. Throws InputError (exit 2): an existing manifest without
 * `force`, no database and no history, a history Alembic would refuse; DatabaseError (exit 3).
 */
export async function initManifest(options: InitOptions): Promise<InitResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const manifestGiven = options.manifestFile ?? DEFAULT_MANIFEST_FILE;
  const manifestPath = resolve(cwd, manifestGiven);
  const file = displayPath(manifestGiven, cwd);
  // Refuse before the slow part, and again atomically when writing.
  if (!options.force && !options.dryRun && existsSync(manifestPath)) throw new InputError(`${file} already exists; pass --force to overwrite it`);

  // The history: the flags, else the alembic.ini of the working directory.
  let location: MigrationsLocation | undefined;
  let historyFound = false;
  if (options.alembicIni !== undefined || options.migrationsDir !== undefined) {
    location = {
      ...(options.alembicIni !== undefined ? { alembicIni: resolve(cwd, options.alembicIni) } : {}),
      ...(options.migrationsDir !== undefined ? { migrationsDir: resolve(cwd, options.migrationsDir) } : {}),
      recursive: options.recursive ?? false,
    };
  } else if (isFile(resolve(cwd, 'alembic.ini'))) {
    location = { alembicIni: resolve(cwd, 'alembic.ini') };
    historyFound = true;
  }
  if (!options.databaseUrl && !location) {
    throw new InputError('init needs a database (--database-url or DATABASE_URL) or a migration history (--alembic-ini FILE or --migrations DIR); there is no alembic.ini in the current directory');
  }

  const notes: string[] = [];
  let state: SchemaState;
  let source: InitSource;
  let findings: Finding[] = [];
  if (options.databaseUrl) {
    const catalog = await readCatalog({ databaseUrl: options.databaseUrl, ...(options.connection ? { connection: options.connection } : {}), ...(options.versionTable ? { versionTable: options.versionTable } : {}) });
    state = catalog.state;
    let pendingRevisions = 0;
    if (location) {
      const history = await simulateHistory(location, catalog.state, catalog.versionTable?.revisions ?? [], options, cwd, catalog.serverVersionNum);
      if ('refusals' in history) {
        // The live schema is still a good start; check will report the refusals.
        notes.push(...history.refusals.map((refusal) => `alembic upgrade would refuse to run, so the manifest holds the live schema only: ${refusal}`));
      } else {
        state = history.state;
        findings = history.findings;
        pendingRevisions = history.pending;
        if (history.pending > 0) {
          notes.push(`${history.pending} revision${history.pending === 1 ? ' is' : 's are'} not applied yet: the manifest holds the schema after alembic upgrade ${options.target ?? 'head'}`, ...history.notes);
        }
      }
    }
    source = { kind: 'database', database: await databaseReport(options.databaseUrl, catalog), pendingRevisions };
  } else {
    const baseline = options.baselineFile !== undefined ? await loadManifest(resolve(cwd, options.baselineFile)) : undefined;
    const history = await simulateHistory(location!, baseline?.expected ?? EMPTY_SCHEMA_STATE, [], options, cwd, undefined);
    if ('refusals' in history) throw new InputError(history.refusals.map((refusal) => `cannot simulate the history: ${refusal}`));
    state = history.state;
    findings = history.findings;
    notes.push(...history.notes);
    source = { kind: 'migrations', heads: history.heads, revisions: history.revisions, ...(options.baselineFile !== undefined ? { baseline: displayPath(options.baselineFile, cwd) } : {}) };
  }

  const unanalysable = findings.filter((finding) => finding.rule === 'unanalyzable-statement').length;
  if (unanalysable > 0) {
    const [count, what] = unanalysable === 1 ? ['1 statement', 'what it does'] : [`${unanalysable} statements`, 'what they do'];
    notes.push(`${count} could not be analysed (listed below): ${what} to the schema is not in the manifest; add it by hand if it matters`);
  }
  const { manifest } = manifestOfState(state, options.schemas);
  const text = manifestText(manifest);

  if (!options.dryRun) {
    try {
      // 'wx' fails if the file appeared meanwhile: never overwrite without force.
      await writeFile(manifestPath, text, { flag: options.force ? 'w' : 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(code === 'EEXIST' ? `${file} already exists; pass --force to overwrite it` : `${file}: cannot write the manifest: ${code ?? (error as Error).message}`);
    }
  }

  const root = repositoryRoot(cwd);
  const historyFromCwd = location ? historyFlag(location, options, cwd, cwd) : undefined;
  const historyFromRoot = location ? historyFlag(location, options, cwd, root) : undefined;
  const workflowFile = relative(cwd, resolve(root, WORKFLOW_FILE));
  const candidates = ['railway.json', 'railway.toml', 'Procfile', 'render.yaml', 'fly.toml'];
  const existingFiles = new Set([...candidates.filter((name) => isFile(resolve(cwd, name))), ...(isFile(resolve(root, WORKFLOW_FILE)) ? [workflowFile] : [])]);
  const preDeploy = existingFiles.has('railway.json') ? railwayPreDeploy(resolve(cwd, 'railway.json')) : undefined;
  const snippets = initSnippets({
    manifest: { fromCwd: file, fromRoot: displayPath(manifestGiven, cwd, root) },
    ...(historyFromCwd && historyFromRoot ? { history: { fromCwd: historyFromCwd, fromRoot: historyFromRoot } } : {}),
    existingFiles,
    workflowFile,
    ...(preDeploy ? { railwayPreDeploy: preDeploy } : {}),
    ...(options.baselineFile !== undefined ? { baseline: displayPath(options.baselineFile, cwd, root) } : {}),
  });
  if (!location) notes.push('no migration history (no alembic.ini here, no --alembic-ini or --migrations): the deploy command checks the live schema only, and there is no pull-request job');

  return { file, written: !options.dryRun, manifest, text, source, history: historyFromCwd ?? null, historyFound, findings, notes, snippets };
}
