/**
 * SQL text of a migration (`op.execute("…")`, `sa.text("…")`, a `.sql` file) as Effects, read
 * with PostgreSQL's own parser.
 *
 * Usage: `await loadSqlParser()` once, then call `sqlEffects` synchronously for every string. The
 * parser is WebAssembly that loads on first need (40–60 ms), after which a typical migration string
 * takes 20–100 µs (a DO block is parsed several times), so a loop over thousands of strings stays
 * fast without a promise per string.
 *
 * Assumptions, each a choice made where the text alone cannot tell:
 * - Unqualified names are in schema `public` (the default search_path; `defaultSchema` changes it).
 *   A `SET search_path` in the SQL is reported as unknown, not followed.
 * - A type that is not one of PostgreSQL's own may be an enum; the simulation decides with the
 *   schema state (`knownEnum: false`).
 * - Statements under PL/pgSQL conditions that are not catalog lookups of their own object, in
 *   loops or in exception handlers are taken to run, and an `unknown` effect says so.
 * - Lines are exact for dollar-quoted DO bodies and EXECUTE strings. A body or string written as
 *   an escaped constant ('…' with doubled quotes, E'…') is read unescaped, so columns inside it
 *   shift; its lines shift only if escapes such as `\n` stand for newlines.
 */
import { NO_GUARD, type Effect, type Guard } from '../../model/effect.js';
import { DEFAULT_SCHEMA } from '../../model/names.js';
import { recogniseCatalogQuery, type CatalogLookup, type CatalogQuery } from './lookups.js';
import { replaceBindParameters, type BindParameterStyle, type Placeholder } from './bind-parameters.js';
import { parseSql, stringConstantRanges } from './parser.js';
import { walkDoBlock, type Enclosure, type PlpgsqlHost } from './plpgsql.js';
import { SourceLines, stringContentStart, TextOffsets } from './positions.js';
import type { EffectDraft, StatementScope, Subject } from './scope.js';
import { translateStatement } from './statements.js';

export { isSqlParserLoaded, loadSqlParser } from './parser.js';
export type { BindParameterStyle } from './bind-parameters.js';

/** Where a SQL text comes from. */
export interface SqlOrigin {
  /** The file that holds the text (a migration script). */
  readonly file: string;
  /** The 1-based line of that file where the text starts. */
  readonly line: number;
  /**
   * Where the file's further lines start inside the text, as ascending JavaScript string indexes
   * into it: the text from `lineOffsets[k]` on is on line `line + k + 1`. Give them when the text's
   * own newlines do not match the file's (a Python string with `\n` escapes, literals concatenated
   * over several lines); without them each newline of the text starts the next line.
   */
  readonly lineOffsets?: readonly number[];
}

/** How to read the SQL. */
export interface SqlEffectsOptions {
  /** The schema of unqualified names: the first schema of the search_path. Default `public`. */
  readonly defaultSchema?: string;
  /** The text runs inside Alembic's `autocommit_block()`: every effect is marked so. */
  readonly autocommit?: boolean;
  /**
   * How the path that executes the text writes bind parameters; they are replaced by positional
   * parameters (`$1`) before parsing. Without it the text is read as PostgreSQL receives it.
   */
  readonly bindParameters?: BindParameterStyle;
  /**
   * The call gives no values for `text()` binds (Alembic's `op.execute`, `text()` without
   * `.bindparams()` run without parameters): SQLAlchemy refuses to run a text that has any.
   */
  readonly withoutBindValues?: boolean;
}

/** How deep EXECUTE of constant SQL and DO blocks inside it are followed. */
const MAX_TEXT_DEPTH = 8;

/**
 * The effects of every statement of a SQL text, in order, each at the line where its statement
 * starts. SQL that PostgreSQL rejects gives one `invalid-sql` effect at the line of the error,
 * since PostgreSQL parses the whole text before running any of it.
 *
 * Synchronous: requires `await loadSqlParser()` first (throws otherwise, which is a programming
 * error). Never throws on any text after that.
 */
