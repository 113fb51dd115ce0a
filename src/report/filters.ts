import type { CheckResult } from '../check.js';

function findings(count: number): string {
  return `${count} finding${count === 1 ? '' : 's'}`;
}

/**
 * What the steps after the rules did to the findings, one sentence each, for the reporters'
 * summaries: findings silenced by comments, and findings `--changed-since` reported as infos.
 */
export function filterSentences(result: Pick<CheckResult, 'summary' | 'changedSince'>): string[] {
  const sentences: string[] = [];
  const { demoted, suppressed } = result.summary;
  if (result.changedSince && demoted !== undefined && demoted > 0) {
    sentences.push(`${findings(demoted)} in revisions unchanged since ${result.changedSince.ref} ${demoted === 1 ? 'was' : 'were'} reported as info`);
  }
  if (suppressed !== undefined && suppressed > 0) {
    sentences.push(`${findings(suppressed)} silenced by # schema-gate: ignore comments`);
  }
  return sentences;
}
