import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type * as Sarif from 'sarif';
import { formatSarif } from '../../src/report/index.js';
import { RULES } from '../../src/rules/index.js';
import { failingResult, passingResult, SOURCE_ROOT } from '../support/check-results.js';

const ruleDocs = RULES.map((rule) => ({ id: rule.meta.id, markdown: readFileSync(new URL(`../../docs/rules/${rule.meta.id}.md`, import.meta.url), 'utf8') }));

function parse(text: string): Sarif.Log {
  return JSON.parse(text) as Sarif.Log;
}

describe('SARIF report', () => {
  it('is stable', () => {
    const log = parse(formatSarif(failingResult, { sourceRoot: SOURCE_ROOT, ruleDocs }));
    const run = log.runs[0]!;
    // The rules' pages have snapshots of their own: the files.
    const rules = run.tool.driver.rules!.map((rule) => ({ ...rule, help: { text: `<${rule.id}.md>` } }));
    expect({ ...log, runs: [{ ...run, tool: { driver: { ...run.tool.driver, version: '<version>', semanticVersion: '<version>', rules } } }] }).toMatchSnapshot();
  });

  it('describes every rule with its page, and points each result at its rule', () => {
    const run = parse(formatSarif(failingResult, { sourceRoot: SOURCE_ROOT, ruleDocs })).runs[0]!;
    const rules = run.tool.driver.rules!;
    expect(rules.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.meta.id));
    for (const rule of rules) {
      expect(rule.help?.markdown).toContain(`# ${rule.id}`);
      expect(rule.helpUri).toBeUndefined();
      expect(rule.fullDescription?.text).not.toContain('\n');
    }
    for (const result of run.results!) expect(rules[result.ruleIndex!]!.id).toBe(result.ruleId);
  });

  it('places findings at a file from %SRCROOT%, at an object, or nowhere', () => {
    const run = parse(formatSarif(failingResult, { sourceRoot: SOURCE_ROOT })).runs[0]!;
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///repo/' } });
    const [atFile, atObject, oddPath, general] = run.results!;
    expect(atFile!.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'services/api/alembic/versions/b2_tables.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 42 } });
    expect(atObject!.locations).toEqual([{ logicalLocations: [{ name: 'platformtype', fullyQualifiedName: 'platformtype' }] }]);
    expect(oddPath!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('services/api/alembic/versions/dir%2C%20with%3A%20odd/c3.py');
    expect(general!.locations).toEqual([]);
    expect(run.results!.map((result) => result.level)).toEqual(['error', 'error', 'warning', 'note']);
  });

  it('has no results when it is safe', () => {
    expect(parse(formatSarif(passingResult)).runs[0]!.results).toEqual([]);
  });
});
