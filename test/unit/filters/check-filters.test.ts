import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { check } from '../../../src/check.js';
import { InputError } from '../../../src/errors.js';
import { PULL_REQUEST_FIXTURE, pullRequestRepository, type PullRequestRepository } from '../../support/git-history.js';

const OLD_FILE = 'alembic/versions/b2c3d4e5f6a1_create_ad_accounts.py';
const NEW_FILE = 'alembic/versions/d4e5f6a1b2c3_platformtype_again.py';

let repository: PullRequestRepository | undefined;
const directories: string[] = [];
afterEach(() => {
  repository?.remove();
  repository = undefined;
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function checkRepository(repo: PullRequestRepository, changedSince?: string) {
  return check({ manifestFile: repo.manifest, migrationsDir: repo.versions, cwd: repo.root, sqlalchemyVersion: '1.4.46', ...(changedSince !== undefined ? { changedSince } : {}) });
}

const brief = (result: Awaited<ReturnType<typeof check>>) => result.findings.map((finding) => [finding.rule, finding.severity, finding.file, finding.demotedFrom]);

describe('check with changedSince', () => {
  it('fails on the old problem without it, and reports it as info with it when the branch only adds a harmless revision', async () => {
    repository = pullRequestRepository();
    repository.add('c3d4e5f6a1b2_create_budgets.py', { commit: true });
    const all = await checkRepository(repository);
    expect(all.ok).toBe(false);
    expect(brief(all)).toEqual([['enum-created-twice', 'error', OLD_FILE, undefined]]);

    const changedOnly = await checkRepository(repository, 'main');
    expect(changedOnly.ok).toBe(true);
    expect(brief(changedOnly)).toEqual([['enum-created-twice', 'info', OLD_FILE, 'error']]);
    expect(changedOnly.summary).toEqual({ errors: 0, warnings: 0, infos: 1, demoted: 1 });
    expect(changedOnly.changedSince).toEqual({ ref: 'main', mergeBase: repository.git('rev-parse', 'main'), revisions: ['c3d4e5f6a1b2'] });
  });

  it('fails for a new revision that collides with an old one: the finding is at the second creation, in the new file (untracked files count)', async () => {
    repository = pullRequestRepository();
    repository.add('c3d4e5f6a1b2_create_budgets.py', { commit: true });
    repository.add('d4e5f6a1b2c3_platformtype_again.py');
    const result = await checkRepository(repository, 'main');
    expect(result.ok).toBe(false);
    expect(brief(result)).toEqual([
      ['enum-created-twice', 'info', OLD_FILE, 'error'],
      ['enum-created-twice', 'error', NEW_FILE, undefined],
    ]);
    expect(result.changedSince?.revisions).toEqual(['c3d4e5f6a1b2', 'd4e5f6a1b2c3']);
  });

  it('counts an uncommitted change to an old revision as the author’s', async () => {
    repository = pullRequestRepository();
    appendFileSync(join(repository.versions, 'b2c3d4e5f6a1_create_ad_accounts.py'), '\n# touched\n');
    repository.add('c3d4e5f6a1b2_create_budgets.py', { commit: true });
    const result = await checkRepository(repository, 'main');
    expect(brief(result)).toEqual([['enum-created-twice', 'error', OLD_FILE, undefined]]);
  });

  it('keeps the severity of findings without a file (the manifest) and of history-wide rules', async () => {
    repository = pullRequestRepository();
    writeFileSync(repository.manifest, JSON.stringify({ version: 1, enums: { platformtype: ['meta_ads'] }, tables: ['campaigns', 'ad_accounts'] }));
    const result = await checkRepository(repository, 'main');
    expect(brief(result)).toEqual([
      ['enum-created-twice', 'info', OLD_FILE, 'error'],
      ['enum-labels-differ', 'error', undefined, undefined],
    ]);
  });

  it('an unknown ref or a directory outside git is an InputError of one line', async () => {
    repository = pullRequestRepository();
    await expect(checkRepository(repository, 'origin/mian')).rejects.toThrow(InputError);
    await expect(checkRepository(repository, 'origin/mian')).rejects.toMatchObject({ lines: [expect.stringContaining('--changed-since origin/mian: no such git revision')] });
    await expect(checkRepository(repository, '--output=x')).rejects.toMatchObject({ lines: ['--changed-since --output=x: not a git revision'] });

    const outside = mkdtempSync(join(tmpdir(), 'schema-gate-nogit-'));
    directories.push(outside);
    await expect(check({ manifestFile: repository.manifest, migrationsDir: outside, changedSince: 'main' })).rejects.toMatchObject({
      lines: [`--changed-since main: ${outside} is not inside a git work tree`],
    });
    await expect(check({ manifestFile: repository.manifest, changedSince: 'main' })).rejects.toMatchObject({ lines: [expect.stringContaining('--changed-since needs the migrations')] });
  });
});

/** A versions directory with the fixture's base, and the given files of `change/` with their text edited. */
function history(edits: Record<string, (text: string) => string>, base: Record<string, (text: string) => string> = {}): string {
  const directory = mkdtempSync(join(tmpdir(), 'schema-gate-suppress-'));
  directories.push(directory);
  for (const name of ['a1b2c3d4e5f6_create_campaigns.py', 'b2c3d4e5f6a1_create_ad_accounts.py']) {
    writeFileSync(join(directory, name), (base[name] ?? ((text: string) => text))(readFileSync(join(PULL_REQUEST_FIXTURE, 'base', name), 'utf8')));
  }
  for (const [name, edit] of Object.entries(edits)) writeFileSync(join(directory, name), edit(readFileSync(join(PULL_REQUEST_FIXTURE, 'change', name), 'utf8')));
  copyFileSync(join(PULL_REQUEST_FIXTURE, 'manifest.json'), join(directory, 'manifest.json'));
  return directory;
}

const CREATE = '    op.execute("CREATE TYPE platformtype';

describe('check with # schema-gate comments', () => {
  it('silences what a directive covers, counts it, and lists it with the comment', async () => {
    const directory = history(
      {
        'c3d4e5f6a1b2_create_budgets.py': (text) => text,
        'd4e5f6a1b2c3_platformtype_again.py': (text) => text.replace(CREATE, `    # schema-gate: ignore enum-created-twice -- the type is dropped by hand first\n${CREATE}`),
      },
      { 'b2c3d4e5f6a1_create_ad_accounts.py': (text) => `${text}\n# schema-gate: ignore-file enum-created-twice -- production has it since 2025\n` },
    );
    const result = await check({ manifestFile: join(directory, 'manifest.json'), migrationsDir: directory, cwd: directory });
    expect(result.ok).toBe(true);
    expect(result.findings).toEqual([]);
    expect(result.summary).toEqual({ errors: 0, warnings: 0, infos: 0, suppressed: 2 });
    expect(result.suppressed?.map(({ finding, suppression }) => [finding.file, finding.line, suppression])).toEqual([
      ['b2c3d4e5f6a1_create_ad_accounts.py', 21, { file: 'b2c3d4e5f6a1_create_ad_accounts.py', line: 33, scope: 'file', reason: 'production has it since 2025' }],
      ['d4e5f6a1b2c3_platformtype_again.py', 20, { file: 'd4e5f6a1b2c3_platformtype_again.py', line: 19, scope: 'line', reason: 'the type is dropped by hand first' }],
    ]);
  });

  it('a directive on a line the finding does not name silences nothing and is reported as unused', async () => {
    const directory = history({
      'c3d4e5f6a1b2_create_budgets.py': (text) => text.replace('def upgrade():', '# schema-gate: ignore enum-created-twice -- wrong place\ndef upgrade():'),
    });
    const result = await check({ manifestFile: join(directory, 'manifest.json'), migrationsDir: directory, cwd: directory });
    expect(result.findings.map((finding) => [finding.rule, finding.severity, finding.file, finding.line])).toEqual([
      ['enum-created-twice', 'error', 'b2c3d4e5f6a1_create_ad_accounts.py', 21],
      ['unused-suppression', 'warning', 'c3d4e5f6a1b2_create_budgets.py', 19],
    ]);
    expect(result.suppressed).toBeUndefined();
  });

  it('reads the comments of a file that was not simulated when a finding names it (a graph finding)', async () => {
    // Two revisions on one parent: two heads, so nothing is simulated.
    const directory = history({
      'c3d4e5f6a1b2_create_budgets.py': (text) => text.replace("revision = 'c3d4e5f6a1b2'", "# schema-gate: ignore multiple-heads -- merged in the next release\nrevision = 'c3d4e5f6a1b2'"),
      'd4e5f6a1b2c3_platformtype_again.py': (text) => text.replace("down_revision = 'c3d4e5f6a1b2'", "down_revision = 'b2c3d4e5f6a1'"),
    });
    const result = await check({ manifestFile: join(directory, 'manifest.json'), migrationsDir: directory, cwd: directory });
    expect(result.suppressed?.map(({ finding }) => finding.rule)).toEqual(['multiple-heads']);
    expect(result.findings.map((finding) => finding.rule)).not.toContain('multiple-heads');
  });
});
