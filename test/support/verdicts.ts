/**
 * The harness that compares the gate's verdict with what real Alembic does. A situation is a
 * fixture directory under test/fixtures/verdicts/: `start.sql` (the live database before the
 * deploy; absent for a fresh database), `manifest.json` (the schema the team expects after the
 * upgrade) and `versions/` (the revision files; a situation may borrow another's). Each situation
 * starts two identical databases: the gate checks one, `alembic upgrade head` runs on the other.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ALEMBIC_PYTHON, createStandardAlembicProject, runAlembic, sqlalchemyUrl, type AlembicRun } from './alembic.js';
import { runCli } from './cli.js';
import { createTestDatabase, serverUrl, type TestDatabase } from './database.js';

/** Where the situations live: `<name>/{start.sql, manifest.json, versions/}`. */
export const VERDICT_FIXTURES = fileURLToPath(new URL('../fixtures/verdicts/', import.meta.url));

/** What real `alembic upgrade head` does in a situation, judged against the manifest. */
export type AlembicExpectation =
  | { readonly outcome: 'succeeds' }
  /** Exit 0, but the resulting schema differs from the manifest: each entry is `<kind> <schema>.<name>`. */
  | { readonly outcome: 'drifts'; readonly drift: readonly string[] }
  /** A non-zero exit; `error` is part of the line that says why. */
  | { readonly outcome: 'fails'; readonly error: string };

/** One situation: a starting database, a migration history and a manifest, and what must happen. */
export interface Situation {
  /** The fixture directory under test/fixtures/verdicts/. */
  readonly name: string;
  /** What the situation shows, for the test's title. */
  readonly title: string;
  /** The fixture whose `versions/` this situation uses; default its own. */
  readonly history?: string;
  readonly alembic: AlembicExpectation;
  /** The ids of the error findings the gate must report (the cause); empty when it must pass. */
  readonly rules: readonly string[];
}

/** The gate exits 1 when Alembic would fail or leave the schema drifted, 0 otherwise. */
export function expectedGateExitCode(expectation: AlembicExpectation): 0 | 1 {
  return expectation.outcome === 'succeeds' ? 0 : 1;
}

/** The files of a situation, resolved. */
export interface SituationFiles {
  readonly manifest: string;
  readonly versions: string;
  /** The SQL that builds the starting database; undefined for a fresh one. */
  readonly startSql: string | undefined;
}

/** Resolves a situation's fixture files; fails loudly when one is missing. */
export function situationFiles(situation: Situation): SituationFiles {
  const directory = join(VERDICT_FIXTURES, situation.name);
  const manifest = join(directory, 'manifest.json');
  const versions = join(VERDICT_FIXTURES, situation.history ?? situation.name, 'versions');
  for (const required of [manifest, versions]) {
    if (!existsSync(required)) throw new Error(`situation ${situation.name}: ${required} does not exist`);
  }
  const start = join(directory, 'start.sql');
  return { manifest, versions, startSql: existsSync(start) ? readFileSync(start, 'utf8') : undefined };
}

// ---------------------------------------------------------------------------------------------
// Databases

