/**
 * Reads what Alembic reads from one revision script — `revision`, `down_revision`, `depends_on`,
 * `branch_labels` and the docstring — without running it: the module-level assignments are
 * parsed with a real Python parser and evaluated when they are built from literals and module
 * constants. Anything else becomes a problem with its line, never an exception.
 */
import { basename } from 'node:path';
import { parser } from '@lezer/python';
import type { RevisionDeclaration } from '../graph.js';
import type { MigrationProblem, UpgradeBody } from '../source.js';
import { LineIndex } from '../../line-index.js';

type Tree = ReturnType<typeof parser.parse>;
type SyntaxNode = Tree['topNode'];

/** The module variables Alembic reads from a revision script. */
export type RevisionVariable = 'revision' | 'down_revision' | 'depends_on' | 'branch_labels';

/** A tuple, list or set whose items are all known. */
export interface StaticSequence {
  readonly kind: 'tuple' | 'list' | 'set';
  readonly items: readonly StaticValue[];
}

/** A value of a known kind that no revision variable may hold (a number, bytes, a boolean...). */
export interface StaticOther {
  readonly kind: 'other';
  /** E.g. "a number". */
  readonly description: string;
}

/** A Python value known without running the module: None, a str, or a sequence of these. */
export type StaticValue = null | string | StaticSequence | StaticOther;

/** The result of evaluating an expression statically. */
export type Evaluation = { readonly ok: true; readonly value: StaticValue } | { readonly ok: false; readonly reason: string; readonly offset: number };

/** A problem found in one revision script. */
export type RevisionFileProblem =
  | (MigrationProblem & { readonly kind: 'syntax-error' })
  | (MigrationProblem & {
      /** The value is built in a way this analysis cannot follow (a call, an import...); Alembic may well accept it. */
      readonly kind: 'unresolvable-value';
      readonly variable: RevisionVariable;
      readonly reason: string;
    })
  | (MigrationProblem & {
      /** The value is known and Alembic cannot use it (e.g. `revision = None`). */
      readonly kind: 'invalid-value';
      readonly variable: RevisionVariable;
      readonly reason: string;
    })
  /** No `revision` variable and no legacy hexadecimal file name: Alembic refuses to load the directory. */
  | (MigrationProblem & { readonly kind: 'missing-revision-variable' })
  /** A `revision` but no `down_revision`: Alembic fails with an AttributeError while loading. */
  | (MigrationProblem & { readonly kind: 'missing-down-revision' });

/**
 * Whether Alembic itself fails to load the versions directory because of this problem. An
 * unresolvable value is only a limit of this static reading: Alembic may well accept it.
 */
export function isFatalFileProblem(problem: RevisionFileProblem): boolean {
  return problem.kind !== 'unresolvable-value';
}

/** Where a top-level definition starts. */
export interface DefinitionPosition {
  readonly line: number;
  readonly offset: number;
}

/** Everything the revision graph needs from one script. */
export interface ParsedRevisionFile {
  readonly file: string;
  /** The revision id; absent when it cannot be determined statically. */
  readonly revision?: string;
  /** True when the id comes from a legacy hexadecimal file name because the module has no `revision`. */
  readonly revisionFromFileName: boolean;
  /** The `down_revision` parents; absent when missing or not statically known. */
  readonly downRevisions?: readonly string[];
  /** `depends_on`, empty when absent. */
  readonly dependsOn: readonly string[];
  /** `branch_labels`, empty when absent. */
  readonly branchLabels: readonly string[];
  /** The line of each variable's assignment. */
  readonly lines: Readonly<Partial<Record<RevisionVariable, number>>>;
  /** The first line of the module docstring, stripped; empty when there is none. */
  readonly message: string;
  /** The "Revision ID:" line of the docstring, if any; informational only (the variable wins). */
  readonly docstringRevisionId?: string;
  /** The top-level `def upgrade`, when known without a full parse (see `locateUpgradeBody`). */
  readonly upgradeDefinition?: DefinitionPosition;
  /** False when only the part before the first top-level definition was parsed. */
  readonly parsedWholeFile: boolean;
  readonly problems: readonly RevisionFileProblem[];
}

/** Alembic derives an id from names like `ae1027a6acf.py` when the module declares no `revision`. */
function legacyRevisionFromFileName(file: string): string | undefined {
  const name = basename(file);
  if (!name.endsWith('.py')) return undefined;
  const stem = name.slice(0, -'.py'.length);
  if (stem.length === 0) return undefined;
  for (const character of stem) {
    if (!((character >= '0' && character <= '9') || (character >= 'a' && character <= 'f'))) return undefined;
  }
  return stem;
}

/**
 * The offset of the first line that starts a top-level definition (`def`, `async def`, `class`, or
 * a decorator), or the text length. Revision variables almost always come before it; a line that
 * only looks like one (inside a string) makes the prefix parse fail, and the caller then parses
 * the whole file.
 */
