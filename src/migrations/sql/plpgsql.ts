/**
 * The statements of a `DO` block, read with PostgreSQL's PL/pgSQL compiler.
 *
 * libpg-query compiles function definitions, so the block's body is wrapped in
 * `CREATE FUNCTION … LANGUAGE plpgsql AS $tag$<body>$tag$`, the body starting on the wrapper's
 * first line so that the compiler's line numbers are the body's. What a migration's DO block does
 * is recognised in these forms:
 * - `IF [NOT] EXISTS (<catalog lookup>) THEN …` guards the statements inside with an
 *   existence check, when the lookup tests the object they change (see lookups.ts);
 * - `BEGIN … EXCEPTION WHEN duplicate_object THEN … END` guards the statements of the block with
 *   an exception handler, unless the handler raises again;
 * - `EXECUTE '<constant SQL>'` runs that SQL, which is translated like any other; a dynamic
 *   EXECUTE cannot be judged and is reported as unknown.
 * Statements under other conditions, in loops or in handlers are translated as if they ran, and an
 * `unknown` effect says so once per condition.
 */
import { recogniseCondition, type CatalogLookup, type RecognisedCondition } from './lookups.js';
import { parsePlpgsql, parseSql } from './parser.js';
import { indexOfLine, stringContentStart, TextOffsets } from './positions.js';
import { constantText } from './ast.js';

/** A region of a DO block whose statements run only under some circumstance. */
export type Enclosure =
  /** The body of a block with an exception handler that swallows these conditions. */
  | { readonly kind: 'handler'; readonly conditions: readonly string[] }
  /**
   * A branch taken when a catalog lookup finds (or does not find) its object. `reason` explains,
   * for statements that change another object, that they run conditionally; `index` is where the
   * branch starts.
   */
  | { readonly kind: 'lookup'; readonly lookup: CatalogLookup; readonly runsWhen: 'exists' | 'missing'; readonly reason: string; readonly index: number }
  /** A branch, loop or handler whose condition is not a lookup. */
  | { readonly kind: 'condition'; readonly reason: string; readonly index: number };

/** What the walk reports to. Indexes are string indexes into the text given to `sqlEffects`. */
export interface PlpgsqlHost {
  readonly defaultSchema: string;
  /** Translates SQL that the block runs, starting at `index`. */
  translateSql(text: string, index: number): void;
  /** `mayCreateTables`: SQL the walk cannot read, which may create or rename tables unseen. */
  unknown(reason: string, index: number, mayCreateTables?: boolean): void;
  invalid(message: string, index: number): void;
  /** Runs `walk` with the effects it records inside an enclosure. */
  within(enclosure: Enclosure, walk: () => void): void;
  lineAt(index: number): number;
}

/** Translates the body of a `DO` block, which starts at `bodyIndex` of the original text. */
export function walkDoBlock(body: string, bodyIndex: number, host: PlpgsqlHost): void {
  const tag = dollarTagNotIn(body);
  // The body must start on the wrapper's first line, so that PL/pgSQL's line 1 is the body's.
  const definition = `CREATE FUNCTION schema_gate_do_block() RETURNS void LANGUAGE plpgsql AS ${tag}${body}${tag}`;
  const result = parsePlpgsql(definition, body);
  if (!result.ok) {
    if (result.kind === 'syntax') host.invalid(`PL/pgSQL: ${result.message}`, bodyIndex);
    else host.unknown(`DO block not analysed: ${result.message}`, bodyIndex, true);
    return;
  }
  const action = firstFunctionAction(result.functions);
  if (!action) {
    host.unknown('DO block not analysed: the PL/pgSQL compiler returned no statements', bodyIndex, true);
    return;
  }
  new BlockWalker(body, bodyIndex, host).statements([action], 0, false);
}

