/**
 * What a pull request changed, as git sees it: the files added or modified since the merge base of
 * a ref and HEAD — committed, staged or not, and untracked files — which is what an author would
 * call theirs. git runs through execFile, never a shell, in the directory given.
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../errors.js';

const run = promisify(execFile);

/** The files changed since the merge base of a ref and HEAD. */
export interface ChangedFiles {
  /** The ref as given. */
  readonly ref: string;
  /** The merge base's full commit id. */
  readonly mergeBase: string;
  /** The work tree's top level. */
  readonly root: string;
  /** Whether a file (an absolute path) was added or changed. */
  isChanged(file: string): boolean;
}

/** Runs git with arguments only; a failure is returned, not thrown. */
async function git(directory: string, args: readonly string[]): Promise<{ ok: true; stdout: string } | { ok: false; code: string | number | undefined; stderr: string }> {
  try {
    // Big diffs must not hit execFile's default output limit.
    const { stdout } = await run('git', ['-C', directory, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return { ok: true, stdout };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; code?: string | number };
    return { ok: false, code: failure.code, stderr: (failure.stderr ?? '').trim() };
  }
}

/** NUL-separated paths (git's `-z`), relative to `root`, as absolute paths. */
function pathsOf(output: string, root: string): string[] {
  return output
    .split('\0')
    .filter((path) => path.length > 0)
    .map((path) => join(root, path));
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The files changed since the merge base of `ref` and HEAD, in the repository that holds
 * `directory`. Not a repository, no git, an unknown ref or no common history is an InputError.
 */
export async function changedFilesSince(ref: string, directory: string): Promise<ChangedFiles> {
  const flag = `--changed-since ${ref}`;
  // A ref starting with "-" would be read as an option.
  if (ref.length === 0 || ref.startsWith('-')) throw new InputError(`${flag}: not a git revision`);
  const top = await git(directory, ['rev-parse', '--show-toplevel']);
  if (!top.ok) {
    if (top.code === 'ENOENT') throw new InputError(`${flag}: git is not installed (or not on PATH)`);
    throw new InputError(`${flag}: ${directory} is not inside a git work tree`);
  }
  const root = top.stdout.trim();
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit.ok) throw new InputError(`${flag}: no such git revision in ${root} (in a shallow clone, fetch it first, e.g. actions/checkout with fetch-depth: 0)`);
  const base = await git(root, ['merge-base', commit.stdout.trim(), 'HEAD']);
  if (!base.ok) throw new InputError(`${flag}: it has no common ancestor with HEAD (in a shallow clone, fetch more history, e.g. fetch-depth: 0)`);
  const mergeBase = base.stdout.trim();
  // Run from the top level so that paths are relative to it whatever diff.relative says; no
  // rename detection, so that a moved file counts as added.
  const [diff, untracked] = await Promise.all([
    git(root, ['diff', '--name-only', '--no-renames', '-z', mergeBase, '--']),
    git(root, ['ls-files', '--others', '--exclude-standard', '-z']),
  ]);
  if (!diff.ok) throw new InputError(`${flag}: git diff failed: ${diff.stderr.split('\n')[0] ?? ''}`);
  if (!untracked.ok) throw new InputError(`${flag}: git ls-files failed: ${untracked.stderr.split('\n')[0] ?? ''}`);
  const changed = new Set([...pathsOf(diff.stdout, root), ...pathsOf(untracked.stdout, root)]);
  const answers = new Map<string, boolean>();
  return {
    ref,
    mergeBase,
    root,
    isChanged(file) {
      const absolute = resolve(file);
      let answer = answers.get(absolute);
      if (answer === undefined) {
        answer = changed.has(absolute) || changed.has(realPath(absolute));
        answers.set(absolute, answer);
      }
      return answer;
    },
  };
}
