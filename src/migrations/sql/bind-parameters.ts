/**
 * Bind parameters in SQL text, replaced the way the library that sends the text replaces them, so
 * that PostgreSQL's parser reads what the server would receive.
 *
 * Facts this module models (SQLAlchemy 1.4 and 2.x with psycopg2, checked against real runs):
 * - `text()` marks a bind wherever `:name` is not preceded by `:`, a word character, `$` or a
 *   backslash and not followed by one of `:`, a word character or `$` (SQLAlchemy's compiler,
 *   `BIND_PARAMS` in sql/compiler.py). It looks at the whole text: string literals, comments and
 *   dollar-quoted bodies too. `\:name` is sent as `:name`; `x::int` is a cast and `:v::int` no bind
 *   at all (PostgreSQL then rejects the colon).
 * - A `%` in `text()` reaches PostgreSQL as it is written (SQLAlchemy doubles it, psycopg2 halves it).
 * - Text executed at driver level (`exec_driver_sql`, or `Connection.execute(str)` before
 *   SQLAlchemy 2.0) goes to psycopg2 with a parameter set, an empty one when the call gives none,
 *   so psycopg2 always reads `%`: `%%` is one percent sign, and `%s` / `%(name)s` take a value. With
 *   an empty set a `%s` makes psycopg2 raise, so it is left for the parser to reject.
 * - psycopg2 writes each value into the text as a literal (`'x'`, `1`, `NULL`, `ARRAY[…]`, `(…)`
 *   for a tuple), so a bind may stand where PostgreSQL's grammar takes no parameter
 *   (`ADD VALUE :v`, `IN :ids`); whether that parses depends on the value.
 */

/** How the text's bind parameters are written, which depends on the path that executes it. */
export type BindParameterStyle =
  /** SQLAlchemy `text()`, which Alembic's `op.execute("…")` also builds: `:name`. */
  | 'sqlalchemy-text'
  /** psycopg2 given parameters: `%s`, `%(name)s`, and `%%` for a percent sign. */
  | 'pyformat'
  /** psycopg2 given the empty parameter set SQLAlchemy passes when the call has none: only `%%`. */
  | 'pyformat-without-parameters';

/** Where a bind parameter was replaced, as string indexes into the rewritten text. */
export interface Placeholder {
  readonly start: number;
  readonly end: number;
  /** The parameter as the migration wrote it: `:name`, `%s`, `%(name)s`. */
  readonly written: string;
}

/** A text with its bind parameters replaced by PostgreSQL's positional parameters (`$1`, `$2`, …). */
export interface RewrittenText {
  readonly text: string;
  readonly placeholders: readonly Placeholder[];
  /** The index in the rewritten text of an index of the original text. */
  readonly indexOf: (originalIndex: number) => number;
}

/** One change to the original text. */
interface Edit {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
  /** Set when the edit replaces a bind parameter. */
  readonly name?: string;
}

// Python's `\w` on text is a letter, a digit or `_`; SQLAlchemy adds `$` to names.
const NAME_CHARACTER = String.raw`[\p{L}\p{N}_$]`;
/** SQLAlchemy's `BIND_PARAMS`. */
const COLON_BIND = new RegExp(String.raw`(?<![:\p{L}\p{N}_$\\]):(${NAME_CHARACTER}+)(?![:\p{L}\p{N}_$])`, 'gu');
/** SQLAlchemy's `BIND_PARAMS_ESC`: the backslash of `\:name` is dropped. */
const ESCAPED_COLON = new RegExp(String.raw`\\(?=:${NAME_CHARACTER}*(?![:\p{L}\p{N}_$]))`, 'gu');

/**
 * The text as PostgreSQL's parser should read it: every bind parameter replaced by a positional
 * parameter (the same number for the same name), escapes resolved. Newlines are kept, so the
 * rewritten text has the original's lines.
 */
export function replaceBindParameters(text: string, style: BindParameterStyle): RewrittenText {
  const edits = style === 'sqlalchemy-text' ? colonEdits(text) : percentEdits(text, style === 'pyformat');
  if (edits.length === 0) return { text, placeholders: [], indexOf: (index) => index };
  const numbers = new Map<string, number>();
  const parts: string[] = [];
  const placeholders: Placeholder[] = [];
  /** Original index where each edit starts, and how much shorter the text is after it. */
  const shifts: Array<[number, number, number]> = [];
  let position = 0;
  let length = 0;
  let shift = 0;
  for (const edit of edits) {
    parts.push(text.slice(position, edit.start));
    length += edit.start - position;
    let replacement = edit.replacement;
    if (edit.name !== undefined) {
      // psycopg2 numbers %s by position; SQLAlchemy's names repeat: either way a new number per key.
      const key = style === 'sqlalchemy-text' || edit.name !== '' ? edit.name : `#${placeholders.length}`;
      if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
      replacement = `$${numbers.get(key)!}`;
      placeholders.push({ start: length, end: length + replacement.length, written: text.slice(edit.start, edit.end) });
    }
    parts.push(replacement);
    length += replacement.length;
    shift += edit.end - edit.start - replacement.length;
    shifts.push([edit.start, edit.end, shift]);
    position = edit.end;
  }
  parts.push(text.slice(position));
  const indexOf = (originalIndex: number): number => {
    let applied = 0;
    for (const [start, end, after] of shifts) {
      if (originalIndex < start) break;
      // An index inside a replaced piece goes to where its replacement starts.
      if (originalIndex < end) return originalIndex - applied - (originalIndex - start);
      applied = after;
    }
    return originalIndex - applied;
  };
  return { text: parts.join(''), placeholders, indexOf };
}

function colonEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  for (const match of text.matchAll(COLON_BIND)) edits.push({ start: match.index, end: match.index + match[0].length, replacement: '', name: match[1]! });
  // A bind is never preceded by a backslash, so escapes and binds never overlap.
  for (const match of text.matchAll(ESCAPED_COLON)) edits.push({ start: match.index, end: match.index + 1, replacement: '' });
  return edits.sort((a, b) => a.start - b.start);
}

/** psycopg2's reading of `%`: `%%`, `%s` and `%(name)s`; any other `%` is left as written. */
function percentEdits(text: string, withParameters: boolean): Edit[] {
  const edits: Edit[] = [];
  for (let index = text.indexOf('%'); index !== -1 && index < text.length; index = text.indexOf('%', index)) {
    const next = text[index + 1];
    if (next === '%') {
      edits.push({ start: index, end: index + 2, replacement: '%' });
      index += 2;
      continue;
    }
    if (withParameters && next === 's') {
      edits.push({ start: index, end: index + 2, replacement: '', name: '' });
      index += 2;
      continue;
    }
    if (withParameters && next === '(') {
      const close = text.indexOf(')', index + 2);
      if (close !== -1 && text[close + 1] === 's') {
        edits.push({ start: index, end: close + 2, replacement: '', name: text.slice(index + 2, close) });
        index = close + 2;
        continue;
      }
    }
    index += 1;
  }
  return edits;
}
