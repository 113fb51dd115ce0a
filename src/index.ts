/**
 * schema-gate's library API: everything the CLI uses, with typed results. Nothing here prints or
 * exits; failures are thrown as GateError subclasses that carry their exit code.
 */
export { check, isSafe, summarize } from './check.js';
export type { CheckOptions, CheckResult, DatabaseReport, FindingSummary, MigrationsReport } from './check.js';
export { plan, analyzeMigrations } from './plan.js';
export type { PlanOptions, PlanResult, PlannedRevision, PlannedEffect, MigrationAnalysis } from './plan.js';
export { openMigrations, hasMigrations } from './migrations/open.js';
export type { MigrationsLocation } from './migrations/open.js';
export { buildRevisionGraph, pendingRevisions, historyOrder } from './migrations/graph.js';
export type { RevisionGraph, RevisionDeclaration, PendingRevisions, GraphProblem, HistoryProblem, UpgradeProblem } from './migrations/graph.js';
export type { MigrationSource, MigrationScript, MigrationProblem } from './migrations/source.js';
export { analyzeUpgrade, upgradeEffects, DEFAULT_SQLALCHEMY_VERSION } from './migrations/alembic/upgrade-effects.js';
export { findSqlalchemyVersion } from './migrations/alembic/sqlalchemy-version.js';
export { loadSqlParser, sqlEffects } from './migrations/sql/parse-sql.js';
export { simulate } from './simulate/simulate.js';
export type { PendingMigration, SimulationEvent, SimulationOptions, SimulationResult } from './simulate/simulate.js';
export { analyzePending } from './simulate/pending.js';
export type { Effect, EffectKind, Guard, ColumnType, RunCondition } from './model/effect.js';
export { formatMermaid, formatDot } from './report/graph.js';
export { formatPlanText, formatPlanJson } from './report/plan.js';
export { snapshot } from './snapshot.js';
export type { SnapshotOptions, SnapshotResult } from './snapshot.js';
export { loadManifest, parseManifest, manifestFromState } from './manifest/load.js';
export type { Manifest, ManifestDocument } from './manifest/load.js';
export { introspect, introspectWithClient } from './catalog/introspect.js';
export type { CatalogSnapshot, VersionTableOptions, VersionTableState } from './catalog/introspect.js';
export { connect, redactUrl, DEFAULT_CONNECTION_OPTIONS } from './catalog/connection.js';
export type { ConnectionOptions } from './catalog/connection.js';
export { compareStates, diffLabels } from './model/compare.js';
export type { SchemaDiff, EnumLabelDiff, LabelMove } from './model/compare.js';
export { createSchemaState, EMPTY_SCHEMA_STATE } from './model/schema-state.js';
export type { SchemaState, EnumType, Table, EnumColumn } from './model/schema-state.js';
export { parseQualifiedName, formatQualifiedName } from './model/names.js';
export type { QualifiedName } from './model/names.js';
export { RULES, runRules } from './rules/index.js';
export type { Finding, Severity, Rule, RuleMeta, RuleContext } from './rules/index.js';
export { formatResult, formatJson, formatText, FORMATS } from './report/index.js';
export type { Format } from './report/index.js';
export { ExitCode, GateError, InputError, DatabaseError } from './errors.js';
export { VERSION } from './version.js';
export { runUnderLock, shellExitStatus } from './deploy/run.js';
export type { RunUnderLockOptions, RunOutcome, RunEvent } from './deploy/run.js';
export { acquireDeployLock, advisoryLockKey, defaultLockName, describeHolders } from './deploy/lock.js';
export type { LockHolder, HeldLock, LockAttempt } from './deploy/lock.js';
export { rehearse, SITUATIONS } from './deploy/rehearse.js';
export type { RehearseOptions, RehearseResult, SituationResult, SituationName } from './deploy/rehearse.js';
export { formatRehearseText, formatRehearseJson } from './report/rehearse.js';
