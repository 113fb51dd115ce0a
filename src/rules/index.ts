import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { applySeverities, type RuleSeverities } from './severities.js';
import enumLabelsDiffer from './enum-labels-differ.js';
import enumMissing from './enum-missing.js';
import enumNotInManifest from './enum-not-in-manifest.js';
import tableMissing from './table-missing.js';
import tableNotInManifest from './table-not-in-manifest.js';
import addValueInTransaction from './add-value-in-transaction.js';
import dropEnumInUse from './drop-enum-in-use.js';
import enumAlreadyExists from './enum-already-exists.js';
import enumCreatedTwice from './enum-created-twice.js';
import enumLabelAlreadyExists from './enum-label-already-exists.js';
import enumLabelDoesNotExist from './enum-label-does-not-exist.js';
import enumLabelUsedBeforeCommit from './enum-label-used-before-commit.js';
import enumConversionBlockedByDefault from './enum-conversion-blocked-by-default.js';
import guardIgnoresSchema from './guard-ignores-schema.js';
import guardedCreateDrift from './guarded-create-drift.js';
import invalidSql from './invalid-sql.js';
import objectDoesNotExist from './object-does-not-exist.js';
import tableAlreadyExists from './table-already-exists.js';
import indexAlreadyExists from './index-already-exists.js';
import unanalyzableStatement from './unanalyzable-statement.js';
import duplicateRevision from './duplicate-revision.js';
import invalidRevisionId from './invalid-revision-id.js';
import missingRevision from './missing-revision.js';
import multipleHeads from './multiple-heads.js';
import overlappingDbRevisions from './overlapping-db-revisions.js';
import revisionCycle from './revision-cycle.js';
import unknownDbRevision from './unknown-db-revision.js';
import unknownTarget from './unknown-target.js';
import unreadableRevisionFile from './unreadable-revision-file.js';
import unresolvableRevisionValue from './unresolvable-revision-value.js';
import schemaDiffersFromHistory from './schema-differs-from-history.js';
import unusedSuppression from './unused-suppression.js';

/** Every rule, in the order their findings are listed. A test keeps ids unique and documented. */
export const RULES: readonly Rule[] = [
  // The revision graph, and whether `alembic upgrade` would even start.
  unreadableRevisionFile,
  unresolvableRevisionValue,
  missingRevision,
  duplicateRevision,
  revisionCycle,
  invalidRevisionId,
  multipleHeads,
  unknownDbRevision,
  overlappingDbRevisions,
  unknownTarget,
  // What the pending migrations would do (the simulation).
  enumAlreadyExists,
  enumCreatedTwice,
  tableAlreadyExists,
  indexAlreadyExists,
  enumLabelAlreadyExists,
  objectDoesNotExist,
  enumLabelDoesNotExist,
  enumLabelUsedBeforeCommit,
  enumConversionBlockedByDefault,
  addValueInTransaction,
  dropEnumInUse,
  invalidSql,
  guardedCreateDrift,
  guardIgnoresSchema,
  unanalyzableStatement,
  schemaDiffersFromHistory,
  // The resulting schema against the manifest.
  enumMissing,
  enumLabelsDiffer,
  tableMissing,
  enumNotInManifest,
  tableNotInManifest,
  // The `# schema-gate:` comments themselves, once the findings above were matched against them.
  unusedSuppression,
];

/**
 * Runs every rule on a context and stamps each finding with its rule's id and severity; `severities`
 * (a project's overrides by rule id) turn rules off or change their severity.
 */
export function runRules(context: RuleContext, rules: readonly Rule[] = RULES, severities: RuleSeverities = {}): Finding[] {
  const findings = rules.flatMap((rule) =>
    rule.check(context).map((draft) => ({ ...draft, rule: rule.meta.id, severity: draft.severity ?? rule.meta.defaultSeverity })),
  );
  return applySeverities(findings, severities);
}

export type { Finding, Severity, FindingDraft } from './finding.js';
export type { Rule, RuleContext, RuleMeta } from './rule.js';
export { RULE_SEVERITIES, unknownRuleIds, type RuleSeverity, type RuleSeverities } from './severities.js';
