/**
 * PostgreSQL's own parser (libpg-query, compiled to WebAssembly), loaded once and on demand, and
 * called so that no input can hurt it.
 *
 * Facts about libpg-query 18 that shape this module:
 * - Importing the package starts compiling its WebAssembly at once (40–60 ms with the import), so
 *   it is imported dynamically by `loadSqlParser()`, never at module load: a command that needs no
 *   SQL never pays for it.
 * - After that, `parseSync` takes some 20 µs for a typical migration statement, so `sqlEffects`
 *   is synchronous and a loop over thousands of strings needs no promise per string.
 * - Locations in the parse tree (`stmt_location`, node `location`) are UTF-8 byte offsets; the
 *   error cursor is a 0-based character offset (see positions.ts). Since PostgreSQL 18 a
 *   statement's location is that of its first token, after any comments.
 * - Its `parsePlPgSQLSync` compiles `CREATE FUNCTION … LANGUAGE plpgsql` definitions and reports
 *   errors as plain messages, without a position.
 * - The WebAssembly code recurses over the parse tree to serialise it. A tree a few thousand levels
 *   deep (`1+1+…+1`, `f(f(f(…)))`) overflows the stack inside WebAssembly, and after that the
 *   module's memory is corrupt: later parses fail or crash. Texts are therefore screened with the
 *   parser's own tokenizer (flat, never recursive) and refused when their nesting could be deep.
 * - The library instantiates its WebAssembly itself, from the .wasm file beside its JavaScript. The
 *   single executable has no such file: its bundle hands the library's factory the file built into
 *   the executable (scripts/package.mjs, `emscriptenWasmOptions` in runtime/assets.ts), so this
 *   module is the same in both.
 */
import type { RawStmt } from 'libpg-query';

type LibPgQuery = typeof import('libpg-query');

let library: LibPgQuery | undefined;
let loading: Promise<void> | undefined;
/** Set once the WebAssembly module has failed internally; it is not trusted afterwards. */
let brokenBecause: string | undefined;

/**
 * Loads the SQL parser; resolves when `sqlEffects` may be called. Safe to call many times and
 * concurrently: the module loads once. A failed load may be retried by calling again.
 */
