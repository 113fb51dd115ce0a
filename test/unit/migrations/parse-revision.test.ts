import { describe, expect, it } from '@jest/globals';
import { firstTopLevelDefinitionOffset, locateUpgradeBody, parseRevisionFile, toRevisionDeclaration } from '../../../src/migrations/alembic/parse-revision.js';

/** A script in the shape `alembic revision` generates (1.8 template). */
const GENERATED = `"""add orders table

Revision ID: 8a4e6b2c1f03
Revises: 3f1c2a9b7d10
Create Date: 2023-03-20 14:02:11.104417

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a4e6b2c1f03'
down_revision = '3f1c2a9b7d10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('orders')
`;

/** The same in the newer template, with annotations. */
const ANNOTATED = `"""add orders table

Revision ID: 8a4e6b2c1f03
Revises: 3f1c2a9b7d10
Create Date: 2024-03-20 14:02:11.104417

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '8a4e6b2c1f03'
down_revision: Union[str, Sequence[str], None] = '3f1c2a9b7d10'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
`;

/** A script with the given module-level lines after a docstring, then an upgrade(). */
function script(body: string): string {
  return `"""a message\n\nRevision ID: x\n"""\nfrom alembic import op\n${body}\n\ndef upgrade():\n    pass\n`;
}

describe('parseRevisionFile: the generated templates', () => {
  it('reads the identifiers, the message and the upgrade position of the classic template from the prefix alone', () => {
    const parsed = parseRevisionFile(GENERATED, '/v/8a4e6b2c1f03_add_orders_table.py');
    expect(parsed).toMatchObject({
      revision: '8a4e6b2c1f03',
      revisionFromFileName: false,
      downRevisions: ['3f1c2a9b7d10'],
      dependsOn: [],
      branchLabels: [],
      lines: { revision: 13, down_revision: 14, branch_labels: 15, depends_on: 16 },
      message: 'add orders table',
      docstringRevisionId: '8a4e6b2c1f03',
      upgradeDefinition: { line: 19, offset: GENERATED.indexOf('def upgrade') },
      parsedWholeFile: false,
      problems: [],
    });
  });

  it('reads the annotated template the same way', () => {
    const parsed = parseRevisionFile(ANNOTATED, '/v/8a4e6b2c1f03_add_orders_table.py');
    expect(parsed).toMatchObject({ revision: '8a4e6b2c1f03', downRevisions: ['3f1c2a9b7d10'], dependsOn: [], branchLabels: [], problems: [], parsedWholeFile: false });
  });

  it('reads a merge tuple and a merge list in declaration order', () => {
    expect(parseRevisionFile(script("revision = 'm'\ndown_revision = ('b1', 'b2')"), '/v/m.py').downRevisions).toEqual(['b1', 'b2']);
    expect(parseRevisionFile(script("revision = 'm'\ndown_revision = ['c', 'a', 'b']"), '/v/m.py').downRevisions).toEqual(['c', 'a', 'b']);
  });

  it('treats None, an empty str and an empty tuple as a base', () => {
    for (const value of ['None', "''", '()', '[]']) {
      expect(parseRevisionFile(script(`revision = 'r'\ndown_revision = ${value}`), '/v/r.py').downRevisions).toEqual([]);
    }
  });

  it('wraps a single branch label or dependency like a one-item tuple', () => {
    const parsed = parseRevisionFile(script("revision = 'r'\ndown_revision = None\nbranch_labels = 'billing'\ndepends_on = 'seed'"), '/v/r.py');
    expect(parsed).toMatchObject({ branchLabels: ['billing'], dependsOn: ['seed'] });
  });

  it('converts into a graph declaration with the lines of each variable', () => {
    const declaration = toRevisionDeclaration(parseRevisionFile(GENERATED, '/v/x.py'));
    expect(declaration).toEqual({
      id: '8a4e6b2c1f03',
      downRevisions: ['3f1c2a9b7d10'],
      dependsOn: [],
      branchLabels: [],
      file: '/v/x.py',
      line: 13,
      downRevisionLine: 14,
      dependsOnLine: 16,
      branchLabelsLine: 15,
    });
  });
});

