import { dirname, relative, resolve } from 'node:path';
import { InputError } from './errors.js';
import type { ChangedFiles } from './git/changed-files.js';
import { isFatalSourceProblem, openAlembicSource, openAlembicSourceInTurns, type AlembicSource } from './migrations/alembic/scan.js';
import { readSuppressionComments } from './migrations/alembic/suppressions.js';
import type { SuppressionComment } from './migrations/source.js';
import type { VersionTableOptions } from './catalog/introspect.js';
import type { ConnectionOptions } from './catalog/connection.js';
import { loadManifest } from './manifest/load.js';
import { hasMigrations, migrationScanOptions, type MigrationsLocation } from './migrations/open.js';
import { compareStates, type SchemaDiff } from './model/compare.js';
import { pendingRevisions } from './migrations/graph.js';
import { EMPTY_SCHEMA_STATE } from './model/schema-state.js';
import { analyzePending, preloadAnalysers, scanTimeAnalysis, type PendingAnalysis, type SqlalchemyAssumption } from './simulate/pending.js';
import { analyzeMigrations, databaseReport, plannedRevisions, readCatalogMeanwhile, relativeFindings, type PlannedRevision } from './plan.js';
import { RULES, runRules, unknownRuleIds, type Finding, type RuleSeverities } from './rules/index.js';
import type { MigrationsContext, RuleContext } from './rules/rule.js';
import { demoteUnchanged } from './rules/filters/changed-since.js';
import { applySuppressions, UNUSED_SUPPRESSION_RULE, type SuppressedFinding } from './rules/filters/suppressions.js';
import { isSafe, summarize, type FindingSummary } from './rules/summary.js';
import { plural } from './plural.js';

export { isSafe, summarize, type FindingSummary, type SuppressedFinding };

/** What `check` needs; everything but the manifest is optional. */
export interface CheckOptions extends MigrationsLocation {
  readonly manifestFile: string;
  /** Without a URL the check runs offline. */
  readonly databaseUrl?: string;
  /**
   * Offline: a manifest of the schema the history starts from (the tables `metadata.create_all()`
   * made before the first revision), simulated on instead of an empty database. Ignored online.
   */
  readonly baselineFile?: string;
  /** Warnings fail the check too. */
  readonly strict?: boolean;
  /** `alembic upgrade` target: `head` (default), `heads`, a revision, `label@head`. */
  readonly target?: string;
  readonly connection?: ConnectionOptions;
  readonly versionTable?: VersionTableOptions;
  /** Where relative paths in findings start; default the working directory. */
  readonly cwd?: string;
  /** The SQLAlchemy version the project runs; default: its pin near the migrations, else 2.0. */
  readonly sqlalchemyVersion?: string;
  /** env.py sets `transaction_per_migration=True`. */
  readonly transactionPerMigration?: boolean;
  /** Also compare the live schema with what the applied revisions imply (reads every applied upgrade()). */
  readonly verifyApplied?: boolean;
  /** Severity overrides by rule id (`off` drops a rule's findings); an unknown id is an InputError. */
  readonly severities?: RuleSeverities;
  /**
   * Called as each phase starts, so that a caller can show progress; the library itself never
   * writes to a terminal. A phase ends when the next starts or the check returns.
   */
  readonly onProgress?: (phase: CheckPhase) => void;
  /**
   * A git ref (e.g. `origin/main`): findings in files unchanged since the merge base of it and HEAD
   * are reported as `info`. Needs migrations in a git work tree.
   */
  readonly changedSince?: string;
}

/** What `--changed-since` compared with. */
export interface ChangedSinceReport {
  /** The ref as given. */
  readonly ref: string;
  /** The merge base of the ref and HEAD (a full commit id). */
  readonly mergeBase: string;
  /** The revisions whose files were added or changed since the merge base, in load order. */
  readonly revisions: readonly string[];
}

/** The phases of a check that may take a while, in the order they run (each only when it applies). */
export type CheckPhase = 'reading-migrations' | 'connecting' | 'introspecting' | 'simulating';

