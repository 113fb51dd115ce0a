/**
 * Recognises the catalog lookups that migrations put in PL/pgSQL `IF` conditions to guard their
 * statements, such as
 *
 *     IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'platformtype') THEN …
 *
 * A lookup compares names only. The usual pg_type form also ignores the schema: a type of that name
 * anywhere makes it true. Whether a lookup constrains the schema is therefore recorded, as is the
 * schema when it is written as a constant.
 */
import type { Node, RangeVar, SelectStmt } from 'libpg-query';
import { columnName, conjuncts, operatorName, qualifiedName, stringConstant, typeNameParts, walkNodes } from './ast.js';
import { parseTypeNameText } from './parser.js';

/** What a catalog lookup looks for. */
export interface CatalogLookup {
  /** The catalog it reads, as written (`pg_type`, `information_schema.tables`, `to_regtype`, …). */
  readonly source: string;
  readonly object: 'type' | 'table' | 'label' | 'column' | 'index';
  /**
   * The type or table name it compares, exactly (catalog columns hold names as stored). For a
   * label or column lookup: the type or table it belongs to, when the lookup says.
   */
  readonly name?: string;
  /** The schema it is limited to, when written as a constant (or `current_schema`). */
  readonly schema?: string;
  /** Whether it is limited to one schema at all (or resolves the name through the search_path). */
  readonly schemaAware: boolean;
  readonly label?: string;
  readonly column?: string;
}

/** A lookup, and whether the condition holds when the object exists or when it is missing. */
export interface RecognisedCondition {
  readonly lookup: CatalogLookup;
  readonly trueWhen: 'exists' | 'missing';
}

/**
 * Recognises a condition expression. Understood forms: `[NOT] EXISTS (SELECT … FROM <catalog>
 * WHERE …)`, `(SELECT count(*) FROM <catalog> WHERE …) = 0` (or `> 0`, `<> 0`) and
 * `to_regtype('x') IS [NOT] NULL` (also to_regclass). Undefined for anything else.
 */
export function recogniseCondition(condition: Node | undefined, defaultSchema: string): RecognisedCondition | undefined {
  if (!condition) return undefined;
  if ('BoolExpr' in condition && condition.BoolExpr.boolop === 'NOT_EXPR' && condition.BoolExpr.args?.length === 1) {
    const inner = recogniseCondition(condition.BoolExpr.args[0], defaultSchema);
    return inner && { lookup: inner.lookup, trueWhen: inner.trueWhen === 'exists' ? 'missing' : 'exists' };
  }
  if ('SubLink' in condition && condition.SubLink.subLinkType === 'EXISTS_SUBLINK') {
    const lookup = selectLookup(condition.SubLink.subselect, defaultSchema);
    return lookup && { lookup, trueWhen: 'exists' };
  }
  if ('NullTest' in condition) {
    const lookup = regFunctionLookup(condition.NullTest.arg, defaultSchema);
    return lookup && { lookup, trueWhen: condition.NullTest.nulltesttype === 'IS_NULL' ? 'missing' : 'exists' };
  }
  if ('A_Expr' in condition && condition.A_Expr.kind === 'AEXPR_OP') return countComparison(condition.A_Expr.lexpr, operatorName(condition.A_Expr.name), condition.A_Expr.rexpr, defaultSchema);
  return undefined;
}

/** `(SELECT count(*) …) = 0` and its kin. */
function countComparison(left: Node | undefined, operator: string | undefined, right: Node | undefined, defaultSchema: string): RecognisedCondition | undefined {
  const zero = right && 'A_Const' in right && (right.A_Const.ival?.ival ?? 0) === 0 && !right.A_Const.sval && !right.A_Const.fval;
  if (!zero || !left || !('SubLink' in left) || left.SubLink.subLinkType !== 'EXPR_SUBLINK') return undefined;
  const trueWhen = operator === '=' ? 'missing' : operator === '>' || operator === '<>' || operator === '!=' ? 'exists' : undefined;
  const lookup = trueWhen && selectLookup(left.SubLink.subselect, defaultSchema);
  return lookup && trueWhen ? { lookup, trueWhen } : undefined;
}