export function firstTopLevelDefinitionOffset(text: string): number {
  for (let lineStart = 0; lineStart < text.length; ) {
    if (text.startsWith('def ', lineStart) || text.startsWith('async def ', lineStart) || text.startsWith('class ', lineStart) || text.startsWith('@', lineStart)) {
      return lineStart;
    }
    const newline = text.indexOf('\n', lineStart);
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  return text.length;
}

type TreeChild = Tree['children'][number];

/**
 * The offset of the first syntax error the parser recovered from, if any, among those that end at
 * or after `from` (default: the whole file). It runs on every file, so it reads the tree's storage
 * directly (subtrees, and buffers of (type, from, to, end) quads) rather than visiting node objects:
 * the earliest error node is the first one in document order.
 */
export function firstSyntaxErrorOffset(tree: Tree, from = 0): number | undefined {
  let first: number | undefined;
  const visit = (node: TreeChild, offset: number): void => {
    if ((first !== undefined && offset >= first) || offset + node.length < from) return;
    if ('buffer' in node) {
      const { buffer, set } = node;
      for (let index = 0; index < buffer.length; index += 4) {
        if (set.types[buffer[index]!]!.isError && offset + buffer[index + 2]! >= from) {
          const start = Math.max(from, offset + buffer[index + 1]!);
          if (first === undefined || start < first) first = start;
          return;
        }
      }
      return;
    }
    if (node.type.isError) {
      first = Math.max(from, offset);
      return;
    }
    node.children.forEach((child, index) => visit(child, offset + node.positions[index]!));
  };
  visit(tree, 0);
  // An error at the very end (a bracket never closed) is reported on the last line, as Python does.
  return first === undefined ? undefined : Math.min(first, Math.max(0, tree.length - 1));
}

function children(node: SyntaxNode): SyntaxNode[] {
  const result: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) result.push(child);
  return result;
}

/** Python's simple escapes: the character after the backslash and what it stands for. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function isHexDigit(character: string | undefined): boolean {
  return character !== undefined && ((character >= '0' && character <= '9') || (character >= 'a' && character <= 'f') || (character >= 'A' && character <= 'F'));
}

/**
 * Decodes the body of a string literal (between its quotes) as Python does: newlines normalized,
 * escapes resolved unless raw. `\N{...}` needs Unicode's name table, so it is reported instead.
 */
function decodeStringBody(body: string, raw: boolean, bytes: boolean): { value: string } | { error: string } {
  // Most literals (ids, docstrings) have nothing to decode.
  if (!body.includes('\\') && !body.includes('\r')) return { value: body };
  let value = '';
  for (let index = 0; index < body.length; index++) {
    const character = body[index]!;
    if (character === '\r') {
      value += '\n';
      if (body[index + 1] === '\n') index++;
      continue;
    }
    if (character !== '\\' || raw) {
      // In a raw string a backslash stays, but still protects the next character from ending it.
      if (character === '\\' && index + 1 < body.length) {
        value += character + body[index + 1]!;
        index++;
        continue;
      }
      value += character;
      continue;
    }
    const next = body[index + 1];
    if (next === undefined) return { error: 'a string ending in a backslash' };
    if (next === '\r') {
      index += body[index + 2] === '\n' ? 2 : 1;
      continue;
    }
    if (next in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[next]!;
      index++;
      continue;
    }
    if (next >= '0' && next <= '7') {
      let digits = '';
      while (digits.length < 3 && body[index + 1 + digits.length] !== undefined && body[index + 1 + digits.length]! >= '0' && body[index + 1 + digits.length]! <= '7') {
        digits += body[index + 1 + digits.length];
      }
      value += String.fromCodePoint(parseInt(digits, 8));
      index += digits.length;
      continue;
    }
    const hexLength = next === 'x' ? 2 : !bytes && next === 'u' ? 4 : !bytes && next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const digits = body.slice(index + 2, index + 2 + hexLength);
      if (digits.length !== hexLength || ![...digits].every(isHexDigit)) return { error: `a truncated \\${next} escape` };
      value += String.fromCodePoint(parseInt(digits, 16));
      index += 1 + hexLength;
      continue;
    }
    if (next === 'N' && !bytes) return { error: 'a \\N{...} escape' };
    // Unknown escapes keep their backslash.
    value += character;
  }
  return { value };
}

interface LiteralShape {
  readonly raw: boolean;
  readonly bytes: boolean;
  readonly format: boolean;
  /** Offsets of the body within the literal's text. */
  readonly bodyStart: number;
  readonly bodyEnd: number;
}

/** Splits a literal's text into prefix, quotes and body; undefined when it is not terminated. */
function literalShape(literal: string): LiteralShape | undefined {
  let index = 0;
  let raw = false;
  let bytes = false;
  let format = false;
  for (; index < literal.length; index++) {
    const letter = literal[index]!.toLowerCase();
    if (letter === 'r') raw = true;
    else if (letter === 'b') bytes = true;
    else if (letter === 'f') format = true;
    else if (letter !== 'u') break;
  }
  const quote = literal[index];
  if (quote !== '"' && quote !== "'") return undefined;
  const quoteLength = literal.startsWith(quote.repeat(3), index) && literal.length - index >= 6 ? 3 : 1;
  const bodyStart = index + quoteLength;
  const bodyEnd = literal.length - quoteLength;
  if (bodyEnd < bodyStart || !literal.endsWith(quote.repeat(quoteLength))) return undefined;
  // A closing quote preceded by an odd run of backslashes is escaped: the literal never ended.
  let backslashes = 0;
  while (bodyEnd - 1 - backslashes >= bodyStart && literal[bodyEnd - 1 - backslashes] === '\\') backslashes++;
  if (backslashes % 2 === 1) return undefined;
  return { raw, bytes, format, bodyStart, bodyEnd };
}

