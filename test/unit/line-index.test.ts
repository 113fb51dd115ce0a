import { describe, expect, it } from '@jest/globals';
import { LineIndex } from '../../src/line-index.js';

describe('LineIndex', () => {
  it('counts \\n, \\r\\n and a lone \\r as one line end each, as Python does', () => {
    const text = 'a\nb\r\nc\rd';
    const index = new LineIndex(text);
    expect([...text].map((_, offset) => index.lineAt(offset))).toEqual([1, 1, 2, 2, 2, 3, 3, 4]);
  });

  it('answers the same whatever order it is asked in (it indexes lazily)', () => {
    const text = 'one\r\ntwo\rthree\nfour\n';
    const forwards = new LineIndex(text);
    const expected = [...text].map((_, offset) => forwards.lineAt(offset));
    const backwards = new LineIndex(text);
    const offsets = [...[...text].keys()].reverse();
    expect(offsets.map((offset) => backwards.lineAt(offset)).reverse()).toEqual(expected);
    const middleFirst = new LineIndex(text);
    expect(middleFirst.lineAt(4)).toBe(1); // the \n of the \r\n pair, asked before the rest
    expect(middleFirst.lineAt(5)).toBe(2);
    expect(middleFirst.lineAt(text.length)).toBe(5);
  });
});