/** A dollar-quote tag that does not occur in the body. */
function dollarTagNotIn(body: string): string {
  for (let attempt = 0; ; attempt += 1) {
    const tag = `$sg${attempt === 0 ? '' : attempt}$`;
    if (!body.includes(tag)) return tag;
  }
}

// ---- Typed reading of the PL/pgSQL compiler's JSON ----------------------------------------------

/** An object of the compiler's JSON. */
type JsonObject = { readonly [field: string]: unknown };

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** A wrapped node (`{ "PLpgSQL_stmt_if": { … } }`) as its type and fields. */
function unwrap(value: unknown): { readonly type: string; readonly fields: JsonObject } | undefined {
  const object = asObject(value);
  if (!object) return undefined;
  const keys = Object.keys(object);
  const fields = keys.length === 1 ? asObject(object[keys[0]!]) : undefined;
  return fields && { type: keys[0]!, fields };
}

/** The text of a `PLpgSQL_expr` (an expression, or a whole SQL statement). */
function expressionText(value: unknown): string | undefined {
  const expression = unwrap(value);
  return expression?.type === 'PLpgSQL_expr' ? asString(expression.fields['query']) : undefined;
}

function firstFunctionAction(functions: unknown): unknown {
  const first = unwrap(asArray(asObject(functions)?.['plpgsql_funcs'])[0]);
  return first?.type === 'PLpgSQL_function' ? first.fields['action'] : undefined;
}

// ---- Exception conditions ---------------------------------------------------------------------

/**
 * Condition names of the SQLSTATE codes a migration's handler is about, so that
 * `WHEN SQLSTATE '42710'` and `WHEN duplicate_object` read the same.
 */
const CONDITION_NAMES: Readonly<Record<string, string>> = {
  '42710': 'duplicate_object',
  '42P07': 'duplicate_table',
  '42701': 'duplicate_column',
  '42P06': 'duplicate_schema',
  '42704': 'undefined_object',
  '42P01': 'undefined_table',
  '42703': 'undefined_column',
  '3F000': 'invalid_schema_name',
  '22023': 'invalid_parameter_value',
  '22P02': 'invalid_text_representation',
  '23505': 'unique_violation',
  '2BP01': 'dependent_objects_still_exist',
  '55P04': 'unsafe_new_enum_value_usage',
  '25001': 'active_sql_transaction',
};

/** PostgreSQL's elog level ERROR: a RAISE at or above it aborts. */
const ERROR_LEVEL = 21;

/** Whether statements raise an error somewhere (a handler that does so does not swallow its conditions). */
function raisesError(statements: readonly unknown[]): boolean {
  const pending = [...statements];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) {
      pending.push(...value);
      continue;
    }
    const object = asObject(value);
    if (!object) continue;
    const raise = asObject(object['PLpgSQL_stmt_raise']);
    if (raise && (asNumber(raise['elog_level']) ?? ERROR_LEVEL) >= ERROR_LEVEL) return true;
    pending.push(...Object.values(object));
  }
  return false;
}

// ---- The walk ---------------------------------------------------------------------------------

/** How deep blocks, branches and loops may nest before the rest is reported as unknown. */
const MAX_BLOCK_DEPTH = 100;

/** Statement types that change nothing the model holds. */
const INERT_STATEMENTS = new Set([
  'PLpgSQL_stmt_assign',
  'PLpgSQL_stmt_getdiag',
  'PLpgSQL_stmt_exit',
  'PLpgSQL_stmt_return',
  'PLpgSQL_stmt_return_next',
  'PLpgSQL_stmt_fetch',
  'PLpgSQL_stmt_close',
  'PLpgSQL_stmt_assert',
  'PLpgSQL_stmt_call',
]);

const LOOPS = new Set(['PLpgSQL_stmt_loop', 'PLpgSQL_stmt_while', 'PLpgSQL_stmt_fori', 'PLpgSQL_stmt_fors', 'PLpgSQL_stmt_forc', 'PLpgSQL_stmt_foreach_a', 'PLpgSQL_stmt_dynfors']);