/** The names bound at module level, in the order the module runs. */
type Binding = { readonly value: StaticValue; readonly offset: number } | { readonly unresolved: string; readonly offset: number };

/** What evaluation can see: the source text and the module bindings made so far. */
export interface EvaluationScope {
  readonly text: string;
  readonly bindings: ReadonlyMap<string, Binding>;
}

type Failure = Extract<Evaluation, { ok: false }>;
const fail = (reason: string, offset: number): Failure => ({ ok: false, reason, offset });
const succeed = (value: StaticValue): Evaluation => ({ ok: true, value });

function isSequence(value: StaticValue): value is StaticSequence {
  return value !== null && typeof value === 'object' && value.kind !== 'other';
}

/** How a node reads in a reason: "a function call", "an attribute". */
function describeNode(node: SyntaxNode): string {
  switch (node.name) {
    case 'CallExpression':
      return 'a function call';
    case 'MemberExpression':
      return 'an attribute or subscript';
    case 'ConditionalExpression':
      return 'a conditional expression';
    case 'LambdaExpression':
      return 'a lambda';
    case 'DictionaryExpression':
      return 'a dict';
    case 'ComprehensionExpression':
    case 'ArrayComprehensionExpression':
    case 'SetComprehensionExpression':
    case 'DictionaryComprehensionExpression':
      return 'a comprehension';
    case 'BinaryExpression':
      return 'an operator other than +';
    default:
      return `an expression (${node.name})`;
  }
}

/** Python's spelling of a value's type, for reasons. */
function describeValue(value: StaticValue): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return 'a str';
  if (value.kind === 'other') return value.description;
  return `a ${value.kind}`;
}

/** Evaluates a str, bytes or f-string literal. */
function evaluateLiteral(node: SyntaxNode, scope: EvaluationScope): Evaluation {
  const literal = scope.text.slice(node.from, node.to);
  const shape = literalShape(literal);
  if (!shape) return fail('an unterminated string', node.from);
  if (!shape.format) {
    const decoded = decodeStringBody(literal.slice(shape.bodyStart, shape.bodyEnd), shape.raw, shape.bytes);
    if ('error' in decoded) return fail(decoded.error, node.from);
    return succeed(shape.bytes ? { kind: 'other', description: 'bytes' } : decoded.value);
  }
  // An f-string: literal segments between the replacement fields, `{{` and `}}` standing for braces.
  let value = '';
  let segmentStart = node.from + shape.bodyStart;
  const appendSegment = (end: number): string | undefined => {
    const decoded = decodeStringBody(scope.text.slice(segmentStart, end).split('{{').join('{').split('}}').join('}'), shape.raw, false);
    if ('error' in decoded) return decoded.error;
    value += decoded.value;
    return undefined;
  };
  for (const child of children(node)) {
    if (child.name !== 'FormatReplacement') continue;
    const error = appendSegment(child.from);
    if (error) return fail(error, child.from);
    const parts = children(child).filter((part) => part.name !== '{' && part.name !== '}');
    if (parts.length !== 1) return fail('an f-string field with a conversion, format spec or several expressions', child.from);
    const field = evaluate(parts[0]!, scope);
    if (!field.ok) return field;
    if (typeof field.value !== 'string') return fail(`an f-string field holding ${describeValue(field.value)}`, child.from);
    value += field.value;
    segmentStart = child.to;
  }
  const error = appendSegment(node.from + shape.bodyEnd);
  if (error) return fail(error, node.from);
  return succeed(value);
}

/** Items of a tuple, list or set display, with `*` spreading a sequence or a str. */
function evaluateItems(nodes: readonly SyntaxNode[], scope: EvaluationScope): { ok: true; items: StaticValue[] } | Failure {
  const items: StaticValue[] = [];
  let spread = false;
  for (const node of nodes) {
    if (node.name === '(' || node.name === ')' || node.name === '[' || node.name === ']' || node.name === '{' || node.name === '}' || node.name === ',') continue;
    if (node.name === '*') {
      spread = true;
      continue;
    }
    const item = evaluate(node, scope);
    if (!item.ok) return item;
    if (spread) {
      spread = false;
      if (typeof item.value === 'string') items.push(...item.value);
      else if (isSequence(item.value)) items.push(...item.value.items);
      else return fail(`unpacking ${describeValue(item.value)}`, node.from);
    } else {
      items.push(item.value);
    }
  }
  return { ok: true, items };
}

