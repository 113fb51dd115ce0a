import type { SchemaDiff } from '../model/compare.js';
import type { SchemaState } from '../model/schema-state.js';
import type { AlembicProblem } from '../migrations/alembic/scan.js';
import type { UpgradeProblem, UpgradeWarning } from '../migrations/graph.js';
import type { SimulationEvent, SimulationResult } from '../simulate/simulate.js';
import type { FindingDraft, Severity } from './finding.js';
import type { SuppressionProblem } from './filters/suppressions.js';

/** What every rule declares about itself. */
export interface RuleMeta {
  /** Stable kebab-case id; the file name and the doc page are named after it. */
  readonly id: string;
  /** One line: what the rule catches. */
  readonly description: string;
  readonly defaultSeverity: Severity;
  /**
   * Its findings concern the history as a whole (the upgrade refuses to start, whoever wrote the
   * file they name), so `--changed-since` never reports them as `info`.
   */
  readonly wholeHistory?: boolean;
}

/** What the rules see: the model only, never a database or a file system. */
export interface RuleContext {
  /** What the manifest expects. */
  readonly expected: SchemaState;
  /** What the database holds (live) or will hold (simulated). */
  readonly actual: SchemaState;
  /** `expected` compared with `actual`. */
  readonly diff: SchemaDiff;
  /** Where `actual` comes from, for messages: "the database" or "the simulated schema". */
  readonly actualDescription: string;
  /** The simulated upgrade, when pending migrations were analysed. */
  readonly simulation?: SimulationResult;
  /** The migration history, when one was read. */
  readonly migrations?: MigrationsContext;
  /**
   * With --verify-applied: what the applied revisions imply (expected) against the live schema
   * (actual). Differences mean someone changed the database by hand, or a stamp skipped revisions.
   */
  readonly appliedHistory?: SchemaDiff;
  /**
   * With `appliedHistory`: the first statement of the applied revisions that schema-gate could not
   * read and that may have created types or tables unseen, and how many there are.
   */
  readonly appliedHistoryUnread?: { readonly count: number; readonly file: string; readonly line: number };
  /**
   * What was wrong with the `# schema-gate:` directives, known only once the other rules' findings
   * were matched against them (see `rules/filters/suppressions.ts`); absent before that.
   */
  readonly suppressionProblems?: readonly SuppressionProblem[];
}

/** What the rules know of the migration history and of the upgrade that would run. */
export interface MigrationsContext {
  /** The `alembic upgrade` target (`head` by default). */
  readonly target: string;
  /** Problems of the scripts and of the graph, whatever the database holds. */
  readonly problems: readonly AlembicProblem[];
  /** Why `alembic upgrade <target>` would refuse to run; empty when it runs. */
  readonly refusals: readonly UpgradeProblem[];
  /** What the upgrade would leave wrong although it runs. */
  readonly warnings: readonly UpgradeWarning[];
}

/** A migration problem of some kinds, and whether it makes the upgrade refuse to run. */
export interface MigrationProblemAt<P> {
  readonly problem: P;
  readonly refuses: boolean;
}

type AnyMigrationProblem = AlembicProblem | UpgradeProblem | UpgradeWarning;

/**
 * The migration problems of the given kinds, each once: a history problem that is also a reason
 * for refusal (several heads with target `head`) is listed once, as a refusal.
 */
export function migrationProblemsOf<K extends AnyMigrationProblem['kind']>(context: RuleContext, ...kinds: K[]): MigrationProblemAt<Extract<AnyMigrationProblem, { kind: K }>>[] {
  const migrations = context.migrations;
  if (!migrations) return [];
  const wanted = (problem: AnyMigrationProblem): problem is Extract<AnyMigrationProblem, { kind: K }> => (kinds as string[]).includes(problem.kind);
  const key = (problem: AnyMigrationProblem): string => JSON.stringify([problem.kind, [...problem.revisions].sort()]);
  const refusalKeys = new Set(migrations.refusals.map(key));
  const seen = new Set<string>();
  const result: MigrationProblemAt<Extract<AnyMigrationProblem, { kind: K }>>[] = [];
  for (const problem of [...migrations.refusals, ...migrations.problems, ...migrations.warnings]) {
    if (!wanted(problem) || seen.has(key(problem))) continue;
    seen.add(key(problem));
    result.push({ problem, refuses: refusalKeys.has(key(problem)) });
  }
  return result;
}

/** The simulation events of one kind, typed; none without a simulation. */
export function eventsOf<K extends SimulationEvent['kind']>(context: RuleContext, kind: K): Extract<SimulationEvent, { kind: K }>[] {
  return (context.simulation?.events ?? []).filter((event): event is Extract<SimulationEvent, { kind: K }> => event.kind === kind);
}

export interface Rule {
  readonly meta: RuleMeta;
  check(context: RuleContext): readonly FindingDraft[];
}

/** Declares a rule; a function so that the object literal is checked against the Rule type. */
export function defineRule(rule: Rule): Rule {
  return Object.freeze(rule);
}

/** The path of a rule's documentation page, relative to the package root. */
export function ruleDocPath(id: string): string {
  return `docs/rules/${id}.md`;
}