class BlockWalker {
  constructor(
    private readonly body: string,
    private readonly bodyIndex: number,
    private readonly host: PlpgsqlHost,
  ) {}

  /** The original index where a PL/pgSQL line (1-based, as the compiler counts) starts. */
  private indexOfLine(lineNumber: number | undefined): number {
    return this.bodyIndex + indexOfLine(this.body, lineNumber ?? 1);
  }

  /** The original index of a statement's text, found from the start of its line. */
  private indexOfText(text: string, lineNumber: number | undefined): number {
    const lineStart = indexOfLine(this.body, lineNumber ?? 1);
    const found = this.body.indexOf(text, lineStart);
    return this.bodyIndex + (found === -1 ? lineStart : found);
  }

  statements(list: readonly unknown[], depth: number, inHandler: boolean): void {
    for (const item of list) {
      const statement = unwrap(item);
      if (statement) this.statement(statement.type, statement.fields, depth, inHandler);
    }
  }

  private statement(type: string, fields: JsonObject, depth: number, inHandler: boolean): void {
    const lineNumber = asNumber(fields['lineno']);
    const index = this.indexOfLine(lineNumber);
    if (depth > MAX_BLOCK_DEPTH) {
      this.host.unknown(`PL/pgSQL blocks nested more than ${MAX_BLOCK_DEPTH} deep are not analysed`, index);
      return;
    }
    switch (type) {
      case 'PLpgSQL_stmt_block':
        this.block(fields, depth, inHandler);
        return;
      case 'PLpgSQL_stmt_if':
        this.ifStatement(fields, index, depth, inHandler);
        return;
      case 'PLpgSQL_stmt_case':
        this.caseStatement(fields, index, depth, inHandler);
        return;
      case 'PLpgSQL_stmt_execsql': {
        const sql = expressionText(fields['sqlstmt']);
        if (sql !== undefined) this.host.translateSql(sql, this.indexOfText(sql, lineNumber));
        return;
      }
      case 'PLpgSQL_stmt_perform':
      case 'PLpgSQL_stmt_return_query':
      case 'PLpgSQL_stmt_open': {
        // PERFORM's text is rewritten to SELECT, so it is found by line only.
        const sql = expressionText(fields['expr'] ?? fields['query']);
        if (sql !== undefined) this.host.translateSql(sql, this.indexOfText(sql, lineNumber));
        if (fields['dynquery'] !== undefined) this.host.unknown('dynamic SQL (a query built at run time) is not analysed', index, true);
        return;
      }
      case 'PLpgSQL_stmt_dynexecute':
        this.execute(fields['query'], lineNumber, index);
        return;
      case 'PLpgSQL_stmt_raise':
        if (!inHandler && (asNumber(fields['elog_level']) ?? ERROR_LEVEL) >= ERROR_LEVEL) {
          this.host.unknown('RAISE of an error: the upgrade fails where it is reached', index);
        }
        return;
      case 'PLpgSQL_stmt_commit':
      case 'PLpgSQL_stmt_rollback':
        this.host.unknown(`${type === 'PLpgSQL_stmt_commit' ? 'COMMIT' : 'ROLLBACK'} in a DO block fails inside Alembic's transaction`, index);
        return;
      default:
        if (LOOPS.has(type)) {
          this.loop(type, fields, index, depth, inHandler);
        } else if (!INERT_STATEMENTS.has(type)) {
          this.host.unknown(`PL/pgSQL statement ${type.replace('PLpgSQL_stmt_', '')} is not analysed`, index, true);
        }
    }
  }

