/** The one line for a one-value flag given more than once (yargs then holds its values in an array). */
export function givenMoreThanOnce(flag: string, values: readonly unknown[]): string {
  return `--${flag} is given more than once (${values.map(String).join(', ')}): give it once`;
}
