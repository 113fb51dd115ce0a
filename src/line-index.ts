/**
 * Maps character offsets to 1-based line numbers, with Python's idea of a line end: `\n`, `\r\n` or a
 * lone `\r`. Only indexes as far into the text as it has been asked about, so that a caller that
 * needs the lines of a file's header never scans the rest of it.
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  private indexedUpTo = 0;

  constructor(private readonly text: string) {}

  lineAt(offset: number): number {
    const text = this.text;
    let index = this.indexedUpTo;
    for (; index <= offset && index < text.length; index++) {
      const char = text.charCodeAt(index);
      if (char === 10 || (char === 13 && text.charCodeAt(index + 1) !== 10)) this.starts.push(index + 1);
    }
    this.indexedUpTo = Math.max(this.indexedUpTo, index);
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }
}