describe('parseRevisionFile: values built from constants', () => {
  it('follows module constants, tuples of them, unpacking, +, f-strings and str.format', () => {
    const parsed = parseRevisionFile(
      script(
        [
          'BASE = "0001"',
          'PREFIX = BASE',
          'LABELS = ("core",)',
          'revision: str = f"{PREFIX}_init"',
          'down_revision = (BASE, *("0000a", "0000b"))',
          'branch_labels = LABELS + ("orders",)',
          'depends_on = "{}_{name}".format(BASE, name="seed")',
        ].join('\n'),
      ),
      '/v/r.py',
    );
    expect(parsed).toMatchObject({ revision: '0001_init', downRevisions: ['0001', '0000a', '0000b'], branchLabels: ['core', 'orders'], dependsOn: ['0001_seed'], problems: [] });
  });

  it('decodes escapes, implicit concatenation and raw strings as Python does', () => {
    const parsed = parseRevisionFile(script('revision = "ab\\x63" \'d\'\ndown_revision = r"e\\f"'), '/v/r.py');
    expect(parsed).toMatchObject({ revision: 'abcd', downRevisions: ['e\\f'] });
  });

  it('reports a name imported from another module, with the line, instead of guessing', () => {
    const parsed = parseRevisionFile(script('from app.revisions import PARENT\nrevision = "r"\ndown_revision = PARENT'), '/v/r.py');
    expect(parsed.downRevisions).toBeUndefined();
    expect(parsed.problems).toEqual([
      {
        kind: 'unresolvable-value',
        variable: 'down_revision',
        reason: 'built from the name PARENT, imported from another module',
        revisions: ['r'],
        locations: [{ file: '/v/r.py', line: 8 }],
      },
    ]);
  });

  it('reports a call it cannot evaluate', () => {
    const parsed = parseRevisionFile(script('revision = "r"\ndown_revision = None\nbranch_labels = tuple(["a"])'), '/v/r.py');
    expect(parsed.problems).toEqual([expect.objectContaining({ kind: 'unresolvable-value', variable: 'branch_labels', reason: 'built from a function call' })]);
    expect(parsed.branchLabels).toEqual([]);
  });

  it('reports a value assigned inside an if statement', () => {
    const parsed = parseRevisionFile(script('revision = "r"\nif True:\n    down_revision = None'), '/v/r.py');
    expect(parsed.problems).toEqual([expect.objectContaining({ kind: 'unresolvable-value', variable: 'down_revision', reason: 'assigned inside an if statement', locations: [{ file: '/v/r.py', line: 8 }] })]);
  });

  it('reports values Alembic itself cannot use', () => {
    expect(parseRevisionFile(script('revision = None\ndown_revision = None'), '/v/r.py').problems).toEqual([expect.objectContaining({ kind: 'invalid-value', variable: 'revision', reason: 'is None, not a str' })]);
    expect(parseRevisionFile(script('revision = "r"\ndown_revision = 5'), '/v/r.py').problems).toEqual([expect.objectContaining({ kind: 'invalid-value', variable: 'down_revision', reason: 'is a number' })]);
  });

  it('takes the last of several assignments, as the import would', () => {
    expect(parseRevisionFile(script('revision = "old"\nrevision = "new"\ndown_revision = None'), '/v/r.py').revision).toBe('new');
  });
});

