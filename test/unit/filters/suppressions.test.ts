import { describe, expect, it } from '@jest/globals';
import { readSuppressionComments } from '../../../src/migrations/alembic/suppressions.js';
import type { SuppressionComment } from '../../../src/migrations/source.js';
import { compareStates } from '../../../src/model/compare.js';
import { EMPTY_SCHEMA_STATE } from '../../../src/model/schema-state.js';
import { RULES, runRules, type Finding } from '../../../src/rules/index.js';
import { applySuppressions } from '../../../src/rules/filters/suppressions.js';

const FILE = 'versions/0002_again.py';

const finding = (rule: string, line: number | undefined, file: string | null = FILE): Finding => ({
  rule,
  severity: 'error',
  message: `${rule} here`,
  hint: 'fix it',
  ...(file !== null ? { file } : {}),
  ...(line !== undefined ? { line } : {}),
});

const comment = (overrides: Partial<SuppressionComment>): SuppressionComment => ({
  file: FILE,
  line: 10,
  scope: 'line',
  coveredLine: 11,
  rules: ['enum-created-twice'],
  reason: 'reviewed',
  ...overrides,
});

const KNOWN = new Set(RULES.map((rule) => rule.meta.id));
const apply = (findings: Finding[], comments: SuppressionComment[], checkedFiles: string[] = [FILE]) => applySuppressions(findings, comments, { knownRules: KNOWN, checkedFiles: new Set(checkedFiles) });

describe('readSuppressionComments', () => {
  it('reads a directive above a statement (covering the next line) and one after code (covering its own)', () => {
    const text = [
      'def upgrade():',
      '    # schema-gate: ignore enum-created-twice -- created by hand in 2024',
      '    op.execute("CREATE TYPE a AS ENUM (\'x\')")',
      '    op.execute("CREATE TYPE b AS ENUM (\'x\')")  # schema-gate: ignore enum-created-twice, table-already-exists -- INC-42',
      '',
    ].join('\n');
    expect(readSuppressionComments(text, FILE)).toEqual([
      { file: FILE, line: 2, coveredLine: 3, scope: 'line', rules: ['enum-created-twice'], reason: 'created by hand in 2024' },
      { file: FILE, line: 4, coveredLine: 4, scope: 'line', rules: ['enum-created-twice', 'table-already-exists'], reason: 'INC-42' },
    ]);
  });

  it('reads ignore-file anywhere, and keeps a missing reason absent', () => {
    const text = 'import x\n\n\ndef upgrade():\n    pass\n# schema-gate: ignore-file unanalyzable-statement\n';
    expect(readSuppressionComments(text, FILE)).toEqual([{ file: FILE, line: 6, coveredLine: 7, scope: 'file', rules: ['unanalyzable-statement'] }]);
  });

  it('ignores the marker inside a string, and a comment that only mentions it later', () => {
    const text = [
      'def upgrade():',
      '    op.execute("-- # schema-gate: ignore enum-created-twice -- not a comment")',
      '    """',
      '    # schema-gate: ignore enum-created-twice -- in a docstring',
      '    """',
      '    pass  # see the schema-gate: docs',
      '',
    ].join('\n');
    expect(readSuppressionComments(text, FILE)).toEqual([]);
  });

  it('says why a directive cannot be read', () => {
    const text = '# schema-gate: ignroe enum-created-twice -- typo\n# schema-gate: ignore -- no ids\n# schema-gate:\n';
    expect(readSuppressionComments(text, FILE).map((directive) => directive.malformed)).toEqual([
      expect.stringContaining('"ignroe" is not a directive'),
      expect.stringContaining('names no rule id'),
      expect.stringContaining('no directive after'),
    ]);
  });

  it('does not parse a file without the marker', () => {
    // Not valid Python at all: a parse would still succeed, but nothing must be returned or thrown.
    expect(readSuppressionComments('def (:\n  # schema gate: ignore x -- y\n', FILE)).toEqual([]);
  });
});

