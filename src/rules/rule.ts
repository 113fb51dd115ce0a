import type { SchemaDiff } from '../model/compare.js';
import type { SchemaState } from '../model/schema-state.js';
import type { SimulationEvent, SimulationResult } from '../simulate/simulate.js';
import type { FindingDraft, Severity } from './finding.js';

/** What every rule declares about itself. */
export interface RuleMeta {
  /** Stable kebab-case id; the file name and the doc page are named after it. */
  readonly id: string;
  /** One line: what the rule catches. */
  readonly description: string;
  readonly defaultSeverity: Severity;
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
