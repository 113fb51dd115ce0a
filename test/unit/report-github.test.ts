import { describe, expect, it } from '@jest/globals';
import { formatGithub, renderResult } from '../../src/report/index.js';
import { failingResult, passingResult, SOURCE_ROOT } from '../support/check-results.js';

describe('GitHub report', () => {
  it('annotates each finding, names files from the repository root, and summarises in Markdown', () => {
    const report = formatGithub(failingResult, { sourceRoot: SOURCE_ROOT });
    expect(report.stdout).toMatchSnapshot();
    expect(report.summary).toMatchSnapshot();
  });

  it('maps severities to error, warning and notice', () => {
    const commands = formatGithub(failingResult).stdout.split('\n').map((line) => /^::(\w+) /.exec(line)?.[1]).filter(Boolean);
    expect(commands).toEqual(['error', 'error', 'warning', 'notice']);
  });

  it('escapes the message and the properties as GitHub requires', () => {
    const lines = formatGithub(failingResult, { sourceRoot: SOURCE_ROOT }).stdout.split('\n');
    expect(lines[1]).toContain('100%25 <new>%0Asecond line');
    expect(lines[2]).toContain('file=services/api/alembic/versions/dir%2C with%3A odd/c3.py,line=7,title=unanalyzable-statement::');
  });

  it('keeps paths as they are without a repository root', () => {
    expect(formatGithub(failingResult).stdout).toContain('::error file=alembic/versions/b2_tables.py,line=42,title=enum-created-twice::');
  });

  it('says when it is safe, and renderResult passes the summary on', () => {
    expect(renderResult(passingResult, 'github', { color: false })).toEqual({ stdout: 'schema-gate check (offline): 0 errors, 0 warnings: safe to migrate\n', summary: expect.stringContaining('✅') });
  });
});
