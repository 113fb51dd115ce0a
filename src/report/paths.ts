import { isAbsolute, relative, resolve } from 'node:path';
import type { SourceRoot } from './formats.js';

/**
 * A finding's file as a forward-slash path from the repository root; unchanged without a root.
 * Pure: both paths of the root are absolute, so nothing depends on the process's directory.
 */
export function pathFromRoot(file: string, sourceRoot: SourceRoot | undefined): string {
  if (!sourceRoot) return file.split('\\').join('/');
  const absolute = isAbsolute(file) ? file : resolve(sourceRoot.cwd, file);
  const fromRoot = relative(sourceRoot.root, absolute);
  // A file outside the repository keeps its absolute path rather than climbing out with `..`.
  const path = fromRoot === '' || fromRoot.startsWith('..') || isAbsolute(fromRoot) ? absolute : fromRoot;
  return path.split('\\').join('/');
}