/** Two identical databases built from one starting SQL: one for the gate, one for Alembic. */
export interface DatabaseCopies {
  readonly forGate: TestDatabase;
  readonly forAlembic: TestDatabase;
  drop(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A copy of `template` made by PostgreSQL itself (`CREATE DATABASE ... TEMPLATE`): the same
 * catalog rows, oids included. The template must have no open session; the server waits a few
 * seconds for sessions that are still closing.
 */
async function copyDatabase(template: TestDatabase): Promise<TestDatabase> {
  const name = `${template.name}_copy`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template.name}`);
  const url = databaseUrl(name);
  return {
    name,
    url,
    async sql(text, values) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await client.query(text, values);
      } finally {
        await client.end();
      }
    },
    async drop() {
      await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
      await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
    },
  };
}

/** Builds the starting database from `startSql` (nothing for a fresh one) and copies it. */
export async function createDatabaseCopies(startSql: string | undefined): Promise<DatabaseCopies> {
  const forGate = await createTestDatabase();
  try {
    if (startSql !== undefined) await forGate.sql(startSql);
    const forAlembic = await copyDatabase(forGate);
    return { forGate, forAlembic, drop: async () => void (await Promise.all([forGate.drop(), forAlembic.drop()])) };
  } catch (error) {
    await forGate.drop();
    throw error;
  }
}

/** Schemas whose catalog rows belong to PostgreSQL itself, never to a migration. */
const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema')`;

/**
 * One line per catalog row that a change to the schema would add, remove or alter: namespaces,
 * relations (tables, indexes, sequences, views), types, enum labels and columns. Oids are part of
 * each line, so a drop and re-create shows too; statistics (relpages, reltuples) are not, because
 * autovacuum updates them without anyone writing.
 */
const CATALOG_FINGERPRINT = `
SELECT format('namespace %s %I', n.oid, n.nspname) AS entry
  FROM pg_namespace n WHERE ${USER_NAMESPACE}
UNION ALL
SELECT format('class %s %I.%I %s', c.oid, n.nspname, c.relname, c.relkind)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NAMESPACE}
UNION ALL
SELECT format('type %s %I.%I %s', t.oid, n.nspname, t.typname, t.typtype)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${USER_NAMESPACE}
UNION ALL
SELECT format('enum %s %s %L', e.enumtypid, e.enumsortorder, e.enumlabel)
  FROM pg_enum e
UNION ALL
SELECT format('attribute %s %s %I %s %s', a.attrelid, a.attnum, a.attname, a.atttypid, a.attisdropped)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${USER_NAMESPACE}
ORDER BY 1`;

/** Whether Alembic's version table exists (a fresh database has none). */
const ALEMBIC_VERSION_EXISTS = `SELECT to_regclass('public.alembic_version') IS NOT NULL AS present`;

/** The revisions stamped in Alembic's version table. */
const ALEMBIC_VERSION_ROWS = `SELECT version_num FROM public.alembic_version ORDER BY version_num`;

/**
 * Everything a write to the database's schema or to `alembic_version` would change, as sorted
 * lines; two equal fingerprints mean nothing was written (see CATALOG_FINGERPRINT).
 */
export async function catalogFingerprint(database: TestDatabase): Promise<string[]> {
  const catalog = await database.sql(CATALOG_FINGERPRINT);
  const entries = catalog.rows.map((row: { entry: string }) => row.entry);
  const versionTable = await database.sql(ALEMBIC_VERSION_EXISTS);
  if ((versionTable.rows[0] as { present: boolean }).present) {
    const versions = await database.sql(ALEMBIC_VERSION_ROWS);
    entries.push(...versions.rows.map((row: { version_num: string }) => `alembic_version ${row.version_num}`));
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// The resulting schema against the manifest

/** An enum or table name as `schema.name`. */
function qualified(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/** A live schema as the manifest comparison needs it: enums (ordered labels) and tables, by `schema.name`. */
export interface LiveSchema {
  readonly enums: ReadonlyMap<string, readonly string[]>;
  readonly tables: ReadonlySet<string>;
}

/** Every enum type outside the system schemas with its labels in their order. */
const LIVE_ENUMS = `
SELECT n.nspname AS schema, t.typname AS name,
       coalesce(array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FILTER (WHERE e.enumlabel IS NOT NULL), '{}')::text[] AS labels
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_enum e ON e.enumtypid = t.oid
 WHERE t.typtype = 'e' /* enum */ AND ${USER_NAMESPACE}
 GROUP BY n.nspname, t.typname`;

/** Ordinary and partitioned tables outside the system schemas; partitions belong to their parent. */
const LIVE_TABLES = `
SELECT n.nspname AS schema, c.relname AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r' /* ordinary table */, 'p' /* partitioned table */) AND NOT c.relispartition
   AND ${USER_NAMESPACE} AND n.nspname NOT LIKE 'pg\\_toast%'`;

/** Reads the enums and tables of a database. */
export async function readLiveSchema(database: TestDatabase): Promise<LiveSchema> {
  const enums = await database.sql(LIVE_ENUMS);
  const tables = await database.sql(LIVE_TABLES);
  return {
    enums: new Map(enums.rows.map((row: { schema: string; name: string; labels: string[] }) => [qualified(row.schema, row.name), row.labels])),
    tables: new Set(tables.rows.map((row: { schema: string; name: string }) => qualified(row.schema, row.name))),
  };
}

/** The manifest's expectations, names resolved to `schema.name`. */
export interface ManifestExpectations {
  readonly enums: ReadonlyMap<string, readonly string[]>;
  readonly tables: readonly string[];
}

/**
 * `schema.name`, or `name` in public. The manifest's quoting (`"my.schema".items`) is not
 * supported here: no situation needs it, and a quote fails loudly rather than being misread.
 */
function manifestName(text: string): string {
  if (text.includes('"')) throw new Error(`manifest name ${text}: quoted names are not supported by this comparison`);
  const dot = text.indexOf('.');
  return dot === -1 ? qualified('public', text) : qualified(text.slice(0, dot), text.slice(dot + 1));
}

/** Reads a manifest file (the minimal form: `enums` and `tables`). */
export function readManifestExpectations(file: string): ManifestExpectations {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { enums?: Record<string, string[]>; tables?: string[] };
  return {
    enums: new Map(Object.entries(manifest.enums ?? {}).map(([name, labels]) => [manifestName(name), labels])),
    tables: (manifest.tables ?? []).map(manifestName),
  };
}

/** The same labels in the same order. */
function sameLabels(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((label, index) => label === right[index]);
}

/**
 * How a live schema falls short of the manifest, as `<kind> <schema>.<name>` lines, sorted: a
 * listed enum that is missing or whose labels differ in any way (order included), a listed table
 * that is missing. Objects the manifest does not list are not drift (the gate only warns of them).
 */
export function driftFromManifest(expected: ManifestExpectations, live: LiveSchema): string[] {
  const drift: string[] = [];
  for (const [name, labels] of expected.enums) {
    const liveLabels = live.enums.get(name);
    if (liveLabels === undefined) drift.push(`enum-missing ${name}`);
    else if (!sameLabels(liveLabels, labels)) drift.push(`enum-labels-differ ${name}`);
  }
  for (const name of expected.tables) {
    if (!live.tables.has(name)) drift.push(`table-missing ${name}`);
  }
  return drift.sort();
}

// ---------------------------------------------------------------------------------------------
// Observing both sides

/** One finding of the gate's JSON report, as far as the verdict needs it. */
export interface GateFinding {
  readonly rule: string;
  readonly severity: string;
  readonly message: string;
}

/** What the gate said about copy A, and copy A's catalog around the check. */
export interface GateObservation {
  readonly exitCode: number | null;
  readonly findings: readonly GateFinding[];
  /** The distinct rule ids of the error findings, sorted. */
  readonly errorRules: readonly string[];
  /** The distinct rule ids of the other findings, sorted. */
  readonly otherRules: readonly string[];
  readonly stderr: string;
  /** The SQLAlchemy version the verdict assumed (`migrations.sqlalchemy.version` of the report), if it said. */
  readonly sqlalchemyVersion: string | undefined;
  readonly catalogBefore: readonly string[];
  readonly catalogAfter: readonly string[];
}

/** What `alembic upgrade head` did to copy B. */
export interface AlembicObservation {
  readonly exitCode: number;
  readonly stderr: string;
  /** The line that says why it failed; undefined when it succeeded. */
  readonly failure: string | undefined;
  /** The resulting schema against the manifest (see driftFromManifest). */
  readonly drift: readonly string[];
  readonly outcome: 'succeeds' | 'drifts' | 'fails';
  readonly catalogBefore: readonly string[];
  readonly catalogAfter: readonly string[];
}

/** Both sides of one situation. */
export interface Verdict {
  readonly situation: Situation;
  readonly gate: GateObservation;
  readonly alembic: AlembicObservation;
}

/**
 * Why `alembic upgrade` stopped: its `FAILED:` line (graph problems, exit 255), else the exception
 * line of the traceback (`sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) ...`,
 * exit 1) — not the traceback's last line, which is SQLAlchemy's "Background on this error" link.
 */
export function upgradeFailure(run: AlembicRun): string | undefined {
  if (run.code === 0) return undefined;
  const lines = `${run.stdout}\n${run.stderr}`.split('\n');
  const failed = lines.find((line) => line.startsWith('FAILED:'));
  if (failed) return failed;
  const exceptions = lines.filter((line) => /^[\w.]+(Error|Exception|Warning)\b/.test(line));
  return exceptions[exceptions.length - 1] ?? lines.filter((line) => line.trim() !== '').pop() ?? `exit ${run.code}`;
}

/** The parts of the gate's JSON report (schemas/report.schema.json) that the verdict reads. */
interface GateReport {
  readonly findings: readonly GateFinding[];
  readonly migrations?: { readonly sqlalchemy?: { readonly version: string } | null } | null;
}

function distinctSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

async function observeGate(files: SituationFiles, database: TestDatabase): Promise<GateObservation> {
  const catalogBefore = await catalogFingerprint(database);
  const run = await runCli(['check', '--manifest', files.manifest, '--migrations', files.versions, '--database-url', database.url, '--format', 'json']);
  const catalogAfter = await catalogFingerprint(database);
  let findings: GateFinding[] = [];
  let sqlalchemyVersion: string | undefined;
  try {
    const report = JSON.parse(run.stdout) as GateReport;
    findings = report.findings.map(({ rule, severity, message }) => ({ rule, severity, message }));
    sqlalchemyVersion = report.migrations?.sqlalchemy?.version;
  } catch {
    // Exit codes 2, 3 and 70 print no report; the exit code and stderr tell the story.
  }
  return {
    exitCode: run.code,
    findings,
    errorRules: distinctSorted(findings.filter((finding) => finding.severity === 'error').map((finding) => finding.rule)),
    otherRules: distinctSorted(findings.filter((finding) => finding.severity !== 'error').map((finding) => finding.rule)),
    stderr: run.stderr,
    sqlalchemyVersion,
    catalogBefore,
    catalogAfter,
  };
}

async function observeAlembic(files: SituationFiles, database: TestDatabase): Promise<AlembicObservation> {
  const project = createStandardAlembicProject(files.versions);
  try {
    const catalogBefore = await catalogFingerprint(database);
    const run = await runAlembic(project, ['upgrade', 'head'], { DATABASE_URL: sqlalchemyUrl(database.url) });
    const catalogAfter = await catalogFingerprint(database);
    const drift = driftFromManifest(readManifestExpectations(files.manifest), await readLiveSchema(database));
    const failure = upgradeFailure(run);
    return {
      exitCode: run.code,
      stderr: run.stderr,
      failure,
      drift,
      outcome: failure !== undefined ? 'fails' : drift.length > 0 ? 'drifts' : 'succeeds',
      catalogBefore,
      catalogAfter,
    };
  } finally {
    project.remove();
  }
}

/**
 * Runs one situation: builds the two copies of its starting database, runs the built gate on one
 * and real `alembic upgrade head` on the other (side by side: they share nothing), and drops both.
 */
export async function observeSituation(situation: Situation): Promise<Verdict> {
  const files = situationFiles(situation);
  const databases = await createDatabaseCopies(files.startSql);
  try {
    const [gate, alembic] = await Promise.all([observeGate(files, databases.forGate), observeAlembic(files, databases.forAlembic)]);
    return { situation, gate, alembic };
  } finally {
    await databases.drop();
  }
}

/**
 * A queue that runs at most `limit` tasks at a time, in the order they were queued: each
 * situation spawns two processes (Node and Python), so a few at a time keep two cores busy
 * without starving the database server.
 */
export function concurrencyLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    running -= 1;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/** The SQLAlchemy version of the interpreter that runs Alembic in these tests. */
export function installedSqlalchemyVersion(): string {
  return execFileSync(ALEMBIC_PYTHON, ['-c', 'import sqlalchemy; print(sqlalchemy.__version__)'], { encoding: 'utf8' }).trim();
}

/** Whether the gate's exit code is the one Alembic's observed outcome (not the expected one) calls for. */
export function gateAgrees(verdict: Verdict): boolean {
  return verdict.gate.exitCode === (verdict.alembic.outcome === 'succeeds' ? 0 : 1);
}

/** A Markdown table of verdicts: Alembic's outcome, the gate's exit code and rules, and whether they agree. */
export function formatVerdictTable(verdicts: readonly Verdict[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = [
    '| situation | real Alembic | gate exit | gate errors | gate warnings/infos | agrees | expected rules missing |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const verdict of verdicts) {
    const { alembic, gate, situation } = verdict;
    const outcome = alembic.outcome === 'fails' ? `fails (exit ${alembic.exitCode}): ${alembic.failure ?? ''}` : alembic.outcome === 'drifts' ? `succeeds, drift: ${alembic.drift.join(', ')}` : 'succeeds, no drift';
    const missing = situation.rules.filter((rule) => !gate.errorRules.includes(rule));
    lines.push(
      `| ${[situation.name, cell(outcome), String(gate.exitCode), gate.errorRules.join(', ') || '—', gate.otherRules.join(', ') || '—', gateAgrees(verdict) ? 'yes' : '**no**', missing.join(', ') || '—'].join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
