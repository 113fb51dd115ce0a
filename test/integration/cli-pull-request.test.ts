import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type * as Sarif from 'sarif';
import { runCli } from '../support/cli.js';
import { pullRequestRepository, type PullRequestRepository } from '../support/git-history.js';
import { reportSchemaErrors } from '../support/report-schema.js';

// Offline checks in a real git repository: what a pull-request job runs.
let repository: PullRequestRepository | undefined;
afterEach(() => {
  repository?.remove();
  repository = undefined;
});

const OLD_FILE = 'alembic/versions/b2c3d4e5f6a1_create_ad_accounts.py';
const NEW_FILE = 'alembic/versions/d4e5f6a1b2c3_platformtype_again.py';

function checkIn(repo: PullRequestRepository, ...flags: string[]) {
  return runCli(['check', '--manifest', 'schema-manifest.json', '--migrations', 'alembic/versions', '--sqlalchemy-version', '1.4.46', ...flags], {}, repo.root);
}

interface Report {
  ok: boolean;
  summary: Record<string, number>;
  findings: { rule: string; severity: string; file?: string; demotedFrom?: string }[];
  changedSince?: { ref: string; mergeBase: string; revisions: string[] };
  suppressed?: { finding: { rule: string; file?: string }; suppression: { reason: string } }[];
}

async function checkJson(repo: PullRequestRepository, ...flags: string[]) {
  const result = await checkIn(repo, '--format', 'json', ...flags);
  const report = JSON.parse(result.stdout) as Report;
  expect(reportSchemaErrors(report)).toEqual([]);
  return { ...result, report };
}

describe('check --changed-since', () => {
  it('fails only for the pull request’s own revisions', async () => {
    repository = pullRequestRepository();
    repository.add('c3d4e5f6a1b2_create_budgets.py', { commit: true });
    expect((await checkIn(repository)).code).toBe(1);

    const harmless = await checkIn(repository, '--changed-since', 'main');
    expect(harmless.code).toBe(0);
    expect(harmless.stdout).toContain('(error in an unchanged file)');
    expect(harmless.stdout).toContain('1 finding in revisions unchanged since main was reported as info');
    expect(harmless.stdout).toMatch(/note: --changed-since main \(merge base [0-9a-f]{12}\): changed revision: c3d4e5f6a1b2/);

    repository.add('d4e5f6a1b2c3_platformtype_again.py');
    const { code, report } = await checkJson(repository, '--changed-since', 'main');
    expect(code).toBe(1);
    expect(report.findings.map((finding) => [finding.severity, finding.file, finding.demotedFrom])).toEqual([
      ['info', OLD_FILE, 'error'],
      ['error', NEW_FILE, undefined],
    ]);
    expect(report.summary).toEqual({ errors: 1, warnings: 0, infos: 1, demoted: 1 });
    expect(report.changedSince).toEqual({ ref: 'main', mergeBase: repository.git('rev-parse', 'main'), revisions: ['c3d4e5f6a1b2', 'd4e5f6a1b2c3'] });
  });

  it('says so in the github and markdown reports', async () => {
    repository = pullRequestRepository();
    repository.add('c3d4e5f6a1b2_create_budgets.py', { commit: true });
    const github = await checkIn(repository, '--changed-since', 'main', '--format', 'github');
    expect(github.code).toBe(0);
    expect(github.stdout).toContain(`::notice file=${OLD_FILE},line=21,title=enum-created-twice::`);
    expect(github.stdout).toMatch(/: safe to migrate \(1 finding in revisions unchanged since main was reported as info\)\n$/);
    const markdown = await checkIn(repository, '--changed-since', 'main', '--format', 'markdown');
    expect(markdown.stdout).toContain('1 finding in revisions unchanged since main was reported as info.');
    expect(markdown.stdout).toContain('| ℹ️ info (error, unchanged file) |');
  });

  it('a bad ref, or no git repository, is one line and exit 2', async () => {
    repository = pullRequestRepository();
    const badRef = await checkIn(repository, '--changed-since', 'origin/main');
    expect(badRef.code).toBe(2);
    expect(badRef.stdout).toBe('');
    expect(badRef.stderr).toBe(`schema-gate: error: --changed-since origin/main: no such git revision in ${repository.git('rev-parse', '--show-toplevel')} (in a shallow clone, fetch it first, e.g. actions/checkout with fetch-depth: 0)\n`);

    const outside = await mkdtemp(join(tmpdir(), 'schema-gate-nogit-'));
    try {
      writeFileSync(join(outside, 'm.json'), '{"version": 1}');
      const noRepo = await runCli(['check', '--manifest', 'm.json', '--migrations', '.', '--changed-since', 'main'], {}, outside);
      expect(noRepo.code).toBe(2);
      expect(noRepo.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^schema-gate: error: --changed-since main: .* is not inside a git work tree$/)]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('is a flag of check, not of run: a deploy fails on every error', async () => {
    repository = pullRequestRepository();
    const result = await runCli(['run', '--manifest', 'schema-manifest.json', '--migrations', 'alembic/versions', '--database-url', 'postgres://127.0.0.1:1/x', '--changed-since', 'main', '--', 'true'], {}, repository.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('changed-since');
  });
});

describe('# schema-gate: ignore comments', () => {
  function suppressOldError(repo: PullRequestRepository): void {
    repo.add('c3d4e5f6a1b2_create_budgets.py');
    const file = join(repo.root, OLD_FILE);
    const text = readFileSync(file, 'utf8').replace('    op.execute("CREATE TYPE', '    # schema-gate: ignore enum-created-twice -- production got the type by hand in 2025\n    op.execute("CREATE TYPE');
    writeFileSync(file, `${text}# schema-gate: ignore-file table-already-exists -- nothing to silence\n`);
  }

  it('silence the covered finding; the JSON report lists it and the unused one is a warning', async () => {
    repository = pullRequestRepository();
    suppressOldError(repository);
    const { code, report } = await checkJson(repository);
    expect(code).toBe(0);
    expect(report.summary).toEqual({ errors: 0, warnings: 1, infos: 0, suppressed: 1 });
    expect(report.findings.map((finding) => [finding.rule, finding.file])).toEqual([['unused-suppression', OLD_FILE]]);
    expect(report.suppressed).toEqual([
      {
        finding: expect.objectContaining({ rule: 'enum-created-twice', file: OLD_FILE, line: 22 }),
        suppression: { file: OLD_FILE, line: 21, scope: 'line', reason: 'production got the type by hand in 2025' },
      },
    ]);
    expect((await checkIn(repository, '--strict')).code).toBe(1);
  });

  it('text, github and SARIF reports mention them', async () => {
    repository = pullRequestRepository();
    suppressOldError(repository);
    expect((await checkIn(repository)).stdout).toContain('1 finding silenced by # schema-gate: ignore comments');
    expect((await checkIn(repository, '--format', 'github')).stdout).toMatch(/\(1 finding silenced by # schema-gate: ignore comments\)\n$/);
    const log = JSON.parse((await checkIn(repository, '--format', 'sarif')).stdout) as Sarif.Log;
    const suppressed = log.runs[0]!.results!.filter((result) => result.suppressions);
    expect(suppressed.map((result) => [result.ruleId, result.suppressions])).toEqual([['enum-created-twice', [{ kind: 'inSource', justification: 'production got the type by hand in 2025' }]]]);
  });
});
