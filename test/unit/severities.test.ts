import { describe, expect, it } from '@jest/globals';
import { compareStates } from '../../src/model/compare.js';
import { createSchemaState } from '../../src/model/schema-state.js';
import { RULES, runRules, unknownRuleIds } from '../../src/rules/index.js';
import { applySeverities } from '../../src/rules/severities.js';
import type { Finding } from '../../src/rules/finding.js';

const expected = createSchemaState([{ schema: 'public', name: 'a', labels: ['x'] }], []);
const actual = createSchemaState([], [{ schema: 'public', name: 'extra', enumColumns: [] }]);
const context = { expected, actual, diff: compareStates(expected, actual), actualDescription: 'the database' };

describe('severity overrides', () => {
  it('leave findings as the rules report them when there are none', () => {
    expect(runRules(context).map((f) => [f.rule, f.severity])).toEqual([
      ['enum-missing', 'error'],
      ['table-not-in-manifest', 'warning'],
    ]);
  });

  it('turn a rule off and change the severity of another', () => {
    const findings = runRules(context, RULES, { 'enum-missing': 'off', 'table-not-in-manifest': 'error' });
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['table-not-in-manifest', 'error']]);
  });

  it('replace a severity the rule chose per finding', () => {
    const finding: Finding = { rule: 'enum-created-twice', severity: 'warning', message: 'm', hint: 'h' };
    expect(applySeverities([finding], { 'enum-created-twice': 'info' })).toEqual([{ ...finding, severity: 'info' }]);
    expect(applySeverities([finding], { 'enum-missing': 'off' })).toEqual([finding]);
  });

  it('are not confused by names of Object.prototype', () => {
    const finding: Finding = { rule: 'toString', severity: 'warning', message: 'm', hint: 'h' };
    expect(applySeverities([finding], {})).toEqual([finding]);
  });

  it('name the ids that are no rule', () => {
    expect(unknownRuleIds({ 'enum-missing': 'off', 'enum-mising': 'off' }, RULES)).toEqual(['enum-mising']);
  });
});
