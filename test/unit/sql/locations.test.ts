import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadSqlParser, sqlEffects } from '../../../src/migrations/sql/parse-sql.js';
import { SourceLines, TextOffsets, stringContentStart } from '../../../src/migrations/sql/positions.js';
import { effectsOf } from './support.js';

beforeAll(loadSqlParser);

const linesOf = (sql: string, line = 1, lineOffsets?: number[]) =>
  sqlEffects(sql, { file: 'm.py', line, ...(lineOffsets ? { lineOffsets } : {}) }).map((effect) => [effect.kind, effect.location.line]);

describe('the line of each statement', () => {
  it('gives each statement of one line that line', () => {
    expect(linesOf("CREATE TYPE a AS ENUM ('x'); CREATE TYPE b AS ENUM ('y')", 7)).toEqual([
      ['create-enum', 7],
      ['create-enum', 7],
    ]);
  });

  it('counts the newlines before each statement from the line the string starts on', () => {
    const sql = "\n  CREATE TYPE a AS ENUM ('x');\n\n  -- a comment\n  /* and\n     another */\n  DROP TYPE b;\n  ALTER TYPE c\n    ADD VALUE 'z'";
    expect(linesOf(sql, 20)).toEqual([
      ['create-enum', 21],
      ['drop-enum', 26],
      ['add-enum-value', 27],
    ]);
  });

  it('maps byte offsets past non-ASCII text (accents, CJK, emoji) to the right line', () => {
    const sql = "SELECT 'é 日本 😀';\nCREATE TYPE \"ünïcödé\" AS ENUM ('😀');\nDROP TYPE \"日本\"";
    expect(linesOf(sql)).toEqual([
      ['create-enum', 2],
      ['drop-enum', 3],
    ]);
  });

  it('places a syntax error after non-ASCII text on the line of the error', () => {
    const sql = "SELECT '😀😀😀';\nSELECT 'é';\nSELEC 1";
    expect(linesOf(sql, 5)).toEqual([['invalid-sql', 7]]);
  });

  it('uses the given line offsets instead of the newlines of the text', () => {
    // As if the Python source were "CREATE TYPE a AS ENUM ('x'); "  (line 3) and "DROP TYPE b" (line 4).
    const sql = "CREATE TYPE a AS ENUM ('x'); DROP TYPE b";
    expect(linesOf(sql, 3, [sql.indexOf('DROP')])).toEqual([
      ['create-enum', 3],
      ['drop-enum', 4],
    ]);
  });

  it('gives statements of a DO block the lines of the block body', () => {
    const sql = ['DO', '$body$', 'BEGIN', "  CREATE TYPE a AS ENUM ('x');", '', '  DROP TYPE b;', 'END', '$body$'].join('\n');
    expect(linesOf(sql, 10)).toEqual([
      ['create-enum', 13],
      ['drop-enum', 15],
    ]);
  });

  it('gives the lines of a DO block after non-ASCII text', () => {
    const sql = "SELECT '日本語';\nDO $$\nBEGIN\n  CREATE TYPE a AS ENUM ('😀');\n  DROP TYPE b;\nEND $$";
    expect(linesOf(sql)).toEqual([
      ['create-enum', 4],
      ['drop-enum', 5],
    ]);
  });

  it('gives statements of EXECUTE of a constant the lines inside the constant', () => {
    const sql = "DO $$\nBEGIN\n  EXECUTE 'CREATE TYPE a AS ENUM (''x'');\n  DROP TYPE b';\nEND $$";
    expect(linesOf(sql)).toEqual([
      ['create-enum', 3],
      ['drop-enum', 4],
    ]);
  });
});

describe('TextOffsets', () => {
  it('maps UTF-8 byte offsets to string indexes', () => {
    const offsets = new TextOffsets('aé😀b');
    // a: byte 0, é: bytes 1-2, 😀: bytes 3-6 (two code units), b: byte 7.
    expect([0, 1, 3, 7, 8].map((byte) => offsets.indexOfByte(byte))).toEqual([0, 1, 2, 4, 5]);
    // A byte inside a character gives that character.
    expect([2, 5].map((byte) => offsets.indexOfByte(byte))).toEqual([1, 2]);
  });

  it('maps code point offsets to string indexes', () => {
    const offsets = new TextOffsets('😀😀x');
    expect([0, 1, 2].map((codePoint) => offsets.indexOfCodePoint(codePoint))).toEqual([0, 2, 4]);
  });

  it('is the identity on ASCII text, clamped to its length', () => {
    const offsets = new TextOffsets('abc');
    expect([0, 2, 3, 99, -1].map((byte) => offsets.indexOfByte(byte))).toEqual([0, 2, 3, 3, 0]);
  });

  it('counts a lone surrogate as three bytes, as the parser encodes it', () => {
    const offsets = new TextOffsets('\uD800x');
    expect(offsets.indexOfByte(3)).toBe(1);
  });
});

describe('SourceLines and stringContentStart', () => {
  it('finds lines by newline, or by given offsets', () => {
    expect([0, 2, 3, 6].map((index) => new SourceLines('ab\ncd\nef', 10).lineAt(index))).toEqual([10, 10, 11, 12]);
    expect([0, 4, 5].map((index) => new SourceLines('abcdef', 1, [5]).lineAt(index))).toEqual([1, 1, 2]);
  });

  it('finds where a string constant starts after its quoting', () => {
    expect(stringContentStart("DO $tag$ x $tag$", 3)).toBe(8);
    expect(stringContentStart("DO 'x'", 3)).toBe(4);
    expect(stringContentStart("DO E'x'", 3)).toBe(5);
  });
});

describe('empty and comment-only text', () => {
  it('gives nothing', () => {
    expect(effectsOf('')).toEqual([]);
    expect(effectsOf('  \n -- nothing here\n /* nor here */ ;;')).toEqual([]);
  });
});