describe('parseRevisionFile: untidy scripts', () => {
  it('lets the variable win over a docstring Revision ID that disagrees', () => {
    const parsed = parseRevisionFile('"""add users\n\nRevision ID: 0002\n"""\nrevision = "0002_add_users"\ndown_revision = None\n', '/v/0002.py');
    expect(parsed).toMatchObject({ revision: '0002_add_users', docstringRevisionId: '0002', message: 'add users' });
  });

  it('parses the whole file when the identifiers come after a definition', () => {
    const text = '"""late"""\ndef helper():\n    return 1\n\n\nrevision = "late"\ndown_revision = "early"\n\n\ndef upgrade():\n    helper()\n';
    const parsed = parseRevisionFile(text, '/v/late.py');
    expect(parsed).toMatchObject({ revision: 'late', downRevisions: ['early'], parsedWholeFile: true, upgradeDefinition: { line: 10 }, problems: [] });
  });

  it('parses the whole file when a docstring line looks like a definition', () => {
    const text = '"""explain\n\ndef upgrade(): is where it happens\n"""\nrevision = "r"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n';
    expect(firstTopLevelDefinitionOffset(text)).toBe(text.indexOf('def upgrade(): is'));
    expect(parseRevisionFile(text, '/v/r.py')).toMatchObject({ revision: 'r', message: 'explain', parsedWholeFile: true, problems: [] });
  });

  it('reads a script with Windows line endings', () => {
    const parsed = parseRevisionFile(GENERATED.split('\n').join('\r\n'), '/v/r.py');
    expect(parsed).toMatchObject({ revision: '8a4e6b2c1f03', downRevisions: ['3f1c2a9b7d10'], message: 'add orders table', lines: { revision: 13 }, problems: [] });
  });

  it('reports a module without revision, which Alembic refuses to load', () => {
    const parsed = parseRevisionFile('"""Shared helpers."""\nimport sqlalchemy as sa\n\n\ndef timestamps():\n    return []\n', '/v/helpers.py');
    expect(parsed.revision).toBeUndefined();
    expect(parsed.problems).toEqual([{ kind: 'missing-revision-variable', revisions: [], locations: [{ file: '/v/helpers.py' }] }]);
  });

  it('takes the id from a legacy hexadecimal file name when the module has no revision', () => {
    const parsed = parseRevisionFile('down_revision = "abc"\n', '/v/4b5c6d7e.py');
    expect(parsed).toMatchObject({ revision: '4b5c6d7e', revisionFromFileName: true, downRevisions: ['abc'], problems: [] });
  });

  it('reports a revision without down_revision, which Alembic fails to load', () => {
    expect(parseRevisionFile('revision = "r"\n', '/v/r.py').problems).toEqual([{ kind: 'missing-down-revision', revisions: ['r'], locations: [{ file: '/v/r.py' }] }]);
  });

  it('reports a syntax error found while parsing the whole file, a bracket never closed on its own line', () => {
    const parsed = parseRevisionFile('revision = "r"\ndown_revision = (\n', '/v/r.py');
    expect(parsed.problems).toContainEqual({ kind: 'syntax-error', revisions: ['r'], locations: [{ file: '/v/r.py', line: 2 }] });
  });
});

describe('locateUpgradeBody', () => {
  it('finds the body statements of upgrade()', () => {
    const body = locateUpgradeBody(GENERATED)!;
    expect(body).toMatchObject({ definitionLine: 19, startLine: 20, endLine: 23 });
    expect(GENERATED.slice(body.startOffset, body.endOffset)).toBe("op.create_table('orders',\n    sa.Column('id', sa.Integer(), nullable=False),\n    sa.PrimaryKeyConstraint('id')\n    )");
  });

  it('takes the last definition and includes a decorator line', () => {
    const text = 'def upgrade():\n    first()\n\n\n@trace\ndef upgrade():\n    second()\n';
    const body = locateUpgradeBody(text)!;
    expect(body).toMatchObject({ definitionLine: 5, startLine: 7, endLine: 7 });
    expect(text.slice(body.startOffset, body.endOffset)).toBe('second()');
  });

  it('finds nothing in a module without upgrade()', () => {
    expect(locateUpgradeBody('def downgrade():\n    pass\n')).toBeUndefined();
  });
});
