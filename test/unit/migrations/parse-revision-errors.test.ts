import { describe, expect, it } from '@jest/globals';
import { parser } from '@lezer/python';
import { parseRevisionFile } from '../../../src/migrations/alembic/parse-revision.js';

const SCRIPT = `"""add orders table

Revision ID: 8a4e6b2c1f03
Revises: 3f1c2a9b7d10
Create Date: 2023-03-20 14:02:11.104417

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import (postgresql,
    mysql)

PREFIX = "8a4e"
# revision identifiers, used by Alembic.
revision: str = PREFIX + '6b2c1f03'
down_revision = ('3f1c2a9b7d10',
                 'b2'[0:1] if False else '77aa')
branch_labels = None
depends_on = None
if True:
    extra = [1, 2, {3: 4}]


def upgrade():
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('orders')
`;

/** The line of the first error node in document order, as lezer's own tree walk finds it. */
function referenceErrorLine(text: string): number | undefined {
  let offset: number | undefined;
  parser.parse(text).iterate({
    enter(node) {
      if (offset !== undefined) return false;
      if (node.type.isError) {
        offset = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (offset === undefined) return undefined;
  // An error at the very end (a bracket never closed) belongs to the last line, as Python reports it.
  return text.slice(0, Math.min(offset, Math.max(0, text.length - 1))).split('\n').length;
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('syntax errors in damaged scripts', () => {
  it('reports the line of the first error node, as a full walk of the tree finds it', () => {
    const pieces = ['(', ')', '[', ']', '{', '}', "'", '"', '"""', ':', '=', '\n', ' ', '    ', '#', ',', 'def ', '\\', '@'];
    let withErrors = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const next = random(seed);
      let text = SCRIPT;
      for (let edit = 0; edit < 1 + Math.floor(next() * 3); edit++) {
        const at = Math.floor(next() * text.length);
        text = next() < 0.4 ? text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3)) : text.slice(0, at) + pieces[Math.floor(next() * pieces.length)]! + text.slice(at);
      }
      const parsed = parseRevisionFile(text, '/versions/damaged.py');
      const reported = parsed.problems.find((problem) => problem.kind === 'syntax-error')?.locations[0]?.line;
      // Only a whole-file parse reports syntax errors; a clean prefix says nothing about the rest.
      const expected = parsed.parsedWholeFile ? referenceErrorLine(text) : undefined;
      expect({ seed, line: reported }).toEqual({ seed, line: expected });
      if (expected !== undefined) withErrors++;
    }
    expect(withErrors).toBeGreaterThan(100);
  });
});
