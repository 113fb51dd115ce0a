/**
 * What an Alembic revision's `upgrade()` does to the schema, read from its Python source without
 * running it. The module is parsed once with a real Python parser; its top-level statements are
 * evaluated for the names `upgrade()` uses (imports, constants, enum classes, helper functions),
 * then `upgrade()` itself is interpreted statement by statement: `op.*` calls, SQL given to
 * `op.execute` or to the migration's connection, SQLAlchemy `Enum` types created with tables or
 * explicitly, guards written in Python, loops over literal data and calls of helpers of the same
 * file. SQL text goes to an injected analyser. Whatever cannot be followed becomes an `unknown`
 * effect with its line and reason, never silence.
 *
 * The SQLAlchemy and Alembic behaviour modelled here was verified against Alembic 1.8 and
 * SQLAlchemy 1.4 on PostgreSQL (test/e2e/sqlalchemy-facts.test.ts) and read in the sources of
 * SQLAlchemy 2.0 and 2.1.
 */
import { parser } from '@lezer/python';
import { NO_GUARD, type ColumnType, type Effect, type ExceptionHandlerNote, type ExistenceSource, type Guard, type RunCondition, type SourceLocation } from '../../model/effect.js';
import { DEFAULT_SCHEMA, exceedsIdentifierLimit, nameKey, storedIdentifier, type QualifiedName } from '../../model/names.js';
import type { SuppressionComment } from '../source.js';
import { readSuppressionComments } from './suppressions.js';
import { firstSyntaxErrorOffset } from './parse-revision.js';
import { LineIndex } from '../../line-index.js';
import type { BindParameterStyle } from '../sql/bind-parameters.js';
import type { CatalogQuery } from '../sql/lookups.js';

type Tree = ReturnType<typeof parser.parse>;
type SyntaxNode = Tree['topNode'];

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Turns SQL text into effects; `origin` is the file and the line where the string literal that
 * holds the text starts, `options.bindParameters` how the call that runs it writes bind
 * parameters. Implemented with PostgreSQL's own parser elsewhere.
 */
export type SqlEffectsAnalyser = (sql: string, origin: SourceLocation, options: { readonly bindParameters: BindParameterStyle; readonly withoutBindValues?: boolean }) => readonly Effect[];

/** How to analyse one revision file. */
export interface UpgradeEffectsOptions {
  readonly sqlEffects: SqlEffectsAnalyser;
  /**
   * Recognises a catalog lookup in SQL that Python runs and reads, so that `if not
   * bind.execute(text("SELECT 1 FROM pg_type WHERE …")).scalar():` is a guard like `has_type`.
   * Without it such conditions stay unknown.
   */
  readonly sqlCatalogQuery?: (sql: string) => CatalogQuery | undefined;
  /**
   * Whether SQL text is statements that only read or write rows (SELECT without INTO, INSERT,
   * UPDATE, DELETE): used on the skeleton of a text with values not known statically. Without it
   * such texts are statements that may change anything.
   */
  readonly sqlOnlyRows?: (sql: string) => boolean;
  /**
   * The SQLAlchemy version the project runs (e.g. `1.4.46`, `2.0`). When absent or unreadable the
   * analysis assumes {@link DEFAULT_SQLALCHEMY_VERSION} and says so in its result.
   */
  readonly sqlalchemyVersion?: string;
  /** How many nested calls of functions defined in the same file are followed; default 8. */
  readonly maxCallDepth?: number;
  /** The source's syntax tree when the caller has parsed it already (the parse of exactly this text). */
  readonly tree?: Tree;
}

export type { ExistenceSource, RunCondition, ExceptionHandlerNote } from '../../model/effect.js';

/** An effect with what the Python around its statement says about whether and how it runs (see Effect). */
export type AnalyzedEffect = Effect;

/** A statement whose effect depends on the SQLAlchemy version, and which behaviour was assumed. */
export interface VersionDependence {
  readonly location: SourceLocation;
  /**
   * `sa-enum-create-type`: `create_type=False` on the generic `sa.Enum`, honoured from 2.1 only.
   * `enum-class-aliases`: an `Enum(PythonEnumClass)` whose class has aliases, which are labels
   * before 2.0 and omitted from 2.0 on.
   * `enum-metadata-argument`: an `Enum(..., metadata=...)` in `create_table`, whose type is not
   * created with the table before 2.1 and is from 2.1 on.
   * `plain-string-execute`: a plain string given to `connection.execute()` (or `scalar`, `scalars`,
   * a Session's `execute`), run before 2.0 and refused from 2.0 on.
   */
  readonly feature: 'sa-enum-create-type' | 'enum-class-aliases' | 'enum-metadata-argument' | 'plain-string-execute';
  /** The first SQLAlchemy version with the newer behaviour. */
  readonly changedIn: string;
  /** Whether the effects follow the newer behaviour. */
  readonly newerBehaviourApplied: boolean;
}

/** The SQLAlchemy version the effects assume. */
export interface AssumedSqlalchemy {
  readonly version: string;
  /** True when no usable version was given and {@link DEFAULT_SQLALCHEMY_VERSION} was assumed. */
  readonly assumed: boolean;
}

/** Everything the analysis of one `upgrade()` found. */
export interface UpgradeAnalysis {
  /** In statement order. */
  readonly effects: readonly AnalyzedEffect[];
  /** False when the module defines no `upgrade` function (then there are no effects). */
  readonly hasUpgrade: boolean;
  readonly sqlalchemy: AssumedSqlalchemy;
  readonly versionDependent: readonly VersionDependence[];
  /** The file's `# schema-gate:` directives, read from the same syntax tree (file as given). */
  readonly suppressions: readonly SuppressionComment[];
  /**
   * The line of the module's first syntax error, anywhere in the file (in `downgrade()` too): Python
   * cannot import such a module, so Alembic fails while loading the versions directory.
   */
  readonly syntaxErrorLine?: number;
}

/**
 * The SQLAlchemy version assumed when a project's pin is unknown: the newest 2.0 release line.
 * It is the conservative choice for a gate: 2.0 ignores `sa.Enum(create_type=False)` and creates
 * the type anyway, so a duplicate type is reported rather than missed; 1.4 and 2.0 agree on
 * everything else modelled here except enum-class aliases.
 */
export const DEFAULT_SQLALCHEMY_VERSION = '2.0';

/**
 * The effects of the module-level `upgrade()` of an Alembic revision file, in statement order,
 * each with its file, line and guard. Never throws: what cannot be analysed becomes an `unknown`
 * effect.
 */
export function analyzeUpgrade(source: string, file: string, options: UpgradeEffectsOptions): UpgradeAnalysis {
  const interpreter = new UpgradeInterpreter(source, file, options);
  return interpreter.run();
}

/** The effects of a revision's `upgrade()`; see {@link analyzeUpgrade} for the assumptions made. */
export function upgradeEffects(source: string, file: string, options: UpgradeEffectsOptions): AnalyzedEffect[] {
  return [...analyzeUpgrade(source, file, options).effects];
}

// ---------------------------------------------------------------------------------------------
// Syntax tree helpers
// ---------------------------------------------------------------------------------------------

/** The node names this module looks at; each is checked against the parser's node set once. */
const NODE_NAMES = [
  'Script', 'Body', 'StatementGroup', 'Comment',
  'AssignStatement', 'UpdateStatement', 'ExpressionStatement', 'IfStatement', 'ForStatement', 'WhileStatement',
  'WithStatement', 'TryStatement', 'FunctionDefinition', 'ClassDefinition', 'DecoratedStatement', 'ReturnStatement',
  'RaiseStatement', 'BreakStatement', 'ContinueStatement', 'ImportStatement', 'MatchStatement', 'MatchBody', 'MatchClause',
  'VariableName', 'PropertyName', 'MemberExpression', 'CallExpression', 'ArgList', 'ParamList', 'TypeDef',
  'String', 'FormatString', 'FormatReplacement', 'FormatConversion', 'FormatSpec', 'FormatSelfDoc', 'ContinuedString',
  'Number', 'Boolean', 'None', 'Ellipsis',
  'ArrayExpression', 'TupleExpression', 'SetExpression', 'DictionaryExpression', 'ParenthesizedExpression',
  'ArrayComprehensionExpression', 'SetComprehensionExpression', 'DictionaryComprehensionExpression', 'ComprehensionExpression',
  'BinaryExpression', 'UnaryExpression', 'ConditionalExpression', 'LambdaExpression', 'NamedExpression',
  'AssignOp', 'UpdateOp', 'ArithOp', 'CompareOp', 'BitOp',
  'if', 'elif', 'else', 'for', 'in', 'not', 'and', 'or', 'is', 'as', 'except', 'finally', 'try', 'from', 'import',
  'def', 'class', 'async', 'lambda', 'with', 'return', 'raise', '*', '**', ',', '.', '[', ']', '(', ')', ':', '{', '}', ';',
] as const;
type NodeName = (typeof NODE_NAMES)[number];

const knownNodeNames = new Set(parser.nodeSet.types.map((type) => type.name));
for (const name of NODE_NAMES) {
  if (!knownNodeNames.has(name)) throw new Error(`@lezer/python has no node type ${name}`);
}
const NODE_NAME_SET: ReadonlySet<string> = new Set(NODE_NAMES);

/** The node's type name when it is one this module looks at, so that `switch` cases are checked. */
function nodeName(node: SyntaxNode): NodeName | undefined {
  return NODE_NAME_SET.has(node.name) ? (node.name as NodeName) : undefined;
}

/**
 * Whether the node is of one of the named types. Called for nearly every node the interpreter
 * visits: fixed parameters rather than a rest array, which would be allocated on every call.
 */
function is(node: SyntaxNode | null | undefined, a: NodeName, b?: NodeName, c?: NodeName, d?: NodeName, e?: NodeName, f?: NodeName): boolean {
  if (node === null || node === undefined) return false;
  const name = node.name;
  return name === a || name === b || name === c || name === d || name === e || name === f;
}

/** The children of a node, without comments (which may sit anywhere, e.g. between arguments). */
function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) if (child.name !== 'Comment') children.push(child);
  return children;
}

const PUNCTUATION_NAMES: ReadonlySet<string> = new Set<NodeName>([',', '.', '[', ']', '(', ')', ':', '{', '}', ';', 'Comment']);

/** Punctuation, comments and error nodes: never an expression or a statement. */
function isPunctuation(node: SyntaxNode): boolean {
  return node.type.isError || PUNCTUATION_NAMES.has(node.name);
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

interface StrValue {
  readonly kind: 'str';
  readonly value: string;
  /** Where the (first) string literal it comes from starts. */
  readonly line: number;
}

interface SequenceValue {
  readonly kind: 'sequence';
  readonly type: 'list' | 'tuple' | 'set';
  /** Mutable so that `labels.append(...)` works as in Python. */
  readonly items: Value[];
}

interface DictValue {
  readonly kind: 'dict';
  readonly entries: Array<[Value, Value]>;
}

/** An SQLAlchemy `Enum` / `postgresql.ENUM` type object. */
interface EnumTypeValue {
  readonly kind: 'enum-type';
  /** `generic` for `sqlalchemy.Enum`, `postgresql` for `sqlalchemy.dialects.postgresql.ENUM`. */
  readonly flavour: 'generic' | 'postgresql';
  readonly labels: readonly string[] | { readonly unknown: string };
  /** Undefined when none is given or derivable; a string reason when it cannot be evaluated. */
  readonly name: string | undefined | { readonly unknown: string };
  readonly schema: string | undefined | { readonly unknown: string };
  readonly inheritSchema: boolean;
  readonly native: boolean;
  /** `create_type=` as given; undefined when not given. */
  readonly createType: boolean | undefined;
  readonly hasMetadata: boolean;
  /** Set when labels come from a Python enum class with aliases (1.4 keeps them, 2.0 drops them). */
  readonly aliasesDependOnVersion: boolean;
  readonly line: number;
}

interface ColumnValue {
  readonly kind: 'column';
  readonly name: Value;
  readonly type: Value;
  readonly line: number;
  /** `server_default=`: a string (or `sa.text("'x'")`) is a value of the column's type. */
  readonly serverDefault?: Value;
}

interface TableValue {
  readonly kind: 'table';
  readonly name: QualifiedName;
  /** No schema was given: PostgreSQL finds the table through the search_path. */
  readonly unqualified: boolean;
  readonly columns: readonly ColumnValue[];
}

interface PythonEnumMember {
  readonly name: string;
  readonly value: Value;
  /** Another member has the same value earlier: Python makes this name an alias of it. */
  readonly isAlias: boolean;
}

interface PythonEnumClassValue {
  readonly kind: 'python-enum';
  readonly name: string;
  readonly members: readonly PythonEnumMember[];
}

interface FunctionValue {
  readonly kind: 'function';
  readonly name: string;
  readonly node: SyntaxNode;
  readonly closure: Scope;
  readonly parameters: readonly Parameter[];
}

interface Parameter {
  readonly name: string;
  readonly kind: 'plain' | 'star' | 'double-star';
  readonly defaultValue?: Value;
}

/** A Python value as far as this analysis can know it. */
type Value =
  | StrValue
  | { readonly kind: 'number'; readonly value: number; readonly isFloat: boolean }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'none' }
  | SequenceValue
  | DictValue
  /**
   * A module or a name reached through an import, e.g. `sqlalchemy.Enum`; `attributes` counts the
   * attribute accesses after the imported name (`ALL_ENUMS.items` is 1 after `ALL_ENUMS`).
   */
  | { readonly kind: 'path'; readonly path: string; readonly binding: string; readonly attributes: number }
  /** The migration's connection (`op.get_bind()`), or a session on it (whose `execute` wraps a string in `text()`). */
  | { readonly kind: 'bind'; readonly session?: true }
  | { readonly kind: 'dialect' }
  | { readonly kind: 'migration-context' }
  | { readonly kind: 'inspector' }
  /** `inspector.get_table_names(schema=...)`. */
  | { readonly kind: 'table-names'; readonly schema: string }
  /** A boolean that is true exactly when all tests hold. */
  | { readonly kind: 'condition'; readonly tests: readonly ExistenceTest[] }
  /** `sa.text(...)`, `sa.DDL(...)`: SQL to execute later; `bound` once `.bindparams()` gave it values. */
  | { readonly kind: 'sql-text'; readonly sql: Value; readonly bound?: true }
  | EnumTypeValue
  | { readonly kind: 'array-type'; readonly item: Value }
  | ColumnValue
  | TableValue
  | PythonEnumClassValue
  | { readonly kind: 'enum-member'; readonly name: string; readonly value: Value }
  | FunctionValue
  | { readonly kind: 'lambda'; readonly node: SyntaxNode; readonly closure: Scope; readonly parameters: readonly Parameter[] }
  /** The `batch_op` of `with op.batch_alter_table(...) as batch_op`. */
  | { readonly kind: 'batch'; readonly table: QualifiedName; readonly unqualified: boolean; readonly line: number }
  | { readonly kind: 'autocommit-block' }
  | { readonly kind: 'savepoint' }
  | { readonly kind: 'suppress'; readonly exceptions: readonly string[] }
  | { readonly kind: 'bound-method'; readonly receiver: Value; readonly name: string }
  | { readonly kind: 'builtin'; readonly name: string }
  /** What a SQLAlchemy constructor this analysis does not model returns (`sa.String(50)`, `sa.MetaData()`). */
  | { readonly kind: 'sqlalchemy-object'; readonly path: string }
  /** What `connection.execute(...)` returns: reading it runs no further SQL. */
  | { readonly kind: 'result'; readonly query?: CatalogQuery }
  /** `enum.auto()` in an enum class body. */
  | { readonly kind: 'auto' }
  /**
   * Something the analysis does not follow, and why. `skeleton`: for text built from constant parts
   * and values not known statically (`f"UPDATE t SET at = '{now()}'"`), the text with `0` in each
   * unknown place — enough to tell a statement that only reads or writes rows.
   */
  | { readonly kind: 'opaque'; readonly reason: string; readonly skeleton?: string };

/** One lookup a guard makes: true when the object exists (`whenExists`) or when it is missing. */
interface ExistenceTest {
  readonly objectType: 'table' | 'type';
  readonly name: QualifiedName;
  readonly whenExists: boolean;
  readonly source: ExistenceSource;
  readonly schemaAware: boolean;
}

const NONE: Value = Object.freeze({ kind: 'none' });

/** What stands for a value not known statically in the skeleton of a text (see the opaque Value). */
const SKELETON_HOLE = '0';

function opaque(reason: string): Value {
  return { kind: 'opaque', reason };
}

/** Variables of one Python scope; lookups fall back to the enclosing (module) scope. */
class Scope {
  readonly variables = new Map<string, Value>();

  constructor(readonly parent?: Scope) {}

  lookup(name: string): Value | undefined {
    return this.variables.get(name) ?? this.parent?.lookup(name);
  }

  fork(): Scope {
    const copy = new Scope(this.parent);
    for (const [name, value] of this.variables) copy.variables.set(name, value);
    return copy;
  }
}

/** Equality of known values, for merging the scopes of branches that may or may not run. */
function sameValue(a: Value, b: Value, depth = 0): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || depth > MAX_NESTING) return false;
  switch (a.kind) {
    case 'str':
      return a.value === (b as StrValue).value;
    case 'number':
    case 'bool':
      return a.value === (b as typeof a).value;
    case 'none':
      return true;
    case 'sequence': {
      const other = b as SequenceValue;
      return a.type === other.type && a.items.length === other.items.length && a.items.every((item, index) => sameValue(item, other.items[index]!, depth + 1));
    }
    case 'path':
      return a.path === (b as typeof a).path;
    case 'bind':
    case 'dialect':
    case 'migration-context':
    case 'inspector':
      return true;
    default:
      return false;
  }
}

// Python's str() and repr() of the values the analysis knows, for f-strings, % and .format.

function pythonRepr(value: Value, open: Set<Value> = new Set()): string | undefined {
  switch (value.kind) {
    case 'str':
      return reprString(value.value);
    case 'sequence': {
      // A list that contains itself prints as [...], as in Python.
      if (open.has(value)) return value.type === 'list' ? '[...]' : undefined;
      open.add(value);
      const items = value.items.map((item) => pythonRepr(item, open));
      open.delete(value);
      if (items.some((item) => item === undefined)) return undefined;
      if (value.type === 'list') return `[${items.join(', ')}]`;
      if (value.type === 'set') return items.length === 0 ? 'set()' : `{${items.join(', ')}}`;
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    }
    case 'dict': {
      if (open.has(value)) return '{...}';
      open.add(value);
      const entries = value.entries.map(([key, item]) => {
        const keyText = pythonRepr(key, open);
        const itemText = pythonRepr(item, open);
        return keyText === undefined || itemText === undefined ? undefined : `${keyText}: ${itemText}`;
      });
      open.delete(value);
      return entries.some((entry) => entry === undefined) ? undefined : `{${entries.join(', ')}}`;
    }
    default:
      return pythonStr(value);
  }
}

