import { describe, expect, it } from '@jest/globals';
import { filterSentences } from '../../../src/report/filters.js';

describe('filterSentences', () => {
  it('says nothing without filters', () => {
    expect(filterSentences({ summary: { errors: 1, warnings: 0, infos: 0 } })).toEqual([]);
  });

  it('counts demoted findings only with --changed-since and when there are some', () => {
    const changedSince = { ref: 'origin/main', mergeBase: 'abc', revisions: [] };
    expect(filterSentences({ summary: { errors: 0, warnings: 0, infos: 0, demoted: 0 }, changedSince })).toEqual([]);
    expect(filterSentences({ summary: { errors: 0, warnings: 0, infos: 3, demoted: 3 }, changedSince })).toEqual(['3 findings in revisions unchanged since origin/main were reported as info']);
    expect(filterSentences({ summary: { errors: 0, warnings: 0, infos: 1, demoted: 1 }, changedSince })).toEqual(['1 finding in revisions unchanged since origin/main was reported as info']);
  });

  it('counts silenced findings', () => {
    expect(filterSentences({ summary: { errors: 0, warnings: 0, infos: 0, suppressed: 2 } })).toEqual(['2 findings silenced by # schema-gate: ignore comments']);
  });
});