/** `"...".format(...)` with plain `{}`, `{0}` and `{name}` fields and str arguments. */
function evaluateFormatCall(template: string, argumentList: SyntaxNode, scope: EvaluationScope): Evaluation {
  const positional: string[] = [];
  const named = new Map<string, string>();
  const parts = children(argumentList).filter((part) => part.name !== '(' && part.name !== ')');
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    if (part.name === ',') continue;
    if (part.name === '*' || part.name === '**') return fail('a format() call with unpacked arguments', part.from);
    const isKeyword = part.name === 'VariableName' && parts[index + 1]?.name === 'AssignOp';
    const valueNode = isKeyword ? parts[index + 2] : part;
    if (!valueNode) return fail('a malformed format() call', part.from);
    const argument = evaluate(valueNode, scope);
    if (!argument.ok) return argument;
    if (typeof argument.value !== 'string') return fail(`a format() argument holding ${describeValue(argument.value)}`, valueNode.from);
    if (isKeyword) {
      named.set(scope.text.slice(part.from, part.to), argument.value);
      index += 2;
    } else {
      positional.push(argument.value);
    }
  }
  let result = '';
  let automatic = 0;
  for (let index = 0; index < template.length; index++) {
    const character = template[index]!;
    if ((character === '{' || character === '}') && template[index + 1] === character) {
      result += character;
      index++;
      continue;
    }
    if (character === '}') return fail('a format() template with a stray }', argumentList.from);
    if (character !== '{') {
      result += character;
      continue;
    }
    const close = template.indexOf('}', index);
    if (close < 0) return fail('a format() template with a stray {', argumentList.from);
    const field = template.slice(index + 1, close);
    if (field.includes('!') || field.includes(':') || field.includes('.') || field.includes('[')) {
      return fail('a format() field with a conversion, spec or lookup', argumentList.from);
    }
    const replacement = field === '' ? positional[automatic++] : /^\d+$/.test(field) ? positional[Number(field)] : named.get(field);
    if (replacement === undefined) return fail(`a format() field {${field}} without an argument`, argumentList.from);
    result += replacement;
    index = close;
  }
  return succeed(result);
}

/**
 * Evaluates an expression from literals, module constants bound before it, tuples, lists, sets,
 * `*` unpacking, `+` of strs or of sequences, f-strings and `str.format`. Anything else fails with
 * a reason and the offset of the part that could not be followed.
 */
export function evaluate(node: SyntaxNode, scope: EvaluationScope): Evaluation {
  switch (node.name) {
    case 'String':
    case 'FormatString':
      return evaluateLiteral(node, scope);
    case 'ContinuedString': {
      let value = '';
      for (const part of children(node)) {
        const evaluated = evaluateLiteral(part, scope);
        if (!evaluated.ok) return evaluated;
        if (typeof evaluated.value !== 'string') return fail('bytes', part.from);
        value += evaluated.value;
      }
      return succeed(value);
    }
    case 'None':
      return succeed(null);
    case 'Boolean':
      return succeed({ kind: 'other', description: 'a boolean' });
    case 'Number':
      return succeed({ kind: 'other', description: 'a number' });
    case 'VariableName': {
      const name = scope.text.slice(node.from, node.to);
      const binding = scope.bindings.get(name);
      if (!binding) return fail(`the name ${name}, which is not assigned at module level before this line`, node.from);
      if ('unresolved' in binding) return fail(`the name ${name}, ${binding.unresolved}`, node.from);
      return succeed(binding.value);
    }
    case 'ParenthesizedExpression': {
      const inner = children(node).filter((part) => part.name !== '(' && part.name !== ')');
      if (inner.length !== 1) return fail(describeNode(node), node.from);
      return evaluate(inner[0]!, scope);
    }
    case 'TupleExpression':
    case 'ArrayExpression':
    case 'SetExpression': {
      const items = evaluateItems(children(node), scope);
      if (!items.ok) return items;
      return succeed({ kind: node.name === 'TupleExpression' ? 'tuple' : node.name === 'ArrayExpression' ? 'list' : 'set', items: items.items });
    }
    case 'BinaryExpression': {
      const [left, operator, right] = children(node);
      if (!left || !operator || !right || operator.name !== 'ArithOp' || scope.text.slice(operator.from, operator.to) !== '+') return fail(describeNode(node), node.from);
      const leftValue = evaluate(left, scope);
      if (!leftValue.ok) return leftValue;
      const rightValue = evaluate(right, scope);
      if (!rightValue.ok) return rightValue;
      if (typeof leftValue.value === 'string' && typeof rightValue.value === 'string') return succeed(leftValue.value + rightValue.value);
      if (isSequence(leftValue.value) && isSequence(rightValue.value) && leftValue.value.kind === rightValue.value.kind && leftValue.value.kind !== 'set') {
        return succeed({ kind: leftValue.value.kind, items: [...leftValue.value.items, ...rightValue.value.items] });
      }
      return fail(`${describeValue(leftValue.value)} + ${describeValue(rightValue.value)}`, node.from);
    }
    case 'CallExpression': {
      const [callee, argumentList] = children(node);
      if (callee?.name === 'MemberExpression' && argumentList?.name === 'ArgList') {
        const [object, dot, property] = children(callee);
        if (object && dot?.name === '.' && property && scope.text.slice(property.from, property.to) === 'format') {
          const template = evaluate(object, scope);
          if (!template.ok) return template;
          if (typeof template.value === 'string') return evaluateFormatCall(template.value, argumentList, scope);
        }
      }
      return fail(describeNode(node), node.from);
    }
    default:
      return fail(describeNode(node), node.from);
  }
}