  private block(fields: JsonObject, depth: number, inHandler: boolean): void {
    const body = asArray(fields['body']);
    const exceptionBlock = unwrap(fields['exceptions']);
    const handlers = asArray(exceptionBlock?.fields['exc_list']).flatMap((entry) => {
      const handler = unwrap(entry);
      if (handler?.type !== 'PLpgSQL_exception') return [];
      const conditions = asArray(handler.fields['conditions']).flatMap((condition) => {
        const name = asString(unwrap(condition)?.fields['condname']);
        return name === undefined ? [] : [CONDITION_NAMES[name] ?? name];
      });
      const action = asArray(handler.fields['action']);
      // The compiler gives a handler no line; its first statement's, else the block's, stands for it.
      const lineNumber = asNumber(unwrap(action[0])?.fields['lineno']) ?? asNumber(fields['lineno']);
      return [{ conditions, action, lineNumber }];
    });
    // A handler that raises again lets its conditions through.
    const swallowed = handlers.filter((handler) => !raisesError(handler.action)).flatMap((handler) => handler.conditions);
    if (swallowed.length > 0) this.host.within({ kind: 'handler', conditions: [...new Set(swallowed)] }, () => this.statements(body, depth + 1, inHandler));
    else this.statements(body, depth + 1, inHandler);
    for (const handler of handlers) {
      const index = handler.lineNumber !== undefined ? this.indexOfLine(handler.lineNumber) : this.bodyIndex;
      const reason = `the statements of the exception handler (WHEN ${handler.conditions.join(' OR ')}) at line ${this.host.lineAt(index)} run only when the block fails: they are assumed to run`;
      this.host.within({ kind: 'condition', reason, index }, () => this.statements(handler.action, depth + 1, true));
    }
  }

  /** The condition of an IF, recognised as a catalog lookup when it is one. */
  private condition(value: unknown): { readonly text: string; readonly lookup: RecognisedCondition | undefined } {
    const text = expressionText(value) ?? '';
    const parsed = text === '' ? undefined : parseSql(`SELECT ${text}`);
    const select = parsed?.ok && parsed.statements.length === 1 ? parsed.statements[0]!.stmt : undefined;
    const target = select && 'SelectStmt' in select && select.SelectStmt.targetList?.length === 1 ? select.SelectStmt.targetList[0] : undefined;
    const expression = target && 'ResTarget' in target ? target.ResTarget.val : undefined;
    return { text, lookup: recogniseCondition(expression, this.host.defaultSchema) };
  }

  private ifStatement(fields: JsonObject, index: number, depth: number, inHandler: boolean): void {
    const line = this.host.lineAt(index);
    const condition = this.condition(fields['cond']);
    const elsifs = asArray(fields['elsif_list']).flatMap((entry) => {
      const elsif = unwrap(entry);
      return elsif ? [elsif.fields] : [];
    });
    const branch = (lookupRunsWhen: 'exists' | 'missing' | undefined, what: string): Enclosure => {
      if (condition.lookup && lookupRunsWhen) {
        const { lookup } = condition;
        const reason = `the statements of the ${what} at line ${line} run only when ${describeLookup(lookup)} ${lookupRunsWhen === 'exists' ? 'exists' : 'is missing'}, which is not an object they change: they are assumed to run`;
        return { kind: 'lookup', lookup: lookup.lookup, runsWhen: lookupRunsWhen, reason, index };
      }
      const why = condition.lookup ? 'on more than one condition' : `on a condition that is not a catalog lookup (${abbreviate(condition.text)})`;
      return { kind: 'condition', index, reason: `the statements of the ${what} at line ${line} depend ${why}: they are assumed to run` };
    };
    const trueWhen = condition.lookup?.trueWhen;
    const falseWhen = trueWhen === undefined ? undefined : trueWhen === 'exists' ? 'missing' : 'exists';
    this.host.within(branch(trueWhen, 'IF'), () => this.statements(asArray(fields['then_body']), depth + 1, inHandler));
    for (const elsif of elsifs) {
      const elsifIndex = this.indexOfLine(asNumber(elsif['lineno']));
      const reason = `the statements of the ELSIF at line ${this.host.lineAt(elsifIndex)} depend on conditions that are not analysed: they are assumed to run`;
      this.host.within({ kind: 'condition', reason, index: elsifIndex }, () => this.statements(asArray(elsif['stmts']), depth + 1, inHandler));
    }
    // The ELSE of a lookup runs in the opposite case, unless ELSIFs make it depend on more.
    this.host.within(branch(elsifs.length === 0 ? falseWhen : undefined, 'ELSE of the IF'), () => this.statements(asArray(fields['else_body']), depth + 1, inHandler));
  }