/** `to_regtype('name')` / `to_regclass('name')`: resolved like the statement's own names. */
function regFunctionLookup(node: Node | undefined, defaultSchema: string): CatalogLookup | undefined {
  if (!node || !('FuncCall' in node)) return undefined;
  const functionName = operatorName(node.FuncCall.funcname);
  const argument = stringConstant(node.FuncCall.args?.[0]);
  if ((functionName !== 'to_regtype' && functionName !== 'to_regclass') || argument === undefined || node.FuncCall.args?.length !== 1) return undefined;
  const name = nameFromText(argument, defaultSchema);
  return name && { source: functionName, object: functionName === 'to_regtype' ? 'type' : 'table', name: name.name, schema: name.schema, schemaAware: true };
}

/** A name written as text (`'public.platformtype'`, `'"Mixed"'`), folded as PostgreSQL folds it. */
function nameFromText(text: string, defaultSchema: string): { name: string; schema: string } | undefined {
  const parsed = parseTypeNameText(text);
  if (!parsed.ok || parsed.statements.length !== 1) return undefined;
  const select = parsed.statements[0]!.stmt;
  // Nothing but the cast: a FROM or WHERE would mean the text was more than a name.
  const plain = select && 'SelectStmt' in select && Object.keys(select.SelectStmt).every((field) => ['targetList', 'limitOption', 'op'].includes(field));
  const target = plain && 'SelectStmt' in select && select.SelectStmt.targetList?.length === 1 ? select.SelectStmt.targetList[0] : undefined;
  const cast = target && 'ResTarget' in target ? target.ResTarget.val : undefined;
  if (!cast || !('TypeCast' in cast) || cast.TypeCast.typeName?.arrayBounds) return undefined;
  return qualifiedName(typeNameParts(cast.TypeCast.typeName), defaultSchema);
}

/** One `column = value` conjunct of a lookup's WHERE or JOIN conditions. */
interface Comparison {
  readonly column: string;
  /** The compared constant, or undefined when the other side is not a constant. */
  readonly constant?: string;
  /** The other side is a column too (a join condition, not a filter). */
  readonly againstColumn: boolean;
  /** The other side is `'name'::regtype` (or regclass, regnamespace). */
  readonly regCast?: { readonly type: string; readonly text: string };
  /** The other side is `current_schema` / `current_schema()`. */
  readonly currentSchema: boolean;
}

function comparisons(conditions: readonly Node[]): Comparison[] {
  const result: Comparison[] = [];
  for (const condition of conditions.flatMap((node) => conjuncts(node))) {
    if (!('A_Expr' in condition) || condition.A_Expr.kind !== 'AEXPR_OP' || operatorName(condition.A_Expr.name) !== '=') continue;
    const { lexpr, rexpr } = condition.A_Expr;
    for (const [columnSide, valueSide] of [
      [lexpr, rexpr],
      [rexpr, lexpr],
    ] as const) {
      const column = columnName(columnSide);
      if (column === undefined || valueSide === undefined) continue;
      result.push({ column, ...describeValue(valueSide) });
    }
  }
  return result;
}

function describeValue(node: Node): Omit<Comparison, 'column'> {
  const againstColumn = columnName(node) !== undefined;
  // 'x'::name and 'x'::text compare as the constant 'x'.
  const constant = stringConstant(node) ?? ('TypeCast' in node ? stringConstant(node.TypeCast.arg) : undefined);
  let regCast: Comparison['regCast'];
  if ('TypeCast' in node) {
    const type = typeNameParts(node.TypeCast.typeName)?.at(-1);
    const text = stringConstant(node.TypeCast.arg);
    if (type?.startsWith('reg') && text !== undefined) regCast = { type, text };
  }
  const currentSchema =
    ('SQLValueFunction' in node && node.SQLValueFunction.op === 'SVFOP_CURRENT_SCHEMA') ||
    ('FuncCall' in node && operatorName(node.FuncCall.funcname) === 'current_schema');
  return { againstColumn, ...(constant !== undefined ? { constant } : {}), ...(regCast ? { regCast } : {}), currentSchema };
}