function pythonStr(value: Value): string | undefined {
  switch (value.kind) {
    case 'str':
      return value.value;
    case 'number':
      if (!value.isFloat) return String(value.value);
      if (Number.isInteger(value.value) && Math.abs(value.value) < 1e16) return `${value.value}.0`;
      return String(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'sequence':
    case 'dict':
      return pythonRepr(value);
    case 'enum-member':
      return undefined; // depends on the class's __str__, which differs between Enum and StrEnum
    default:
      return undefined;
  }
}

function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) out += `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}

/** Strings longer than this are not built: a file with a huge literal must not exhaust memory. */
const MAX_STRING_LENGTH = 4_000_000;
/** Sequences longer than this are not built or iterated. */
const MAX_SEQUENCE_LENGTH = 100_000;

// ---------------------------------------------------------------------------------------------
// String literals
// ---------------------------------------------------------------------------------------------

type Decoded = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/** Splits `rb'''...'''` into its prefix, quote and body; undefined for an unterminated literal. */
function splitStringLiteral(raw: string): { prefix: string; quote: string; body: string } | undefined {
  let index = 0;
  while (index < raw.length && raw[index] !== '"' && raw[index] !== "'") index++;
  const prefix = raw.slice(0, index).toLowerCase();
  const quoteChar = raw[index];
  if (quoteChar === undefined) return undefined;
  const quote = raw.startsWith(quoteChar.repeat(3), index) && raw.length >= index + 6 ? quoteChar.repeat(3) : quoteChar;
  if (raw.length < index + 2 * quote.length || !raw.endsWith(quote)) return undefined;
  return { prefix, quote, body: raw.slice(index + quote.length, raw.length - quote.length) };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

function isHexDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (const char of text) if (!'0123456789abcdefABCDEF'.includes(char)) return false;
  return true;
}

/**
 * Decodes the escapes of a (non-raw) string body, and in f-strings the doubled braces, as Python
 * does. `\N{...}` needs Unicode's name table, which is not worth carrying: it is reported unresolved.
 */
function decodeBody(body: string, options: { raw: boolean; bytes: boolean; formatString: boolean }): Decoded {
  let out = '';
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (options.formatString && (char === '{' || char === '}') && body[index + 1] === char) {
      out += char;
      index++;
      continue;
    }
    if (char !== '\\' || options.raw) {
      out += char;
      continue;
    }
    const next = body[index + 1];
    if (next === undefined) {
      out += char;
      continue;
    }
    if (next === '\n') {
      index++;
      continue;
    }
    if (next === '\r') {
      index += body[index + 2] === '\n' ? 2 : 1;
      continue;
    }
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      index++;
      continue;
    }
    if (next >= '0' && next <= '7') {
      let digits = next;
      while (digits.length < 3 && body[index + 1 + digits.length] !== undefined && body[index + 1 + digits.length]! >= '0' && body[index + 1 + digits.length]! <= '7') {
        digits += body[index + 1 + digits.length];
      }
      out += String.fromCodePoint(parseInt(digits, 8));
      index += digits.length;
      continue;
    }
    const hexLength = next === 'x' ? 2 : !options.bytes && next === 'u' ? 4 : !options.bytes && next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const digits = body.slice(index + 2, index + 2 + hexLength);
      if (digits.length !== hexLength || !isHexDigits(digits)) return { ok: false, reason: `invalid \\${next} escape in a string` };
      const codePoint = parseInt(digits, 16);
      if (codePoint > 0x10ffff) return { ok: false, reason: `invalid \\${next} escape in a string` };
      out += String.fromCodePoint(codePoint);
      index += 1 + hexLength;
      continue;
    }
    if (next === 'N' && !options.bytes) return { ok: false, reason: 'a string uses a \\N{...} named character escape' };
    out += char; // Python keeps the backslash of an unknown escape
  }
  return { ok: true, text: out };
}

// ---------------------------------------------------------------------------------------------
// Names of what the analysis recognises
// ---------------------------------------------------------------------------------------------

const GENERIC_ENUM_PATHS = new Set(['sqlalchemy.Enum', 'sqlalchemy.types.Enum', 'sqlalchemy.sql.sqltypes.Enum', 'sqlalchemy.sql.sqltypes.Enum']);
const POSTGRESQL_ENUM_PATHS = new Set([
  'sqlalchemy.dialects.postgresql.ENUM',
  'sqlalchemy.dialects.postgresql.base.ENUM',
  'sqlalchemy.dialects.postgresql.named_types.ENUM',
]);
const ARRAY_PATHS = new Set(['sqlalchemy.ARRAY', 'sqlalchemy.types.ARRAY', 'sqlalchemy.sql.sqltypes.ARRAY', 'sqlalchemy.dialects.postgresql.ARRAY', 'sqlalchemy.dialects.postgresql.array.ARRAY']);
const COLUMN_PATHS = new Set(['sqlalchemy.Column', 'sqlalchemy.schema.Column', 'sqlalchemy.sql.schema.Column', 'sqlalchemy.column', 'sqlalchemy.sql.column', 'sqlalchemy.sql.expression.column']);
/** `sa.table(name, *columns, schema=)` and `sa.Table(name, metadata, *columns, schema=)`: a table by name. */
const LIGHT_TABLE_PATHS = new Set(['sqlalchemy.table', 'sqlalchemy.sql.table', 'sqlalchemy.sql.expression.table', 'sqlalchemy.Table', 'sqlalchemy.schema.Table']);
const TEXT_PATHS = new Set(['sqlalchemy.text', 'sqlalchemy.sql.text', 'sqlalchemy.sql.expression.text', 'sqlalchemy.DDL', 'sqlalchemy.schema.DDL', 'sqlalchemy.sql.ddl.DDL']);
const INSPECT_PATHS = new Set(['sqlalchemy.inspect', 'sqlalchemy.engine.reflection.Inspector.from_engine', 'sqlalchemy.Inspector.from_engine', 'sqlalchemy.engine.Inspector.from_engine']);
const SESSION_PATHS = new Set(['sqlalchemy.orm.Session', 'sqlalchemy.orm.session.Session']);
const PYTHON_ENUM_BASES = new Set(['enum.Enum', 'enum.IntEnum', 'enum.StrEnum', 'enum.Flag', 'enum.IntFlag']);

/** Operations that may create a table: an unknown name or schema hides a table the simulation then misses. */
const TABLE_MAKERS = new Set(['op.create_table', 'op.rename_table']);

/**
 * Modules whose functions never touch the database: the pure standard library, and widespread
 * libraries for logging, dates, slugs, ids and serialisation that migrations call.
 */
const HARMLESS_MODULES = new Set([
  '__future__', 'abc', 'ast', 'base64', 'binascii', 'bisect', 'calendar', 'collections', 'copy', 'csv', 'dataclasses',
  'datetime', 'decimal', 'difflib', 'enum', 'fnmatch', 'fractions', 'functools', 'glob', 'hashlib', 'heapq', 'hmac', 'html',
  'io', 'ipaddress', 'itertools', 'json', 'locale', 'logging', 'math', 'numbers', 'operator', 'os', 'pathlib', 'platform',
  'pprint', 'random', 're', 'secrets', 'shlex', 'statistics', 'string', 'struct', 'sys', 'textwrap', 'time', 'traceback',
  'types', 'typing', 'typing_extensions', 'unicodedata', 'urllib', 'uuid', 'warnings', 'zlib', 'zoneinfo', 'tomllib',
  'loguru', 'structlog', 'dateutil', 'pytz', 'tzlocal', 'slugify', 'inflection', 'yaml', 'toml', 'orjson', 'ujson',
  'simplejson', 'shortuuid', 'ulid', 'nanoid', 'unidecode', 'text_unidecode',
]);

/** Methods that, called on an object schema-gate does not know, may well run SQL. */
const DATABASE_METHODS = new Set(['execute', 'exec_driver_sql', 'executemany', 'scalar', 'scalars', 'create', 'drop', 'create_all', 'drop_all', 'commit', 'run_sync']);

/** What `except X` names translate to, as PL/pgSQL condition names the simulation understands. */
function handledConditions(exceptions: readonly string[]): string[] {
  if (exceptions.length === 0) return ['others'];
  const conditions = new Set<string>();
  for (const exception of exceptions) {
    switch (exception) {
      case 'DuplicateObject':
        conditions.add('duplicate_object');
        break;
      case 'DuplicateTable':
        conditions.add('duplicate_table');
        break;
      case 'UndefinedObject':
        conditions.add('undefined_object');
        break;
      case 'UndefinedTable':
        conditions.add('undefined_table');
        break;
      case 'ProgrammingError': // SQLSTATE class 42, which holds every error of a create or drop modelled here
        for (const condition of ['duplicate_object', 'duplicate_table', 'undefined_object', 'undefined_table']) conditions.add(condition);
        break;
      case 'Exception':
      case 'BaseException':
      case 'DBAPIError':
      case 'DatabaseError':
      case 'SQLAlchemyError':
      case 'StatementError':
        conditions.add('others');
        break;
      default:
        break;
    }
  }
  return [...conditions];
}

// ---------------------------------------------------------------------------------------------
// The interpreter
// ---------------------------------------------------------------------------------------------

/** The Python around the statement being analysed. */
interface Frame {
  readonly conditions: readonly RunCondition[];
  /** Inside `autocommit_block()`. */
  readonly autocommit: boolean;
  /** How many `begin_nested()` savepoints are open around the statement. */
  readonly savepoints: number;
  /** The innermost `try` (or `suppress`) around the statement, with the savepoints open at its start. */
  readonly handler?: { readonly line: number; readonly exceptions: readonly string[]; readonly savepoints: number };
  /** Function definitions being executed, innermost last. */
  readonly callStack: readonly SyntaxNode[];
  /** Module and class bodies: evaluated for their names only, never for effects. */
  readonly quiet: boolean;
}

type ExitKind = 'return' | 'raise' | 'break' | 'continue';

/** A conditional exit: the statements after it run only when its condition was false. */
interface Narrowing {
  readonly exit: ExitKind;
  readonly conditions: readonly RunCondition[];
}

type Completion =
  | { readonly kind: 'normal'; readonly narrowings: readonly Narrowing[] }
  | { readonly kind: 'exit'; readonly exit: ExitKind; readonly value?: Value };

const NORMAL: Completion = Object.freeze({ kind: 'normal', narrowings: Object.freeze([]) as readonly Narrowing[] });

/** Arguments of a call, evaluated. */
interface Arguments {
  readonly positional: Value[];
  readonly keywords: Map<string, Value>;
  /** Set when a `*x` or `**x` could not be expanded, so argument positions are unknown. */
  readonly unexpanded?: string;
}

/** How a condition of an `if` evaluates. */
type Truth =
  | { readonly kind: 'known'; readonly value: boolean }
  | { readonly kind: 'tests'; readonly tests: readonly ExistenceTest[] }
  | { readonly kind: 'opaque' };

/** Interpretation steps allowed per file, so that a pathological file still completes quickly. */
const STEP_BUDGET = 300_000;
/** Nesting of expressions and statements followed before giving up on a subtree. */
const MAX_NESTING = 150;

class BudgetExceeded extends Error {}

class UpgradeInterpreter {
  private readonly lines: LineIndex;
  private readonly effects: AnalyzedEffect[] = [];
  private readonly versionNotes: VersionDependence[] = [];
  private readonly sqlalchemy: AssumedSqlalchemy;
  /** [major, minor] of the assumed SQLAlchemy version. */
  private readonly sqlalchemyRelease: readonly [number, number];
  private readonly maxCallDepth: number;
  private steps = 0;
  private nesting = 0;
  private budgetReported = false;
  private readonly moduleScope = new Scope();
  /** How many times an `if` was executed: numbers each evaluation of its tests ({@link RunCondition}). */
  private conditionEvaluations = 0;
  /** Modules imported with `from x import *`, whose names may appear unbound. */
  private readonly starImports: string[] = [];

  constructor(
    private readonly source: string,
    private readonly file: string,
    private readonly options: UpgradeEffectsOptions,
  ) {
    this.lines = new LineIndex(source);
    const release = parseRelease(options.sqlalchemyVersion);
    this.sqlalchemy = release ? { version: options.sqlalchemyVersion!, assumed: false } : { version: DEFAULT_SQLALCHEMY_VERSION, assumed: true };
    this.sqlalchemyRelease = release ?? parseRelease(DEFAULT_SQLALCHEMY_VERSION)!;
    this.maxCallDepth = options.maxCallDepth ?? 8;
  }

  run(): UpgradeAnalysis {
    let hasUpgrade = false;
    let suppressions: readonly SuppressionComment[] = [];
    let syntaxErrorLine: number | undefined;
    try {
      const tree = this.options.tree ?? parser.parse(this.source);
      suppressions = readSuppressionComments(this.source, this.file, tree);
      const moduleSyntaxError = firstSyntaxErrorOffset(tree);
      if (moduleSyntaxError !== undefined) syntaxErrorLine = this.lines.lineAt(moduleSyntaxError);
      const moduleFrame: Frame = { conditions: [], autocommit: false, savepoints: 0, callStack: [], quiet: true };
      this.execBlock(tree.topNode, this.moduleScope, moduleFrame);
      const upgrade = this.moduleScope.variables.get('upgrade');
      if (upgrade?.kind === 'function') {
        hasUpgrade = true;
        // Python cannot import the file (the scan reports it; `syntaxErrorLine` says where); what the parser
        // recovered of a broken upgrade() would only yield guesses, so it is not analysed.
        const upgradeError = moduleSyntaxError === undefined ? undefined : firstSyntaxErrorOffset(tree, upgrade.node.from);
        if (upgradeError === undefined || upgradeError > upgrade.node.to) {
          const frame: Frame = { conditions: [], autocommit: false, savepoints: 0, callStack: [], quiet: false };
          this.invoke(upgrade, { positional: [], keywords: new Map() }, frame, this.lineOf(upgrade.node));
        }
      } else if (upgrade !== undefined) {
        hasUpgrade = true;
        this.pushUnknown(1, '`upgrade` is not a plain function definition of this file, so schema-gate cannot follow it');
      }
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) {
        this.pushUnknown(1, `schema-gate could not finish analysing upgrade(): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return Object.freeze({
      effects: Object.freeze([...this.effects]),
      hasUpgrade,
      sqlalchemy: this.sqlalchemy,
      versionDependent: Object.freeze([...this.versionNotes]),
      suppressions,
      ...(syntaxErrorLine !== undefined ? { syntaxErrorLine } : {}),
    });
  }

  // ----- bookkeeping -------------------------------------------------------------------------

  private lineOf(node: SyntaxNode): number {
    return this.lines.lineAt(node.from);
  }

  private text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  private location(line: number): SourceLocation {
    return { file: this.file, line };
  }

  private step(node: SyntaxNode): void {
    this.steps++;
    if (this.steps > STEP_BUDGET) {
      if (!this.budgetReported) {
        this.budgetReported = true;
        this.pushUnknown(this.lineOf(node), 'the upgrade is too large or loops too much for schema-gate to follow to its end; the effects after this point are missing');
      }
      throw new BudgetExceeded();
    }
  }

  private sqlalchemyAtLeast(major: number, minor: number): boolean {
    const [haveMajor, haveMinor] = this.sqlalchemyRelease;
    return haveMajor > major || (haveMajor === major && haveMinor >= minor);
  }

  private noteVersion(line: number, feature: VersionDependence['feature'], changedIn: string, newerBehaviourApplied: boolean, frame: Frame): void {
    if (frame.quiet) return;
    this.versionNotes.push({ location: this.location(line), feature, changedIn, newerBehaviourApplied });
  }

  /** An unknown effect outside any frame (whole-file problems). */
  private pushUnknown(line: number, reason: string): void {
    this.effects.push({ kind: 'unknown', reason, guard: NO_GUARD, location: this.location(line) });
  }

  /**
   * `mayCreateTables`: the statement may create, rename or move tables unseen (see the Effect);
   * `importedType`: the project's column type the note is about (reported once per type);
   * `dataOnly`: the statement reads or writes rows only.
   */
  private unknown(line: number, reason: string, frame: Frame, about: { mayCreateTables?: boolean; importedType?: string; dataOnly?: boolean } = {}): void {
    this.emit(
      {
        kind: 'unknown',
        reason,
        guard: NO_GUARD,
        location: this.location(line),
        ...(about.mayCreateTables ? { mayCreateTables: true } : {}),
        ...(about.importedType !== undefined ? { importedType: about.importedType } : {}),
        ...(about.dataOnly ? { dataOnly: true } : {}),
      },
      frame,
    );
  }

  /**
   * Records an effect with what its surroundings say: a condition on the effect's own object
   * becomes its guard, other conditions are kept as conditions; autocommit and exception handlers
   * are applied.
   */
  private emit(effect: Effect, frame: Frame): void {
    if (frame.quiet) return;
    const subject = subjectOf(effect);
    let guard = effect.guard;
    const conditions: RunCondition[] = [];
    const guardTests: RunCondition[] = [];
    for (const condition of frame.conditions) {
      if (
        subject &&
        condition.kind === 'existence' &&
        condition.objectType === subject.objectType &&
        condition.name.schema === subject.name.schema &&
        condition.name.name === subject.name.name &&
        condition.runsIfExists === !subject.creates
      ) {
        // A lookup of the statement's own object is its guard. A PL/pgSQL lookup that ignores the
        // schema is kept: it skips the statement in more cases than the Python one.
        if (!(guard.kind === 'existence-check' && !guard.schemaAware)) {
          guard = { kind: 'existence-check', source: condition.source, schemaAware: condition.schemaAware };
        }
        if (condition.evaluation !== undefined) guardTests.push(condition);
        continue;
      }
      conditions.push(condition);
    }
    // The except saves the run only if the failure did not abort the run's transaction: the
    // statement ran in autocommit mode, or in a savepoint opened inside the try.
    const handler: ExceptionHandlerNote | undefined = frame.handler
      ? { line: frame.handler.line, exceptions: frame.handler.exceptions, savesTheRun: frame.autocommit || frame.savepoints > frame.handler.savepoints }
      : undefined;
    if (guard.kind === 'none' && handler?.savesTheRun) {
      const handled = handledConditions(handler.exceptions);
      if (handled.length > 0) guard = { kind: 'exception-handler', conditions: handled };
    }
    const analyzed: AnalyzedEffect = {
      ...effect,
      guard,
      ...(frame.autocommit || effect.autocommit ? { autocommit: true } : {}),
      ...(conditions.length > 0 ? { conditions } : {}),
      ...(guardTests.length > 0 ? { guardTests } : {}),
      ...(handler ? { exceptionHandler: handler } : {}),
    };
    this.effects.push(analyzed);
  }

  // ----- statements --------------------------------------------------------------------------

  /** Runs the statements that are children of `block` (a Script, a Body or a StatementGroup). */
  private execBlock(block: SyntaxNode, scope: Scope, frame: Frame): Completion {
    let current = frame;
    const narrowings: Narrowing[] = [];
    for (let statement = block.firstChild; statement; statement = statement.nextSibling) {
      if (isPunctuation(statement)) continue;
      const completion = this.execStatement(statement, scope, current);
      if (completion.kind === 'exit') return completion;
      if (completion.narrowings.length > 0) {
        narrowings.push(...completion.narrowings);
        current = { ...current, conditions: [...current.conditions, ...completion.narrowings.flatMap((narrowing) => narrowing.conditions)] };
      }
    }
    return narrowings.length > 0 ? { kind: 'normal', narrowings } : NORMAL;
  }

  private execStatement(statement: SyntaxNode, scope: Scope, frame: Frame): Completion {
    this.step(statement);
    if (this.nesting > MAX_NESTING) {
      this.unknown(this.lineOf(statement), 'statements nested too deeply for schema-gate to follow', frame);
      return NORMAL;
    }
    this.nesting++;
    try {
      return this.execStatementInner(statement, scope, frame);
    } finally {
      this.nesting--;
    }
  }

  private execStatementInner(statement: SyntaxNode, scope: Scope, frame: Frame): Completion {
    switch (nodeName(statement)) {
      case 'StatementGroup':
        return this.execBlock(statement, scope, frame);
      case 'ExpressionStatement':
        for (const child of childrenOf(statement)) if (!isPunctuation(child)) this.evaluate(child, scope, frame);
        return NORMAL;
      case 'AssignStatement':
        this.execAssignment(statement, scope, frame);
        return NORMAL;
      case 'UpdateStatement':
        this.execUpdate(statement, scope, frame);
        return NORMAL;
      case 'ImportStatement':
        this.execImport(statement, scope);
        return NORMAL;
      case 'FunctionDefinition':
        this.defineFunction(statement, scope, frame);
        return NORMAL;
      case 'DecoratedStatement': {
        const definition = childrenOf(statement).find((child) => is(child, 'FunctionDefinition') || is(child, 'ClassDefinition'));
        if (definition) return this.execStatement(definition, scope, frame);
        return NORMAL;
      }
      case 'ClassDefinition':
        this.defineClass(statement, scope, frame);
        return NORMAL;
      case 'IfStatement':
        return this.execIf(statement, scope, frame);
      case 'ForStatement':
        return this.execFor(statement, scope, frame);
      case 'WhileStatement':
        return this.execWhile(statement, scope, frame);
      case 'WithStatement':
        return this.execWith(statement, scope, frame);
      case 'TryStatement':
        return this.execTry(statement, scope, frame);
      case 'ReturnStatement': {
        const value = childrenOf(statement).filter((child) => !is(child, 'ReturnStatement') && !is(child, 'return') && !isPunctuation(child));
        return { kind: 'exit', exit: 'return', value: value.length === 0 ? NONE : this.evaluateExpressionList(value, statement, scope, frame) };
      }
      case 'RaiseStatement':
        for (const child of childrenOf(statement)) if (!is(child, 'raise') && !is(child, 'from') && !isPunctuation(child)) this.evaluate(child, scope, frame);
        return { kind: 'exit', exit: 'raise' };
      case 'BreakStatement':
        return { kind: 'exit', exit: 'break' };
      case 'ContinueStatement':
        return { kind: 'exit', exit: 'continue' };
      case 'MatchStatement':
        return this.execOpaqueBranches(statement, childrenOf(statement).flatMap((child) => this.matchBodies(child)), scope, frame, this.text(statement).split('\n')[0] ?? 'match');
      default:
        // pass, global, nonlocal, del, assert, print, type aliases: nothing a migration does to the schema.
        return NORMAL;
    }
  }

  private matchBodies(node: SyntaxNode): SyntaxNode[] {
    if (is(node, 'MatchBody')) return childrenOf(node).flatMap((child) => this.matchBodies(child));
    if (is(node, 'MatchClause')) return childrenOf(node).filter((child) => is(child, 'Body'));
    return [];
  }

  private execAssignment(statement: SyntaxNode, scope: Scope, frame: Frame): void {
    // `a = b = value`, `a, b = 1, 2`, `x: int = 1`: segments between `=` signs; the last is the value.
    const segments: SyntaxNode[][] = [[]];
    for (const child of childrenOf(statement)) {
      if (is(child, 'AssignOp')) segments.push([]);
      else if (!is(child, 'TypeDef')) segments[segments.length - 1]!.push(child);
    }
    if (segments.length < 2) return; // an annotation without a value binds nothing
    const valueNodes = segments[segments.length - 1]!;
    const value = this.evaluateExpressionList(valueNodes.filter((node) => !isPunctuation(node)), statement, scope, frame, valueNodes.some((node) => is(node, ',')));
    for (const target of segments.slice(0, -1)) {
      const targets = target.filter((node) => !isPunctuation(node));
      if (targets.length === 1 && !target.some((node) => is(node, ','))) this.assign(targets[0]!, value, scope, frame);
      else this.assignTuple(targets, value, scope, frame);
    }
  }

  /** Evaluates `a, b` (a tuple) or a single expression. */
  private evaluateExpressionList(nodes: readonly SyntaxNode[], at: SyntaxNode, scope: Scope, frame: Frame, forceTuple = false): Value {
    if (nodes.length === 1 && !forceTuple) return this.evaluate(nodes[0]!, scope, frame);
    if (nodes.length === 0) return opaque(`unreadable statement at line ${this.lineOf(at)}`);
    return { kind: 'sequence', type: 'tuple', items: this.evaluateItems(nodes, scope, frame) ?? [] };
  }

  private assign(target: SyntaxNode, value: Value, scope: Scope, frame: Frame): void {
    switch (nodeName(target)) {
      case 'VariableName':
        scope.variables.set(this.text(target), value);
        return;
      case 'TupleExpression':
      case 'ArrayExpression':
      case 'ParenthesizedExpression': {
        const inner = childrenOf(target).filter((child) => !isPunctuation(child));
        if (is(target, 'ParenthesizedExpression') && inner.length === 1 && !childrenOf(target).some((child) => is(child, ','))) {
          this.assign(inner[0]!, value, scope, frame);
        } else this.assignTuple(inner, value, scope, frame);
        return;
      }
      case 'MemberExpression': {
        // `CONSTANTS['x'] = [...]`: an item of a known dict or list.
        const parts = childrenOf(target);
        if (parts.some((part) => is(part, '['))) {
          const container = this.evaluate(parts[0]!, scope, frame);
          const keyNode = parts.find((part, index) => index > 0 && !isPunctuation(part));
          if (container.kind === 'dict' && keyNode) {
            const key = this.evaluate(keyNode, scope, frame);
            const existing = container.entries.find(([candidate]) => sameValue(candidate, key));
            if (existing) existing[1] = value;
            else container.entries.push([key, value]);
          }
        }
        return;
      }
      default:
        return;
    }
  }

  private assignTuple(targets: readonly SyntaxNode[], value: Value, scope: Scope, frame: Frame): void {
    const items = this.iterate(value);
    const starIndex = targets.findIndex((target) => is(target, '*'));
    if (Array.isArray(items) && starIndex < 0 && items.length === targets.length) {
      targets.forEach((target, index) => this.assign(target, items[index]!, scope, frame));
      return;
    }
    const reason = Array.isArray(items) ? 'a value unpacked into a different number of names' : items.reason;
    for (const target of targets) {
      if (!is(target, '*')) this.assign(target, opaque(reason), scope, frame);
    }
  }

  private execUpdate(statement: SyntaxNode, scope: Scope, frame: Frame): void {
    const [target, operator, valueNode] = childrenOf(statement);
    if (!target || !operator || !valueNode) return;
    const value = this.evaluate(valueNode, scope, frame);
    if (!is(target, 'VariableName')) return;
    const name = this.text(target);
    const current = scope.lookup(name) ?? opaque(`\`${name}\` is not defined`);
    const operatorText = this.text(operator).slice(0, -1);
    if (operatorText === '+' && current.kind === 'sequence' && current.type === 'list') {
      const extra = this.iterate(value);
      if (Array.isArray(extra)) {
        current.items.push(...extra);
        scope.variables.set(name, current);
        return;
      }
    }
    scope.variables.set(name, this.binary(operatorText, current, value, this.lineOf(statement)));
  }

  private execImport(statement: SyntaxNode, scope: Scope): void {
    const parts = childrenOf(statement);
    if (is(parts[0], 'from')) {
      // from a.b import c as d, e
      const importIndex = parts.findIndex((part) => is(part, 'import'));
      if (importIndex < 0) return;
      const moduleText = parts.slice(1, importIndex).map((part) => this.text(part)).join('');
      const names = parts.slice(importIndex + 1).filter((part) => !isPunctuation(part));
      for (let index = 0; index < names.length; index++) {
        const part = names[index]!;
        if (is(part, '*')) {
          this.starImports.push(moduleText);
          continue;
        }
        if (!is(part, 'VariableName')) continue;
        const imported = this.text(part);
        let bound = imported;
        if (is(names[index + 1], 'as') && names[index + 2]) {
          bound = this.text(names[index + 2]!);
          index += 2;
        }
        scope.variables.set(bound, importedPath(moduleText.startsWith('.') ? `${moduleText}${imported}` : `${moduleText}.${imported}`, imported));
      }
      return;
    }
    // import a.b.c as d, e.f
    const names = parts.filter((part) => !is(part, 'import'));
    let current: string[] = [];
    const flush = (alias?: string): void => {
      if (current.length === 0) return;
      const path = current.join('.');
      // `import a.b` binds `a`; `import a.b as c` binds `c` to the module a.b.
      if (alias !== undefined) scope.variables.set(alias, importedPath(path, 'module'));
      else scope.variables.set(current[0]!, importedPath(current[0]!, 'module'));
      current = [];
    };
    for (let index = 0; index < names.length; index++) {
      const part = names[index]!;
      if (is(part, 'VariableName')) current.push(this.text(part));
      else if (is(part, 'as') && names[index + 1]) {
        flush(this.text(names[index + 1]!));
        index++;
      } else if (is(part, ',')) flush();
    }
    flush();
  }

  private parameters(list: SyntaxNode | undefined, scope: Scope, frame: Frame): Parameter[] {
    if (!list) return [];
    const parameters: Parameter[] = [];
    let kind: Parameter['kind'] = 'plain';
    const parts = childrenOf(list);
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index]!;
      if (is(part, '*')) kind = 'star';
      else if (is(part, '**')) kind = 'double-star';
      else if (is(part, 'VariableName')) {
        let defaultValue: Value | undefined;
        let next = index + 1;
        if (is(parts[next], 'TypeDef')) next++;
        if (is(parts[next], 'AssignOp') && parts[next + 1]) {
          defaultValue = this.evaluate(parts[next + 1]!, scope, frame); // defaults are evaluated at definition time
          index = next + 1;
        }
        parameters.push({ name: this.text(part), kind, ...(defaultValue ? { defaultValue } : {}) });
        kind = 'plain';
      }
    }
    return parameters;
  }

  private defineFunction(definition: SyntaxNode, scope: Scope, frame: Frame): void {
    const nameNode = childrenOf(definition).find((child) => is(child, 'VariableName'));
    if (!nameNode) return;
    const parameters = this.parameters(childrenOf(definition).find((child) => is(child, 'ParamList')), scope, frame);
    scope.variables.set(this.text(nameNode), { kind: 'function', name: this.text(nameNode), node: definition, closure: scope, parameters });
  }

  /** Binds a class: a Python `enum.Enum` subclass with its members, anything else as opaque. */
  private defineClass(definition: SyntaxNode, scope: Scope, frame: Frame): void {
    const parts = childrenOf(definition);
    const nameNode = parts.find((child) => is(child, 'VariableName'));
    if (!nameNode) return;
    const name = this.text(nameNode);
    const bases = parts.find((child) => is(child, 'ArgList'));
    const baseValues = bases ? this.evaluateArguments(bases, scope, { ...frame, quiet: true }).positional : [];
    const isEnum = baseValues.some((base) => (base.kind === 'path' && PYTHON_ENUM_BASES.has(base.path)) || (base.kind === 'python-enum' && base.members.length === 0));
    if (!isEnum) {
      scope.variables.set(name, opaque(`class \`${name}\``));
      return;
    }
    const body = parts.find((child) => is(child, 'Body'));
    const classScope = new Scope(scope);
    const members: PythonEnumMember[] = [];
    let autoValue = 0;
    for (const statement of body ? childrenOf(body) : []) {
      if (!is(statement, 'AssignStatement')) continue;
      const pieces = childrenOf(statement);
      const target = pieces[0];
      const valueNode = pieces[pieces.length - 1];
      if (!target || !is(target, 'VariableName') || !valueNode || !pieces.some((piece) => is(piece, 'AssignOp'))) continue;
      const memberName = this.text(target);
      let value = this.evaluate(valueNode, classScope, { ...frame, quiet: true });
      if (value.kind === 'auto') value = { kind: 'number', value: ++autoValue, isFloat: false };
      else if (value.kind === 'number' && !value.isFloat) autoValue = value.value;
      classScope.variables.set(memberName, value);
      // Dunder and sunder names (`__slots__`, `_ignore_`) are not members.
      if (memberName.startsWith('__') || (memberName.startsWith('_') && memberName.endsWith('_'))) continue;
      const isAlias = value.kind !== 'opaque' && members.some((member) => !member.isAlias && sameValue(member.value, value));
      members.push({ name: memberName, value, isAlias });
    }
    scope.variables.set(name, { kind: 'python-enum', name, members });
  }

  // ----- control flow ------------------------------------------------------------------------

  /** The truth of an `if` or `while` condition. */
  private truth(value: Value): Truth {
    switch (value.kind) {
      case 'bool':
        return { kind: 'known', value: value.value };
      case 'none':
        return { kind: 'known', value: false };
      case 'number':
        return { kind: 'known', value: value.value !== 0 };
      case 'str':
        return { kind: 'known', value: value.value.length > 0 };
      case 'sequence':
        return { kind: 'known', value: value.items.length > 0 };
      case 'dict':
        return { kind: 'known', value: value.entries.length > 0 };
      case 'condition':
        return { kind: 'tests', tests: value.tests };
      case 'bind':
      case 'dialect':
      case 'inspector':
      case 'migration-context':
      case 'function':
      case 'python-enum':
      case 'enum-type':
      case 'column':
      case 'table':
        return { kind: 'known', value: true };
      default:
        return { kind: 'opaque' };
    }
  }

  private conditionsOf(tests: readonly ExistenceTest[], line: number, evaluation: number): RunCondition[] {
    return tests.map((test) => ({
      kind: 'existence',
      objectType: test.objectType,
      name: test.name,
      runsIfExists: test.whenExists,
      source: test.source,
      schemaAware: test.schemaAware,
      line,
      evaluation,
    }));
  }

  /** The conditions under which a branch runs when `truth` was false: expressible for a single test only. */
  private negation(truth: Truth, expression: string, line: number, evaluation: number): RunCondition[] {
    if (truth.kind === 'tests' && truth.tests.length === 1) return this.conditionsOf([{ ...truth.tests[0]!, whenExists: !truth.tests[0]!.whenExists }], line, evaluation);
    if (truth.kind === 'known') return [];
    return [{ kind: 'opaque', expression: `not (${expression})`, line }];
  }

  private execIf(statement: SyntaxNode, scope: Scope, frame: Frame): Completion {
    // if c1: b1 elif c2: b2 else: b3
    const parts = childrenOf(statement);
    const branches: Array<{ condition?: SyntaxNode; body: SyntaxNode }> = [];
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index]!;
      if ((is(part, 'if') || is(part, 'elif')) && parts[index + 1] && parts[index + 2] && is(parts[index + 2], 'Body')) {
        branches.push({ condition: parts[index + 1]!, body: parts[index + 2]! });
        index += 2;
      } else if (is(part, 'else') && is(parts[index + 1], 'Body')) {
        branches.push({ body: parts[index + 1]! });
        index += 1;
      }
    }
    if (branches.length === 0) return NORMAL;
    if (!branches.some((branch) => branch.condition === undefined)) branches.push({ body: statement }); // the implicit empty else, marked by the statement itself

    const line = this.lineOf(statement);
    // Each execution of the statement tests the database once, whatever its branches then do.
    const evaluation = ++this.conditionEvaluations;
    /** Conditions accumulated from earlier branches being false. */
    let previousFalse: RunCondition[] = [];
    const runs: Array<{ scope: Scope; completion: Completion; conditions: RunCondition[] }> = [];
    /** Where a note about an opaque condition goes: after what evaluating the first condition emitted. */
    let effectsBefore: number | undefined;
    let anyOpaque = false;
    for (const branch of branches) {
      let branchConditions: RunCondition[] = [...previousFalse];
      if (branch.condition) {
        const truth = this.truth(this.evaluate(branch.condition, scope, frame));
        effectsBefore ??= this.effects.length;
        const expression = this.text(branch.condition);
        if (truth.kind === 'known') {
          if (!truth.value) continue; // this branch never runs
          // This branch certainly runs if reached: the following ones never do.
          const only = this.runBranch(branch.body, runs.length === 0 && previousFalse.length === 0 ? scope : scope.fork(), { ...frame, conditions: [...frame.conditions, ...branchConditions] });
          runs.push({ ...only, conditions: branchConditions });
          previousFalse = [];
          break;
        }
        if (truth.kind === 'opaque') anyOpaque = true;
        branchConditions = [...branchConditions, ...(truth.kind === 'tests' ? this.conditionsOf(truth.tests, line, evaluation) : [{ kind: 'opaque', expression, line } as RunCondition])];
        const run = this.runBranch(branch.body, scope.fork(), { ...frame, conditions: [...frame.conditions, ...branchConditions] });
        runs.push({ ...run, conditions: branchConditions });
        previousFalse = [...previousFalse, ...this.negation(truth, expression, line, evaluation)];
      } else {
        const run = branch.body === statement ? { scope: scope.fork(), completion: NORMAL } : this.runBranch(branch.body, scope.fork(), { ...frame, conditions: [...frame.conditions, ...branchConditions] });
        runs.push({ ...run, conditions: branchConditions });
      }
    }
    if (anyOpaque && effectsBefore !== undefined && this.recordedBeyondTableUses(effectsBefore) && !frame.quiet) {
      this.effects.splice(effectsBefore, 0, {
        kind: 'unknown',
        reason: `which statements run depends on \`${this.text(branches[0]!.condition ?? statement).slice(0, 200)}\`, which schema-gate cannot evaluate; every branch was analysed`,
        guard: NO_GUARD,
        location: this.location(line),
      });
    }
    if (runs.length === 0) return NORMAL;
    if (runs.length === 1 && runs[0]!.conditions.length === 0) {
      // Exactly one branch runs, unconditionally: its completion is the statement's.
      this.adoptScope(scope, runs[0]!.scope);
      return runs[0]!.completion;
    }
    this.mergeScopes(scope, runs.map((run) => run.scope), line);
    const exiting = runs.filter((run) => run.completion.kind === 'exit');
    if (exiting.length === runs.length) return exiting[0]!.completion;
    // The statements after the `if` run only when no exiting branch was taken.
    const narrowings: Narrowing[] = [];
    for (const run of runs) {
      if (run.completion.kind === 'exit') {
        narrowings.push({ exit: run.completion.exit, conditions: this.negateAll(run.conditions, line) });
      } else narrowings.push(...run.completion.narrowings);
    }
    return narrowings.length > 0 ? { kind: 'normal', narrowings } : NORMAL;
  }

  private negateAll(conditions: readonly RunCondition[], line: number): RunCondition[] {
    if (conditions.length === 1) {
      const only = conditions[0]!;
      if (only.kind === 'existence') return [{ ...only, runsIfExists: !only.runsIfExists }];
      return [{ kind: 'opaque', expression: `not (${only.expression})`, line }];
    }
    if (conditions.length === 0) return [];
    return [{ kind: 'opaque', expression: `not (${conditions.map(describeCondition).join(' and ')})`, line }];
  }

  private runBranch(body: SyntaxNode, branchScope: Scope, frame: Frame): { scope: Scope; completion: Completion } {
    const completion = this.execBlock(body, branchScope, frame);
    return { scope: branchScope, completion };
  }

  private adoptScope(target: Scope, source: Scope): void {
    if (target === source) return;
    for (const [name, value] of source.variables) target.variables.set(name, value);
  }

  /** After branches that may or may not run, a variable keeps its value only if every branch agrees. */
  private mergeScopes(target: Scope, branches: readonly Scope[], line: number): void {
    const names = new Set<string>();
    for (const branch of branches) for (const name of branch.variables.keys()) names.add(name);
    for (const name of names) {
      const values = branches.map((branch) => branch.variables.get(name) ?? target.lookup(name));
      const first = values[0];
      if (first !== undefined && values.every((value) => value !== undefined && sameValue(value, first))) target.variables.set(name, first);
      else target.variables.set(name, opaque(`\`${name}\` depends on the condition at line ${line}`));
    }
  }

  /**
   * Whether effects recorded since `before` change or judge more than the existence of tables: a
   * branch that only creates indexes or constraints needs no note, since each of its statements
   * already carries the condition it runs under.
   */
  private recordedBeyondTableUses(before: number): boolean {
    return this.effects.slice(before).some((effect) => effect.kind !== 'use-table' && effect.kind !== 'create-index' && effect.kind !== 'drop-index' && effect.kind !== 'rename-index');
  }

  /** Analyses bodies of which any may run (match cases), with a note when they hold effects. */
  private execOpaqueBranches(statement: SyntaxNode, bodies: readonly SyntaxNode[], scope: Scope, frame: Frame, expression: string): Completion {
    const line = this.lineOf(statement);
    const before = this.effects.length;
    const scopes = bodies.map((body) => {
      const branchScope = scope.fork();
      this.execBlock(body, branchScope, { ...frame, conditions: [...frame.conditions, { kind: 'opaque', expression, line }] });
      return branchScope;
    });
    this.mergeScopes(scope, [...scopes, scope.fork()], line);
    if (this.recordedBeyondTableUses(before) && !frame.quiet) {
      this.effects.splice(before, 0, { kind: 'unknown', reason: `which statements run depends on \`${expression}\`, which schema-gate cannot evaluate; every branch was analysed`, guard: NO_GUARD, location: this.location(line) });
    }
    return NORMAL;
  }

  private execFor(statement: SyntaxNode, scope: Scope, frame: Frame): Completion {
    const parts = childrenOf(statement);
    const inIndex = parts.findIndex((part) => is(part, 'in'));
    const bodies = parts.filter((part) => is(part, 'Body'));
    const body = bodies[0];
    if (inIndex < 0 || !body) return NORMAL;
    const targets = parts.slice(1, inIndex).filter((part) => !isPunctuation(part));
    const iterableNodes = parts.slice(inIndex + 1, parts.indexOf(body)).filter((part) => !isPunctuation(part));
    const iterable = this.evaluateExpressionList(iterableNodes, statement, scope, frame);
    const items = this.iterate(iterable);
    const line = this.lineOf(statement);
    if (!Array.isArray(items)) {
      // Unknown items: analyse the body once with unknown loop variables, and say so if it does anything.
      const before = this.effects.length;
      const loopScope = scope.fork();
      const bind = (target: SyntaxNode) => this.assign(target, opaque(`the loop at line ${line} iterates over something schema-gate cannot evaluate: ${items.reason}`), loopScope, frame);
      targets.forEach(bind);
      this.execBlock(body, loopScope, { ...frame, conditions: [...frame.conditions, { kind: 'opaque', expression: `for loop over ${this.text(iterableNodes[0] ?? statement).slice(0, 120)}`, line }] });
      this.mergeScopes(scope, [loopScope, scope.fork()], line);
      if (this.recordedBeyondTableUses(before) && !frame.quiet) {
        this.effects.splice(before, 0, { kind: 'unknown', reason: `the loop runs its body for items schema-gate cannot evaluate (${items.reason}); the body was analysed once`, guard: NO_GUARD, location: this.location(line) });
      }
      return NORMAL;
    }
    let current = frame;
    const outward: Narrowing[] = [];
    for (const item of items) {
      if (targets.length === 1) this.assign(targets[0]!, item, scope, current);
      else this.assignTuple(targets, item, scope, current);
      const completion = this.execBlock(body, scope, current);
      if (completion.kind === 'exit') {
        if (completion.exit === 'continue') continue;
        if (completion.exit === 'break') return outward.length > 0 ? { kind: 'normal', narrowings: outward } : NORMAL;
        return completion;
      }
      for (const narrowing of completion.narrowings) {
        // A conditional break ends the later iterations too; return and raise end everything after.
        if (narrowing.exit === 'break') current = { ...current, conditions: [...current.conditions, ...narrowing.conditions] };
        if (narrowing.exit === 'return' || narrowing.exit === 'raise') {
          outward.push(narrowing);
          current = { ...current, conditions: [...current.conditions, ...narrowing.conditions] };
        }
      }
    }
    const elseBody = bodies[1];
    if (elseBody) {
      const completion = this.execBlock(elseBody, scope, current);
      if (completion.kind === 'exit') return completion;
    }
    return outward.length > 0 ? { kind: 'normal', narrowings: outward } : NORMAL;
  }

  private execWhile(statement: SyntaxNode, scope: Scope, frame: Frame): Completion {
    const body = childrenOf(statement).find((part) => is(part, 'Body'));
    if (!body) return NORMAL;
    const line = this.lineOf(statement);
    const before = this.effects.length;
    const loopScope = scope.fork();
    this.execBlock(body, loopScope, { ...frame, conditions: [...frame.conditions, { kind: 'opaque', expression: 'while loop', line }] });
    this.mergeScopes(scope, [loopScope, scope.fork()], line);
    if (this.recordedBeyondTableUses(before) && !frame.quiet) {
      this.effects.splice(before, 0, { kind: 'unknown', reason: 'a while loop runs its body an unknown number of times; the body was analysed once', guard: NO_GUARD, location: this.location(line) });
    }
    return NORMAL;
  }

  private execWith(statement: SyntaxNode, scope: Scope, frame: Frame): Completion {
    const parts = childrenOf(statement);
    const body = parts.find((part) => is(part, 'Body'));
    if (!body) return NORMAL;
    let inner = frame;
    const items = parts.slice(0, parts.indexOf(body)).filter((part) => !is(part, 'with') && !is(part, 'async'));
    for (let index = 0; index < items.length; index++) {
      const item = items[index]!;
      if (isPunctuation(item)) continue;
      const manager = this.evaluate(item, scope, frame);
      let target: SyntaxNode | undefined;
      if (is(items[index + 1], 'as') && items[index + 2]) {
        target = items[index + 2];
        index += 2;
      }
      switch (manager.kind) {
        case 'autocommit-block':
          inner = { ...inner, autocommit: true };
          break;
        case 'savepoint':
          inner = { ...inner, savepoints: inner.savepoints + 1 };
          break;
        case 'suppress':
          inner = { ...inner, handler: { line: this.lineOf(item), exceptions: manager.exceptions, savepoints: inner.savepoints } };
          break;
        default:
          break;
      }
      if (target) this.assign(target, manager.kind === 'batch' || manager.kind === 'bind' || manager.kind === 'opaque' ? manager : opaque(`the value of \`${this.text(item).slice(0, 80)}\``), scope, frame);
    }
    return this.execBlock(body, scope, inner);
  }

  private execTry(statement: SyntaxNode, scope: Scope, frame: Frame): Completion {
    const parts = childrenOf(statement);
    // try Body (except [types] [as name] Body)* [else Body] [finally Body]
    const handlers: Array<{ exceptions: string[]; body: SyntaxNode; line: number }> = [];
    let tryBody: SyntaxNode | undefined;
    let elseBody: SyntaxNode | undefined;
    let finallyBody: SyntaxNode | undefined;
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index]!;
      if (is(part, 'try') && is(parts[index + 1], 'Body')) tryBody = parts[++index];
      else if (is(part, 'except')) {
        let next = index + 1;
        const exceptions: string[] = [];
        while (next < parts.length && !is(parts[next], 'Body')) {
          const candidate = parts[next]!;
          if (is(candidate, 'as')) {
            next += 2;
            continue;
          }
          if (!is(candidate, '*')) exceptions.push(...this.exceptionNames(candidate));
          next++;
        }
        if (is(parts[next], 'Body')) handlers.push({ exceptions, body: parts[next]!, line: this.lineOf(part) });
        index = next;
      } else if (is(part, 'else') && is(parts[index + 1], 'Body')) elseBody = parts[++index];
      else if (is(part, 'finally') && is(parts[index + 1], 'Body')) finallyBody = parts[++index];
    }
    let completion: Completion = NORMAL;
    if (tryBody) {
      const exceptions = handlers.flatMap((handler) => handler.exceptions);
      const bare = handlers.some((handler) => handler.exceptions.length === 0);
      const handler: Frame['handler'] = handlers.length > 0 ? { line: handlers[0]!.line, exceptions: bare ? [] : exceptions, savepoints: frame.savepoints } : undefined;
      completion = this.execBlock(tryBody, scope, handler ? { ...frame, handler } : frame);
    }
    for (const handler of handlers) {
      // A handler runs only when a statement above failed. Inside the run's transaction any SQL
      // it sends fails too (25P02); either way, what it does is not part of a successful run.
      const before = this.effects.length;
      const handlerScope = scope.fork();
      this.execBlock(handler.body, handlerScope, { ...frame, conditions: [...frame.conditions, { kind: 'opaque', expression: 'an exception was raised above', line: handler.line }] });
      const produced = this.effects.splice(before);
      if (produced.length > 0 && !frame.quiet) {
        const saves = frame.autocommit;
        this.unknown(
          handler.line,
          saves
            ? 'the except block runs statements when the try block fails; schema-gate does not follow that path'
            : 'the except block runs statements when the try block fails, but inside the run\'s transaction they fail too ("current transaction is aborted", 25P02)',
          frame,
        );
      }
    }
    if (elseBody && completion.kind === 'normal') {
      const elseCompletion = this.execBlock(elseBody, scope, frame);
      if (elseCompletion.kind === 'exit') completion = elseCompletion;
    }
    if (finallyBody) {
      const finallyCompletion = this.execBlock(finallyBody, scope, frame);
      if (finallyCompletion.kind === 'exit') return finallyCompletion;
    }
    return completion;
  }

  private exceptionNames(node: SyntaxNode): string[] {
    if (is(node, 'TupleExpression') || is(node, 'ParenthesizedExpression')) {
      return childrenOf(node).filter((child) => !isPunctuation(child)).flatMap((child) => this.exceptionNames(child));
    }
    if (is(node, 'VariableName')) return [this.text(node)];
    if (is(node, 'MemberExpression')) {
      const property = childrenOf(node).filter((child) => is(child, 'PropertyName')).pop();
      return property ? [this.text(property)] : [];
    }
    return [];
  }

  // ----- calls of functions of this file -----------------------------------------------------

  private invoke(callee: FunctionValue | Extract<Value, { kind: 'lambda' }>, args: Arguments, frame: Frame, line: number): Value {
    if (callee.kind === 'function' && frame.callStack.includes(callee.node)) {
      this.unknown(line, `\`${callee.name}\` calls itself; schema-gate does not follow recursion`, frame);
      return opaque(`the result of the recursive \`${callee.name}\``);
    }
    // upgrade() itself is depth 0; helpers it calls count from 1.
    if (callee.kind === 'function' && frame.callStack.length > this.maxCallDepth) {
      this.unknown(line, `calls \`${callee.name}\` more than ${this.maxCallDepth} calls deep; schema-gate stops following there`, frame);
      return opaque(`the result of \`${callee.name}\``);
    }
    const scope = new Scope(callee.closure);
    this.bindParameters(callee.parameters, args, scope, callee.kind === 'function' ? callee.name : 'lambda');
    if (callee.kind === 'lambda') {
      const body = childrenOf(callee.node).filter((child) => !isPunctuation(child) && !is(child, 'lambda') && !is(child, 'ParamList')).pop();
      return body ? this.evaluate(body, scope, frame) : NONE;
    }
    const body = childrenOf(callee.node).find((child) => is(child, 'Body'));
    if (!body) return NONE;
    const completion = this.execBlock(body, scope, { ...frame, callStack: [...frame.callStack, callee.node] });
    return completion.kind === 'exit' && completion.exit === 'return' ? (completion.value ?? NONE) : NONE;
  }

  private bindParameters(parameters: readonly Parameter[], args: Arguments, scope: Scope, functionName: string): void {
    const remaining = [...args.positional];
    for (const parameter of parameters) {
      if (parameter.kind === 'star') {
        scope.variables.set(parameter.name, args.unexpanded ? opaque(args.unexpanded) : { kind: 'sequence', type: 'tuple', items: remaining.splice(0) });
      } else if (parameter.kind === 'double-star') {
        const entries: Array<[Value, Value]> = [...args.keywords].map(([key, value]) => [{ kind: 'str', value: key, line: 0 }, value]);
        scope.variables.set(parameter.name, args.unexpanded ? opaque(args.unexpanded) : { kind: 'dict', entries });
      } else if (args.keywords.has(parameter.name)) {
        scope.variables.set(parameter.name, args.keywords.get(parameter.name)!);
      } else if (remaining.length > 0 && !args.unexpanded) {
        scope.variables.set(parameter.name, remaining.shift()!);
      } else if (parameter.defaultValue) {
        scope.variables.set(parameter.name, args.unexpanded ? opaque(args.unexpanded) : parameter.defaultValue);
      } else {
        scope.variables.set(parameter.name, opaque(args.unexpanded ?? `the argument \`${parameter.name}\` of \`${functionName}\` is missing`));
      }
    }
  }

  // ----- expressions -------------------------------------------------------------------------

  private evaluate(node: SyntaxNode, scope: Scope, frame: Frame): Value {
    this.step(node);
    if (this.nesting > MAX_NESTING) return opaque('an expression nested too deeply');
    this.nesting++;
    try {
      return this.evaluateInner(node, scope, frame);
    } finally {
      this.nesting--;
    }
  }

  private evaluateInner(node: SyntaxNode, scope: Scope, frame: Frame): Value {
    switch (nodeName(node)) {
      case 'String':
      case 'FormatString':
      case 'ContinuedString':
        return this.stringLiteral(node, scope, frame);
      case 'Number':
        return this.numberLiteral(node);
      case 'Boolean':
        return { kind: 'bool', value: this.text(node) === 'True' };
      case 'None':
        return NONE;
      case 'VariableName':
        return this.variable(this.text(node), scope);
      case 'ParenthesizedExpression': {
        const inner = childrenOf(node).filter((child) => !isPunctuation(child));
        if (inner.length === 1 && !childrenOf(node).some((child) => is(child, ','))) return this.evaluate(inner[0]!, scope, frame);
        return { kind: 'sequence', type: 'tuple', items: this.evaluateItems(inner, scope, frame) ?? [] };
      }
      case 'TupleExpression':
      case 'ArrayExpression':
      case 'SetExpression': {
        const items = this.evaluateItems(childrenOf(node).filter((child) => !isPunctuation(child) || is(child, '*')), scope, frame);
        if (!items) return opaque(`a ${is(node, 'ArrayExpression') ? 'list' : 'tuple'} with a part schema-gate cannot expand`);
        return { kind: 'sequence', type: is(node, 'ArrayExpression') ? 'list' : is(node, 'SetExpression') ? 'set' : 'tuple', items };
      }
      case 'DictionaryExpression':
        return this.dictionary(node, scope, frame);
      case 'ArrayComprehensionExpression':
      case 'SetComprehensionExpression':
      case 'ComprehensionExpression':
      case 'DictionaryComprehensionExpression':
        return this.comprehension(node, scope, frame);
      case 'MemberExpression':
        return this.member(node, scope, frame);
      case 'CallExpression':
        return this.call(node, scope, frame);
      case 'BinaryExpression':
        return this.binaryExpression(node, scope, frame);
      case 'UnaryExpression':
        return this.unaryExpression(node, scope, frame);
      case 'ConditionalExpression': {
        // a if c else b
        const [whenTrue, , condition, , whenFalse] = childrenOf(node);
        if (!whenTrue || !condition || !whenFalse) return opaque('an unreadable conditional expression');
        const truth = this.truth(this.evaluate(condition, scope, frame));
        if (truth.kind === 'known') return this.evaluate(truth.value ? whenTrue : whenFalse, scope, frame);
        const a = this.evaluate(whenTrue, scope, frame);
        const b = this.evaluate(whenFalse, scope, frame);
        return sameValue(a, b) ? a : opaque(`\`${this.text(node).slice(0, 120)}\` depends on a condition schema-gate cannot evaluate`);
      }
      case 'LambdaExpression': {
        const parameters = this.parameters(childrenOf(node).find((child) => is(child, 'ParamList')), scope, frame);
        return { kind: 'lambda', node, closure: scope, parameters };
      }
      case 'NamedExpression': {
        const [target, , valueNode] = childrenOf(node);
        if (!target || !valueNode) return opaque('an unreadable assignment expression');
        const value = this.evaluate(valueNode, scope, frame);
        this.assign(target, value, scope, frame);
        return value;
      }
      case 'Ellipsis':
        return opaque('`...`');
      default: {
        // await, yield and anything unreadable: evaluate the parts for their calls.
        for (const child of childrenOf(node)) if (!isPunctuation(child) && child.firstChild) this.evaluate(child, scope, frame);
        return opaque(`\`${this.text(node).slice(0, 80)}\``);
      }
    }
  }

  private variable(name: string, scope: Scope): Value {
    const bound = scope.lookup(name);
    if (bound !== undefined) return bound;
    if (name === 'True' || name === 'False') return { kind: 'bool', value: name === 'True' };
    const builtin = BUILTINS.has(name) ? name : undefined;
    if (builtin) return { kind: 'builtin', name: builtin };
    for (const module of this.starImports) {
      if (module === 'sqlalchemy' || module.startsWith('sqlalchemy.') || module === 'alembic') return importedPath(`${module}.${name}`, name);
    }
    return opaque(`\`${name}\` is not defined in this file`);
  }

  private numberLiteral(node: SyntaxNode): Value {
    const text = this.text(node).split('_').join('').toLowerCase();
    if (text.endsWith('j')) return opaque('a complex number');
    if (text.startsWith('0x') || text.startsWith('0o') || text.startsWith('0b')) {
      const value = Number.parseInt(text.slice(2), text[1] === 'x' ? 16 : text[1] === 'o' ? 8 : 2);
      return Number.isNaN(value) ? opaque('an unreadable number') : { kind: 'number', value, isFloat: false };
    }
    const isFloat = text.includes('.') || text.includes('e');
    const value = Number(text);
    return Number.isNaN(value) ? opaque('an unreadable number') : { kind: 'number', value, isFloat };
  }

  /** Items of a list/tuple/set display or call, with `*x` expanded; undefined if one cannot be. */
  private evaluateItems(nodes: readonly SyntaxNode[], scope: Scope, frame: Frame): Value[] | undefined {
    const items: Value[] = [];
    let spread = false;
    let failed = false;
    for (const node of nodes) {
      if (is(node, '*')) {
        spread = true;
        continue;
      }
      if (isPunctuation(node)) continue;
      const value = this.evaluate(node, scope, frame);
      if (spread) {
        const expanded = this.iterate(value);
        if (Array.isArray(expanded)) items.push(...expanded);
        else failed = true;
        spread = false;
      } else items.push(value);
    }
    return failed ? undefined : items;
  }

  private dictionary(node: SyntaxNode, scope: Scope, frame: Frame): Value {
    const entries: Array<[Value, Value]> = [];
    const parts = childrenOf(node).filter((child) => !is(child, '{') && !is(child, '}') && !is(child, ','));
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index]!;
      if (is(part, '**')) {
        const spread = parts[index + 1] ? this.evaluate(parts[index + 1]!, scope, frame) : NONE;
        if (spread.kind !== 'dict') return opaque('a dict with a `**` part schema-gate cannot expand');
        entries.push(...spread.entries);
        index++;
        continue;
      }
      if (is(parts[index + 1], ':') && parts[index + 2]) {
        entries.push([this.evaluate(part, scope, frame), this.evaluate(parts[index + 2]!, scope, frame)]);
        index += 2;
      }
    }
    return { kind: 'dict', entries };
  }

  /** `[expr for a, b in xs if cond for c in ys]` over known iterables. */
  private comprehension(node: SyntaxNode, scope: Scope, frame: Frame): Value {
    const parts = childrenOf(node).filter((child) => !is(child, '[', ']', '(', ')', '{', '}'));
    const firstFor = parts.findIndex((part) => is(part, 'for'));
    if (firstFor < 0) return opaque('an unreadable comprehension');
    const head = parts.slice(0, firstFor);
    const isDict = is(node, 'DictionaryComprehensionExpression');
    const clauses: Array<{ kind: 'for'; targets: SyntaxNode[]; iterable: SyntaxNode } | { kind: 'if'; condition: SyntaxNode }> = [];
    for (let index = firstFor; index < parts.length; index++) {
      const part = parts[index]!;
      if (is(part, 'for')) {
        const inIndex = parts.findIndex((candidate, position) => position > index && is(candidate, 'in'));
        if (inIndex < 0 || !parts[inIndex + 1]) return opaque('an unreadable comprehension');
        clauses.push({ kind: 'for', targets: parts.slice(index + 1, inIndex).filter((target) => !isPunctuation(target)), iterable: parts[inIndex + 1]! });
        index = inIndex + 1;
      } else if (is(part, 'if') && parts[index + 1]) {
        clauses.push({ kind: 'if', condition: parts[index + 1]! });
        index++;
      }
    }
    const results: Value[] = [];
    const entries: Array<[Value, Value]> = [];
    const inner = new Scope(scope);
    let failure: string | undefined;
    const run = (clauseIndex: number): void => {
      if (failure !== undefined) return;
      const clause = clauses[clauseIndex];
      if (!clause) {
        if (isDict) {
          const keyNode = head[0];
          const valueNode = head[2];
          if (!keyNode || !valueNode) failure = 'an unreadable dict comprehension';
          else entries.push([this.evaluate(keyNode, inner, frame), this.evaluate(valueNode, inner, frame)]);
        } else if (head[0]) results.push(this.evaluate(head[0], inner, frame));
        if (results.length + entries.length > MAX_SEQUENCE_LENGTH) failure = 'a comprehension too long to follow';
        return;
      }
      if (clause.kind === 'if') {
        const truth = this.truth(this.evaluate(clause.condition, inner, frame));
        if (truth.kind !== 'known') failure = `the condition \`${this.text(clause.condition).slice(0, 80)}\` of a comprehension`;
        else if (truth.value) run(clauseIndex + 1);
        return;
      }
      const items = this.iterate(this.evaluate(clause.iterable, inner, frame));
      if (!Array.isArray(items)) {
        failure = items.reason;
        return;
      }
      for (const item of items) {
        if (clause.targets.length === 1) this.assign(clause.targets[0]!, item, inner, frame);
        else this.assignTuple(clause.targets, item, inner, frame);
        run(clauseIndex + 1);
      }
    };
    run(0);
    if (failure !== undefined) return opaque(failure);
    if (isDict) return { kind: 'dict', entries };
    return { kind: 'sequence', type: is(node, 'SetComprehensionExpression') ? 'set' : 'list', items: results };
  }

  /** The items a `for` over this value sees, or why they are unknown. */
  private iterate(value: Value): Value[] | { reason: string } {
    switch (value.kind) {
      case 'sequence':
        return value.items;
      case 'dict':
        return value.entries.map(([key]) => key);
      case 'str':
        return value.value.length > MAX_SEQUENCE_LENGTH ? { reason: 'a string too long to iterate' } : [...value.value].map((char) => ({ kind: 'str', value: char, line: value.line }));
      case 'python-enum':
        // Iterating an enum class yields its canonical members, never its aliases.
        return value.members.filter((member) => !member.isAlias).map((member) => ({ kind: 'enum-member', name: member.name, value: member.value }));
      case 'opaque':
        return { reason: value.reason };
      default:
        return { reason: `\`${value.kind}\` values cannot be iterated by schema-gate` };
    }
  }

  private member(node: SyntaxNode, scope: Scope, frame: Frame): Value {
    const parts = childrenOf(node);
    const objectNode = parts[0];
    if (!objectNode) return opaque('an unreadable attribute');
    const receiver = this.evaluate(objectNode, scope, frame);
    if (is(parts[1], '[')) {
      const indexNodes = parts.slice(2, -1);
      if (indexNodes.some((part) => is(part, ':'))) return this.slice(receiver, indexNodes, scope, frame);
      const keyNode = indexNodes.find((part) => !isPunctuation(part));
      if (!keyNode) return opaque('an unreadable subscript');
      return this.subscript(receiver, this.evaluate(keyNode, scope, frame));
    }
    const property = parts.find((part) => is(part, 'PropertyName'));
    if (!property) return opaque('an unreadable attribute');
    return this.attribute(receiver, this.text(property));
  }

  private subscript(receiver: Value, key: Value): Value {
    if (receiver.kind === 'sequence' && key.kind === 'number' && !key.isFloat) {
      const index = key.value < 0 ? receiver.items.length + key.value : key.value;
      return receiver.items[index] ?? opaque('an index out of range');
    }
    if (receiver.kind === 'str' && key.kind === 'number' && !key.isFloat) {
      const index = key.value < 0 ? receiver.value.length + key.value : key.value;
      const char = receiver.value[index];
      return char === undefined ? opaque('an index out of range') : { kind: 'str', value: char, line: receiver.line };
    }
    if (receiver.kind === 'dict') {
      const entry = receiver.entries.find(([candidate]) => sameValue(candidate, key));
      return entry ? entry[1] : opaque(`a key missing from a dict: ${pythonRepr(key) ?? '?'}`);
    }
    if (receiver.kind === 'python-enum' && key.kind === 'str') {
      const member = receiver.members.find((candidate) => candidate.name === key.value);
      if (member) return { kind: 'enum-member', name: member.name, value: member.value };
    }
    return opaque('a subscript schema-gate cannot evaluate');
  }

  private slice(receiver: Value, parts: readonly SyntaxNode[], scope: Scope, frame: Frame): Value {
    // a[start:stop] with a step of 1 only
    const bounds: Array<number | undefined> = [undefined, undefined];
    let position = 0;
    for (const part of parts) {
      if (is(part, ':')) position++;
      else if (!isPunctuation(part)) {
        const value = this.evaluate(part, scope, frame);
        if (value.kind !== 'number' || value.isFloat || position > 1) return opaque('a slice schema-gate cannot evaluate');
        bounds[position] = value.value;
      }
    }
    if (position > 1) return opaque('a slice with a step');
    const sliceOf = <T>(items: readonly T[]): T[] => items.slice(bounds[0] ?? 0, bounds[1] ?? items.length);
    if (receiver.kind === 'sequence') return { kind: 'sequence', type: receiver.type, items: sliceOf(receiver.items) };
    if (receiver.kind === 'str') return { kind: 'str', value: sliceOf([...receiver.value]).join(''), line: receiver.line };
    return opaque('a slice schema-gate cannot evaluate');
  }

  /** `receiver.name` without a call. */
  private attribute(receiver: Value, name: string): Value {
    switch (receiver.kind) {
      case 'path':
        return { kind: 'path', path: `${receiver.path}.${name}`, binding: receiver.binding, attributes: receiver.attributes + 1 };
      case 'bind':
        if (name === 'dialect') return { kind: 'dialect' };
        if (name === 'engine' || name === 'connection' || name === 'bind') return { kind: 'bind' };
        // Engine.name is its dialect's name (`bind.engine.name == "postgresql"`).
        if (name === 'name') return { kind: 'str', value: 'postgresql', line: 0 };
        return { kind: 'bound-method', receiver, name };
      case 'migration-context':
        if (name === 'bind' || name === 'connection') return { kind: 'bind' };
        if (name === 'dialect') return { kind: 'dialect' };
        if (name === 'as_sql') return { kind: 'bool', value: false };
        return { kind: 'bound-method', receiver, name };
      case 'dialect':
        if (name === 'name') return { kind: 'str', value: 'postgresql', line: 0 };
        return { kind: 'bound-method', receiver, name };
      case 'enum-member':
        if (name === 'value') return receiver.value;
        if (name === 'name') return { kind: 'str', value: receiver.name, line: 0 };
        return opaque(`the attribute \`${name}\` of an enum member`);
      case 'python-enum': {
        const member = receiver.members.find((candidate) => candidate.name === name);
        if (member) return { kind: 'enum-member', name: member.name, value: member.value };
        if (name === '__members__') {
          return { kind: 'dict', entries: receiver.members.map((candidate) => [{ kind: 'str', value: candidate.name, line: 0 }, { kind: 'enum-member', name: candidate.name, value: candidate.value }]) };
        }
        return { kind: 'bound-method', receiver, name };
      }
      case 'table':
        if (name === 'name') return { kind: 'str', value: receiver.name.name, line: 0 };
        return { kind: 'bound-method', receiver, name };
      case 'enum-type':
        if (name === 'name' && typeof receiver.name === 'string') return { kind: 'str', value: receiver.name, line: receiver.line };
        if (name === 'enums' && Array.isArray(receiver.labels)) return { kind: 'sequence', type: 'list', items: (receiver.labels as readonly string[]).map((label) => ({ kind: 'str', value: label, line: receiver.line })) };
        return { kind: 'bound-method', receiver, name };
      case 'opaque':
        return { kind: 'bound-method', receiver, name };
      default:
        return { kind: 'bound-method', receiver, name };
    }
  }

  private binaryExpression(node: SyntaxNode, scope: Scope, frame: Frame): Value {
    const parts = childrenOf(node);
    const left = parts[0];
    const right = parts[parts.length - 1];
    if (!left || !right || parts.length < 3) return opaque('an unreadable expression');
    const operatorParts = parts.slice(1, -1);
    const operator = operatorParts.map((part) => this.text(part)).join(' ');
    const line = this.lineOf(node);
    if (operator === 'and' || operator === 'or') {
      const a = this.evaluate(left, scope, frame);
      const truthA = this.truth(a);
      if (truthA.kind === 'known') {
        if (operator === 'and' ? !truthA.value : truthA.value) return a;
        return this.evaluate(right, scope, frame);
      }
      const b = this.evaluate(right, scope, frame);
      const truthB = this.truth(b);
      if (operator === 'and' && truthA.kind === 'tests') {
        if (truthB.kind === 'tests') return { kind: 'condition', tests: [...truthA.tests, ...truthB.tests] };
        if (truthB.kind === 'known') return truthB.value ? a : b;
      }
      if (operator === 'or' && truthB.kind === 'known' && !truthB.value) return a;
      return opaque(`\`${this.text(node).slice(0, 120)}\``);
    }
    const a = this.evaluate(left, scope, frame);
    const b = this.evaluate(right, scope, frame);
    return this.binary(operator, a, b, line);
  }

  private binary(operator: string, a: Value, b: Value, line: number): Value {
    switch (operator) {
      case '+':
        if (a.kind === 'str' && b.kind === 'str') return this.makeString(a.value + b.value, a.line || b.line);
        if (a.kind === 'number' && b.kind === 'number') return { kind: 'number', value: a.value + b.value, isFloat: a.isFloat || b.isFloat };
        if (a.kind === 'sequence' && b.kind === 'sequence' && a.type === b.type) return { kind: 'sequence', type: a.type, items: [...a.items, ...b.items] };
        break;
      case '-':
        if (a.kind === 'number' && b.kind === 'number') return { kind: 'number', value: a.value - b.value, isFloat: a.isFloat || b.isFloat };
        break;
      case '*': {
        const [text, count] = a.kind === 'number' ? [b, a] : [a, b];
        if (count.kind === 'number' && !count.isFloat) {
          if (text.kind === 'str') {
            if (text.value.length * Math.max(count.value, 0) > MAX_STRING_LENGTH) return opaque('a string too long to build');
            return { kind: 'str', value: text.value.repeat(Math.max(count.value, 0)), line: text.line };
          }
          if (text.kind === 'sequence') {
            if (text.items.length * Math.max(count.value, 0) > MAX_SEQUENCE_LENGTH) return opaque('a list too long to build');
            return { kind: 'sequence', type: text.type, items: Array.from({ length: Math.max(count.value, 0) }, () => text.items).flat() };
          }
          if (text.kind === 'number') return { kind: 'number', value: text.value * count.value, isFloat: text.isFloat };
        }
        if (a.kind === 'number' && b.kind === 'number') return { kind: 'number', value: a.value * b.value, isFloat: true };
        break;
      }
      case '%':
        if (a.kind === 'str') return this.percentFormat(a, b);
        if (a.kind === 'number' && b.kind === 'number' && b.value !== 0) return { kind: 'number', value: ((a.value % b.value) + b.value) % b.value, isFloat: a.isFloat || b.isFloat };
        break;
      case '==':
      case '!=': {
        const known = (value: Value) => value.kind === 'str' || value.kind === 'number' || value.kind === 'bool' || value.kind === 'none' || value.kind === 'sequence';
        if (known(a) && known(b)) return { kind: 'bool', value: sameValue(a, b) === (operator === '==') };
        break;
      }
      case 'is':
      case 'is not':
        if ((a.kind === 'none' || b.kind === 'none') && a.kind !== 'opaque' && b.kind !== 'opaque') return { kind: 'bool', value: (a.kind === b.kind) === (operator === 'is') };
        break;
      case 'in':
      case 'not in':
        return this.membership(a, b, operator === 'in');
      default:
        break;
    }
    // Say where, and why when a side is already unknown: the expression may sit lines above its use.
    const unknownSide = a.kind === 'opaque' ? a : b.kind === 'opaque' ? b : undefined;
    return opaque(unknownSide ? `\`${operator}\` on line ${line} over a value schema-gate cannot evaluate (${unknownSide.reason})` : `an expression with \`${operator}\` on line ${line} schema-gate cannot evaluate`);
  }

  /** `x in y`: known for literal containers, an existence test for `inspector.get_table_names()`. */
  private membership(needle: Value, haystack: Value, positive: boolean): Value {
    if (haystack.kind === 'table-names') {
      if (needle.kind !== 'str') return opaque('a table name schema-gate cannot evaluate');
      return {
        kind: 'condition',
        tests: [{ objectType: 'table', name: { schema: haystack.schema, name: needle.value }, whenExists: positive, source: 'inspector', schemaAware: true }],
      };
    }
    const items = haystack.kind === 'str' ? undefined : this.iterate(haystack);
    if (haystack.kind === 'str' && needle.kind === 'str') return { kind: 'bool', value: haystack.value.includes(needle.value) === positive };
    if (Array.isArray(items) && needle.kind !== 'opaque' && items.every((item) => item.kind !== 'opaque')) {
      return { kind: 'bool', value: items.some((item) => sameValue(item, needle)) === positive };
    }
    return opaque('a membership test schema-gate cannot evaluate');
  }

  private unaryExpression(node: SyntaxNode, scope: Scope, frame: Frame): Value {
    const [operator, operand] = childrenOf(node);
    if (!operator || !operand) return opaque('an unreadable expression');
    const value = this.evaluate(operand, scope, frame);
    const operatorText = this.text(operator);
    if (operatorText === 'not') {
      const truth = this.truth(value);
      if (truth.kind === 'known') return { kind: 'bool', value: !truth.value };
      if (truth.kind === 'tests' && truth.tests.length === 1) return { kind: 'condition', tests: [{ ...truth.tests[0]!, whenExists: !truth.tests[0]!.whenExists }] };
      return opaque(`\`${this.text(node).slice(0, 120)}\``);
    }
    if (operatorText === '-' && value.kind === 'number') return { kind: 'number', value: -value.value, isFloat: value.isFloat };
    if (operatorText === '+' && value.kind === 'number') return value;
    return opaque(`\`${this.text(node).slice(0, 80)}\``);
  }

  // ----- strings -----------------------------------------------------------------------------

  private makeString(value: string, line: number): Value {
    return value.length > MAX_STRING_LENGTH ? opaque('a string too long to build') : { kind: 'str', value, line };
  }

  private stringLiteral(node: SyntaxNode, scope: Scope, frame: Frame): Value {
    const line = this.lineOf(node);
    if (is(node, 'ContinuedString')) {
      // Adjacent literals are one string.
      let text = '';
      for (const piece of childrenOf(node)) {
        if (!is(piece, 'String') && !is(piece, 'FormatString')) continue;
        const value = this.stringLiteral(piece, scope, frame);
        if (value.kind !== 'str') return value;
        text += value.value;
        if (text.length > MAX_STRING_LENGTH) return opaque('a string too long to build');
      }
      return { kind: 'str', value: text, line };
    }
    const raw = this.text(node);
    const literal = splitStringLiteral(raw);
    if (!literal) return opaque(`an unterminated string literal at line ${line}`);
    const flags = { raw: literal.prefix.includes('r'), bytes: literal.prefix.includes('b'), formatString: literal.prefix.includes('f') };
    if (!flags.formatString) {
      const decoded = decodeBody(literal.body, flags);
      return decoded.ok ? this.makeString(decoded.text, line) : opaque(decoded.reason);
    }
    // An f-string: literal segments between the replacement fields.
    const bodyStart = node.from + raw.indexOf(literal.quote, literal.prefix.length) + literal.quote.length;
    const bodyEnd = node.to - literal.quote.length;
    let text = '';
    let cursor = bodyStart;
    let unknown: Extract<Value, { kind: 'opaque' }> | undefined;
    const replacements = childrenOf(node).filter((child) => is(child, 'FormatReplacement'));
    for (const replacement of replacements) {
      const segment = decodeBody(this.source.slice(cursor, replacement.from), flags);
      if (!segment.ok) return opaque(segment.reason);
      text += segment.text;
      const field = this.formatReplacement(replacement, scope, frame);
      if (field.kind === 'opaque' && field.skeleton === undefined) {
        unknown ??= field;
        text += SKELETON_HOLE;
      } else if (field.kind !== 'str') {
        return field;
      } else {
        text += field.value;
      }
      if (text.length > MAX_STRING_LENGTH) return opaque('a string too long to build');
      cursor = replacement.to;
    }
    const tail = decodeBody(this.source.slice(cursor, Math.max(cursor, bodyEnd)), flags);
    if (!tail.ok) return opaque(tail.reason);
    if (unknown) return { kind: 'opaque', reason: unknown.reason, skeleton: text + tail.text };
    return this.makeString(text + tail.text, line);
  }

  /** `{expr}`, `{expr!r}`, `{expr=}` of an f-string; format specs are not followed. */
  private formatReplacement(replacement: SyntaxNode, scope: Scope, frame: Frame): Value {
    const parts = childrenOf(replacement).filter((part) => !is(part, '{') && !is(part, '}'));
    const expression = parts[0];
    if (!expression) return opaque('an empty f-string field');
    if (parts.some((part) => is(part, 'FormatSpec'))) return opaque(`the f-string field \`${this.text(replacement)}\` has a format spec`);
    const value = this.evaluate(expression, scope, frame);
    if (value.kind === 'opaque') return value;
    const conversion = parts.find((part) => is(part, 'FormatConversion'));
    const selfDocumenting = parts.some((part) => is(part, 'FormatSelfDoc'));
    const useRepr = conversion ? this.text(conversion) !== '!s' : selfDocumenting;
    const text = useRepr ? pythonRepr(value) : pythonStr(value);
    if (text === undefined) return opaque(`the f-string field \`${this.text(replacement)}\` holds a value schema-gate cannot turn into text`);
    return { kind: 'str', value: selfDocumenting ? `${this.text(expression)}=${text}` : text, line: this.lineOf(replacement) };
  }

  /** `'...%s...' % args` with %s, %r, %d, %i and %% (no widths or flags). */
  private percentFormat(template: StrValue, args: Value): Value {
    const positional = args.kind === 'sequence' && args.type === 'tuple' ? args.items : [args];
    let next = 0;
    let out = '';
    let unknown: Extract<Value, { kind: 'opaque' }> | undefined;
    const text = template.value;
    for (let index = 0; index < text.length; index++) {
      const char = text[index]!;
      if (char !== '%') {
        out += char;
        continue;
      }
      let spec = text[index + 1];
      let value: Value | undefined;
      if (spec === '%') {
        out += '%';
        index++;
        continue;
      }
      if (spec === '(') {
        const close = text.indexOf(')', index);
        if (close < 0 || args.kind !== 'dict') return opaque('a %-format schema-gate cannot follow');
        const key = text.slice(index + 2, close);
        value = args.entries.find(([candidate]) => candidate.kind === 'str' && candidate.value === key)?.[1];
        spec = text[close + 1];
        index = close + 1;
      } else {
        // Python refuses to mix %(key)s with positional conversions.
        if (text.includes('%(')) return opaque('a %-format that mixes keys and positions');
        value = positional[next++];
        index++;
      }
      if (value === undefined) return opaque('a %-format with too few arguments');
      if (spec !== 's' && spec !== 'r' && spec !== 'd' && spec !== 'i') return opaque(`a %-format with the conversion %${spec ?? ''} schema-gate does not follow`);
      if (value.kind === 'opaque' && value.skeleton !== undefined) return value;
      const rendered =
        value.kind === 'opaque' ? undefined : spec === 'r' ? pythonRepr(value) : spec === 's' ? pythonStr(value) : value.kind === 'number' ? String(Math.trunc(value.value)) : undefined;
      if (rendered === undefined) {
        // A value known only when the migration runs: a hole in the text's skeleton.
        unknown ??= value.kind === 'opaque' ? value : { kind: 'opaque', reason: `a %-format of a value schema-gate cannot turn into text` };
        out += SKELETON_HOLE;
        continue;
      }
      out += rendered;
    }
    if (unknown) return { kind: 'opaque', reason: unknown.reason, skeleton: out };
    return this.makeString(out, template.line);
  }

  /** `'...{}...{name}...'.format(...)` without format specs. */
  private strFormat(template: StrValue, args: Arguments): Value {
    if (args.unexpanded) return opaque(args.unexpanded);
    let out = '';
    let auto = 0;
    let unknown: Extract<Value, { kind: 'opaque' }> | undefined;
    const text = template.value;
    for (let index = 0; index < text.length; index++) {
      const char = text[index]!;
      if ((char === '{' || char === '}') && text[index + 1] === char) {
        out += char;
        index++;
        continue;
      }
      if (char === '}') return opaque('a single `}` in a format string');
      if (char !== '{') {
        out += char;
        continue;
      }
      const close = text.indexOf('}', index);
      if (close < 0) return opaque('an unclosed `{` in a format string');
      let field = text.slice(index + 1, close);
      index = close;
      let conversion: string | undefined;
      const bang = field.indexOf('!');
      if (field.includes(':')) return opaque('a format string with a format spec');
      if (bang >= 0) {
        conversion = field.slice(bang + 1);
        field = field.slice(0, bang);
      }
      let value: Value | undefined;
      if (field === '') value = args.positional[auto++];
      else if ([...field].every((char) => char >= '0' && char <= '9')) value = args.positional[Number(field)];
      else value = args.keywords.get(field);
      if (value === undefined) return opaque(`the format field {${field}} has no argument schema-gate can see`);
      if (value.kind === 'opaque' && value.skeleton !== undefined) return value;
      const rendered = value.kind === 'opaque' ? undefined : conversion === 'r' ? pythonRepr(value) : pythonStr(value);
      if (rendered === undefined) {
        // A value known only when the migration runs: a hole in the text's skeleton.
        unknown ??= value.kind === 'opaque' ? value : { kind: 'opaque', reason: `the format field {${field}} holds a value schema-gate cannot turn into text` };
        out += SKELETON_HOLE;
        continue;
      }
      out += rendered;
    }
    if (unknown) return { kind: 'opaque', reason: unknown.reason, skeleton: out };
    return this.makeString(out, template.line);
  }

  // ----- calls -------------------------------------------------------------------------------

  private evaluateArguments(argList: SyntaxNode, scope: Scope, frame: Frame): Arguments {
    const positional: Value[] = [];
    const keywords = new Map<string, Value>();
    let unexpanded: string | undefined;
    const parts = childrenOf(argList).filter((part) => !is(part, '(') && !is(part, ')') && !is(part, ','));
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index]!;
      if (is(part, '*') || is(part, '**')) {
        const valueNode = parts[index + 1];
        index++;
        if (!valueNode) continue;
        const value = this.evaluate(valueNode, scope, frame);
        if (is(part, '*')) {
          const items = this.iterate(value);
          if (Array.isArray(items)) positional.push(...items);
          else unexpanded ??= `\`*${this.text(valueNode).slice(0, 80)}\` cannot be expanded: ${items.reason}`;
        } else if (value.kind === 'dict' && value.entries.every(([key]) => key.kind === 'str')) {
          for (const [key, item] of value.entries) keywords.set((key as StrValue).value, item);
        } else unexpanded ??= `\`**${this.text(valueNode).slice(0, 80)}\` cannot be expanded`;
        continue;
      }
      if (is(part, 'VariableName') && is(parts[index + 1], 'AssignOp') && parts[index + 2]) {
        keywords.set(this.text(part), this.evaluate(parts[index + 2]!, scope, frame));
        index += 2;
        continue;
      }
      if (is(part, 'for')) {
        // A generator argument without parentheses: f(x for x in y)
        return { positional: [this.comprehension(argList, scope, frame)], keywords };
      }
      positional.push(this.evaluate(part, scope, frame));
    }
    return unexpanded !== undefined ? { positional, keywords, unexpanded } : { positional, keywords };
  }

  private call(node: SyntaxNode, scope: Scope, frame: Frame): Value {
    const [calleeNode, argList] = childrenOf(node);
    if (!calleeNode || !argList || !is(argList, 'ArgList')) return opaque('an unreadable call');
    const callee = this.evaluate(calleeNode, scope, frame);
    const args = this.evaluateArguments(argList, scope, frame);
    const line = this.lineOf(node);
    switch (callee.kind) {
      case 'path':
        return this.callPath(callee, args, node, frame);
      case 'bound-method':
        return this.callMethod(callee.receiver, callee.name, args, node, frame);
      case 'function':
      case 'lambda':
        return this.invoke(callee, args, frame, line);
      case 'builtin':
        return this.callBuiltin(callee.name, args);
      case 'python-enum':
        return opaque(`a member of \`${callee.name}\``);
      case 'opaque':
        // A function schema-gate cannot see (`globals()[name]()`, a callback): it may do anything.
        this.unknown(line, `calls \`${this.text(calleeNode).slice(0, 80)}\`, which schema-gate cannot follow (${callee.reason})`, frame, { mayCreateTables: mayRunDdl(node, args) });
        return opaque(`the result of \`${this.text(calleeNode).slice(0, 80)}\``);
      default:
        return opaque(`the result of \`${this.text(calleeNode).slice(0, 80)}\``);
    }
  }

  /** A call of something reached through an import. */
  private callPath(callee: Extract<Value, { kind: 'path' }>, args: Arguments, node: SyntaxNode, frame: Frame): Value {
    const line = this.lineOf(node);
    const path = callee.path;
    if (path.startsWith('alembic.op.')) return this.callOp(path.slice('alembic.op.'.length), args, node, frame);
    if (path === 'alembic.context.get_context') return { kind: 'migration-context' };
    if (path === 'alembic.context.get_bind') return { kind: 'bind' };
    if (GENERIC_ENUM_PATHS.has(path)) return this.enumType('generic', args, line);
    if (POSTGRESQL_ENUM_PATHS.has(path)) return this.enumType('postgresql', args, line);
    if (ARRAY_PATHS.has(path)) return { kind: 'array-type', item: args.positional[0] ?? args.keywords.get('item_type') ?? opaque('an ARRAY without an item type') };
    if (COLUMN_PATHS.has(path)) {
      const [first, second] = args.positional;
      // Column(name, type, ...) or Column(type) in declarative code.
      const serverDefault = args.keywords.get('server_default');
      const extra = serverDefault !== undefined ? { serverDefault } : {};
      if (first?.kind === 'str' || (first?.kind === 'opaque' && second !== undefined)) return { kind: 'column', name: first, type: second ?? args.keywords.get('type_') ?? NONE, line, ...extra };
      return { kind: 'column', name: args.keywords.get('name') ?? opaque('a column without a name'), type: first ?? args.keywords.get('type_') ?? NONE, line, ...extra };
    }
    if (LIGHT_TABLE_PATHS.has(path)) {
      const name = args.positional[0];
      const schema = args.keywords.get('schema');
      if (name?.kind !== 'str') return opaque('a table whose name schema-gate cannot evaluate');
      return {
        kind: 'table',
        name: { schema: schema?.kind === 'str' ? storedIdentifier(schema.value) : DEFAULT_SCHEMA, name: storedIdentifier(name.value) },
        unqualified: schema?.kind !== 'str',
        columns: args.positional.filter((item): item is ColumnValue => item.kind === 'column'),
      };
    }
    if (TEXT_PATHS.has(path)) return { kind: 'sql-text', sql: args.positional[0] ?? args.keywords.get('text') ?? args.keywords.get('statement') ?? opaque('text() without SQL') };
    if (INSPECT_PATHS.has(path)) return { kind: 'inspector' };
    if (SESSION_PATHS.has(path)) return args.positional[0]?.kind === 'bind' || args.keywords.get('bind')?.kind === 'bind' ? { kind: 'bind', session: true } : opaque('a session');
    if (path === 'textwrap.dedent') {
      const text = args.positional[0];
      return text?.kind === 'str' ? { kind: 'str', value: dedent(text.value), line: text.line } : (text ?? opaque('dedent() without text'));
    }
    if (path === 'contextlib.suppress') {
      const names = args.positional.map((value) => (value.kind === 'path' ? value.path.split('.').pop()! : value.kind === 'builtin' ? value.name : ''));
      return { kind: 'suppress', exceptions: names.filter((name) => name !== '') };
    }
    if (path === 'enum.auto') return { kind: 'auto' };
    if (path === 'alembic.context.is_offline_mode') return { kind: 'bool', value: false };
    const root = path.split('.')[0]!;
    if (root === 'sqlalchemy') return { kind: 'sqlalchemy-object', path };
    if (root === 'alembic' || HARMLESS_MODULES.has(root)) return opaque(`the result of \`${path}\``);
    if (callee.attributes > 0 && startsUpperCase(callee.binding)) {
      // A method of an imported class or constant (`ALL_ENUMS.items()`, `Model.metadata.create_all(bind)`):
      // worth a note only when it may run SQL.
      const method = path.slice(path.lastIndexOf('.') + 1);
      if (DATABASE_METHODS.has(method) || [...args.positional, ...args.keywords.values()].some((value) => value.kind === 'bind')) {
        this.unknown(line, `calls \`${path}()\`, defined outside this file; it may run SQL schema-gate cannot see`, frame, { mayCreateTables: true });
      }
      return opaque(`the result of \`${path}\``);
    }
    if (startsUpperCase(path.slice(path.lastIndexOf('.') + 1)) && [...args.positional, ...args.keywords.values()].every(isPlainData)) {
      // A class of the project instantiated with plain data (`GUID()`, `Timestamp(timezone=True)`):
      // a column type or a value, not SQL run now. The path stands for the instance, so that a
      // column of that type is still reported as one schema-gate cannot see into.
      return callee;
    }
    return this.callImported(path, node, args, frame);
  }

  /**
   * A function imported from the project (`from app.enum_utils import create_enum_type_safe`):
   * its body is in another file, so whatever it does to the schema is unknown.
   */
  private callImported(path: string, node: SyntaxNode, args: Arguments, frame: Frame): Value {
    const dot = path.lastIndexOf('.');
    const name = dot >= 0 ? path.slice(dot + 1) : path;
    const module = dot >= 0 ? path.slice(0, dot) : '';
    this.unknown(this.lineOf(node), `calls an imported helper \`${name}\`${module ? ` (from \`${module}\`)` : ''} that schema-gate cannot see`, frame, { mayCreateTables: mayRunDdl(node, args) });
    return { kind: 'opaque', reason: `the result of \`${path}\`` };
  }

  private callBuiltin(name: string, args: Arguments): Value {
    const [first, second] = args.positional;
    switch (name) {
      case 'str':
        if (!first) return { kind: 'str', value: '', line: 0 };
        return first.kind === 'str' ? first : (() => {
          const text = pythonStr(first);
          return text === undefined ? opaque('str() of a value schema-gate cannot render') : { kind: 'str', value: text, line: 0 } as Value;
        })();
      case 'repr': {
        const text = first ? pythonRepr(first) : undefined;
        return text === undefined ? opaque('repr() of a value schema-gate cannot render') : { kind: 'str', value: text, line: first?.kind === 'str' ? first.line : 0 };
      }
      case 'len': {
        const items = first ? this.iterate(first) : { reason: 'len() without argument' };
        return Array.isArray(items) ? { kind: 'number', value: items.length, isFloat: false } : opaque(items.reason);
      }
      case 'list':
      case 'tuple':
      case 'set':
      case 'sorted':
      case 'reversed': {
        if (first?.kind === 'table-names' && name !== 'reversed') return first; // set(inspector.get_table_names())
        if (!first) return { kind: 'sequence', type: name === 'tuple' ? 'tuple' : name === 'set' ? 'set' : 'list', items: [] };
        const items = this.iterate(first);
        if (!Array.isArray(items)) return opaque(items.reason);
        let result = [...items];
        if (name === 'sorted') {
          if (!result.every((item) => item.kind === 'str') || args.keywords.size > 0) return opaque('sorted() of values schema-gate does not order');
          result.sort((a, b) => ((a as StrValue).value < (b as StrValue).value ? -1 : (a as StrValue).value > (b as StrValue).value ? 1 : 0));
        }
        if (name === 'reversed') result = result.reverse();
        return { kind: 'sequence', type: name === 'tuple' ? 'tuple' : name === 'set' ? 'set' : 'list', items: result };
      }
      case 'dict':
        if (!first) return { kind: 'dict', entries: [...args.keywords].map(([key, value]) => [{ kind: 'str', value: key, line: 0 }, value]) };
        if (first.kind === 'dict') return { kind: 'dict', entries: [...first.entries] };
        return opaque('dict() of a value schema-gate cannot evaluate');
      case 'enumerate': {
        const items = first ? this.iterate(first) : { reason: 'enumerate() without argument' };
        if (!Array.isArray(items)) return opaque(items.reason);
        const start = args.keywords.get('start') ?? second;
        const offset = start?.kind === 'number' ? start.value : 0;
        return { kind: 'sequence', type: 'list', items: items.map((item, index) => ({ kind: 'sequence', type: 'tuple', items: [{ kind: 'number', value: index + offset, isFloat: false }, item] })) };
      }
      case 'zip': {
        const lists = args.positional.map((value) => this.iterate(value));
        if (!lists.every(Array.isArray)) return opaque('zip() of values schema-gate cannot evaluate');
        const length = Math.min(...(lists as Value[][]).map((list) => list.length));
        return { kind: 'sequence', type: 'list', items: Array.from({ length }, (_, index) => ({ kind: 'sequence', type: 'tuple', items: (lists as Value[][]).map((list) => list[index]!) })) };
      }
      case 'range': {
        const numbers = args.positional.map((value) => (value.kind === 'number' && !value.isFloat ? value.value : undefined));
        if (numbers.length === 0 || numbers.some((value) => value === undefined)) return opaque('range() of values schema-gate cannot evaluate');
        const [start, stop, step] = numbers.length === 1 ? [0, numbers[0]!, 1] : [numbers[0]!, numbers[1]!, numbers[2] ?? 1];
        if (step === 0) return opaque('range() with a zero step');
        const count = Math.max(0, Math.ceil((stop - start) / step));
        if (count > MAX_SEQUENCE_LENGTH) return opaque('a range too long to follow');
        return { kind: 'sequence', type: 'list', items: Array.from({ length: count }, (_, index) => ({ kind: 'number', value: start + index * step, isFloat: false })) };
      }
      case 'int': {
        if (first?.kind === 'number') return { kind: 'number', value: Math.trunc(first.value), isFloat: false };
        if (first?.kind === 'str' && first.value.trim() !== '' && !Number.isNaN(Number(first.value))) return { kind: 'number', value: Math.trunc(Number(first.value)), isFloat: false };
        return opaque('int() of a value schema-gate cannot evaluate');
      }
      case 'bool': {
        const truth = first ? this.truth(first) : { kind: 'known' as const, value: false };
        return truth.kind === 'known' ? { kind: 'bool', value: truth.value } : first?.kind === 'condition' ? first : opaque('bool() of a value schema-gate cannot evaluate');
      }
      case 'isinstance':
      case 'hasattr':
      case 'getattr':
      case 'callable':
        return opaque(`the result of ${name}()`);
      case 'print':
        return NONE;
      case 'any':
      case 'all': {
        const items = first ? this.iterate(first) : { reason: 'no argument' };
        if (!Array.isArray(items)) return opaque(items.reason);
        const truths = items.map((item) => this.truth(item));
        if (!truths.every((truth) => truth.kind === 'known')) return opaque(`${name}() of values schema-gate cannot evaluate`);
        const values = truths.map((truth) => (truth as { value: boolean }).value);
        return { kind: 'bool', value: name === 'any' ? values.some(Boolean) : values.every(Boolean) };
      }
      default:
        return opaque(`the result of ${name}()`);
    }
  }

  /** A method call on a value the analysis knows. */
  private callMethod(receiver: Value, name: string, args: Arguments, node: SyntaxNode, frame: Frame): Value {
    const line = this.lineOf(node);
    switch (receiver.kind) {
      case 'str':
        return this.stringMethod(receiver, name, args);
      case 'sequence':
        if ((name === 'append' || name === 'extend' || name === 'insert') && receiver.type === 'list') {
          if (name === 'append' && args.positional[0]) receiver.items.push(args.positional[0]);
          else if (name === 'insert' && args.positional[1] && args.positional[0]?.kind === 'number') receiver.items.splice(args.positional[0].value, 0, args.positional[1]);
          else if (name === 'extend' && args.positional[0]) {
            const items = this.iterate(args.positional[0]);
            if (Array.isArray(items)) receiver.items.push(...items);
            else receiver.items.push(opaque(items.reason));
          }
          return NONE;
        }
        if (name === 'index' && args.positional[0]) {
          const index = receiver.items.findIndex((item) => sameValue(item, args.positional[0]!));
          return index >= 0 ? { kind: 'number', value: index, isFloat: false } : opaque('index() of a missing item');
        }
        return opaque(`the result of list.${name}()`);
      case 'dict':
        if (name === 'items') return { kind: 'sequence', type: 'list', items: receiver.entries.map(([key, value]) => ({ kind: 'sequence', type: 'tuple', items: [key, value] })) };
        if (name === 'keys') return { kind: 'sequence', type: 'list', items: receiver.entries.map(([key]) => key) };
        if (name === 'values') return { kind: 'sequence', type: 'list', items: receiver.entries.map(([, value]) => value) };
        if (name === 'get' && args.positional[0]) {
          const entry = receiver.entries.find(([key]) => sameValue(key, args.positional[0]!));
          return entry ? entry[1] : (args.positional[1] ?? NONE);
        }
        return opaque(`the result of dict.${name}()`);
      case 'bind':
        return this.bindMethod(receiver, name, args, node, frame);
      case 'migration-context':
        if (name === 'autocommit_block') return { kind: 'autocommit-block' };
        if (name === 'is_offline_mode') return { kind: 'bool', value: false };
        if (name === 'execute') return this.executeSql(args.positional[0], line, frame, 'context.execute');
        return opaque(`the result of get_context().${name}()`);
      case 'dialect':
        if (name === 'has_type' || name === 'has_table') {
          const target = args.positional[1] ?? args.keywords.get(name === 'has_type' ? 'type_name' : 'table_name');
          return this.existenceTest(name === 'has_type' ? 'type' : 'table', name, target, args.keywords.get('schema') ?? args.positional[2]);
        }
        return opaque(`the result of dialect.${name}()`);
      case 'inspector':
        return this.inspectorMethod(name, args);
      case 'enum-type':
        if (name === 'create' || name === 'drop') return this.enumCreateOrDrop(receiver, name, args, line, frame);
        return opaque(`the result of Enum.${name}()`);
      case 'batch':
        return this.batchMethod(receiver, name, args, line, frame);
      case 'sql-text':
        // text(...).bindparams(...) / .columns(...) / .execution_options(...): the same SQL
        // .params() gives values as .bindparams() does.
        if (name === 'bindparams' || name === 'params') return { ...receiver, bound: true };
        return name === 'columns' || name === 'execution_options' ? receiver : opaque(`the result of text().${name}()`);
      case 'python-enum':
        return opaque(`the result of ${receiver.name}.${name}()`);
      case 'path':
        return this.callPath({ ...receiver, path: `${receiver.path}.${name}`, attributes: receiver.attributes + 1 }, args, node, frame);
      case 'result':
        return this.resultMethod(receiver, name);
      case 'sqlalchemy-object':
        // MetaData().reflect(bind) and inspection only read the catalog.
        if (name === 'reflect') return { kind: 'sqlalchemy-object', path: `${receiver.path}().${name}` };
        // Table(...).create(bind), MetaData().create_all(bind): DDL schema-gate does not model.
        if (DATABASE_METHODS.has(name) || [...args.positional, ...args.keywords.values()].some((value) => value.kind === 'bind')) {
          this.unknown(line, `calls \`.${name}()\` on a \`${receiver.path}\` object, which runs SQL schema-gate does not model`, frame, { mayCreateTables: true });
        }
        return { kind: 'sqlalchemy-object', path: `${receiver.path}().${name}` };
      case 'opaque':
        // A method of something unknown: worth a note only if it may run SQL.
        if (DATABASE_METHODS.has(name) || [...args.positional, ...args.keywords.values()].some((value) => value.kind === 'bind')) {
          this.unknown(line, `calls \`.${name}()\` on something schema-gate cannot follow (${receiver.reason}); it may run SQL`, frame, { mayCreateTables: true });
        }
        return opaque(`the result of .${name}() on ${receiver.reason}`);
      case 'table':
        if (name === 'create' && this.tableCreate(receiver, args, line, frame)) return NONE;
        // t.select(), t.update().values(...): a Core statement, as sa.update(t) is.
        if (CORE_DATA_STATEMENTS.has(name)) return { kind: 'sqlalchemy-object', path: `table.${name}` };
        if (DATABASE_METHODS.has(name)) this.unknown(line, `calls \`.${name}()\` on the table ${receiver.name.name}, which schema-gate does not model`, frame, { mayCreateTables: true });
        return opaque(`the result of table.${name}()`);
      default:
        return opaque(`the result of .${name}()`);
    }
  }

  /**
   * Reading what a query returned. For a catalog lookup the first value or row is a test of the
   * object (`.scalar()`, `.fetchone()`, `.first()` …); anything else is data schema-gate cannot know.
   */
  private resultMethod(receiver: Extract<Value, { kind: 'result' }>, name: string): Value {
    const query = receiver.query;
    const trueWhen = !query
      ? undefined
      : ['scalar', 'scalar_one_or_none'].includes(name)
        ? query.firstValueTrueWhen
        : ['fetchone', 'first', 'one_or_none'].includes(name)
          ? query.firstRowTrueWhen
          : undefined;
    const { lookup } = query ?? {};
    if (!trueWhen || !lookup || (lookup.object !== 'type' && lookup.object !== 'table') || lookup.name === undefined) return opaque('a query result');
    const test: ExistenceTest = {
      objectType: lookup.object,
      name: { schema: lookup.schema ?? DEFAULT_SCHEMA, name: lookup.name },
      whenExists: trueWhen === 'exists',
      source: 'catalog-query',
      schemaAware: lookup.schemaAware,
    };
    return { kind: 'condition', tests: [test] };
  }

  private stringMethod(receiver: StrValue, name: string, args: Arguments): Value {
    const first = args.positional[0];
    switch (name) {
      case 'format':
        return this.strFormat(receiver, args);
      case 'join': {
        const items = first ? this.iterate(first) : { reason: 'join() without argument' };
        if (!Array.isArray(items)) return opaque(items.reason);
        if (!items.every((item) => item.kind === 'str')) {
          const bad = items.find((item) => item.kind === 'opaque');
          return bad?.kind === 'opaque' ? bad : opaque('join() of values that are not all strings');
        }
        return this.makeString(items.map((item) => (item as StrValue).value).join(receiver.value), receiver.line || (items[0] as StrValue | undefined)?.line || 0);
      }
      case 'upper':
        return { ...receiver, value: receiver.value.toUpperCase() };
      case 'lower':
        return { ...receiver, value: receiver.value.toLowerCase() };
      case 'strip':
      case 'lstrip':
      case 'rstrip': {
        if (first && first.kind !== 'str' && first.kind !== 'none') return opaque(`${name}() with characters schema-gate cannot evaluate`);
        const chars = first?.kind === 'str' ? first.value : ' \t\n\r\x0b\x0c';
        let start = 0;
        let end = receiver.value.length;
        if (name !== 'rstrip') while (start < end && chars.includes(receiver.value[start]!)) start++;
        if (name !== 'lstrip') while (end > start && chars.includes(receiver.value[end - 1]!)) end--;
        return { ...receiver, value: receiver.value.slice(start, end) };
      }
      case 'replace': {
        const [from, to] = args.positional;
        if (from?.kind !== 'str' || to?.kind !== 'str' || args.positional.length > 2) return opaque('replace() with values schema-gate cannot evaluate');
        return this.makeString(from.value === '' ? receiver.value : receiver.value.split(from.value).join(to.value), receiver.line);
      }
      case 'split': {
        const separator = first;
        if (args.positional.length > 1 || (separator && separator.kind !== 'str' && separator.kind !== 'none')) return opaque('split() with values schema-gate cannot evaluate');
        const pieces = separator?.kind === 'str' ? receiver.value.split(separator.value) : splitOnWhitespace(receiver.value);
        return { kind: 'sequence', type: 'list', items: pieces.map((piece) => ({ kind: 'str', value: piece, line: receiver.line })) };
      }
      case 'title':
      case 'capitalize':
        return opaque(`str.${name}()`);
      case 'encode':
      case 'decode':
        return receiver;
      default:
        return opaque(`the result of str.${name}()`);
    }
  }

  // ----- Alembic operations ------------------------------------------------------------------

  private callOp(name: string, args: Arguments, node: SyntaxNode, frame: Frame): Value {
    const line = this.lineOf(node);
    const positional = (index: number, keyword: string): Value | undefined => args.keywords.get(keyword) ?? args.positional[index];
    if (args.unexpanded && name !== 'get_bind' && name !== 'get_context') {
      this.unknown(line, `op.${name}() is called with ${args.unexpanded}`, frame, { mayCreateTables: true });
      return opaque(`the result of op.${name}()`);
    }
    switch (name) {
      case 'get_bind':
        return { kind: 'bind' };
      case 'get_context':
        return { kind: 'migration-context' };
      case 'inline_literal':
      case 'f':
        return args.positional[0] ?? opaque(`op.${name}() without a value`);
      case 'execute':
        return this.executeSql(positional(0, 'sqltext'), line, frame, 'op.execute');
      case 'create_table':
        return this.createTable(args, line, frame);
      case 'drop_table': {
        const table = this.tableName(positional(0, 'table_name'), args.keywords.get('schema'), line, 'op.drop_table', frame);
        if (!table) return NONE;
        const ifExists = args.keywords.get('if_exists');
        this.emit({ kind: 'drop-table', name: table, cascade: false, guard: ifExists?.kind === 'bool' && ifExists.value ? { kind: 'if-exists-clause' } : NO_GUARD, location: this.location(line) }, frame);
        return NONE;
      }
      case 'rename_table': {
        const table = this.tableName(positional(0, 'old_table_name'), args.keywords.get('schema'), line, 'op.rename_table', frame);
        const newName = positional(1, 'new_table_name');
        if (!table) return NONE;
        if (newName?.kind !== 'str') {
          this.unknown(line, `op.rename_table() to a name schema-gate cannot evaluate${newName?.kind === 'opaque' ? `: ${newName.reason}` : ''}`, frame, { mayCreateTables: true });
          return NONE;
        }
        this.emit({ kind: 'rename-table', name: table, newName: newName.value, guard: NO_GUARD, location: this.location(line) }, frame);
        return NONE;
      }
      case 'add_column': {
        const table = this.tableName(positional(0, 'table_name'), args.keywords.get('schema'), line, 'op.add_column', frame);
        if (!table) return NONE;
        const ifNotExists = args.keywords.get('if_not_exists');
        this.addColumn(table, positional(1, 'column'), ifNotExists?.kind === 'bool' && ifNotExists.value, line, frame, 'op.add_column');
        return NONE;
      }
      case 'alter_column': {
        const table = this.tableName(positional(0, 'table_name'), args.keywords.get('schema'), line, 'op.alter_column', frame);
        if (!table) return NONE;
        const altersType = this.alterColumn(table, positional(1, 'column_name'), args.keywords.get('type_'), line, frame, 'op.alter_column');
        if (!altersType && alterColumnChangesSomething(args)) this.useTable(positional(0, 'table_name'), args.keywords.get('schema'), 'op.alter_column', line, frame);
        // On PostgreSQL Alembic changes the type first, then the default.
        this.columnDefault(table, positional(1, 'column_name'), args.keywords.get('server_default'), line, frame);
        return NONE;
      }
      case 'drop_column': {
        const table = this.tableName(positional(0, 'table_name'), args.keywords.get('schema'), line, 'op.drop_column', frame);
        if (!table) return NONE;
        this.dropColumn(table, positional(1, 'column_name'), line, frame, 'op.drop_column');
        return NONE;
      }
      case 'batch_alter_table': {
        const table = this.tableName(positional(0, 'table_name'), args.keywords.get('schema'), line, 'op.batch_alter_table', frame);
        const recreate = args.keywords.get('recreate');
        if (recreate?.kind === 'str' && recreate.value === 'always') {
          this.unknown(line, 'batch_alter_table(recreate="always") copies the table through a new CREATE TABLE; schema-gate models the batch operations as direct ALTERs', frame);
        }
        return table ? { kind: 'batch', table, unqualified: args.keywords.get('schema')?.kind !== 'str', line } : opaque('a batch of a table schema-gate cannot name');
      }
      case 'bulk_insert':
        this.bulkInsert(positional(0, 'table'), positional(1, 'rows'), line, frame);
        return NONE;
      case 'create_index': {
        const table = this.useTable(positional(1, 'table_name'), args.keywords.get('schema'), 'op.create_index', line, frame);
        this.createIndex(positional(0, 'index_name'), table, args.keywords.get('if_not_exists'), 'op.create_index', line, frame);
        return NONE;
      }
      case 'drop_constraint': {
        const table = this.useTable(positional(1, 'table_name'), args.keywords.get('schema'), 'op.drop_constraint', line, frame);
        if (table) this.dropIndex(positional(0, 'constraint_name'), table.schema, false, NO_GUARD, 'op.drop_constraint', line, frame, { constraint: true });
        return NONE;
      }
      case 'create_unique_constraint':
      case 'create_primary_key':
      case 'create_exclude_constraint': {
        // Each makes an index under the constraint's name, which a naming convention may rewrite: a name schema-gate cannot know.
        const table = this.useTable(positional(1, 'table_name'), args.keywords.get('schema'), `op.${name}`, line, frame);
        this.createIndex(undefined, table, undefined, `op.${name}`, line, frame);
        return NONE;
      }
      case 'create_check_constraint':
        this.useTable(positional(1, 'table_name'), args.keywords.get('schema'), `op.${name}`, line, frame);
        return NONE;
      case 'create_table_comment':
      case 'drop_table_comment':
        this.useTable(positional(0, 'table_name'), args.keywords.get('schema'), `op.${name}`, line, frame);
        return NONE;
      case 'create_foreign_key': {
        const source = this.useTable(positional(1, 'source_table'), args.keywords.get('source_schema'), 'op.create_foreign_key', line, frame);
        const referent = this.usedTable(positional(2, 'referent_table'), args.keywords.get('referent_schema'));
        // A self-referencing key needs its one table once.
        if (referent && !(source && nameKey(source) === nameKey(referent.table))) this.useTable(positional(2, 'referent_table'), args.keywords.get('referent_schema'), 'op.create_foreign_key (the referenced table)', line, frame);
        return NONE;
      }
      case 'drop_index': {
        // DROP INDEX names the index alone: without table_name there is no table to check.
        const ifExists = args.keywords.get('if_exists');
        const guard: Guard = ifExists?.kind === 'bool' && ifExists.value ? { kind: 'if-exists-clause' } : NO_GUARD;
        const tableName = positional(1, 'table_name');
        const table = tableName !== undefined && tableName.kind !== 'none' ? this.useTable(tableName, args.keywords.get('schema'), 'op.drop_index', line, frame, { guard, viaObject: 'index' }) : undefined;
        const schema = args.keywords.get('schema');
        this.dropIndex(positional(0, 'index_name'), schema?.kind === 'str' ? schema.value : undefined, schema?.kind !== 'str', guard, 'op.drop_index', line, frame, table ? { table } : {});
        return NONE;
      }
      case 'sync_enum_values': {
        // alembic_postgresql_enum: gives an existing enum type new labels, recreating it under its own name and
        // converting the columns it is told of. It creates no table or type that was not there, and drops no index.
        const schema = positional(0, 'enum_schema');
        const enumName = positional(1, 'enum_name');
        const values = positional(2, 'new_values');
        const items = values ? this.iterate(values) : { reason: 'no new_values' };
        const labels = Array.isArray(items) && items.every((item) => item.kind === 'str') ? items.map((item) => (item as StrValue).value) : undefined;
        if (schema?.kind === 'str' && enumName?.kind === 'str' && labels) {
          const name = { schema: storedIdentifier(schema.value), name: storedIdentifier(enumName.value) };
          this.emit({ kind: 'replace-enum-labels', name, labels, operation: 'op.sync_enum_values()', guard: NO_GUARD, location: this.location(line) }, frame);
        } else {
          this.unknown(line, 'op.sync_enum_values() (alembic_postgresql_enum) sets the labels of an enum type, with arguments schema-gate cannot evaluate', frame);
        }
        return NONE;
      }
      default:
        this.unknown(line, `op.${name}() is not modelled by schema-gate`, frame, { mayCreateTables: true });
        return opaque(`the result of op.${name}()`);
    }
  }

  /**
   * The table an operation names, when schema-gate can evaluate it; undefined (and silence: the
   * operation changes nothing the model holds) otherwise.
   */
  private usedTable(name: Value | undefined, schema: Value | undefined): { table: QualifiedName; unqualified: boolean } | undefined {
    if (name?.kind !== 'str') return undefined;
    if (schema !== undefined && schema.kind !== 'str' && schema.kind !== 'none') return undefined;
    return { table: { schema: schema?.kind === 'str' ? storedIdentifier(schema.value) : DEFAULT_SCHEMA, name: storedIdentifier(name.value) }, unqualified: schema?.kind !== 'str' };
  }

  /** An operation that needs an existing table (an index, a constraint, rows): a `use-table` effect. */
  private useTable(
    name: Value | undefined,
    schema: Value | undefined,
    operation: string,
    line: number,
    frame: Frame,
    options: { guard?: Guard; viaObject?: 'index' } = {},
  ): QualifiedName | undefined {
    const used = this.usedTable(name, schema);
    if (!used) return undefined;
    this.emitUseTable(used.table, used.unqualified, operation, line, frame, options);
    return used.table;
  }

  private emitUseTable(table: QualifiedName, unqualified: boolean, operation: string, line: number, frame: Frame, options: { guard?: Guard; viaObject?: 'index' } = {}): void {
    this.emit(
      {
        kind: 'use-table',
        table,
        operation,
        ...(unqualified ? { unqualified: true } : {}),
        ...(options.viaObject ? { viaObject: options.viaObject } : {}),
        guard: options.guard ?? NO_GUARD,
        location: this.location(line),
      },
      frame,
    );
  }

  /**
   * An index created under the name it is given (op.f() or a plain string: an index naming convention
   * applies only to indexes without one), or under one schema-gate cannot know (no string: a name of a
   * convention, or one it cannot evaluate). On a table that cannot be named, nothing is modelled.
   */
  private createIndex(name: Value | undefined, table: QualifiedName | undefined, ifNotExists: Value | undefined, operation: string, line: number, frame: Frame): void {
    if (!table) return;
    // SQLAlchemy shortens a name over the limit its own way (op.f() names with a hash suffix): a name not known either.
    const known = name?.kind === 'str' && !exceedsIdentifierLimit(name.value) ? name.value : undefined;
    this.emit(
      {
        kind: 'create-index',
        ...(known !== undefined ? { name: { schema: table.schema, name: known } } : {}),
        table,
        operation,
        guard: ifNotExists?.kind === 'bool' && ifNotExists.value ? { kind: 'if-exists-clause' } : NO_GUARD,
        location: this.location(line),
      },
      frame,
    );
  }

  /** An index that goes away by name (`constraint`: a dropped constraint, which may have none). */
  private dropIndex(
    name: Value | undefined,
    schema: string | undefined,
    unqualified: boolean,
    guard: Guard,
    operation: string,
    line: number,
    frame: Frame,
    options: { constraint?: boolean; table?: QualifiedName } = {},
  ): void {
    // Over the limit, SQLAlchemy's shortened name is not known: whether an index of it exists cannot be told.
    if (name?.kind !== 'str' || exceedsIdentifierLimit(name.value)) return;
    const { constraint = false, table } = options;
    this.emit(
      {
        kind: 'drop-index',
        name: { schema: schema ?? DEFAULT_SCHEMA, name: name.value },
        operation,
        ...(table ? { table } : {}),
        ...(unqualified ? { unqualified: true } : {}),
        ...(constraint ? { constraint: true } : {}),
        guard,
        location: this.location(line),
      },
      frame,
    );
  }

  private tableName(name: Value | undefined, schema: Value | undefined, line: number, call: string, frame: Frame): QualifiedName | undefined {
    if (name?.kind !== 'str') {
      this.unknown(line, `${call}() on a table whose name schema-gate cannot evaluate${name?.kind === 'opaque' ? `: ${name.reason}` : ''}`, frame, { mayCreateTables: TABLE_MAKERS.has(call) });
      return undefined;
    }
    if (schema !== undefined && schema.kind !== 'str' && schema.kind !== 'none') {
      this.unknown(line, `${call}() in a schema schema-gate cannot evaluate${schema.kind === 'opaque' ? `: ${schema.reason}` : ''}`, frame, { mayCreateTables: TABLE_MAKERS.has(call) });
      return undefined;
    }
    return { schema: schema?.kind === 'str' ? storedIdentifier(schema.value) : DEFAULT_SCHEMA, name: storedIdentifier(name.value) };
  }

  /**
   * SQL handed to `op.execute`, `connection.execute` or `exec_driver_sql`. `stringPath` says how a
   * plain string runs: wrapped in `text()` (Alembic's `op.execute` does that), or sent to the
   * driver with or without parameters; a `text()` object always runs as such.
   */
  private executeSql(statement: Value | undefined, line: number, frame: Frame, call: string, stringPath: 'text' | 'driver' | 'driver-without-parameters' = 'text', parameters = false): Value {
    const sql = statement?.kind === 'sql-text' ? statement.sql : statement;
    if (sql?.kind !== 'str') {
      // Rows read or written through SQLAlchemy Core (sa.select/insert/update/delete, table.update()):
      // data, never a change of the schema.
      const rows = sql !== undefined && (isCoreDataStatement(sql) || (sql.kind === 'opaque' && sql.skeleton !== undefined && this.options.sqlOnlyRows?.(sql.skeleton) === true));
      const reason =
        sql === undefined
          ? `${call}() without SQL`
          : sql.kind === 'opaque'
            ? `${call}() runs SQL text schema-gate cannot evaluate: ${sql.reason}`
            : `${call}() runs a SQLAlchemy expression (${sql.kind === 'sqlalchemy-object' ? `\`${sql.path.replace(/^sqlalchemy\./, 'sa.')}\`` : sql.kind}), not SQL text`;
      // CREATE SCHEMA / DROP SCHEMA as SQLAlchemy DDL objects make or drop a schema: never a table or type of their own.
      const schemaDdl = sql?.kind === 'sqlalchemy-object' && SCHEMA_DDL.has(sql.path.slice(sql.path.lastIndexOf('.') + 1));
      this.unknown(line, reason, frame, rows ? { dataOnly: true } : { mayCreateTables: sql !== undefined && !schemaDdl });
      // What it returns is rows, whatever the statement: reading them runs no further SQL.
      return { kind: 'result' };
    }
    if (frame.quiet) return opaque(`the result of ${call}()`);
    let produced: readonly Effect[];
    try {
      const bindParameters: BindParameterStyle =
        statement?.kind === 'sql-text' || stringPath === 'text' ? 'sqlalchemy-text' : stringPath === 'driver' ? 'pyformat' : 'pyformat-without-parameters';
      // Alembic's op.execute passes no values, and text() without .bindparams() has none of its own.
      const withoutBindValues = bindParameters === 'sqlalchemy-text' && !parameters && !(statement?.kind === 'sql-text' && statement.bound);
      produced = this.options.sqlEffects(sql.value, this.location(sql.line || line), { bindParameters, ...(withoutBindValues ? { withoutBindValues } : {}) });
    } catch (error) {
      this.unknown(line, `the SQL of ${call}() could not be analysed: ${error instanceof Error ? error.message : String(error)}`, frame, { mayCreateTables: true });
      return opaque(`the result of ${call}()`);
    }
    for (const effect of produced) this.emit(effect, frame);
    // A catalog lookup whose answer the migration reads: a test of the object, as has_type() is.
    // (A text with bind parameters is not recognised: the parser refuses the marks.)
    const query = this.options.sqlCatalogQuery?.(sql.value);
    return query ? { kind: 'result', query } : { kind: 'result' };
  }

  private bindMethod(bind: Extract<Value, { kind: 'bind' }>, name: string, args: Arguments, node: SyntaxNode, frame: Frame): Value {
    const line = this.lineOf(node);
    switch (name) {
      case 'execute':
      case 'exec_driver_sql':
      case 'scalar':
      case 'scalars': {
        // Parameters: a second positional argument, or keywords (1.x `execute(sql, v=1)`, 2.0 `parameters=`).
        const parameters = args.positional.length > 1 || args.unexpanded !== undefined || [...args.keywords.keys()].some((keyword) => keyword !== 'statement' && keyword !== 'execution_options');
        const statement = args.positional[0] ?? args.keywords.get('statement');
        if (name !== 'exec_driver_sql' && statement?.kind === 'str') {
          // SQLAlchemy 2.0 takes only executable objects here: a plain string needs text() (or exec_driver_sql).
          const refused = this.sqlalchemyAtLeast(2, 0);
          this.noteVersion(line, 'plain-string-execute', '2.0', refused, frame);
          if (refused) {
            const error = bind.session ? 'ArgumentError: Textual SQL expression … should be explicitly declared as text(…)' : 'ObjectNotExecutableError: Not an executable object';
            this.emit({ kind: 'invalid-sql', message: `SQLAlchemy 2.0 refuses a plain string in ${bind.session ? 'session' : 'connection'}.${name}(): wrap it in sa.text() (${error})`, guard: NO_GUARD, location: this.location(line) }, frame);
            return opaque(`the result of connection.${name}()`);
          }
        }
        // A string runs through text() on a Session; on a Connection it goes to the driver as written.
        const path = bind.session ? 'text' : parameters ? 'driver' : 'driver-without-parameters';
        const result = this.executeSql(statement, line, frame, `connection.${name}`, path, parameters);
        return name === 'scalar' && result.kind === 'result' ? this.resultMethod(result, 'scalar') : result;
      }
      case 'begin_nested':
        return { kind: 'savepoint' };
      case 'begin':
        return opaque('a transaction');
      case 'commit':
        this.unknown(line, 'commits in the middle of the migration; schema-gate assumes the run is one transaction', frame);
        return NONE;
      case 'get_bind':
      case 'connect':
        return { kind: 'bind' };
      default:
        return opaque(`the result of connection.${name}()`);
    }
  }

  private inspectorMethod(name: string, args: Arguments): Value {
    const schema = args.keywords.get('schema');
    switch (name) {
      case 'get_table_names': {
        const explicit = args.positional[0] ?? schema;
        if (explicit !== undefined && explicit.kind !== 'str' && explicit.kind !== 'none') return opaque('table names of a schema schema-gate cannot evaluate');
        return { kind: 'table-names', schema: explicit?.kind === 'str' ? explicit.value : DEFAULT_SCHEMA };
      }
      case 'has_table':
        return this.existenceTest('table', 'has_table', args.positional[0] ?? args.keywords.get('table_name'), schema ?? args.positional[1]);
      case 'has_type':
        return this.existenceTest('type', 'has_type', args.positional[0] ?? args.keywords.get('type_name'), schema ?? args.positional[1]);
      default:
        return opaque(`the result of inspector.${name}()`);
    }
  }

  /**
   * `has_table` / `has_type` without a schema look at what is visible on the search path
   * (`pg_table_is_visible`, `pg_type_is_visible`), so they see the default schema: schema-aware.
   * SQLAlchemy 2.0's `has_type(schema='*')` looks in every schema.
   */
  private existenceTest(objectType: 'table' | 'type', source: 'has_table' | 'has_type', target: Value | undefined, schema: Value | undefined): Value {
    if (target?.kind !== 'str') return opaque(`${source}() of a name schema-gate cannot evaluate`);
    if (schema !== undefined && schema.kind !== 'str' && schema.kind !== 'none') return opaque(`${source}() in a schema schema-gate cannot evaluate`);
    const anySchema = schema?.kind === 'str' && schema.value === '*';
    return {
      kind: 'condition',
      tests: [
        {
          objectType,
          name: { schema: schema?.kind === 'str' && !anySchema ? schema.value : DEFAULT_SCHEMA, name: target.value },
          whenExists: true,
          source,
          schemaAware: !anySchema,
        },
      ],
    };
  }

  // ----- SQLAlchemy types and tables ---------------------------------------------------------

  /** `sa.Enum(...)` / `postgresql.ENUM(...)`: labels, name and options as SQLAlchemy reads them. */
  private enumType(flavour: EnumTypeValue['flavour'], args: Arguments, line: number): EnumTypeValue {
    const keyword = (name: string): Value | undefined => args.keywords.get(name);
    const flag = (name: string, fallback: boolean): boolean => {
      const value = keyword(name);
      return value?.kind === 'bool' ? value.value : fallback;
    };
    let labels: EnumTypeValue['labels'];
    let derivedName: string | { unknown: string } | undefined;
    let aliasesDependOnVersion = false;
    const classArgument = args.positional.length === 1 ? args.positional[0] : undefined;
    if (args.unexpanded) labels = { unknown: args.unexpanded };
    else if (classArgument?.kind === 'python-enum') {
      // Enum(PythonEnumClass): the labels are the member NAMES unless values_callable says otherwise,
      // and the type is named after the class, lower-cased.
      derivedName = classArgument.name.toLowerCase();
      const hasAliases = classArgument.members.some((member) => member.isAlias);
      const omitAliases = keyword('omit_aliases')?.kind === 'bool' ? flag('omit_aliases', true) : this.sqlalchemyAtLeast(2, 0);
      const valuesCallable = keyword('values_callable');
      // values_callable iterates the class, which never yields aliases, in every version.
      aliasesDependOnVersion = hasAliases && keyword('omit_aliases') === undefined && (valuesCallable === undefined || valuesCallable.kind === 'none');
      const members = classArgument.members.filter((member) => !(omitAliases && member.isAlias));
      if (valuesCallable !== undefined && valuesCallable.kind !== 'none') {
        labels = this.callValuesCallable(valuesCallable, classArgument);
      } else labels = members.map((member) => member.name);
    } else if (projectImport(classArgument) !== undefined) {
      // Enum(ImportedClass): named after the class like any enum class, labels unknown.
      const imported = projectImport(classArgument)!;
      derivedName = imported.split('.').pop()!.toLowerCase();
      labels = { unknown: `the labels come from \`${imported}\`, which is defined outside this file` };
    } else {
      const strings: string[] = [];
      let problem: string | undefined;
      for (const value of args.positional) {
        if (value.kind === 'str') strings.push(value.value);
        else problem ??= value.kind === 'opaque' ? value.reason : `a label that is not a string (${value.kind})`;
      }
      labels = problem !== undefined ? { unknown: problem } : strings;
    }
    const nameValue = keyword('name');
    const name: EnumTypeValue['name'] =
      nameValue === undefined || nameValue.kind === 'none' ? derivedName : nameValue.kind === 'str' ? nameValue.value : { unknown: nameValue.kind === 'opaque' ? nameValue.reason : 'a name that is not a string' };
    const schemaValue = keyword('schema');
    const schema: EnumTypeValue['schema'] =
      schemaValue === undefined || schemaValue.kind === 'none' ? undefined : schemaValue.kind === 'str' ? schemaValue.value : { unknown: schemaValue.kind === 'opaque' ? schemaValue.reason : 'a schema that is not a string' };
    const createType = keyword('create_type');
    return {
      kind: 'enum-type',
      flavour,
      labels,
      name,
      schema,
      inheritSchema: flag('inherit_schema', false),
      native: flavour === 'postgresql' ? true : flag('native_enum', true),
      createType: createType?.kind === 'bool' ? createType.value : undefined,
      hasMetadata: keyword('metadata') !== undefined && keyword('metadata')?.kind !== 'none',
      aliasesDependOnVersion,
      line,
    };
  }

  /** `values_callable=lambda cls: [m.value for m in cls]` and the like, applied to a class of this file. */
  private callValuesCallable(callable: Value, enumClass: PythonEnumClassValue): EnumTypeValue['labels'] {
    if (callable.kind !== 'lambda' && callable.kind !== 'function') return { unknown: 'values_callable is not a function of this file' };
    const quietFrame: Frame = { conditions: [], autocommit: false, savepoints: 0, callStack: [], quiet: true };
    const result = this.invoke(callable, { positional: [enumClass], keywords: new Map() }, quietFrame, 0);
    const items = this.iterate(result);
    if (!Array.isArray(items)) return { unknown: `values_callable returns values schema-gate cannot evaluate: ${items.reason}` };
    if (!items.every((item) => item.kind === 'str')) return { unknown: 'values_callable returns values that are not all strings' };
    return items.map((item) => (item as StrValue).value);
  }

  /** The enum type a column value stands for, if its type is (an ARRAY of) an Enum. */
  private columnEnum(type: Value): { enumType: EnumTypeValue; isArray: boolean } | undefined {
    if (type.kind === 'enum-type') return { enumType: type, isArray: false };
    if (type.kind === 'array-type' && type.item.kind === 'enum-type') return { enumType: type.item, isArray: true };
    return undefined;
  }

  /** Where the type lives: its own `schema=`, the table's with `inherit_schema=True`, else the search path's first schema. */
  private enumSchema(enumType: EnumTypeValue, table: QualifiedName | undefined): string | { unknown: string } {
    if (enumType.schema !== undefined) return enumType.schema;
    if (enumType.inheritSchema && table) return table.schema;
    return DEFAULT_SCHEMA;
  }

  private columnName(column: ColumnValue): string | undefined {
    return column.name.kind === 'str' ? column.name.value : undefined;
  }

  /**
   * `op.create_table(name, *columns, schema=...)`. SQLAlchemy creates the type of each native
   * Enum column first, without any check (at most once per name and run, which the simulation
   * models), then the table.
   */
  private createTable(args: Arguments, line: number, frame: Frame): Value {
    const table = this.tableName(args.keywords.get('table_name') ?? args.positional[0], args.keywords.get('schema'), line, 'op.create_table', frame);
    if (!table) return opaque('a table schema-gate cannot name');
    const columns: ColumnValue[] = [];
    for (const item of args.positional.slice(1)) {
      if (item.kind === 'column') columns.push(item);
      else if (projectImport(item) !== undefined) {
        this.unknown(line, `a column or constraint of ${table.name} comes from \`${projectImport(item)}\`, defined outside this file`, frame);
      }
    }
    const enumColumns: ColumnType[] = [];
    const created: Array<{ schema: string; name: string; labels: readonly string[] }> = [];
    for (const column of columns) {
      const columnName = this.columnName(column);
      const importedType = projectImport(column.type);
      if (importedType !== undefined) {
        this.unknown(column.line, `the column ${table.name}.${columnName ?? '?'} has the type \`${importedType}\`, defined outside this file; if it is an Enum, create_table creates it too`, frame, { importedType });
        continue;
      }
      const found = this.columnEnum(column.type);
      if (!found || !found.enumType.native) continue; // native_enum=False is a VARCHAR: no type
      const { enumType, isArray } = found;
      if (enumType.name === undefined) {
        // SQLAlchemy cannot render CREATE TYPE without a name: the upgrade stops with a CompileError.
        this.emit({ kind: 'invalid-sql', message: 'PostgreSQL ENUM type requires a name. (SQLAlchemy CompileError: an Enum without name= in create_table)', guard: NO_GUARD, location: this.location(enumType.line) }, frame);
        return opaque('a table that was not created');
      }
      const schema = this.enumSchema(enumType, table);
      if (typeof enumType.name !== 'string' || typeof schema !== 'string') {
        const why = typeof enumType.name !== 'string' ? enumType.name.unknown : (schema as { unknown: string }).unknown;
        this.unknown(enumType.line, `the column ${table.name}.${columnName ?? '?'} is an Enum whose name or schema schema-gate cannot evaluate: ${why}`, frame);
        continue;
      }
      const enumName: QualifiedName = { schema, name: storedIdentifier(enumType.name) };
      const createsType = this.createsTypeWithTable(enumType, frame);
      let knownEnum = true;
      if (createsType) {
        if (!Array.isArray(enumType.labels)) {
          // Without labels the create cannot be modelled; the column is then only treated as an
          // enum if the type turns out to exist, so a missing create does not read as a failure.
          this.unknown(enumType.line, `create_table(${table.name}) creates the enum type ${enumType.name}, but ${(enumType.labels as { unknown: string }).unknown}`, frame);
          knownEnum = false;
        } else {
          const labels = enumType.labels as readonly string[];
          const duplicate = created.find((entry) => entry.schema === schema && entry.name === enumName.name);
          // SQLAlchemy creates a name once per run: a second identical column adds nothing to say.
          if (!duplicate || duplicate.labels.join('\u0000') !== labels.join('\u0000')) {
            created.push({ ...enumName, labels });
            this.emit({ kind: 'create-enum', name: enumName, labels: [...labels], via: 'create-table', guard: NO_GUARD, location: this.location(enumType.line) }, frame);
          }
        }
      }
      if (columnName !== undefined) enumColumns.push({ name: columnName, enumType: enumName, isArray, knownEnum });
    }
    const ifNotExists = args.keywords.get('if_not_exists');
    const defaultColumns = columns.filter(hasServerDefault).flatMap((column) => {
      const name = this.columnName(column);
      return name === undefined ? [] : [name];
    });
    this.emit(
      {
        kind: 'create-table',
        name: table,
        enumColumns,
        ...(defaultColumns.length > 0 ? { defaultColumns } : {}),
        guard: ifNotExists?.kind === 'bool' && ifNotExists.value ? { kind: 'if-exists-clause' } : NO_GUARD,
        location: this.location(line),
      },
      frame,
    );
    return { kind: 'table', name: table, unqualified: args.keywords.get('schema')?.kind !== 'str', columns };
  }

  /**
   * `sa.Table(...).create(bind, checkfirst=False)`: CREATE TABLE, skipped when `checkfirst` finds the
   * table. Modelled for tables without enum columns only — their CREATE TYPE follows its own memo
   * and checkfirst rules in Table.create — so false (the caller reports it) when one may be an enum.
   */
  private tableCreate(table: TableValue, args: Arguments, line: number, frame: Frame): boolean {
    const checkfirstValue = args.keywords.get('checkfirst') ?? args.positional[1];
    if (checkfirstValue !== undefined && checkfirstValue.kind !== 'bool') return false;
    const enumClass = (type: Value): boolean => (type.kind === 'path' || type.kind === 'sqlalchemy-object') && (type.path.endsWith('.Enum') || type.path.endsWith('.ENUM'));
    if (table.columns.some((column) => !isKnownNonEnumType(column.type) || enumClass(column.type))) return false;
    const guard: Guard = checkfirstValue?.value ? { kind: 'checkfirst' } : NO_GUARD;
    this.emit({ kind: 'create-table', name: table.name, enumColumns: [], guard, location: this.location(line) }, frame);
    return true;
  }

  /**
   * Whether `create_table` emits CREATE TYPE for this Enum. `postgresql.ENUM(create_type=False)`
   * never does; `sa.Enum` ignores `create_type` before 2.1; an Enum given `metadata=` is created
   * with its MetaData, not with the table, before 2.1.
   */
  private createsTypeWithTable(enumType: EnumTypeValue, frame: Frame): boolean {
    const newSchemaTypes = this.sqlalchemyAtLeast(2, 1);
    if (enumType.aliasesDependOnVersion) this.noteVersion(enumType.line, 'enum-class-aliases', '2.0', this.sqlalchemyAtLeast(2, 0), frame);
    if (enumType.flavour === 'generic' && enumType.createType === false) this.noteVersion(enumType.line, 'sa-enum-create-type', '2.1', newSchemaTypes, frame);
    if (enumType.hasMetadata) this.noteVersion(enumType.line, 'enum-metadata-argument', '2.1', newSchemaTypes, frame);
    if (enumType.createType === false && (enumType.flavour === 'postgresql' || newSchemaTypes)) return false;
    if (enumType.hasMetadata && !newSchemaTypes) return false;
    return true;
  }

  /** The enum column type of `op.add_column` / `op.alter_column`; add_column never creates the type. */
  /**
   * `table` is the table the column is attached to before its DDL is rendered: add_column attaches
   * it (so `inherit_schema=True` applies), alter_column renders the new type before attaching it.
   */
  private enumColumnType(columnName: string | undefined, typeValue: Value, table: QualifiedName | undefined, line: number, call: string, frame: Frame): ColumnType | undefined | 'invalid' {
    const found = this.columnEnum(typeValue);
    if (!found || !found.enumType.native) return undefined;
    const { enumType, isArray } = found;
    if (found.enumType.aliasesDependOnVersion) this.noteVersion(enumType.line, 'enum-class-aliases', '2.0', this.sqlalchemyAtLeast(2, 0), frame);
    if (enumType.name === undefined) {
      this.emit({ kind: 'invalid-sql', message: `PostgreSQL ENUM type requires a name. (SQLAlchemy CompileError: an Enum without name= in ${call})`, guard: NO_GUARD, location: this.location(enumType.line) }, frame);
      return 'invalid';
    }
    const schema = this.enumSchema(enumType, table);
    if (typeof enumType.name !== 'string' || typeof schema !== 'string' || columnName === undefined) {
      this.unknown(line, `${call}() with an Enum column whose name, type name or schema schema-gate cannot evaluate`, frame);
      return 'invalid';
    }
    return { name: columnName, enumType: { schema, name: storedIdentifier(enumType.name) }, isArray, knownEnum: true };
  }

  private addColumn(table: QualifiedName, column: Value | undefined, ifNotExists: boolean, line: number, frame: Frame, call: string): void {
    if (column?.kind !== 'column') {
      this.unknown(line, `${call}() with a column schema-gate cannot evaluate${column?.kind === 'opaque' ? `: ${column.reason}` : ''}`, frame);
      return;
    }
    const columnName = this.columnName(column);
    const columnType = this.enumColumnType(columnName, column.type, table, line, call, frame);
    if (columnType === 'invalid') return;
    // ADD COLUMN … DEFAULT 'x' evaluates the default as a value of the type: a label added in this transaction fails (55P04).
    const label = columnType ? defaultLabel(column.serverDefault) : undefined;
    if (columnType && label !== undefined) {
      this.emit({ kind: 'use-enum-label', name: columnType.enumType, label, table, ...(columnName !== undefined ? { column: columnName } : {}), guard: NO_GUARD, location: this.location(line) }, frame);
    }
    this.emit(
      {
        kind: 'add-column',
        table,
        ...(columnName !== undefined ? { column: columnName } : {}),
        ...(ifNotExists ? { ifNotExists: true } : {}),
        ...(columnType ? { columnType } : {}),
        ...(hasServerDefault(column) ? { hasDefault: true } : {}),
        guard: NO_GUARD,
        location: this.location(line),
      },
      frame,
    );
  }

  /**
   * `alter_column(..., type_=...)`: to an enum, to a type that is none, or to something unknown.
   * Returns whether it recorded a type change, which needs the table like any ALTER TABLE.
   */
  private alterColumn(table: QualifiedName, columnName: Value | undefined, type: Value | undefined, line: number, frame: Frame, call: string): boolean {
    if (type === undefined || type.kind === 'none') return false; // renames, nullability, defaults: nothing modelled but the table
    if (columnName?.kind !== 'str') {
      this.unknown(line, `${call}() changes the type of a column schema-gate cannot name`, frame);
      return false;
    }
    const columnType = this.enumColumnType(columnName.value, type, undefined, line, call, frame);
    if (columnType === 'invalid') return false;
    if (columnType === undefined && !isKnownNonEnumType(type)) {
      this.unknown(line, `${call}() changes ${table.name}.${columnName.value} to a type schema-gate cannot identify${projectImport(type) ? ` (\`${projectImport(type)}\`, defined outside this file)` : ''}`, frame);
      return false;
    }
    this.emit({ kind: 'alter-column-type', table, column: columnName.value, ...(columnType ? { columnType } : {}), guard: NO_GUARD, location: this.location(line) }, frame);
    return true;
  }

  /** `server_default=` of alter_column: `None` drops the default, a value sets one, `False` (or absent) leaves it. */
  private columnDefault(table: QualifiedName, column: Value | undefined, serverDefault: Value | undefined, line: number, frame: Frame): void {
    if (serverDefault === undefined || column?.kind !== 'str' || (serverDefault.kind === 'bool' && !serverDefault.value)) return;
    this.emit({ kind: 'set-column-default', table, column: column.value, hasDefault: serverDefault.kind !== 'none', guard: NO_GUARD, location: this.location(line) }, frame);
  }

  private dropColumn(table: QualifiedName, column: Value | undefined, line: number, frame: Frame, call: string): void {
    if (column?.kind !== 'str') {
      this.unknown(line, `${call}() of a column schema-gate cannot name`, frame);
      return;
    }
    this.emit({ kind: 'drop-column', table, column: column.value, guard: NO_GUARD, location: this.location(line) }, frame);
  }

  private batchMethod(batch: Extract<Value, { kind: 'batch' }>, name: string, args: Arguments, line: number, frame: Frame): Value {
    switch (name) {
      case 'add_column':
        this.addColumn(batch.table, args.positional[0] ?? args.keywords.get('column'), false, line, frame, 'batch_op.add_column');
        return NONE;
      case 'alter_column': {
        const altersType = this.alterColumn(batch.table, args.positional[0] ?? args.keywords.get('column_name'), args.keywords.get('type_'), line, frame, 'batch_op.alter_column');
        if (!altersType && alterColumnChangesSomething(args)) this.emitUseTable(batch.table, batch.unqualified, 'batch_op.alter_column', line, frame);
        this.columnDefault(batch.table, args.positional[0] ?? args.keywords.get('column_name'), args.keywords.get('server_default'), line, frame);
        return NONE;
      }
      case 'create_index':
        this.emitUseTable(batch.table, batch.unqualified, 'batch_op.create_index', line, frame);
        this.createIndex(args.positional[0] ?? args.keywords.get('index_name'), batch.table, args.keywords.get('if_not_exists'), 'batch_op.create_index', line, frame);
        return NONE;
      case 'create_foreign_key':
      case 'create_unique_constraint':
      case 'create_check_constraint':
      case 'create_primary_key':
      case 'create_exclude_constraint':
      case 'drop_constraint':
      case 'create_table_comment':
      case 'drop_table_comment':
        // On PostgreSQL a batch runs each operation as a plain ALTER TABLE / CREATE INDEX of its table.
        this.emitUseTable(batch.table, batch.unqualified, `batch_op.${name}`, line, frame);
        if (name === 'drop_constraint') this.dropIndex(args.positional[0] ?? args.keywords.get('constraint_name'), batch.table.schema, false, NO_GUARD, 'batch_op.drop_constraint', line, frame, { constraint: true });
        if (name === 'create_unique_constraint' || name === 'create_primary_key' || name === 'create_exclude_constraint') this.createIndex(undefined, batch.table, undefined, `batch_op.${name}`, line, frame);
        if (name === 'create_foreign_key') {
          const referent = this.usedTable(args.positional[1] ?? args.keywords.get('referent_table'), args.keywords.get('referent_schema'));
          if (referent && nameKey(referent.table) !== nameKey(batch.table)) this.emitUseTable(referent.table, referent.unqualified, 'batch_op.create_foreign_key (the referenced table)', line, frame);
        }
        return NONE;
      case 'drop_index': {
        const ifExists = args.keywords.get('if_exists');
        const guard: Guard = ifExists?.kind === 'bool' && ifExists.value ? { kind: 'if-exists-clause' } : NO_GUARD;
        this.emitUseTable(batch.table, batch.unqualified, 'batch_op.drop_index', line, frame, { guard, viaObject: 'index' });
        this.dropIndex(args.positional[0] ?? args.keywords.get('index_name'), batch.table.schema, batch.unqualified, guard, 'batch_op.drop_index', line, frame, { table: batch.table });
        return NONE;
      }
      case 'drop_column':
        this.dropColumn(batch.table, args.positional[0] ?? args.keywords.get('column_name'), line, frame, 'batch_op.drop_column');
        return NONE;
      case 'execute':
        return this.executeSql(args.positional[0], line, frame, 'batch_op.execute');
      case 'f':
        // A naming-convention marker, as op.f(): the name itself.
        return args.positional[0] ?? opaque('batch_op.f() without a name');
      default:
        this.unknown(line, `batch_op.${name}() is not modelled by schema-gate`, frame);
        return NONE;
    }
  }

  /** `enum.create(bind, checkfirst=...)` / `enum.drop(...)`; the default checkfirst differs by class. */
  private enumCreateOrDrop(enumType: EnumTypeValue, method: 'create' | 'drop', args: Arguments, line: number, frame: Frame): Value {
    if (!enumType.native) return NONE; // a VARCHAR enum has no type to create
    const checkfirstValue = args.keywords.get('checkfirst') ?? args.positional[1];
    // postgresql.ENUM.create/drop default to checkfirst=True; the generic Enum's to False.
    const checkfirst = checkfirstValue?.kind === 'bool' ? checkfirstValue.value : checkfirstValue === undefined ? enumType.flavour === 'postgresql' : undefined;
    if (checkfirst === undefined) {
      this.unknown(line, `Enum.${method}() with a checkfirst schema-gate cannot evaluate`, frame);
      return NONE;
    }
    if (enumType.name === undefined) {
      this.emit({ kind: 'invalid-sql', message: `PostgreSQL ENUM type requires a name. (SQLAlchemy CompileError: Enum.${method}() without name=)`, guard: NO_GUARD, location: this.location(line) }, frame);
      return NONE;
    }
    const schema = this.enumSchema(enumType, undefined);
    if (typeof enumType.name !== 'string' || typeof schema !== 'string') {
      this.unknown(line, `Enum.${method}() of a type whose name or schema schema-gate cannot evaluate`, frame);
      return NONE;
    }
    const name: QualifiedName = { schema, name: storedIdentifier(enumType.name) };
    const guard: Guard = checkfirst ? { kind: 'checkfirst' } : NO_GUARD;
    if (enumType.aliasesDependOnVersion) this.noteVersion(enumType.line, 'enum-class-aliases', '2.0', this.sqlalchemyAtLeast(2, 0), frame);
    if (method === 'drop') {
      this.emit({ kind: 'drop-enum', name, cascade: false, guard, location: this.location(line) }, frame);
      return NONE;
    }
    if (!Array.isArray(enumType.labels)) {
      this.unknown(line, `creates the enum type ${enumType.name}, but ${(enumType.labels as { unknown: string }).unknown}`, frame);
      return NONE;
    }
    this.emit({ kind: 'create-enum', name, labels: [...(enumType.labels as readonly string[])], via: 'enum-create', guard, location: this.location(line) }, frame);
    return NONE;
  }

  /** `op.bulk_insert(table, rows)`: every string written to an enum column uses that label. */
  private bulkInsert(table: Value | undefined, rows: Value | undefined, line: number, frame: Frame): void {
    if (table?.kind !== 'table') {
      this.unknown(line, 'op.bulk_insert() into a table whose columns schema-gate cannot see; the rows may use enum labels', frame);
      return;
    }
    // Alembic runs no INSERT for an empty list of rows.
    const knownEmpty = rows?.kind === 'sequence' && rows.items.length === 0;
    if (!knownEmpty) this.emitUseTable(table.name, table.unqualified, 'op.bulk_insert', line, frame);
    const enumColumns = new Map<string, QualifiedName>();
    for (const column of table.columns) {
      const found = this.columnEnum(column.type);
      const columnName = this.columnName(column);
      if (!found || !found.enumType.native || columnName === undefined || typeof found.enumType.name !== 'string') continue;
      const schema = this.enumSchema(found.enumType, table.name);
      if (typeof schema === 'string') enumColumns.set(columnName, { schema, name: storedIdentifier(found.enumType.name) });
    }
    if (enumColumns.size === 0) return;
    const items = rows ? this.iterate(rows) : { reason: 'no rows' };
    if (!Array.isArray(items)) {
      this.unknown(line, `op.bulk_insert() of rows schema-gate cannot evaluate: ${items.reason}`, frame);
      return;
    }
    for (const row of items) {
      if (row.kind !== 'dict') {
        this.unknown(line, 'op.bulk_insert() of a row schema-gate cannot evaluate', frame);
        continue;
      }
      for (const [key, value] of row.entries) {
        const enumName = key.kind === 'str' ? enumColumns.get(key.value) : undefined;
        if (!enumName) continue;
        const label = value.kind === 'str' ? value.value : value.kind === 'enum-member' ? value.name : undefined;
        if (label !== undefined) this.emit({ kind: 'use-enum-label', name: enumName, label, guard: NO_GUARD, location: this.location(line) }, frame);
      }
    }
  }
}

/**
 * Python's built-in functions and exceptions: none touches the database. `eval`, `exec`, `compile`
 * and `__import__` are left out: they run code schema-gate cannot see.
 */
const BUILTINS = new Set([
  'str', 'repr', 'len', 'list', 'tuple', 'set', 'sorted', 'reversed', 'dict', 'enumerate', 'zip', 'range', 'int', 'bool',
  'isinstance', 'hasattr', 'getattr', 'callable', 'print', 'any', 'all', 'min', 'max', 'sum', 'map', 'filter', 'type',
  'frozenset', 'float', 'object', 'abs', 'aiter', 'anext', 'ascii', 'bin', 'bytearray', 'bytes', 'chr', 'classmethod',
  'complex', 'delattr', 'dir', 'divmod', 'format', 'globals', 'hash', 'hex', 'id', 'input', 'issubclass', 'iter', 'locals',
  'memoryview', 'next', 'oct', 'open', 'ord', 'pow', 'property', 'round', 'setattr', 'slice', 'staticmethod', 'super', 'vars',
  'BaseException', 'Exception', 'ArithmeticError', 'AssertionError', 'AttributeError', 'EOFError', 'ImportError',
  'IndexError', 'KeyError', 'LookupError', 'ModuleNotFoundError', 'NameError', 'NotImplementedError', 'OSError',
  'OverflowError', 'RuntimeError', 'StopIteration', 'TypeError', 'UnicodeDecodeError', 'UnicodeEncodeError', 'ValueError',
  'ZeroDivisionError', 'Warning', 'DeprecationWarning', 'UserWarning', 'NotImplemented', 'Ellipsis',
]);

/** Which object an effect acts on, and whether it creates it (a create runs when the object is missing). */
function subjectOf(effect: Effect): { objectType: 'table' | 'type'; name: QualifiedName; creates: boolean } | undefined {
  switch (effect.kind) {
    case 'create-enum':
      return { objectType: 'type', name: effect.name, creates: true };
    case 'drop-enum':
    case 'rename-enum':
    case 'set-enum-schema':
    case 'add-enum-value':
    case 'rename-enum-value':
    case 'replace-enum-labels':
      return { objectType: 'type', name: effect.name, creates: false };
    case 'use-enum-label':
      return effect.name ? { objectType: 'type', name: effect.name, creates: false } : undefined;
    case 'create-table':
      return { objectType: 'table', name: effect.name, creates: true };
    case 'drop-table':
    case 'rename-table':
      return { objectType: 'table', name: effect.name, creates: false };
    case 'add-column':
    case 'alter-column-type':
    case 'use-table':
      return { objectType: 'table', name: effect.table, creates: false };
    default:
      return undefined;
  }
}

function describeCondition(condition: RunCondition): string {
  if (condition.kind === 'opaque') return condition.expression;
  const name = condition.name.schema === DEFAULT_SCHEMA ? condition.name.name : `${condition.name.schema}.${condition.name.name}`;
  return `${condition.objectType} ${name} ${condition.runsIfExists ? 'exists' : 'is missing'}`;
}

/** SQLAlchemy's DDL elements for schemas (`sqlalchemy.schema.CreateSchema('x')`). */
const SCHEMA_DDL: ReadonlySet<string> = new Set(['CreateSchema', 'DropSchema']);

/** `[major, minor]` of a version string such as `1.4.46`, `2.0`, `2.1.0b4`; undefined if unreadable. */
function parseRelease(version: string | undefined): [number, number] | undefined {
  if (version === undefined) return undefined;
  const parts = version.trim().split('.');
  const major = Number.parseInt(parts[0] ?? '', 10);
  const minor = Number.parseInt(parts[1] ?? '0', 10);
  if (!Number.isInteger(major) || !Number.isInteger(minor) || String(major) !== (parts[0] ?? '').trim()) return undefined;
  return [major, minor];
}

/** Python's `textwrap.dedent`: removes the whitespace prefix common to all non-blank lines. */
function dedent(text: string): string {
  const lines = text.split('\n');
  let common: string | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    let indent = 0;
    while (indent < line.length && (line[indent] === ' ' || line[indent] === '\t')) indent++;
    const prefix = line.slice(0, indent);
    if (common === undefined) common = prefix;
    else {
      let shared = 0;
      while (shared < common.length && shared < prefix.length && common[shared] === prefix[shared]) shared++;
      common = common.slice(0, shared);
    }
  }
  if (!common) return lines.map((line) => (line.trim() === '' ? '' : line)).join('\n');
  return lines.map((line) => (line.trim() === '' ? '' : line.slice(common!.length))).join('\n');
}

/** Python's `str.split()` without arguments. */
function splitOnWhitespace(text: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const char of text) {
    if (' \t\n\r\x0b\x0c'.includes(char)) {
      if (current !== '') pieces.push(current);
      current = '';
    } else current += char;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

/** The import a value comes from when it is defined in the project rather than in SQLAlchemy, Alembic or the standard library. */
function projectImport(value: Value | undefined): string | undefined {
  if (value?.kind !== 'path') return undefined;
  const root = value.path.split('.')[0]!;
  if (root === 'sqlalchemy' || root === 'alembic' || HARMLESS_MODULES.has(root)) return undefined;
  return value.path;
}

/** A name bound by an import; `binding` is the imported name, or `module` for `import a.b`. */
function importedPath(path: string, binding: string): Value {
  return { kind: 'path', path, binding, attributes: 0 };
}

/**
 * The label a `server_default` names: a plain string, or `sa.text("'x'")` (a quoted literal, as
 * autogenerate writes it). Undefined for anything else (a function call, a number).
 */
function defaultLabel(value: Value | undefined): string | undefined {
  if (value?.kind === 'str') return value.value;
  if (value?.kind === 'sql-text' && value.sql.kind === 'str') {
    const text = value.sql.value.trim();
    const literal = text.split('::')[0]!;
    if (literal.length >= 2 && literal.startsWith("'") && literal.endsWith("'")) return literal.slice(1, -1).split("''").join("'");
  }
  return undefined;
}

/** Whether a Column has a server default (`server_default=None` is none). */
function hasServerDefault(column: ColumnValue): boolean {
  return column.serverDefault !== undefined && column.serverDefault.kind !== 'none';
}

/** Arguments that cannot carry the connection or code into a constructor: data and types. */
function isPlainData(value: Value): boolean {
  switch (value.kind) {
    case 'str':
    case 'number':
    case 'bool':
    case 'none':
    case 'sqlalchemy-object':
    case 'builtin':
    case 'enum-member':
      return true;
    case 'sequence':
      return value.items.every(isPlainData);
    case 'dict':
      return value.entries.every(([key, entry]) => isPlainData(key) && isPlainData(entry));
    case 'path':
      return value.path.split('.')[0] !== 'alembic';
    default:
      return false;
  }
}

function startsUpperCase(name: string): boolean {
  const first = name[0];
  return first !== undefined && first >= 'A' && first <= 'Z';
}

/**
 * Whether a call schema-gate cannot follow may run DDL that creates tables: a statement of its own
 * (`create_tables(op)`), or a call handed the connection. A call whose value is used (`GUID()` as a
 * column type, `now_utc()` as a parameter) builds a value, and is not counted.
 */
function mayRunDdl(node: SyntaxNode, args: Arguments): boolean {
  return node.parent?.name === 'ExpressionStatement' || [...args.positional, ...args.keywords.values()].some((value) => value.kind === 'bind' || value.kind === 'migration-context');
}

/** The SQLAlchemy Core constructs that read or write rows only. */
const CORE_DATA_STATEMENTS = new Set(['select', 'insert', 'update', 'delete', 'exists', 'union', 'union_all', 'values']);

/** `sa.select(...)`, `sa.update(t).where(...).values(...)`, `t.insert()`: a Core statement that reads or writes rows. */
function isCoreDataStatement(sql: Value): boolean {
  if (sql.kind !== 'sqlalchemy-object') return false;
  const construct = sql.path.split('(')[0]!.split('.').pop()!;
  return CORE_DATA_STATEMENTS.has(construct);
}

/**
 * Whether `alter_column` emits any statement: Alembic renders one ALTER for each of nullable,
 * server_default, type_, comment and new_column_name that is given (server_default and comment
 * default to False, meaning unchanged); with none of them it runs nothing.
 */
function alterColumnChangesSomething(args: Arguments): boolean {
  const given = (keyword: string, unchanged: 'none' | 'false'): boolean => {
    const value = args.keywords.get(keyword);
    if (value === undefined) return false;
    return unchanged === 'none' ? value.kind !== 'none' : !(value.kind === 'bool' && !value.value);
  };
  return given('nullable', 'none') || given('server_default', 'false') || given('type_', 'none') || given('comment', 'false') || given('new_column_name', 'none');
}

/** A column type known not to be an enum: a SQLAlchemy type other than Enum, or a non-native Enum (VARCHAR). */
function isKnownNonEnumType(type: Value): boolean {
  if (type.kind === 'sqlalchemy-object' || type.kind === 'path') return type.path.startsWith('sqlalchemy.');
  if (type.kind === 'enum-type') return !type.native;
  if (type.kind === 'array-type') return isKnownNonEnumType(type.item);
  return false;
}