/** Statements whose assignments may or may not run: names they bind are not statically known. */
const CONDITIONAL_STATEMENTS: ReadonlyMap<string, string> = new Map([
  ['IfStatement', 'assigned inside an if statement'],
  ['TryStatement', 'assigned inside a try statement'],
  ['WithStatement', 'assigned inside a with statement'],
  ['ForStatement', 'assigned inside a for loop'],
  ['WhileStatement', 'assigned inside a while loop'],
  ['MatchStatement', 'assigned inside a match statement'],
]);

/** What walking a module's top level collects. */
interface ModuleFacts {
  readonly bindings: Map<string, Binding>;
  /** Offset of the assignment statement that last bound each name. */
  readonly statementOffsets: Map<string, number>;
  docstring?: string;
  upgrade?: { definition: SyntaxNode; statement: SyntaxNode };
}

/** Splits an assignment's children at each `=`: targets first, the value last. */
function assignmentGroups(statement: SyntaxNode): SyntaxNode[][] {
  const groups: SyntaxNode[][] = [[]];
  for (const child of children(statement)) {
    if (child.name === 'AssignOp') groups.push([]);
    else if (child.name !== 'TypeDef') groups[groups.length - 1]!.push(child);
  }
  return groups;
}

/** The names an assignment target binds: one name, or several for tuple unpacking. */
function targetNames(group: readonly SyntaxNode[], text: string): string[] | undefined {
  let nodes = group;
  if (nodes.length === 1 && (nodes[0]!.name === 'TupleExpression' || nodes[0]!.name === 'ArrayExpression' || nodes[0]!.name === 'ParenthesizedExpression')) {
    nodes = children(nodes[0]!).filter((node) => !['(', ')', '[', ']'].includes(node.name));
  }
  const names = nodes.filter((node) => node.name !== ',');
  if (!names.every((node) => node.name === 'VariableName')) return undefined;
  return names.map((node) => text.slice(node.from, node.to));
}

function bindAssignment(statement: SyntaxNode, facts: ModuleFacts, text: string): void {
  const groups = assignmentGroups(statement);
  if (groups.length < 2) return; // an annotation without a value binds nothing
  const valueNodes = groups[groups.length - 1]!;
  const scope: EvaluationScope = { text, bindings: facts.bindings };
  let value: Evaluation;
  if (valueNodes.length === 1 && valueNodes[0]!.name !== '*') value = evaluate(valueNodes[0]!, scope);
  else {
    const items = evaluateItems(valueNodes, scope);
    value = items.ok ? succeed({ kind: 'tuple', items: items.items }) : items;
  }
  for (const group of groups.slice(0, -1)) {
    const names = targetNames(group, text);
    if (!names) continue; // attributes and subscripts bind no module name
    const bind = (name: string, binding: Binding): void => {
      facts.bindings.set(name, binding);
      facts.statementOffsets.set(name, statement.from);
    };
    const singleTarget = group.length === 1 && group[0]!.name === 'VariableName';
    if (singleTarget) {
      bind(names[0]!, value.ok ? { value: value.value, offset: statement.from } : { unresolved: `built from ${value.reason}`, offset: value.offset });
      continue;
    }
    const unpacked = value.ok ? (typeof value.value === 'string' ? [...value.value] : isSequence(value.value) ? value.value.items : undefined) : undefined;
    names.forEach((name, index) => {
      if (unpacked && unpacked.length === names.length) bind(name, { value: unpacked[index]!, offset: statement.from });
      else bind(name, { unresolved: value.ok ? 'unpacked from a value of another length' : `built from ${value.reason}`, offset: value.ok ? statement.from : value.offset });
    });
  }
}

/** Names bound by `import` and `from ... import`: `import a.b` binds `a`, `x as y` binds `y`. */
function importedNames(statement: SyntaxNode, text: string): string[] {
  const parts = children(statement);
  const importIndex = parts.findIndex((part) => part.name === 'import');
  const listed: SyntaxNode[] = [];
  for (let index = importIndex + 1; index < parts.length; index++) {
    const part = parts[index]!;
    if (part.name === 'importList') listed.push(...children(part));
    else listed.push(part);
  }
  const names: string[] = [];
  for (let index = 0; index < listed.length; index++) {
    const part = listed[index]!;
    if (part.name !== 'VariableName') continue;
    let end = index;
    while (listed[end + 1]?.name === '.' && listed[end + 2]?.name === 'VariableName') end += 2;
    const alias = listed[end + 1]?.name === 'as' ? listed[end + 2] : undefined;
    const bound = alias?.name === 'VariableName' ? alias : part;
    names.push(text.slice(bound.from, bound.to));
    index = alias ? end + 2 : end;
  }
  return names;
}