/** The live database as the check saw it. */
export interface DatabaseReport {
  /** The URL with its password replaced by `***`. */
  readonly url: string;
  readonly database: string;
  readonly serverVersion: string;
  /** null on a fresh database (no version table). */
  readonly versionTable: { readonly schema: string; readonly name: string; readonly revisions: readonly string[] } | null;
}

/** What the check made of the migration history. */
export interface MigrationsReport {
  /** The versions directory (or alembic.ini) as given. */
  readonly directory: string;
  /** Whether the history was read (always, since the revision graph is analysed). */
  readonly analysed: boolean;
  readonly heads: readonly string[];
  /** The revisions `alembic upgrade <target>` would apply, in order. */
  readonly pending: readonly PlannedRevision[];
  readonly target: string;
  /** Whether `alembic upgrade` is predicted to fail (a statement PostgreSQL would reject, or a refusal). */
  readonly upgradeFails: boolean;
  /** The SQLAlchemy version the verdict assumed. */
  readonly sqlalchemy: SqlalchemyAssumption | null;
}

/** The whole result of a check; reporters are pure functions of it. */
export interface CheckResult {
  /** True when it is safe to migrate: no error, and no warning under strict. */
  readonly ok: boolean;
  /** `online` when a database was read, `offline` otherwise. */
  readonly mode: 'online' | 'offline';
  readonly strict: boolean;
  readonly summary: FindingSummary;
  readonly findings: readonly Finding[];
  readonly manifest: { readonly file: string };
  readonly database: DatabaseReport | null;
  readonly migrations: MigrationsReport | null;
  /** Sentences about what was and was not checked. */
  readonly notes: readonly string[];
  /** Findings silenced by `# schema-gate: ignore` comments; absent when there are none. */
  readonly suppressed?: readonly SuppressedFinding[];
  /** With `--changed-since`: what the findings' files were held against. */
  readonly changedSince?: ChangedSinceReport;
}

/**
 * Says in each finding at a statement whose effect depends on the SQLAlchemy version which
 * version the verdict assumed.
 */
function withSqlalchemyAssumption(findings: Finding[], pending: Awaited<ReturnType<typeof analyzePending>> | undefined, cwd: string): Finding[] {
  if (!pending || pending.versionDependent.length === 0) return findings;
  const dependent = new Set(pending.versionDependent.map((entry) => `${relative(cwd, entry.location.file) || entry.location.file}:${entry.location.line}`));
  const { version, assumed } = pending.sqlalchemy;
  return findings.map((finding) =>
    finding.file && dependent.has(`${finding.file}:${finding.line ?? ''}`)
      ? { ...finding, message: `${finding.message} (assuming SQLAlchemy ${version}${assumed ? ', the default: pass --sqlalchemy-version' : ''})` }
      : finding,
  );
}

/**
 * The `# schema-gate:` comments the findings are held against, with paths relative to `cwd` as in
 * findings: those of the analysed revisions (read from the trees their analysis parsed), and those
 * of any other script a finding names (parsed now, and only if it holds the marker at all).
 */
function suppressionComments(source: AlembicSource | undefined, pending: PendingAnalysis | undefined, findings: readonly Finding[], cwd: string): SuppressionComment[] {
  const comments: SuppressionComment[] = [...(pending?.suppressions ?? [])];
  if (source) {
    const read = new Set(pending?.analysedFiles ?? []);
    const named = new Set(findings.flatMap((finding) => (finding.file ? [resolve(cwd, finding.file)] : [])));
    for (const script of source.scripts) {
      if (read.has(script.file) || !named.has(script.file)) continue;
      read.add(script.file);
      comments.push(...readSuppressionComments(script.text, script.file));
    }
  }
  return comments.map((comment) => ({ ...comment, file: relative(cwd, comment.file) || comment.file }));
}

/** The directory whose git repository --changed-since asks: where the migrations are. */
function gitDirectory(options: CheckOptions): string {
  if (options.migrationsDir !== undefined) return resolve(options.migrationsDir);
  if (options.alembicIni !== undefined) return dirname(resolve(options.alembicIni));
  throw new InputError('--changed-since needs the migrations: pass --migrations DIR or --alembic-ini FILE');
}