describe('applySuppressions', () => {
  it('silences a finding of the named rule at the covered line, and keeps the others', () => {
    const outcome = apply([finding('enum-created-twice', 11), finding('enum-created-twice', 12), finding('table-already-exists', 11)], [comment({})]);
    expect(outcome.findings.map((f) => [f.rule, f.line])).toEqual([
      ['enum-created-twice', 12],
      ['table-already-exists', 11],
    ]);
    expect(outcome.suppressed).toEqual([{ finding: finding('enum-created-twice', 11), suppression: { file: FILE, line: 10, scope: 'line', reason: 'reviewed' } }]);
    expect(outcome.problems).toEqual([]);
  });

  it('does not reach into another file, nor findings without a file', () => {
    const outcome = apply([finding('enum-created-twice', 11, 'versions/other.py'), finding('enum-created-twice', undefined, null)], [comment({ scope: 'file' })]);
    expect(outcome.suppressed).toEqual([]);
    expect(outcome.problems).toEqual([{ kind: 'unused', comment: comment({ scope: 'file' }), rule: 'enum-created-twice' }]);
  });

  it('ignore-file silences every finding of the rule in the file, with or without a line', () => {
    const outcome = apply([finding('unanalyzable-statement', 3), finding('unanalyzable-statement', undefined)], [comment({ scope: 'file', rules: ['unanalyzable-statement'] })]);
    expect(outcome.findings).toEqual([]);
    expect(outcome.suppressed).toHaveLength(2);
  });

  it('a directive without a reason silences nothing and is reported', () => {
    const withoutReason = comment({ reason: undefined });
    delete (withoutReason as { reason?: string }).reason;
    const outcome = apply([finding('enum-created-twice', 11)], [withoutReason]);
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.problems).toEqual([{ kind: 'no-reason', comment: withoutReason }]);
  });

  it('reports unknown rule ids and still applies the known ones', () => {
    const outcome = apply([finding('enum-created-twice', 11)], [comment({ rules: ['enum-created-twice', 'enum-creatd-twice'] })]);
    expect(outcome.findings).toEqual([]);
    expect(outcome.problems.map((problem) => [problem.kind, 'rule' in problem ? problem.rule : undefined])).toEqual([['unknown-rule', 'enum-creatd-twice']]);
  });

  it('reports a directive that matched nothing only in files whose findings were all looked for', () => {
    expect(apply([], [comment({})]).problems.map((problem) => problem.kind)).toEqual(['unused']);
    expect(apply([], [comment({})], []).problems).toEqual([]);
  });

  it('never silences unused-suppression itself', () => {
    const outcome = apply([finding('unused-suppression', 11)], [comment({ rules: ['unused-suppression'] })]);
    expect(outcome.findings).toHaveLength(1);
  });
});

describe('unused-suppression', () => {
  const context = { expected: EMPTY_SCHEMA_STATE, actual: EMPTY_SCHEMA_STATE, diff: compareStates(EMPTY_SCHEMA_STATE, EMPTY_SCHEMA_STATE), actualDescription: 'the database' };

  it('reports nothing before the findings were matched against the directives', () => {
    expect(runRules(context)).toEqual([]);
  });

  it('reports each problem at the comment, as a warning, with a fix', () => {
    const problems = apply([], [comment({ rules: ['enum-created-twice', 'enum-creatd-twice'] }), comment({ line: 20, malformed: '"ignroe" is not a directive', rules: [] })]).problems;
    const findings = runRules({ ...context, suppressionProblems: problems });
    expect(findings.map((f) => [f.rule, f.severity, f.file, f.line])).toEqual([
      ['unused-suppression', 'warning', FILE, 10],
      ['unused-suppression', 'warning', FILE, 10],
      ['unused-suppression', 'warning', FILE, 20],
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining('names enum-creatd-twice, which is not a rule'),
      expect.stringContaining('suppression of enum-created-twice matches no finding at line 11'),
      expect.stringContaining('cannot be read: "ignroe" is not a directive'),
    ]);
    expect(findings[0]?.hint).toContain('did you mean enum-created-twice');
  });
});
