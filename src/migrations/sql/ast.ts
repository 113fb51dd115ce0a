/**
 * Typed accessors over libpg-query's parse trees. The trees are JSON: a node is an object with one
 * key, its node type (`{ "TypeCast": { … } }`), and fields absent from the JSON are unset (false,
 * zero, empty). The field names and types come from `@pgsql/types`, which libpg-query re-exports.
 */
import type { A_Const, Node, RangeVar, TypeName } from 'libpg-query';
import type { QualifiedName } from '../../model/names.js';
import { isBuiltinTypeName } from './builtin-types.js';

/** The string of a `String` node (identifiers and name parts arrive as these). */
export function stringValue(node: Node | undefined): string | undefined {
  return node && 'String' in node ? node.String.sval ?? '' : undefined;
}

/** The strings of a list of `String` nodes, e.g. the parts of a qualified name; undefined if any part is not a string. */
export function stringValues(nodes: readonly Node[] | undefined): string[] | undefined {
  const values: string[] = [];
  for (const node of nodes ?? []) {
    const value = stringValue(node);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

/** The items of a `List` node (the parser wraps some name lists in one). */
export function listItems(node: Node | undefined): readonly Node[] | undefined {
  return node && 'List' in node ? node.List.items ?? [] : undefined;
}

/**
 * A qualified name from its parsed parts. Unqualified names are taken to be in `defaultSchema`:
 * with the default search_path (`"$user", public`) and no schema named after the role, that is
 * where PostgreSQL creates them and where it finds them first.
 */
export function qualifiedName(parts: readonly string[] | undefined, defaultSchema: string): QualifiedName | undefined {
  if (!parts || parts.length === 0) return undefined;
  const name = parts[parts.length - 1]!;
  // Three parts are database.schema.name; the database can only be the current one.
  return parts.length === 1 ? { schema: defaultSchema, name } : { schema: parts[parts.length - 2]!, name };
}

/** The name of a table as a RangeVar gives it. */
export function relationName(relation: RangeVar | undefined, defaultSchema: string): QualifiedName | undefined {
  if (!relation?.relname) return undefined;
  return { schema: relation.schemaname ?? defaultSchema, name: relation.relname };
}

/** The parts of a type name (`['pg_catalog', 'int4']`), or undefined for `%TYPE` references. */
export function typeNameParts(typeName: TypeName | undefined): string[] | undefined {
  if (!typeName || typeName.pct_type) return undefined;
  return stringValues(typeName.names);
}

/** A type that a user created (so possibly an enum), with whether it is an array of it. */
export interface UserType {
  readonly name: QualifiedName;
  readonly isArray: boolean;
}

/** The user type a type name denotes, or undefined for PostgreSQL's own types and `%TYPE`. */
export function userType(typeName: TypeName | undefined, defaultSchema: string): UserType | undefined {
  const parts = typeNameParts(typeName);
  if (!parts || parts.length === 0 || isBuiltinTypeName(parts)) return undefined;
  const name = qualifiedName(parts, defaultSchema);
  return name && { name, isArray: (typeName?.arrayBounds?.length ?? 0) > 0 };
}

/** The value of a string constant node (`'x'`, `E'x'`, `$$x$$`), or undefined for anything else. */
export function stringConstant(node: Node | undefined): string | undefined {
  return node && 'A_Const' in node ? constantString(node.A_Const) : undefined;
}

function constantString(constant: A_Const): string | undefined {
  return constant.sval ? constant.sval.sval ?? '' : undefined;
}

/**
 * Folds a constant text expression: a string constant, or constants joined with `||` (as a
 * dynamic EXECUTE often builds its SQL). Undefined for anything that depends on a value.
 */
export function constantText(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const constant = stringConstant(node);
  if (constant !== undefined) return constant;
  if ('A_Expr' in node && node.A_Expr.kind === 'AEXPR_OP' && operatorName(node.A_Expr.name) === '||') {
    const left = constantText(node.A_Expr.lexpr);
    const right = left === undefined ? undefined : constantText(node.A_Expr.rexpr);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if ('TypeCast' in node) {
    // 'x'::text is still the constant 'x'.
    const parts = typeNameParts(node.TypeCast.typeName);
    return parts && ['text', 'varchar', 'bpchar'].includes(parts[parts.length - 1]!) ? constantText(node.TypeCast.arg) : undefined;
  }
  return undefined;
}

/** The operator of an A_Expr (`=`, `||`, `<>`), ignoring an OPERATOR(schema.op) qualification. */
export function operatorName(name: readonly Node[] | undefined): string | undefined {
  const parts = stringValues(name);
  return parts?.[parts.length - 1];
}

/** The last field of a column reference (`t.typname` → `typname`), seen through casts. */
export function columnName(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if ('TypeCast' in node) return columnName(node.TypeCast.arg);
  if (!('ColumnRef' in node)) return undefined;
  const fields = node.ColumnRef.fields ?? [];
  return stringValue(fields[fields.length - 1]);
}

/** The conjuncts of a condition: the arguments of top-level ANDs, flattened. */
export function conjuncts(node: Node | undefined): Node[] {
  if (!node) return [];
  const pending: Node[] = [node];
  const result: Node[] = [];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if ('BoolExpr' in current && current.BoolExpr.boolop === 'AND_EXPR') pending.push(...[...(current.BoolExpr.args ?? [])].reverse());
    else result.push(current);
  }
  return result;
}

/** Whether a value is a node: an object with exactly one key, a node type (these start upper case). */
function asNode(value: unknown): Node | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  let key: string | undefined;
  for (const candidate in value) {
    if (key !== undefined) return undefined;
    key = candidate;
  }
  if (key === undefined) return undefined;
  const first = key.charCodeAt(0);
  return first >= 65 && first <= 90 ? (value as Node) : undefined;
}

/**
 * Visits every node under `root` in document order, without recursion (parse trees can be deep).
 * `visit` returns false to skip a node's children.
 */
export function walkNodes(root: unknown, visit: (node: Node) => boolean | void): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) pending.push(value[index]);
      continue;
    }
    const node = asNode(value);
    if (node && visit(node) === false) continue;
    const fields = node ? Object.values(node)[0] : value;
    if (typeof fields !== 'object' || fields === null) continue;
    const children = Object.values(fields);
    for (let index = children.length - 1; index >= 0; index -= 1) pending.push(children[index]);
  }
}