/**
 * The steps after the rules: `# schema-gate:` comments silence what they cover (and the comments
 * that silence nothing are reported), then `--changed-since` reports findings in unchanged files
 * as infos.
 */
function filterFindings(
  findings: readonly Finding[],
  context: RuleContext,
  inputs: { source: AlembicSource | undefined; pending: PendingAnalysis | undefined; changed: ChangedFiles | undefined; cwd: string; severities: RuleSeverities },
): { findings: readonly Finding[]; suppressed: readonly SuppressedFinding[]; demoted: number } {
  const { cwd } = inputs;
  const suppression = applySuppressions(findings, suppressionComments(inputs.source, inputs.pending, findings, cwd), {
    knownRules: new Set(RULES.map((rule) => rule.meta.id)),
    checkedFiles: new Set((inputs.pending?.analysedFiles ?? []).map((file) => relative(cwd, file) || file)),
  });
  const directiveRule = RULES.filter((rule) => rule.meta.id === UNUSED_SUPPRESSION_RULE);
  // The directives' paths are relative already.
  const directiveFindings = suppression.problems.length > 0 ? runRules({ ...context, suppressionProblems: suppression.problems }, directiveRule, inputs.severities) : [];
  const kept = [...suppression.findings, ...directiveFindings];
  if (!inputs.changed) return { findings: kept, suppressed: suppression.suppressed, demoted: 0 };
  const changed = inputs.changed;
  const wholeHistory = new Set(RULES.filter((rule) => rule.meta.wholeHistory).map((rule) => rule.meta.id));
  const demotion = demoteUnchanged(kept, (file) => changed.isChanged(resolve(cwd, file)), wholeHistory);
  return { findings: demotion.findings, suppressed: suppression.suppressed, demoted: demotion.demoted };
}

/**
 * Checks whether it is safe to migrate: loads the manifest, reads the migration history and the
 * live catalog when given, and runs every rule. Throws InputError (exit 2) or DatabaseError
 * (exit 3); findings are returned, never thrown.
 */
