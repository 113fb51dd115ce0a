import type { Finding, Severity } from './finding.js';
import type { Rule } from './rule.js';

/** What a project may set a rule to: one of the severities, or `off` to drop its findings. */
export type RuleSeverity = Severity | 'off';

/** Every value of RuleSeverity, mildest first. */
export const RULE_SEVERITIES = ['off', 'info', 'warning', 'error'] as const satisfies readonly RuleSeverity[];

/** Severity overrides by rule id, e.g. from the `rules` of the configuration file. */
export type RuleSeverities = Readonly<Record<string, RuleSeverity>>;

/**
 * Applies overrides to findings: a rule set to `off` reports nothing, any other value replaces the
 * severity of each of its findings — also one that the rule chose per finding.
 */
export function applySeverities(findings: readonly Finding[], severities: RuleSeverities): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const override = Object.hasOwn(severities, finding.rule) ? severities[finding.rule] : undefined;
    if (override === undefined) result.push(finding);
    else if (override !== 'off') result.push(override === finding.severity ? finding : { ...finding, severity: override });
  }
  return result;
}

/** The ids among the overrides that name no rule. */
export function unknownRuleIds(severities: RuleSeverities, rules: readonly Rule[]): string[] {
  const known = new Set(rules.map((rule) => rule.meta.id));
  return Object.keys(severities).filter((id) => !known.has(id));
}
