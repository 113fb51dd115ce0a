import type { RevisionFileProblem } from '../migrations/alembic/parse-revision.js';
import { firstLocation } from './migration-location.js';
import { defineRule, migrationProblemsOf } from './rule.js';

function describe(problem: RevisionFileProblem | { kind: string; reason?: string }): { message: string; hint: string } {
  switch (problem.kind) {
    case 'syntax-error':
      return { message: 'the file is not valid Python: Alembic fails while loading the versions directory', hint: 'fix the syntax error (python3 -m py_compile FILE shows it)' };
    case 'invalid-value':
      return { message: `the revision variables cannot be used by Alembic (${'reason' in problem ? problem.reason : ''})`, hint: 'set revision to a string and down_revision to None, a string, or a tuple of strings' };
    case 'missing-revision-variable':
      return { message: 'the file in the versions directory defines no revision variable: Alembic fails with "Could not determine revision id from filename"', hint: 'move helper modules out of the versions directory (import them from elsewhere), or add the revision variables' };
    case 'missing-down-revision':
      return { message: 'the file defines revision but no down_revision: Alembic fails while loading it', hint: 'add down_revision = None (a base) or the parent revision' };
    case 'bytecode-only-script':
      return { message: 'only compiled bytecode is present for this revision', hint: 'restore the .py source' };
    default:
      return { message: `the file cannot be read${'reason' in problem && problem.reason ? ` (${problem.reason})` : ''}`, hint: 'check the file permissions and encoding (UTF-8)' };
  }
}

/** A revision file Alembic cannot load (and that schema-gate therefore cannot place in the graph). */
export default defineRule({
  meta: {
    id: 'unreadable-revision-file',
    description: 'A file in the versions directory cannot be loaded as a revision: Alembic itself fails on it.',
    defaultSeverity: 'error',
    wholeHistory: true,
  },
  check: (context) =>
    migrationProblemsOf(context, 'syntax-error', 'invalid-value', 'missing-revision-variable', 'missing-down-revision', 'bytecode-only-script', 'unreadable-file').map(({ problem }) => ({
      ...firstLocation(problem.locations),
      ...describe(problem),
    })),
});
