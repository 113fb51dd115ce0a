import { describe, expect, it } from '@jest/globals';
import { formatMarkdown } from '../../src/report/index.js';
import { failingResult, passingResult, SOURCE_ROOT } from '../support/check-results.js';

describe('Markdown report', () => {
  it('heads with the verdict and tabulates findings with linked rules and fixes', () => {
    expect(formatMarkdown(failingResult, { sourceRoot: SOURCE_ROOT })).toMatchSnapshot();
  });

  it('says when it is safe, without a table', () => {
    const markdown = formatMarkdown(passingResult);
    expect(markdown).toMatch(/^### ✅ schema-gate: safe to migrate \(0 errors, 0 warnings\)\n/);
    expect(markdown).not.toContain('| severity |');
  });

  it('keeps every finding on one table row', () => {
    const rows = formatMarkdown(failingResult).split('\n').filter((line) => line.startsWith('| '));
    expect(rows).toHaveLength(2 + failingResult.findings.length);
    expect(rows[3]).toContain('"a\\|b", 100% &lt;new><br>second line');
  });

  it('links rules relatively, or names them without links', () => {
    expect(formatMarkdown(failingResult)).toContain('[`enum-created-twice`](docs/rules/enum-created-twice.md)');
    expect(formatMarkdown(failingResult, { linkRules: false })).not.toContain('](docs/rules/');
  });
});