/** The name an augmented assignment (`x += ...`) changes, if it is a plain name. */
function updatedName(statement: SyntaxNode, text: string): string | undefined {
  const target = statement.firstChild;
  return target?.name === 'VariableName' ? text.slice(target.from, target.to) : undefined;
}

/** Marks as unknown every module name a conditional statement may bind. */
function bindConditionally(statement: SyntaxNode, reason: string, facts: ModuleFacts, text: string): void {
  const visit = (node: SyntaxNode): void => {
    for (const child of children(node)) {
      if (child.name === 'AssignStatement') {
        for (const group of assignmentGroups(child).slice(0, -1)) {
          for (const name of targetNames(group, text) ?? []) facts.bindings.set(name, { unresolved: reason, offset: child.from });
        }
      } else if (child.name === 'UpdateStatement') {
        const name = updatedName(child, text);
        if (name) facts.bindings.set(name, { unresolved: reason, offset: child.from });
      } else if (child.name === 'ImportStatement') {
        for (const name of importedNames(child, text)) facts.bindings.set(name, { unresolved: reason, offset: child.from });
      } else if (child.name === 'FunctionDefinition' || child.name === 'ClassDefinition') {
        const name = children(child).find((part) => part.name === 'VariableName');
        if (name) facts.bindings.set(text.slice(name.from, name.to), { unresolved: reason, offset: child.from });
      } else {
        visit(child);
      }
    }
  };
  visit(statement);
}

/** Runs through the module's top-level statements in order, as the import would. */
/** The facts of the module's top-level statements, or of those that start before `end`. */
function collectModuleFacts(tree: Tree, text: string, end = Number.POSITIVE_INFINITY): ModuleFacts {
  const facts: ModuleFacts = { bindings: new Map(), statementOffsets: new Map() };
  let firstStatement = true;
  const visitStatement = (statement: SyntaxNode): void => {
    if (statement.name === 'Comment' || statement.type.isError) return;
    const isFirst = firstStatement;
    firstStatement = false;
    switch (statement.name) {
      case 'StatementGroup':
        firstStatement = isFirst;
        for (const child of children(statement)) if (child.name !== ';') visitStatement(child);
        return;
      case 'ExpressionStatement': {
        const expression = statement.firstChild;
        if (isFirst && expression && (expression.name === 'String' || expression.name === 'ContinuedString')) {
          const docstring = evaluate(expression, { text, bindings: facts.bindings });
          if (docstring.ok && typeof docstring.value === 'string') facts.docstring = docstring.value;
        }
        return;
      }
      case 'AssignStatement':
        bindAssignment(statement, facts, text);
        return;
      case 'UpdateStatement': {
        const name = updatedName(statement, text);
        if (name) {
          facts.bindings.set(name, { unresolved: 'changed by an augmented assignment', offset: statement.from });
          facts.statementOffsets.set(name, statement.from);
        }
        return;
      }
      case 'ImportStatement':
        for (const name of importedNames(statement, text)) facts.bindings.set(name, { unresolved: 'imported from another module', offset: statement.from });
        return;
      case 'DeleteStatement':
        for (const child of children(statement)) if (child.name === 'VariableName') facts.bindings.delete(text.slice(child.from, child.to));
        return;
      case 'FunctionDefinition':
      case 'ClassDefinition':
      case 'DecoratedStatement': {
        const definition = statement.name === 'DecoratedStatement' ? children(statement).find((child) => child.name === 'FunctionDefinition' || child.name === 'ClassDefinition') : statement;
        const nameNode = definition && children(definition).find((child) => child.name === 'VariableName');
        if (!definition || !nameNode) return;
        const name = text.slice(nameNode.from, nameNode.to);
        facts.bindings.set(name, { unresolved: definition.name === 'FunctionDefinition' ? 'a function' : 'a class', offset: statement.from });
        if (name === 'upgrade' && definition.name === 'FunctionDefinition') facts.upgrade = { definition, statement };
        return;
      }
      default: {
        const reason = CONDITIONAL_STATEMENTS.get(statement.name);
        if (reason) bindConditionally(statement, reason, facts, text);
      }
    }
  };
  for (let statement = tree.topNode.firstChild; statement && statement.from < end; statement = statement.nextSibling) visitStatement(statement);
  return facts;
}

/** Python's str.strip(): whitespace at both ends. */
function stripped(value: string): string {
  return value.trim();
}

/**
 * Turns a variable's value into a list the way Alembic normalizes it: None and an empty sequence
 * mean none, a str means one, a sequence of strs means each. An empty str means none too, except
 * for branch labels, where Alembic wraps it like any other str.
 */