export function loadSqlParser(): Promise<void> {
  loading ??= (async () => {
    const module = await import('libpg-query');
    await module.loadModule();
    library = module;
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Whether `loadSqlParser()` has completed, so that `sqlEffects` can run. */
export function isSqlParserLoaded(): boolean {
  return library !== undefined;
}

function loadedLibrary(): LibPgQuery {
  if (!library) throw new Error('the SQL parser is not loaded: await loadSqlParser() before sqlEffects()');
  return library;
}

/** Why a text could not be parsed. */
export type ParseFailure =
  /** PostgreSQL rejects the text; `cursor` is the 0-based code point offset of the error, when known. */
  | { readonly ok: false; readonly kind: 'syntax'; readonly message: string; readonly cursor?: number }
  /** The text was not given to the parser, or the parser failed internally: nothing is known. */
  | { readonly ok: false; readonly kind: 'unparsable'; readonly message: string };

/** The statements of a text, or why there are none. */
export type SqlParseResult = { readonly ok: true; readonly statements: readonly RawStmt[] } | ParseFailure;

/** The outcome of PL/pgSQL compilation: the function JSON, which callers read through typed accessors. */
export type PlpgsqlParseResult = { readonly ok: true; readonly functions: unknown } | ParseFailure;

/**
 * How deep a text's parse tree may be before it is refused. The deepest trees the WebAssembly code
 * survived in measurements were about three times deeper, with half of the JavaScript stack in use.
 */
const MAX_NESTING = 1000;

/** Parses SQL text into raw statements. Never throws once the parser is loaded. */
export function parseSql(text: string): SqlParseResult {
  const pg = loadedLibrary();
  if (text === '') return { ok: true, statements: [] }; // the library refuses empty text; PostgreSQL accepts it
  const refusal = refuse(pg, text);
  if (refusal) return refusal;
  try {
    return { ok: true, statements: pg.parseSync(text).stmts ?? [] };
  } catch (error) {
    return parseFailure(pg, error, 'unparsable');
  }
}

/**
 * Compiles PL/pgSQL function definitions (`CREATE FUNCTION … LANGUAGE plpgsql AS $$ … $$`). The
 * checks are PostgreSQL's compile-time ones: syntax, and names of variables and conditions.
 * `body` is the function body alone, screened for nesting before the whole definition is parsed.
 */
export function parsePlpgsql(definition: string, body: string): PlpgsqlParseResult {
  const pg = loadedLibrary();
  const refusal = refuse(pg, body);
  if (refusal) return refusal;
  try {
    return { ok: true, functions: pg.parsePlPgSQLSync(definition) };
  } catch (error) {
    // The PL/pgSQL compiler reports its errors as plain messages without a position.
    return parseFailure(pg, error, 'syntax');
  }
}

/**
 * The string constants of a text (quoted, escaped, bit and dollar-quoted ones) as UTF-8 byte
 * ranges `[start, end)`, read with the parser's own tokenizer; empty when the tokenizer rejects
 * the text, which the parser then rejects too.
 */
export function stringConstantRanges(text: string): Array<readonly [number, number]> {
  const pg = loadedLibrary();
  if (brokenBecause || text === '') return [];
  try {
    return pg
      .scanSync(text)
      .tokens.filter((token) => STRING_TOKENS.has(token.tokenName))
      .map((token) => [token.start, token.end] as const);
  } catch {
    return [];
  }
}

/** Parses one type name written as text (as `to_regtype('x')` and `'x'::regtype` take it). */
export function parseTypeNameText(text: string): SqlParseResult {
  // Casting NULL keeps the statement valid for any type name and adds nothing else.
  return text.includes(';') ? { ok: false, kind: 'unparsable', message: 'not a type name' } : parseSql(`SELECT NULL::${text}`);
}

function refuse(pg: LibPgQuery, text: string): ParseFailure | undefined {
  if (brokenBecause) return { ok: false, kind: 'unparsable', message: `the SQL parser failed earlier in this process (${brokenBecause}) and is no longer trusted` };
  if (text.length <= MAX_NESTING) return undefined; // each level of nesting takes at least one character
  const bound = nestingBound(pg, text);
  if (bound > MAX_NESTING) return { ok: false, kind: 'unparsable', message: `nested too deeply to parse safely (nesting bound ${bound} > ${MAX_NESTING})` };
  return undefined;
}

/** Classifies a thrown error; `plainErrors` says what an error without SQL details means. */
function parseFailure(pg: LibPgQuery, error: unknown, plainErrors: ParseFailure['kind']): ParseFailure {
  if (pg.hasSqlDetails(error)) {
    return { ok: false, kind: 'syntax', message: error.message, cursor: error.sqlDetails?.cursorPosition ?? 0 };
  }
  // WebAssembly traps are RuntimeErrors (typed by no library this project includes).
  if (error instanceof RangeError || (error instanceof Error && error.name === 'RuntimeError')) {
    // A stack overflow or trap inside WebAssembly leaves its memory inconsistent.
    brokenBecause = error.message;
    return { ok: false, kind: 'unparsable', message: `the SQL parser failed internally: ${error.message}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, kind: plainErrors, message };
}

/** Token names of the tokenizer that are names or constants, never operators. */
const LEAF_TOKENS = new Set(['IDENT', 'UIDENT', 'SCONST', 'USCONST', 'ICONST', 'FCONST', 'BCONST', 'XCONST', 'PARAM']);
const COMMENT_TOKENS = new Set(['SQL_COMMENT', 'C_COMMENT']);
/** Token names of string constants; dollar-quoted bodies are SCONST too. */
const STRING_TOKENS = new Set(['SCONST', 'USCONST', 'BCONST', 'XCONST']);
/** PL/pgSQL words that open a block closed by END (END IF, END LOOP, END CASE, END). */
const BLOCK_OPENERS = new Set(['begin', 'if', 'loop', 'case']);

/**
 * An upper bound of the parse tree depth of a text, from its tokens: every bracket level, plus the
 * operators and keywords of the current list item at every level (a chain `a+b+c` nests one node per
 * operator; a comma or semicolon ends the chain), plus three per open PL/pgSQL block. Texts the
 * tokenizer rejects get 0: the parser rejects them too, before building any tree.
 */
function nestingBound(pg: LibPgQuery, text: string): number {
  let tokens;
  try {
    tokens = pg.scanSync(text).tokens;
  } catch {
    return 0;
  }
  const chainLengths = [0];
  let chainSum = 0;
  let blockDepth = 0;
  let previousWord = '';
  let bound = 0;
  for (const token of tokens) {
    if (COMMENT_TOKENS.has(token.tokenName)) continue;
    const text = token.text;
    if (text === '(' || text === '[') {
      chainLengths.push(0);
    } else if (text === ')' || text === ']') {
      if (chainLengths.length > 1) chainSum -= chainLengths.pop()!;
    } else if (text === ',' || text === ';') {
      chainSum -= chainLengths[chainLengths.length - 1]!;
      chainLengths[chainLengths.length - 1] = 0;
    } else if (!LEAF_TOKENS.has(token.tokenName) || token.keywordKind > 0) {
      chainLengths[chainLengths.length - 1]! += 1;
      chainSum += 1;
    }
    const word = text.toLowerCase();
    if (BLOCK_OPENERS.has(word) && previousWord !== 'end') blockDepth += 1;
    else if (word === 'end' && blockDepth > 0) blockDepth -= 1;
    previousWord = word;
    bound = Math.max(bound, chainLengths.length + chainSum + 3 * blockDepth);
  }
  return bound;
}