  private caseStatement(fields: JsonObject, index: number, depth: number, inHandler: boolean): void {
    const reason = `the statements of the CASE at line ${this.host.lineAt(index)} depend on conditions that are not analysed: they are assumed to run`;
    this.host.within({ kind: 'condition', reason, index }, () => {
      for (const entry of asArray(fields['case_when_list'])) this.statements(asArray(unwrap(entry)?.fields['stmts']), depth + 1, inHandler);
      this.statements(asArray(fields['else_stmts']), depth + 1, inHandler);
    });
  }

  private loop(type: string, fields: JsonObject, index: number, depth: number, inHandler: boolean): void {
    const query = expressionText(fields['query']);
    if (query !== undefined) this.host.translateSql(query, this.indexOfText(query, asNumber(fields['lineno'])));
    if (type === 'PLpgSQL_stmt_dynfors') this.host.unknown('FOR … IN EXECUTE: dynamic SQL is not analysed', index, true);
    const reason = `the statements of the loop at line ${this.host.lineAt(index)} may run any number of times: they are assumed to run once`;
    this.host.within({ kind: 'condition', reason, index }, () => this.statements(asArray(fields['body']), depth + 1, inHandler));
  }

  /** `EXECUTE <expression>`: constant SQL is translated; anything built at run time is unknown. */
  private execute(queryExpression: unknown, lineNumber: number | undefined, index: number): void {
    const expressionSource = expressionText(queryExpression);
    if (expressionSource === undefined) return;
    const parsed = parseSql(`SELECT ${expressionSource}`);
    const select = parsed.ok && parsed.statements.length === 1 ? parsed.statements[0]!.stmt : undefined;
    const target = select && 'SelectStmt' in select ? select.SelectStmt.targetList?.[0] : undefined;
    const expression = target && 'ResTarget' in target ? target.ResTarget.val : undefined;
    const sql = constantText(expression);
    if (sql === undefined) {
      this.host.unknown(`EXECUTE of SQL built at run time is not analysed (${abbreviate(expressionSource)})`, index, true);
      return;
    }
    // Where the constant's content starts in the body, when the expression is found there; the
    // constant may be unescaped (doubled quotes), which shifts columns but not lines.
    const expressionIndex = this.indexOfText(expressionSource, lineNumber);
    const constantLocation = expression && 'A_Const' in expression ? expression.A_Const.location : undefined;
    let sqlIndex = expressionIndex;
    if (constantLocation !== undefined) {
      const selectText = `SELECT ${expressionSource}`;
      const tokenIndex = new TextOffsets(selectText).indexOfByte(constantLocation);
      sqlIndex = expressionIndex + stringContentStart(selectText, tokenIndex) - 'SELECT '.length;
    }
    this.host.translateSql(sql, sqlIndex);
  }
}

/** A lookup in words, for reason texts: `type platformtype (pg_type)`. */
function describeLookup(lookup: RecognisedCondition): string {
  const { object, name, label, column, source } = lookup.lookup;
  const subject =
    object === 'label' ? `label '${label ?? ''}'${name !== undefined ? ` of type ${name}` : ' of any enum'}` : object === 'column' ? `column ${name ?? ''}.${column ?? ''}` : `${object} ${name ?? ''}`;
  return `${subject} (${source})`;
}

/** A condition or expression shortened to one line for a reason text. */
function abbreviate(text: string): string {
  const oneLine = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}