function stringList(value: StaticValue, emptyStringIsNone: boolean): { ids: string[] } | { invalid: string } {
  if (value === null) return { ids: [] };
  if (typeof value === 'string') return { ids: value === '' && emptyStringIsNone ? [] : [value] };
  if (value.kind === 'other') return { invalid: `is ${value.description}` };
  const ids: string[] = [];
  for (const item of value.items) {
    if (typeof item !== 'string') return { invalid: `holds ${describeValue(item)}` };
    ids.push(item);
  }
  return { ids };
}

/**
 * Parses one revision script. Only the part before the first top-level definition is parsed when
 * that part parses cleanly and assigns both `revision` and `down_revision`; otherwise the whole
 * file is.
 */
export function parseRevisionFile(text: string, file: string): ParsedRevisionFile {
  const prefixEnd = firstTopLevelDefinitionOffset(text);
  if (prefixEnd < text.length) {
    const prefixTree = parser.parse(text.slice(0, prefixEnd));
    if (firstSyntaxErrorOffset(prefixTree) === undefined) {
      const prefixFacts = collectModuleFacts(prefixTree, text);
      if (hasRevisionVariables(prefixFacts)) return describeRevisionFile(text, file, prefixFacts, { prefixEnd, wholeFile: false });
    }
  }
  const tree = parser.parse(text);
  return describeRevisionFile(text, file, collectModuleFacts(tree, text), { prefixEnd, wholeFile: true, syntaxErrorAt: firstSyntaxErrorOffset(tree) });
}

/** A revision script parsed whole, with its syntax tree (the parse of exactly its text). */
export interface WholeRevisionFile {
  readonly parsed: ParsedRevisionFile;
  readonly tree: Tree;
}

/**
 * Parses a whole revision script once, for a caller that also reads its `upgrade()` from the same
 * tree. What it says of the revision equals `parseRevisionFile`'s, but for a syntax error after the
 * header, which it sees and reports (the module cannot be imported): the variables are read from the
 * statements before the first top-level definition when those would have parsed cleanly on their
 * own (no syntax error up to the definition's first token — an unclosed bracket before it shows as
 * an error there —, no statement running across it) and assign both `revision` and
 * `down_revision`; otherwise from the whole module.
 */
export function parseWholeRevisionFile(text: string, file: string): WholeRevisionFile {
  const tree = parser.parse(text);
  const prefixEnd = firstTopLevelDefinitionOffset(text);
  const syntaxErrorAt = firstSyntaxErrorOffset(tree);
  if (prefixEnd < text.length && (syntaxErrorAt === undefined || syntaxErrorAt > prefixEnd) && !statementCrosses(tree, prefixEnd)) {
    const prefixFacts = collectModuleFacts(tree, text, prefixEnd);
    // Unlike the header parse, a syntax error after the header is seen too: Python cannot import the module.
    if (hasRevisionVariables(prefixFacts)) return { parsed: describeRevisionFile(text, file, prefixFacts, { prefixEnd, wholeFile: false, syntaxErrorAt }), tree };
  }
  return { parsed: describeRevisionFile(text, file, collectModuleFacts(tree, text), { prefixEnd, wholeFile: true, syntaxErrorAt }), tree };
}

function hasRevisionVariables(facts: ModuleFacts): boolean {
  return facts.bindings.has('revision') && facts.bindings.has('down_revision');
}

/** Whether a top-level statement starts before `offset` and ends after it. */
function statementCrosses(tree: Tree, offset: number): boolean {
  for (let statement = tree.topNode.firstChild; statement && statement.from < offset; statement = statement.nextSibling) {
    if (statement.to > offset) return true;
  }
  return false;
}

