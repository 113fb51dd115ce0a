/** `1 table`, `3 enums`: a count and its noun, with an English plural s. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