export function sqlEffects(sql: string, origin: SqlOrigin, options: SqlEffectsOptions = {}): Effect[] {
  if (!options.bindParameters) {
    const translation = new Translation(sql, origin, options, []);
    translation.translateText(sql, 0, 0);
    return translation.effects;
  }
  const rewritten = replaceBindParameters(sql, options.bindParameters);
  // The rewritten text keeps every newline, so the original's line starts map onto it.
  const lineOffsets = (origin.lineOffsets ?? newlineEnds(sql)).map(rewritten.indexOf);
  const translation = new Translation(rewritten.text, { ...origin, lineOffsets }, options, rewritten.placeholders);
  const first = rewritten.placeholders[0];
  if (first && options.withoutBindValues && options.bindParameters === 'sqlalchemy-text') {
    // SQLAlchemy raises before the text reaches PostgreSQL, so none of it runs.
    const name = first.written.slice(1);
    const message = `A value is required for bind parameter '${name}' (SQLAlchemy raises this before sending the SQL: the call passes no values; write \\: for a colon that is not a bind parameter)`;
    translation.invalid(message, first.start);
    return translation.effects;
  }
  translation.noteBindsInStrings();
  translation.translateText(rewritten.text, 0, 0);
  return translation.effects;
}

/**
 * Whether a text is one or more statements that only read or write rows — SELECT (without INTO),
 * INSERT, UPDATE, DELETE — and so can change nothing the model holds but the labels they use.
 * False for anything else, and for text PostgreSQL's parser refuses. Requires `await loadSqlParser()`.
 */
export function sqlOnlyRows(sql: string): boolean {
  const parsed = parseSql(sql);
  if (!parsed.ok || parsed.statements.length === 0) return false;
  return parsed.statements.every(({ stmt }) => {
    if (!stmt) return false;
    if ('SelectStmt' in stmt) return stmt.SelectStmt.intoClause === undefined;
    return 'InsertStmt' in stmt || 'UpdateStmt' in stmt || 'DeleteStmt' in stmt;
  });
}

/**
 * A catalog lookup that Python runs and reads (`bind.execute(text("SELECT 1 FROM pg_type WHERE
 * typname = 'x'")).scalar()`), or undefined for any other text (several statements, bind
 * parameters, anything but a recognised lookup). Requires `await loadSqlParser()` first.
 */
export function sqlCatalogQuery(sql: string, defaultSchema: string = DEFAULT_SCHEMA): CatalogQuery | undefined {
  const parsed = parseSql(sql);
  if (!parsed.ok || parsed.statements.length !== 1) return undefined;
  return recogniseCatalogQuery(parsed.statements[0]!.stmt, defaultSchema);
}

/** The indexes just after each newline of a text. */
function newlineEnds(text: string): number[] {
  const ends: number[] = [];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) ends.push(index + 1);
  return ends;
}

/** An unknown effect waiting for the first effect inside its enclosure. */
interface Note {
  readonly index: number;
  readonly reason: string;
  emitted: boolean;
}

type Frame =
  | { readonly kind: 'handler'; readonly conditions: readonly string[] }
  | { readonly kind: 'lookup'; readonly lookup: CatalogLookup; readonly runsWhen: 'exists' | 'missing'; readonly note: Note }
  | { readonly kind: 'condition'; readonly note: Note };

/** Whether a lookup that a branch depends on tests the object an effect changes, in the sense the effect needs. */
function lookupGuards(lookup: CatalogLookup, runsWhen: 'exists' | 'missing', subject: Subject): boolean {
  // pg_class holds every relation: a relname lookup finds an index as well as a table.
  const object = subject.object === 'index' && lookup.source === 'pg_class' ? 'index' : lookup.object;
  if (object !== subject.object || runsWhen !== subject.runsWhen) return false;
  if (lookup.schema !== undefined && lookup.schema !== subject.name.schema) return false;
  switch (subject.object) {
    case 'type':
    case 'table':
    case 'index':
      return lookup.name === subject.name.name;
    case 'label':
      // A label looked up in any enum still guards, without schema awareness (see lookups.ts).
      return lookup.label === subject.label && (lookup.name === undefined || lookup.name === subject.name.name);
    case 'column':
      return lookup.column === subject.column && lookup.name === subject.name.name;
  }
}

