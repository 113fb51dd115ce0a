import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pull-request fixture: `base/` on main (an old error), `change/` the revisions a branch adds, `manifest.json`. */
export const PULL_REQUEST_FIXTURE = fileURLToPath(new URL('../fixtures/pull-request/', import.meta.url));

/** A temporary git repository holding the fixture's base history on `main`, checked out on a branch `feature`. */
export interface PullRequestRepository {
  readonly root: string;
  readonly versions: string;
  readonly manifest: string;
  /** Copies a file of `change/` into the versions directory; commits it when asked. */
  add(name: string, options?: { commit?: boolean }): string;
  git(...args: string[]): string;
  remove(): void;
}

export function pullRequestRepository(): PullRequestRepository {
  const root = mkdtempSync(join(tmpdir(), 'schema-gate-pr-'));
  const versions = join(root, 'alembic', 'versions');
  mkdirSync(versions, { recursive: true });
  // No user or system configuration: the tests must not depend on the machine's git settings.
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: root, env, encoding: 'utf8' }).trim();
  for (const name of readdirSync(join(PULL_REQUEST_FIXTURE, 'base'))) copyFileSync(join(PULL_REQUEST_FIXTURE, 'base', name), join(versions, name));
  copyFileSync(join(PULL_REQUEST_FIXTURE, 'manifest.json'), join(root, 'schema-manifest.json'));
  git('init', '--quiet', '--initial-branch=main');
  git('add', '.');
  git('commit', '--quiet', '-m', 'base');
  git('checkout', '--quiet', '-b', 'feature');
  return {
    root,
    versions,
    manifest: join(root, 'schema-manifest.json'),
    add(name, options = {}) {
      const target = join(versions, name);
      copyFileSync(join(PULL_REQUEST_FIXTURE, 'change', name), target);
      if (options.commit) {
        git('add', target);
        git('commit', '--quiet', '-m', `add ${name}`);
      }
      return target;
    },
    git,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
