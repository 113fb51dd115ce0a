import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import enumLabelsDiffer from './enum-labels-differ.js';
import enumMissing from './enum-missing.js';
import enumNotInManifest from './enum-not-in-manifest.js';
import tableMissing from './table-missing.js';
import tableNotInManifest from './table-not-in-manifest.js';

/** Every rule, in the order their findings are listed. A test keeps ids unique and documented. */
export const RULES: readonly Rule[] = [enumMissing, enumLabelsDiffer, tableMissing, enumNotInManifest, tableNotInManifest];

/** Runs every rule on a context and stamps each finding with its rule's id and severity. */
export function runRules(context: RuleContext, rules: readonly Rule[] = RULES): Finding[] {
  return rules.flatMap((rule) =>
    rule.check(context).map((draft) => ({ ...draft, rule: rule.meta.id, severity: draft.severity ?? rule.meta.defaultSeverity })),
  );
}

export type { Finding, Severity, FindingDraft } from './finding.js';
export type { Rule, RuleContext, RuleMeta } from './rule.js';
