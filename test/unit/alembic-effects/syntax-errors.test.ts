import { describe, expect, it } from '@jest/globals';
import { analyze, revision, summary } from './support.js';

const CREATE = 'op.execute("CREATE TYPE kind AS ENUM (\'a\')")';

describe('a revision file Python cannot import', () => {
  it('reports the line of a syntax error at the very end of upgrade() (a call never closed) and guesses no effects from it', () => {
    const source = revision(`def upgrade():\n    ${CREATE}\n    op.execute(`);
    const analysis = analyze(source);
    expect(analysis.syntaxErrorLine).toBe(source.trimEnd().split('\n').length);
    expect(analysis.hasUpgrade).toBe(true);
    expect(summary(analysis.effects)).toEqual([]);
  });

  it('guesses no effects from an upgrade() with a syntax error in its middle', () => {
    const source = revision(`def upgrade():\n    ${CREATE}\n    x = = 1\n    ${CREATE}\n\n\ndef downgrade():\n    pass`);
    const analysis = analyze(source);
    expect(analysis.syntaxErrorLine).toBe(source.split('\n').findIndex((line) => line.includes('= =')) + 1);
    expect(summary(analysis.effects)).toEqual([]);
  });

  it('still reads a valid upgrade() when the syntax error is in downgrade(): its findings are the next deploy\'s once the error is fixed', () => {
    const source = revision(`def upgrade():\n    ${CREATE}\n\n\ndef downgrade():\n    op.execute(`);
    const analysis = analyze(source);
    expect(analysis.syntaxErrorLine).toBe(source.trimEnd().split('\n').length);
    expect(summary(analysis.effects)).toEqual(['create-enum kind']);
  });

  it('says nothing of a file without syntax errors', () => {
    const analysis = analyze(revision(`def upgrade():\n    ${CREATE}`));
    expect(analysis.syntaxErrorLine).toBeUndefined();
    expect(summary(analysis.effects)).toEqual(['create-enum kind']);
  });
});
