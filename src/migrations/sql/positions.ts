/**
 * Offsets in SQL text, and the source lines they fall on.
 *
 * libpg-query reports node and statement locations as UTF-8 byte offsets into the text it was
 * given, and error cursors as character (code point) offsets, while JavaScript indexes strings by
 * UTF-16 code units. The three agree only for ASCII text, which is the common case and costs
 * nothing here; other text gets lookup tables built once per text.
 */

/** Converts libpg-query's offsets into one text to JavaScript string indexes. */
export class TextOffsets {
  /**
   * UTF-8 byte offset of each code unit index (and of the end); absent for ASCII text. The second
   * unit of a surrogate pair gets a value just before the next character, so that every byte of
   * the pair's character maps back to the first unit.
   */
  private readonly byteOffsetAt?: Float64Array;
  /** Code point offset of each code unit index (and of the end), likewise; absent for ASCII text. */
  private readonly codePointAt?: Float64Array;

  constructor(readonly text: string) {
    if (isAscii(text)) return;
    const bytes = new Float64Array(text.length + 1);
    const codePoints = new Float64Array(text.length + 1);
    let byteOffset = 0;
    let codePointOffset = 0;
    let index = 0;
    while (index < text.length) {
      // codePointAt pairs surrogates and returns a lone surrogate as itself (3 bytes), which is
      // how the parser's own UTF-8 conversion encodes the text too.
      const codePoint = text.codePointAt(index)!;
      const units = codePoint > 0xffff ? 2 : 1;
      bytes[index] = byteOffset;
      codePoints[index] = codePointOffset;
      const width = codePoint <= 0x7f ? 1 : codePoint <= 0x7ff ? 2 : codePoint <= 0xffff ? 3 : 4;
      if (units === 2) {
        bytes[index + 1] = byteOffset + width - 0.5;
        codePoints[index + 1] = codePointOffset + 0.5;
      }
      byteOffset += width;
      codePointOffset += 1;
      index += units;
    }
    bytes[text.length] = byteOffset;
    codePoints[text.length] = codePointOffset;
    this.byteOffsetAt = bytes;
    this.codePointAt = codePoints;
  }

  /** The string index of a UTF-8 byte offset (clamped to the text; a byte inside a character gives that character). */
  indexOfByte(byteOffset: number): number {
    return this.byteOffsetAt ? lastIndexNotAfter(this.byteOffsetAt, byteOffset) : clamp(byteOffset, this.text.length);
  }

  /** The string index of a 0-based code point offset (clamped to the text). */
  indexOfCodePoint(codePointOffset: number): number {
    return this.codePointAt ? lastIndexNotAfter(this.codePointAt, codePointOffset) : clamp(codePointOffset, this.text.length);
  }
}

/**
 * Maps string indexes of the SQL text given to `sqlEffects` to lines of the file it came from.
 * Without explicit line offsets every `\n` of the text starts the next line.
 */
export class SourceLines {
  private readonly lineStarts: readonly number[];

  /**
   * @param firstLine the 1-based line where the text starts
   * @param lineOffsets ascending string indexes where each further source line starts, when the
   *   text's own newlines do not say it (escaped `\n`, string literals concatenated over lines)
   */
  constructor(
    text: string,
    private readonly firstLine: number,
    lineOffsets?: readonly number[],
  ) {
    if (lineOffsets) {
      this.lineStarts = lineOffsets;
      return;
    }
    const starts: number[] = [];
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
    this.lineStarts = starts;
  }

  /** The 1-based source line of a string index. */
  lineAt(index: number): number {
    // Count the line starts at or before index by binary search.
    let low = 0;
    let high = this.lineStarts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.lineStarts[middle]! <= index) low = middle + 1;
      else high = middle;
    }
    return this.firstLine + low;
  }
}

/** The index where the `lineNumber`-th line (1-based) of a text starts; the text's end if it has fewer lines. */
export function indexOfLine(text: string, lineNumber: number): number {
  let index = 0;
  for (let line = 1; line < lineNumber; line += 1) {
    const newline = text.indexOf('\n', index);
    if (newline === -1) return text.length;
    index = newline + 1;
  }
  return index;
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 0x7f) return false;
  return true;
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(0, Math.trunc(value)), max);
}

/** The largest index whose ascending value is at most `target`. */
function lastIndexNotAfter(values: Float64Array, target: number): number {
  let low = 0;
  let high = values.length - 1;
  if (target <= 0) return 0;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (values[middle]! <= target) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Where the content of a string constant starts, given the index of its token: after `'`, `E'`,
 * `U&'` or a dollar-quote tag such as `$body$`. The parser gives the token's location; the quoting
 * is read from the token's first characters.
 */
export function stringContentStart(text: string, tokenIndex: number): number {
  const first = text[tokenIndex];
  if (first === '$') {
    const tagEnd = text.indexOf('$', tokenIndex + 1);
    return tagEnd === -1 ? tokenIndex + 1 : tagEnd + 1;
  }
  const quote = text.indexOf("'", tokenIndex);
  // E'…', N'…', B'…', U&'…': the quote follows one or two prefix characters.
  return quote !== -1 && quote - tokenIndex <= 2 ? quote + 1 : tokenIndex;
}
