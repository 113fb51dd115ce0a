import { describe, expect, it } from '@jest/globals';
import type { Finding } from '../../../src/rules/index.js';
import { demoteUnchanged } from '../../../src/rules/filters/changed-since.js';

const finding = (rule: string, severity: Finding['severity'], file?: string): Finding => ({ rule, severity, message: 'm', hint: 'h', ...(file ? { file, line: 3 } : {}) });
const isChanged = (file: string) => file === 'versions/new.py';

describe('demoteUnchanged', () => {
  it('reports errors and warnings of unchanged files as info, keeping the rule severity', () => {
    const outcome = demoteUnchanged([finding('enum-created-twice', 'error', 'versions/old.py'), finding('unanalyzable-statement', 'warning', 'versions/old.py')], isChanged, new Set());
    expect(outcome.findings.map((f) => [f.severity, f.demotedFrom])).toEqual([
      ['info', 'error'],
      ['info', 'warning'],
    ]);
    expect(outcome.demoted).toBe(2);
  });

  it('keeps findings of changed files', () => {
    const outcome = demoteUnchanged([finding('enum-created-twice', 'error', 'versions/new.py')], isChanged, new Set());
    expect(outcome.findings[0]).toEqual(finding('enum-created-twice', 'error', 'versions/new.py'));
    expect(outcome.demoted).toBe(0);
  });

  it('keeps findings without a file (the schema against the manifest) and of rules about the whole history', () => {
    const findings = [finding('enum-labels-differ', 'error'), finding('multiple-heads', 'error', 'versions/old.py')];
    const outcome = demoteUnchanged(findings, isChanged, new Set(['multiple-heads']));
    expect(outcome.findings).toEqual(findings);
    expect(outcome.demoted).toBe(0);
  });

  it('leaves infos alone and does not count them', () => {
    const outcome = demoteUnchanged([finding('x', 'info', 'versions/old.py')], isChanged, new Set());
    expect(outcome.findings[0]).toEqual(finding('x', 'info', 'versions/old.py'));
    expect(outcome.demoted).toBe(0);
  });
});