/** The catalogs a lookup can read, by how the FROM clause names them. */
const CATALOGS: Readonly<Record<string, { readonly schemas: readonly string[]; readonly source: string }>> = {
  pg_type: { schemas: ['pg_catalog'], source: 'pg_type' },
  pg_enum: { schemas: ['pg_catalog'], source: 'pg_enum' },
  pg_class: { schemas: ['pg_catalog'], source: 'pg_class' },
  pg_tables: { schemas: ['pg_catalog'], source: 'pg_tables' },
  pg_indexes: { schemas: ['pg_catalog'], source: 'pg_indexes' },
  tables: { schemas: ['information_schema'], source: 'information_schema.tables' },
  columns: { schemas: ['information_schema'], source: 'information_schema.columns' },
};

/** The catalogs in a FROM clause (joins included) and the join conditions. */
function fromCatalogs(fromClause: readonly Node[] | undefined): { catalogs: Set<string>; joinConditions: Node[] } {
  const catalogs = new Set<string>();
  const joinConditions: Node[] = [];
  walkNodes(fromClause ?? [], (node) => {
    if ('RangeVar' in node) {
      const catalog = catalogOf(node.RangeVar);
      if (catalog) catalogs.add(catalog);
      return false;
    }
    if ('JoinExpr' in node) {
      if (node.JoinExpr.quals) joinConditions.push(node.JoinExpr.quals);
      return true;
    }
    // Subqueries in FROM are not lookups we understand.
    return !('RangeSubselect' in node);
  });
  return { catalogs, joinConditions };
}

function catalogOf(relation: RangeVar): string | undefined {
  const name = relation.relname ?? '';
  const catalog = Object.hasOwn(CATALOGS, name) ? CATALOGS[name] : undefined;
  if (!catalog) return undefined;
  // pg_catalog tables are found unqualified; information_schema ones only when qualified.
  const unqualifiedOk = catalog.schemas.includes('pg_catalog');
  if (relation.schemaname === undefined ? !unqualifiedOk : !catalog.schemas.includes(relation.schemaname)) return undefined;
  return catalog.source;
}

/** The lookup a `SELECT … FROM <catalog> WHERE …` performs. */
function selectLookup(subselect: Node | undefined, defaultSchema: string): CatalogLookup | undefined {
  if (!subselect || !('SelectStmt' in subselect)) return undefined;
  const select: SelectStmt = subselect.SelectStmt;
  if (select.op && select.op !== 'SETOP_NONE') return undefined;
  const { catalogs, joinConditions } = fromCatalogs(select.fromClause);
  const filters = comparisons([...(select.whereClause ? [select.whereClause] : []), ...joinConditions]);
  const constantOf = (...columns: string[]): string | undefined => filters.find((filter) => columns.includes(filter.column) && filter.constant !== undefined)?.constant;
  const namespaceFilter = (nameColumns: string[], oidColumns: string[]): { aware: boolean; schema?: string } => {
    for (const filter of filters) {
      if (nameColumns.includes(filter.column) && (filter.constant !== undefined || filter.currentSchema || !filter.againstColumn)) {
        const schema = filter.currentSchema ? defaultSchema : filter.constant;
        return { aware: true, ...(schema !== undefined ? { schema } : {}) };
      }
      // typnamespace = n.oid is a join, not a filter; typnamespace = 'x'::regnamespace is one.
      if (oidColumns.includes(filter.column) && !filter.againstColumn) {
        const schema = filter.regCast?.type === 'regnamespace' ? filter.regCast.text : undefined;
        return { aware: true, ...(schema !== undefined ? { schema } : {}) };
      }
    }
    return { aware: false };
  };

  if (catalogs.has('pg_enum')) {
    const label = constantOf('enumlabel');
    if (label === undefined) return undefined;
    const typeCast = filters.find((filter) => filter.column === 'enumtypid' && filter.regCast?.type === 'regtype')?.regCast;
    if (typeCast) {
      const type = nameFromText(typeCast.text, defaultSchema);
      return type && { source: 'pg_enum', object: 'label', label, name: type.name, schema: type.schema, schemaAware: true };
    }
    const typeName = catalogs.has('pg_type') ? constantOf('typname') : undefined;
    const namespace = namespaceFilter(['nspname'], ['typnamespace']);
    return {
      source: 'pg_enum',
      object: 'label',
      label,
      ...(typeName !== undefined ? { name: typeName } : {}),
      ...(namespace.schema !== undefined ? { schema: namespace.schema } : {}),
      schemaAware: typeName !== undefined && namespace.aware,
    };
  }
  const simple = (source: string, object: 'type' | 'table' | 'index', nameColumns: string[], schemaColumns: string[], oidColumns: string[]): CatalogLookup | undefined => {
    const name = constantOf(...nameColumns);
    if (name === undefined) return undefined;
    const namespace = namespaceFilter(schemaColumns, oidColumns);
    return { source, object, name, ...(namespace.schema !== undefined ? { schema: namespace.schema } : {}), schemaAware: namespace.aware };
  };
  if (catalogs.has('pg_type')) return simple('pg_type', 'type', ['typname'], ['nspname'], ['typnamespace']);
  if (catalogs.has('pg_class')) return simple('pg_class', 'table', ['relname'], ['nspname'], ['relnamespace']);
  if (catalogs.has('pg_tables')) return simple('pg_tables', 'table', ['tablename'], ['schemaname'], []);
  if (catalogs.has('pg_indexes')) return simple('pg_indexes', 'index', ['indexname'], ['schemaname'], []);
  if (catalogs.has('information_schema.tables')) return simple('information_schema.tables', 'table', ['table_name'], ['table_schema'], []);
  if (catalogs.has('information_schema.columns')) {
    const table = simple('information_schema.columns', 'table', ['table_name'], ['table_schema'], []);
    const column = constantOf('column_name');
    return table && column !== undefined ? { ...table, object: 'column', column } : undefined;
  }
  return undefined;
}