/** The facts of a parsed script: its revision variables, docstring, problems. */
function describeRevisionFile(
  text: string,
  file: string,
  facts: ModuleFacts,
  parse: { readonly prefixEnd: number; readonly wholeFile: boolean; readonly syntaxErrorAt?: number | undefined },
): ParsedRevisionFile {
  const { prefixEnd, wholeFile: parsedWholeFile } = parse;
  const lineIndex = new LineIndex(text);
  const problems: RevisionFileProblem[] = [];
  const { syntaxErrorAt } = parse;
  if (syntaxErrorAt !== undefined) problems.push({ kind: 'syntax-error', revisions: [], locations: [{ file, line: lineIndex.lineAt(syntaxErrorAt) }] });

  const lines: Partial<Record<RevisionVariable, number>> = {};
  const read = (variable: RevisionVariable): { value: StaticValue } | 'absent' | 'unusable' => {
    const binding = facts.bindings.get(variable);
    if (!binding) return 'absent';
    lines[variable] = lineIndex.lineAt(facts.statementOffsets.get(variable) ?? binding.offset);
    if ('unresolved' in binding) {
      problems.push({ kind: 'unresolvable-value', variable, reason: binding.unresolved, revisions: [], locations: [{ file, line: lineIndex.lineAt(binding.offset) }] });
      return 'unusable';
    }
    return { value: binding.value };
  };
  const invalid = (variable: RevisionVariable, reason: string): void => {
    problems.push({ kind: 'invalid-value', variable, reason, revisions: [], locations: [{ file, line: lines[variable] }] });
  };

  let revision: string | undefined;
  let revisionFromFileName = false;
  const revisionValue = read('revision');
  if (revisionValue === 'absent') {
    revision = legacyRevisionFromFileName(file);
    revisionFromFileName = revision !== undefined;
    if (!revisionFromFileName) problems.push({ kind: 'missing-revision-variable', revisions: [], locations: [{ file }] });
  } else if (revisionValue !== 'unusable') {
    if (typeof revisionValue.value === 'string') revision = revisionValue.value;
    else invalid('revision', `is ${describeValue(revisionValue.value)}, not a str`);
  }

  let downRevisions: string[] | undefined;
  const downValue = read('down_revision');
  if (downValue === 'absent') {
    if (revision !== undefined) problems.push({ kind: 'missing-down-revision', revisions: [revision], locations: [{ file }] });
  } else if (downValue !== 'unusable') {
    const list = stringList(downValue.value, true);
    if ('ids' in list) downRevisions = list.ids;
    else invalid('down_revision', list.invalid);
  }

  const optionalList = (variable: RevisionVariable): string[] => {
    const value = read(variable);
    if (value === 'absent' || value === 'unusable') return [];
    const list = stringList(value.value, variable !== 'branch_labels');
    if ('ids' in list) return list.ids;
    invalid(variable, list.invalid);
    return [];
  };
  const dependsOn = optionalList('depends_on');
  const branchLabels = optionalList('branch_labels');

  const docstringLines = facts.docstring === undefined ? undefined : stripped(facts.docstring).split('\n');
  const message = docstringLines === undefined ? '' : stripped(docstringLines[0]!);
  const revisionIdLine = docstringLines?.find((line) => stripped(line).startsWith('Revision ID:'));
  const docstringRevisionId = revisionIdLine === undefined ? undefined : stripped(stripped(revisionIdLine).slice('Revision ID:'.length));

  // The prefix ends where the first top-level definition starts; if that is `def upgrade`, its
  // position is exact because the prefix parsed cleanly up to it.
  let upgradeDefinition: DefinitionPosition | undefined;
  if (facts.upgrade) {
    upgradeDefinition = { line: lineIndex.lineAt(facts.upgrade.statement.from), offset: facts.upgrade.statement.from };
  } else if (!parsedWholeFile && text.startsWith('def upgrade', prefixEnd) && ['(', ' ', '\t'].includes(text[prefixEnd + 'def upgrade'.length] ?? '')) {
    upgradeDefinition = { line: lineIndex.lineAt(prefixEnd), offset: prefixEnd };
  }

  const identified = problems.map((problem) => (revision !== undefined && problem.revisions.length === 0 ? { ...problem, revisions: [revision] } : problem));
  return Object.freeze({
    file,
    ...(revision !== undefined ? { revision } : {}),
    revisionFromFileName,
    ...(downRevisions !== undefined ? { downRevisions } : {}),
    dependsOn,
    branchLabels,
    lines,
    message,
    ...(docstringRevisionId !== undefined ? { docstringRevisionId } : {}),
    ...(upgradeDefinition ? { upgradeDefinition } : {}),
    parsedWholeFile,
    problems: identified,
  });
}

/** The graph's view of a parsed script; undefined when its id or its parents are not known. */
export function toRevisionDeclaration(parsed: ParsedRevisionFile): RevisionDeclaration | undefined {
  if (parsed.revision === undefined || parsed.downRevisions === undefined) return undefined;
  return {
    id: parsed.revision,
    downRevisions: parsed.downRevisions,
    dependsOn: parsed.dependsOn,
    branchLabels: parsed.branchLabels,
    file: parsed.file,
    line: parsed.lines.revision ?? 1,
    ...(parsed.lines.down_revision !== undefined ? { downRevisionLine: parsed.lines.down_revision } : {}),
    ...(parsed.lines.depends_on !== undefined ? { dependsOnLine: parsed.lines.depends_on } : {}),
    ...(parsed.lines.branch_labels !== undefined ? { branchLabelsLine: parsed.lines.branch_labels } : {}),
  };
}

/**
 * Finds the module-level `def upgrade` (the last one, as Python keeps the last) with a full parse,
 * and the range of its body's statements.
 */
export function locateUpgradeBody(text: string): UpgradeBody | undefined {
  const tree = parser.parse(text);
  const facts = collectModuleFacts(tree, text);
  if (!facts.upgrade) return undefined;
  const body = children(facts.upgrade.definition).find((child) => child.name === 'Body');
  if (!body) return undefined;
  const statements = children(body).filter((child) => child.name !== ':' && child.name !== 'Comment');
  const first = statements[0];
  const last = statements[statements.length - 1];
  if (!first || !last) return undefined;
  const lineIndex = new LineIndex(text);
  return {
    definitionLine: lineIndex.lineAt(facts.upgrade.statement.from),
    definitionOffset: facts.upgrade.statement.from,
    startLine: lineIndex.lineAt(first.from),
    endLine: lineIndex.lineAt(Math.max(first.from, last.to - 1)),
    startOffset: first.from,
    endOffset: last.to,
  };
}
