import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseRevisionFile, parseWholeRevisionFile } from '../../../src/migrations/alembic/parse-revision.js';

/** Every Python file under a directory, recursively. */
function pythonFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return pythonFiles(path);
    return entry.name.endsWith('.py') ? [path] : [];
  });
}

const EDGE_CASES: Readonly<Record<string, string>> = {
  'revision reassigned after a definition': "revision = 'a'\ndown_revision = None\n\ndef upgrade():\n    pass\n\nrevision = 'b'\n",
  'syntax error in upgrade()': "revision = 'a'\ndown_revision = None\n\ndef upgrade():\n    op.execute('x'\n\ndef downgrade():\n    pass\n",
  'syntax error before the first definition': "revision = 'a'\ndown_revision = (\n\ndef upgrade():\n    pass\n",
  'a docstring with a line that looks like a definition': "\"\"\"notes\ndef upgrade(): not code\n\"\"\"\nrevision = 'a'\ndown_revision = None\n\ndef upgrade():\n    pass\n",
  'variables only after the definitions': "def upgrade():\n    pass\n\nrevision = 'a'\ndown_revision = None\n",
  'no definitions': "revision = 'a'\ndown_revision = None\n",
  'a decorated upgrade': "import functools\nrevision = 'a'\ndown_revision = None\n\n@functools.wraps(print)\ndef upgrade():\n    pass\n",
  'an unclosed bracket before the first definition': "revision = 'a'\ndown_revision = foo(None,\n\ndef upgrade():\n    pass\n",
  'an unclosed string before the first definition': "revision = 'a'\ndown_revision = None\nx = '\ndef upgrade():\n    pass\n",
  'an empty file': '',
};

/**
 * What the whole parse says, but for the one thing only it can see: a syntax error after the header
 * (the module cannot be imported), which the header parse leaves to the analysis of upgrade().
 */
function withoutLaterSyntaxError(text: string, file: string): unknown {
  const whole = parseWholeRevisionFile(text, file).parsed;
  if (whole.parsedWholeFile) return whole;
  return { ...whole, problems: whole.problems.filter((problem) => problem.kind !== 'syntax-error') };
}

describe('parseWholeRevisionFile', () => {
  // The offline check reads each file with one whole parse; the graph must not notice.
  it.each(pythonFiles(join(import.meta.dirname, '..', '..', 'fixtures')).concat(pythonFiles(join(import.meta.dirname, '..', '..', '..', 'examples'))))(
    'says what parseRevisionFile says of %s',
    (file) => {
      const text = readFileSync(file, 'utf8');
      expect(withoutLaterSyntaxError(text, file)).toEqual(parseRevisionFile(text, file));
    },
  );

  it.each(Object.entries(EDGE_CASES))('says what parseRevisionFile says of %s', (_name, text) => {
    expect(withoutLaterSyntaxError(text, 'x.py')).toEqual(parseRevisionFile(text, 'x.py'));
  });

  it('reports a syntax error after the header, which Python would fail to import', () => {
    const text = "revision = 'a'\ndown_revision = None\n\ndef upgrade():\n    pass\n\ndef downgrade():\n    op.drop_table('t'\n";
    expect(parseRevisionFile(text, 'x.py').problems).toEqual([]);
    expect(parseWholeRevisionFile(text, 'x.py').parsed.problems).toEqual([{ kind: 'syntax-error', revisions: ['a'], locations: [{ file: 'x.py', line: 8 }] }]);
  });

  it('returns the tree of the whole text', () => {
    const text = EDGE_CASES['revision reassigned after a definition']!;
    expect(parseWholeRevisionFile(text, 'x.py').tree.length).toBe(text.length);
  });
});