export async function check(options: CheckOptions): Promise<CheckResult> {
  const strict = options.strict ?? false;
  const cwd = options.cwd ?? process.cwd();
  const target = options.target ?? 'head';
  const severities = options.severities ?? {};
  const unknownRules = unknownRuleIds(severities, RULES);
  if (unknownRules.length > 0) throw new InputError(unknownRules.map((id) => `severities: unknown rule "${id}" (schema-gate rules lists them)`));
  const progress = options.onProgress ?? (() => undefined);
  const hasSource = hasMigrations(options);
  // The SQL parser's WebAssembly compiles in the background while the manifest and the history are read.
  if (hasSource) preloadAnalysers();
  const manifest = await loadManifest(options.manifestFile);
  const scanOptions = hasSource ? migrationScanOptions(options) : undefined;
  // Before the database: a mistyped ref fails fast, without a connection attempt.
  const changed = options.changedSince !== undefined ? await (await import('./git/changed-files.js')).changedFilesSince(options.changedSince, gitDirectory(options)) : undefined;
  // Online, the catalog is read while the history is parsed; its phases show once the parse is done.
  let readingHistory = hasSource;
  let catalogPhase: 'connecting' | 'introspecting' | undefined;
  const catalogRead = options.databaseUrl
    ? readCatalogMeanwhile({
        ...options,
        databaseUrl: options.databaseUrl,
        onProgress: (phase) => {
          catalogPhase = phase;
          if (!readingHistory) progress(phase);
        },
      })
    : undefined;
  if (hasSource) progress('reading-migrations');
  // Offline every revision is pending: each file's upgrade() is read from the scan's one parse of it.
  const scanAnalysis =
    scanOptions && !options.databaseUrl ? await scanTimeAnalysis(scanOptions.versionLocations, { cwd, ...(options.sqlalchemyVersion ? { sqlalchemyVersion: options.sqlalchemyVersion } : {}) }) : undefined;
  const source = !scanOptions
    ? undefined
    : catalogRead
      ? await openAlembicSourceInTurns(scanOptions)
      : openAlembicSource({ ...scanOptions, ...(scanAnalysis ? { analyzeUpgrade: scanAnalysis.analyzeUpgrade } : {}) });
  readingHistory = false;
  if (catalogRead && !catalogRead.settled() && catalogPhase !== undefined && hasSource) progress(catalogPhase);
  const catalog = catalogRead ? await catalogRead.read : undefined;
  const analysis = source ? analyzeMigrations(source, catalog?.versionTable?.revisions ?? [], target) : undefined;

  const notes: string[] = [];
  const baseline = options.baselineFile !== undefined && !catalog ? await loadManifest(options.baselineFile) : undefined;
  if (catalog && options.baselineFile !== undefined) notes.push(`--baseline ${options.baselineFile} is not used online: the pending migrations are simulated on the database itself`);
  if (!catalog) {
    notes.push(
      baseline
        ? `offline: no database URL (--database-url or DATABASE_URL), so the pending migrations are simulated from the baseline ${baseline.file} (${plural(baseline.expected.enums.size, 'enum')}, ${plural(baseline.expected.tables.size, 'table')})`
        : 'offline: no database URL (--database-url or DATABASE_URL), so the pending migrations are simulated from an empty database',
    );
  }

  // The pending statements, simulated on the live schema (offline: on the baseline, or an empty one).
  const start = catalog?.state ?? baseline?.expected ?? EMPTY_SCHEMA_STATE;
  const simulates = analysis !== undefined && analysis.pending.problems.length === 0;
  if (simulates) progress('simulating');
  const pendingAnalysis =
    analysis && simulates
      ? await analyzePending(analysis.source, analysis.pending.revisions, start, {
          cwd,
          ...(scanAnalysis ? { sqlalchemy: scanAnalysis.sqlalchemy } : {}),
          ...(options.sqlalchemyVersion ? { sqlalchemyVersion: options.sqlalchemyVersion } : {}),
          ...(options.transactionPerMigration ? { transactionPerMigration: true } : {}),
          ...(catalog ? { serverVersionNum: catalog.serverVersionNum } : {}),
        })
      : undefined;
  const simulation = pendingAnalysis?.simulation;
  if (simulation && !catalog && !baseline) {
    // Tables no revision ever creates: most often made by metadata.create_all() before the first revision.
    const neverCreated = [
      ...new Set(simulation.events.flatMap((event) => (event.kind === 'missing-object' && event.objectType === 'table' && !event.removedInRun && !event.uncertain && event.object ? [event.object.name] : []))),
    ];
    if (neverCreated.length > 0) {
      const shown = neverCreated.slice(0, 3).join(', ') + (neverCreated.length > 3 ? ', …' : '');
      notes.push(
        `${plural(neverCreated.length, 'table')} (${shown}) ${neverCreated.length === 1 ? 'is' : 'are'} used but created by no revision: if ${neverCreated.length === 1 ? 'it exists' : 'they exist'} before the first one (made by metadata.create_all()), pass --baseline with a manifest that lists ${neverCreated.length === 1 ? 'it' : 'them'}`,
      );
    }
  }
  if (pendingAnalysis) {
    const { sqlalchemy } = pendingAnalysis;
    notes.push(
      sqlalchemy.assumed
        ? `SQLAlchemy version unknown (no pin found near the migrations): the verdict assumes ${sqlalchemy.version}; pass --sqlalchemy-version`
        : `the verdict assumes SQLAlchemy ${sqlalchemy.version} (${sqlalchemy.source})`,
    );
  }

  // What the applied revisions imply, against the live schema (someone changed it by hand?).
  let appliedHistory: SchemaDiff | undefined;
  let appliedHistoryUnread: RuleContext['appliedHistoryUnread'];
  const stamped = catalog?.versionTable?.revisions ?? [];
  if (options.verifyApplied && catalog && analysis) {
    if (stamped.length === 1 && analysis.pending.problems.length === 0) {
      const implied = pendingRevisions(analysis.source.graph, { stamped: [], target: stamped[0]! });
      const history = await analyzePending(analysis.source, implied.revisions, EMPTY_SCHEMA_STATE, { cwd, ...(options.sqlalchemyVersion ? { sqlalchemyVersion: options.sqlalchemyVersion } : {}) });
      appliedHistory = compareStates(history.simulation.intendedState, catalog.state);
      const unread = history.simulation.events.filter((event) => event.kind === 'unknown' && event.effect.kind === 'unknown' && event.effect.mayCreateTables);
      if (unread[0]) appliedHistoryUnread = { count: unread.length, file: relative(cwd, unread[0].file) || unread[0].file, line: unread[0].line };
    } else {
      notes.push('--verify-applied needs a database stamped at exactly one known revision; skipped');
    }
  }

  // Which schema the manifest is held against: after the upgrade; if the upgrade fails, what the
  // migrations intend (so that drift in them shows now, not after the failure is fixed); without
  // migrations, the live schema; offline without migrations, nothing to compare.
  const actual = simulation ? (simulation.fails ? simulation.intendedState : simulation.finalState) : (catalog?.state ?? manifest.expected);
  const actualDescription = simulation
    ? simulation.fails
      ? 'the schema the pending migrations intend (the upgrade itself fails)'
      : analysis && analysis.pending.revisions.length > 0
        ? 'the schema after alembic upgrade'
        : 'the database'
    : 'the database';
  const context: RuleContext = {
    expected: manifest.expected,
    actual,
    diff: compareStates(manifest.expected, actual),
    actualDescription,
    ...(simulation ? { simulation } : {}),
    ...(analysis ? { migrations: analysis.context } : {}),
    ...(appliedHistory ? { appliedHistory } : {}),
    ...(appliedHistoryUnread ? { appliedHistoryUnread } : {}),
  };
  const ruleFindings = withSqlalchemyAssumption(relativeFindings(runRules(context, RULES, severities), cwd), pendingAnalysis, cwd);
  const filtered = filterFindings(ruleFindings, context, { source, pending: pendingAnalysis, changed, cwd, severities });
  const findings = filtered.findings;
  let changedSince: ChangedSinceReport | undefined;
  if (changed && source) {
    const revisions = source.scripts.flatMap((script) => (script.revision !== undefined && changed.isChanged(script.file) ? [script.revision] : []));
    changedSince = { ref: changed.ref, mergeBase: changed.mergeBase, revisions };
    notes.push(
      `--changed-since ${changed.ref} (merge base ${changed.mergeBase.slice(0, 12)}): ${revisions.length === 0 ? 'no revision changed' : `changed ${revisions.length === 1 ? 'revision' : 'revisions'}: ${revisions.join(', ')}`}; findings in other files are reported as info`,
    );
  }
  const summary: FindingSummary = {
    ...summarize(findings),
    ...(filtered.suppressed.length > 0 ? { suppressed: filtered.suppressed.length } : {}),
    ...(changed ? { demoted: filtered.demoted } : {}),
  };
  return {
    ok: isSafe(summary, strict),
    mode: catalog ? 'online' : 'offline',
    strict,
    summary,
    findings,
    manifest: { file: manifest.file },
    database: catalog && options.databaseUrl ? await databaseReport(options.databaseUrl, catalog) : null,
    migrations: analysis
      ? {
          directory: options.migrationsDir ?? options.alembicIni ?? '',
          analysed: true,
          heads: analysis.source.graph.heads,
          pending: plannedRevisions(analysis, cwd),
          target,
          upgradeFails: analysis.pending.problems.length > 0 || (simulation?.fails ?? false) || (context.migrations?.problems.some(isFatalSourceProblem) ?? false),
          sqlalchemy: pendingAnalysis?.sqlalchemy ?? null,
        }
      : null,
    notes,
    ...(filtered.suppressed.length > 0 ? { suppressed: filtered.suppressed } : {}),
    ...(changedSince ? { changedSince } : {}),
  };
}
