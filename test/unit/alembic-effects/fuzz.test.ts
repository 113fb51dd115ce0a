import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { analyzeUpgrade, type UpgradeAnalysis } from '../../../src/migrations/alembic/upgrade-effects.js';
import { parseRevisionFile, parseWholeRevisionFile } from '../../../src/migrations/alembic/parse-revision.js';
import { EFFECT_FIXTURES, fakeSqlEffects, revision } from './support.js';

/** A small deterministic generator, so that a failure can be replayed from its seed. */
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

const fixtures = readdirSync(EFFECT_FIXTURES)
  .filter((name) => name.endsWith('.py'))
  .sort()
  .map((name) => readFileSync(`${EFFECT_FIXTURES}${name}`, 'utf8'));

/** Characters that stress a Python reader: quotes, brackets, escapes, indentation, non-ASCII, NUL. */
const ALPHABET = [..."()[]{}'\"\\\n\t :,.=*%#fbrRuUxN{}0123456789abcdef_-+", 'é', '\u0000', '\r', '\u2028', '😀', '"""', "'''", 'op.execute(', 'sa.Enum(', 'def upgrade():\n    ', '\n    if x:\n        ', 'for a in b:\n'];

function analyzeSafely(source: string): UpgradeAnalysis {
  const started = Date.now();
  const analysis = analyzeUpgrade(source, 'fuzz.py', { sqlEffects: fakeSqlEffects() });
  expect(Date.now() - started).toBeLessThan(5000);
  expect(Array.isArray(analysis.effects)).toBe(true);
  for (const effect of analysis.effects) {
    expect(effect.location.file).toBe('fuzz.py');
    expect(Number.isInteger(effect.location.line) && effect.location.line >= 1).toBe(true);
  }
  return analysis;
}

describe('fuzzing upgradeEffects: it never throws and always completes', () => {
  it('survives every truncation point of the fixtures (sampled)', () => {
    const next = random(1);
    for (const source of fixtures) {
      for (let sample = 0; sample < 25; sample++) analyzeSafely(source.slice(0, Math.floor(next() * source.length)));
    }
  });

  it('survives random mutations of the fixtures', () => {
    const next = random(2);
    for (let round = 0; round < 600; round++) {
      let source = fixtures[Math.floor(next() * fixtures.length)]!;
      for (let edit = 0; edit < 1 + Math.floor(next() * 6); edit++) {
        const at = Math.floor(next() * source.length);
        const piece = ALPHABET[Math.floor(next() * ALPHABET.length)]!;
        const action = next();
        if (action < 0.4) source = source.slice(0, at) + piece + source.slice(at);
        else if (action < 0.7) source = source.slice(0, at) + source.slice(at + 1 + Math.floor(next() * 20));
        else source = source.slice(0, at) + piece + source.slice(at + piece.length);
      }
      analyzeSafely(source);
    }
  });

  it('reads the revision variables from one whole parse as the header parse does, on mutated fixtures', () => {
    const next = random(4);
    for (let round = 0; round < 600; round++) {
      let source = revision(fixtures[Math.floor(next() * fixtures.length)]!);
      for (let edit = 0; edit < 1 + Math.floor(next() * 4); edit++) {
        const at = Math.floor(next() * source.length);
        const piece = ALPHABET[Math.floor(next() * ALPHABET.length)]!;
        source = next() < 0.6 ? source.slice(0, at) + piece + source.slice(at) : source.slice(0, at) + source.slice(at + 1 + Math.floor(next() * 20));
      }
      // Only the whole parse sees a syntax error after the header (the module cannot be imported).
      const whole = parseWholeRevisionFile(source, 'fuzz.py').parsed;
      const comparable = whole.parsedWholeFile ? whole : { ...whole, problems: whole.problems.filter((problem) => problem.kind !== 'syntax-error') };
      expect({ source, parsed: comparable }).toEqual({ source, parsed: parseRevisionFile(source, 'fuzz.py') });
    }
  });

  it('survives random text and random bytes', () => {
    const next = random(3);
    for (let round = 0; round < 300; round++) {
      let source = '';
      const length = Math.floor(next() * 400);
      for (let index = 0; index < length; index++) {
        source += next() < 0.5 ? ALPHABET[Math.floor(next() * ALPHABET.length)]! : String.fromCharCode(Math.floor(next() * 0x10000));
      }
      analyzeSafely(next() < 0.5 ? source : `def upgrade():\n    ${source}`);
    }
  });

  it.each([
    ['deeply nested parentheses', `def upgrade():\n    op.execute(${'('.repeat(5000)}"x"${')'.repeat(5000)})`],
    ['deeply nested lists', `X = ${'['.repeat(3000)}${']'.repeat(3000)}\ndef upgrade():\n    op.execute(str(X))`],
    ['a very long chain of additions', `def upgrade():\n    op.execute("a"${' + "a"'.repeat(20000)})`],
    ['deeply nested ifs', `def upgrade():\n${Array.from({ length: 400 }, (_, depth) => `${' '.repeat(4 * (depth + 1))}if x:`).join('\n')}\n${' '.repeat(1604)}op.execute("CREATE TYPE deep AS ENUM ('a')")`],
    ['a huge literal', `def upgrade():\n    op.execute("${'x'.repeat(5_000_000)}")`],
    ['a huge repetition', `def upgrade():\n    op.execute("x" * 10**12)\n    op.execute("y" * 1000000000)`],
    ['a huge list', `L = [${Array.from({ length: 200_000 }, (_, index) => index).join(',')}]\ndef upgrade():\n    op.execute(", ".join(str(i) for i in L))`],
    ['an enormous range', `def upgrade():\n    for i in range(10**12):\n        op.execute(f"CREATE TYPE t{i} AS ENUM ('a')")`],
    ['nested loops beyond the budget', `def upgrade():\n    for a in range(1000):\n        for b in range(1000):\n            x = a + b`],
    ['mutual recursion', `def a():\n    b()\ndef b():\n    a()\ndef upgrade():\n    a()`],
    ['lambda recursion', `f = lambda: f()\ndef upgrade():\n    f()`],
    ['self-referencing list', `L = []\nL.append(L)\ndef upgrade():\n    op.execute(str(L))`],
    ['a string that is only a prefix', `def upgrade():\n    op.execute(rb`],
    ['escapes out of range', `def upgrade():\n    op.execute("\\U99999999 \\x")`],
  ])('survives %s', (_, source) => {
    analyzeSafely(source);
  });

  it('stays fast on a large, regular file', () => {
    const tables = Array.from(
      { length: 2000 },
      (_, index) => `    op.create_table('t${index}', sa.Column('id', sa.Integer()), sa.Column('k', sa.Enum('a', 'b', name='kind${index % 50}')))`,
    ).join('\n');
    const started = Date.now();
    const analysis = analyzeSafely(revision(`def upgrade():\n${tables}`));
    expect(analysis.effects).toHaveLength(4000);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