/** One call of `sqlEffects`: the effects so far and the PL/pgSQL enclosures being walked. */
class Translation {
  readonly effects: Effect[] = [];
  private readonly frames: Frame[] = [];
  private readonly lines: SourceLines;
  private readonly defaultSchema: string;

  constructor(
    private readonly sql: string,
    private readonly origin: SqlOrigin,
    private readonly options: SqlEffectsOptions,
    /** The bind parameters replaced in the text, in text order. */
    private readonly placeholders: readonly Placeholder[],
  ) {
    this.lines = new SourceLines(sql, origin.line, origin.lineOffsets);
    this.defaultSchema = options.defaultSchema ?? DEFAULT_SCHEMA;
  }

  private lineAt(index: number): number {
    return this.lines.lineAt(Math.min(Math.max(0, index), this.sql.length));
  }

  private push(draft: EffectDraft, guard: Guard, index: number): void {
    const effect: Effect = {
      ...draft,
      location: { file: this.origin.file, line: this.lineAt(index) },
      guard,
      ...(this.options.autocommit ? { autocommit: true } : {}),
    };
    this.effects.push(effect);
  }

  /**
   * Records an effect with the guard that protects it: its own clause, else the innermost
   * enclosure that guards it (an exception handler, or a lookup of the object it changes). Every
   * other enclosure it sits in makes it conditional, which one `unknown` effect per enclosure says
   * (for effects that change the schema or fail; label uses and unknowns speak for themselves).
   */
  private emit(draft: EffectDraft, ownGuard: Guard, subjects: readonly Subject[], index: number): void {
    const placeholder = draft.kind === 'invalid-sql' ? this.placeholderAt(index) : undefined;
    if (placeholder) {
      // The driver writes the value there as a literal, which may parse where a parameter does not.
      const reason = `the bind parameter ${placeholder.written} stands where PostgreSQL's grammar takes no parameter; the driver writes its value there as a literal (a parenthesised list for a tuple), so whether the SQL is valid depends on the value`;
      this.emit({ kind: 'unknown', reason }, ownGuard, subjects, index);
      return;
    }
    let guard: Guard | undefined = ownGuard.kind === 'none' ? undefined : ownGuard;
    const notes: Note[] = [];
    for (let position = this.frames.length - 1; position >= 0; position -= 1) {
      const frame = this.frames[position]!;
      if (frame.kind === 'handler') {
        guard ??= { kind: 'exception-handler', conditions: frame.conditions };
      } else if (frame.kind === 'lookup' && subjects.some((subject) => lookupGuards(frame.lookup, frame.runsWhen, subject))) {
        guard ??= { kind: 'existence-check', source: frame.lookup.source, schemaAware: frame.lookup.schemaAware };
      } else if ((subjects.length > 0 || draft.kind === 'invalid-sql') && !frame.note.emitted) {
        notes.unshift(frame.note); // outer enclosures first, in reading order
      }
    }
    for (const note of notes) {
      note.emitted = true;
      this.push({ kind: 'unknown', reason: note.reason }, NO_GUARD, note.index);
    }
    this.push(draft, guard ?? NO_GUARD, index);
  }

  /** Records a text that cannot run at all, at a string index of it. */
  invalid(message: string, index: number): void {
    this.push({ kind: 'invalid-sql', message }, NO_GUARD, index);
  }

  /** The placeholder at a string index of the text, if any. */
  private placeholderAt(index: number): Placeholder | undefined {
    return this.placeholders.find((placeholder) => placeholder.start <= index && index < placeholder.end);
  }