/**
 * What Python learns from a catalog query it runs and reads (`bind.execute(text(…)).scalar()`, or
 * `.fetchone()`), when the query is a lookup: whether its first value, and whether its first row,
 * is truthy when the object exists or when it is missing. Undefined where the answer does not
 * follow the lookup (a first row that always comes back, as for `SELECT count(*) FROM …`).
 */
export interface CatalogQuery {
  readonly lookup: CatalogLookup;
  readonly firstValueTrueWhen?: 'exists' | 'missing';
  readonly firstRowTrueWhen?: 'exists' | 'missing';
}

/**
 * Recognises a query that looks an object up in the catalog. Understood forms: `SELECT <condition>`
 * where the condition is one {@link recogniseCondition} understands (`SELECT EXISTS (…)`,
 * `SELECT to_regtype('x') IS NOT NULL`); `SELECT <column or constant> FROM <catalog> WHERE …`,
 * one row when the object exists; `SELECT count(*) FROM <catalog> WHERE …`.
 */
export function recogniseCatalogQuery(select: Node | undefined, defaultSchema: string): CatalogQuery | undefined {
  if (!select || !('SelectStmt' in select)) return undefined;
  const { targetList, fromClause } = select.SelectStmt;
  const target = targetList?.length === 1 && targetList[0] && 'ResTarget' in targetList[0] ? targetList[0].ResTarget.val : undefined;
  if (!target) return undefined;
  if (!fromClause || fromClause.length === 0) {
    const condition = recogniseCondition(target, defaultSchema);
    return condition && { lookup: condition.lookup, firstValueTrueWhen: condition.trueWhen };
  }
  const lookup = selectLookup(select, defaultSchema);
  if (!lookup) return undefined;
  if ('FuncCall' in target && operatorName(target.FuncCall.funcname) === 'count') return { lookup, firstValueTrueWhen: 'exists' };
  // A row per object found; its first value is that column or constant, truthy unless it is 0, '' or NULL.
  const truthyConstant = 'A_Const' in target && !target.A_Const.isnull && ((target.A_Const.ival?.ival ?? 0) !== 0 || (target.A_Const.sval?.sval ?? '') !== '');
  const truthyValue = ('ColumnRef' in target && !('A_Star' in (target.ColumnRef.fields?.[0] ?? {}))) || truthyConstant;
  return { lookup, firstRowTrueWhen: 'exists', ...(truthyValue ? { firstValueTrueWhen: 'exists' as const } : {}) };
}
