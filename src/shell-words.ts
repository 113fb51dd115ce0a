/** A shell word, quoted only when it needs it (POSIX single quotes). */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line a POSIX shell reads back as the same words. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}