  /**
   * Says once when a bind parameter sits inside a string constant or a dollar-quoted body: the
   * driver puts its value there as a quoted literal, so the text PostgreSQL receives depends on it.
   */
  noteBindsInStrings(): void {
    if (this.placeholders.length === 0) return;
    const offsets = new TextOffsets(this.sql);
    const ranges = stringConstantRanges(this.sql).map(([start, end]) => [offsets.indexOfByte(start), offsets.indexOfByte(end)] as const);
    const inside = this.placeholders.find((placeholder) => ranges.some(([start, end]) => start < placeholder.start && placeholder.start < end));
    if (!inside) return;
    this.emit(
      { kind: 'unknown', reason: `the bind parameter ${inside.written} is inside a quoted string or body, where the driver writes its value as a quoted literal: schema-gate reads that text without the value` },
      NO_GUARD,
      [],
      inside.start,
    );
  }

  /** Parses a piece of SQL that starts at `startIndex` of the original text, and translates it. */
  translateText(text: string, startIndex: number, depth: number): void {
    if (depth > MAX_TEXT_DEPTH) {
      this.emit({ kind: 'unknown', reason: `SQL run by EXECUTE or DO nested more than ${MAX_TEXT_DEPTH} deep is not analysed`, mayCreateTables: true }, NO_GUARD, [], startIndex);
      return;
    }
    const nul = text.indexOf('\0');
    if (nul !== -1) {
      // The parser reads C strings and would stop there; drivers refuse such text outright.
      this.emit({ kind: 'invalid-sql', message: 'the SQL text contains a NUL character (0x00), which PostgreSQL does not accept' }, NO_GUARD, [], startIndex + nul);
      return;
    }
    const result = parseSql(text);
    const offsets = new TextOffsets(text);
    if (!result.ok) {
      if (result.kind === 'syntax') {
        const errorIndex = startIndex + offsets.indexOfCodePoint(result.cursor ?? 0);
        this.emit({ kind: 'invalid-sql', message: result.message }, NO_GUARD, [], errorIndex);
      } else {
        this.emit({ kind: 'unknown', reason: `SQL not analysed: ${result.message}`, mayCreateTables: true }, NO_GUARD, [], startIndex);
      }
      return;
    }
    for (const raw of result.statements) {
      const statementIndex = startIndex + offsets.indexOfByte(raw.stmt_location ?? 0);
      translateStatement(raw.stmt, this.statementScope(text, offsets, startIndex, statementIndex, depth));
    }
  }

  private statementScope(text: string, offsets: TextOffsets, startIndex: number, statementIndex: number, depth: number): StatementScope {
    return {
      defaultSchema: this.defaultSchema,
      emit: (draft, ownGuard, subjects) => this.emit(draft, ownGuard, subjects, statementIndex),
      doBlock: (body, language, bodyLocation) => {
        if (language !== 'plpgsql') {
          this.emit({ kind: 'unknown', reason: `DO block in language ${language} is not analysed`, mayCreateTables: true }, NO_GUARD, [], statementIndex);
          return;
        }
        const bodyIndex = startIndex + stringContentStart(text, offsets.indexOfByte(bodyLocation));
        walkDoBlock(body, bodyIndex, this.plpgsqlHost(depth));
      },
    };
  }

  private plpgsqlHost(depth: number): PlpgsqlHost {
    return {
      defaultSchema: this.defaultSchema,
      translateSql: (text, index) => this.translateText(text, index, depth + 1),
      unknown: (reason, index, mayCreateTables) => this.emit({ kind: 'unknown', reason, ...(mayCreateTables ? { mayCreateTables: true } : {}) }, NO_GUARD, [], index),
      invalid: (message, index) => this.emit({ kind: 'invalid-sql', message }, NO_GUARD, [], index),
      within: (enclosure, walk) => this.within(enclosure, walk),
      lineAt: (index) => this.lineAt(index),
    };
  }

  private within(enclosure: Enclosure, walk: () => void): void {
    const frame: Frame =
      enclosure.kind === 'handler'
        ? enclosure
        : { ...enclosure, note: { index: enclosure.index, reason: enclosure.reason, emitted: false } };
    this.frames.push(frame);
    try {
      walk();
    } finally {
      this.frames.pop();
    }
  }
}
