import { readFile } from 'node:fs/promises';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InputError, readErrorReason } from '../errors.js';
import { exceedsIdentifierLimit, formatQualifiedName, MAX_IDENTIFIER_BYTES, nameKey, parseQualifiedName, type QualifiedName } from '../model/names.js';
import { createSchemaState, type EnumType, type SchemaState, type Table } from '../model/schema-state.js';
import generatedValidator from './manifest-validator.generated.js';

/** The manifest exactly as the JSON file writes it (after validation). */
export interface ManifestDocument {
  readonly version: 1;
  readonly enums?: Readonly<Record<string, readonly string[]>>;
  readonly tables?: readonly string[];
}

/** A validated manifest and the state it expects. */
export interface Manifest {
  readonly file: string;
  readonly document: ManifestDocument;
  readonly expected: SchemaState;
}

/**
 * The manifest's validator: ajv's code for schemas/manifest.schema.json (all errors, strict),
 * generated ahead of time so that no schema is compiled at start-up (scripts/generate-validators.mjs;
 * a test keeps it equal to the schema).
 */
function validator(): ValidateFunction {
  return generatedValidator as unknown as ValidateFunction;
}

/** Escapes one JSON pointer token (RFC 6901). */
export function pointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/** Turns JSON.parse's message into `line:column: reason`. */
export function describeJsonSyntaxError(text: string, error: SyntaxError): string {
  const position = /position (\d+)/.exec(error.message);
  const offset = position ? Number(position[1]) : text.length;
  const { line, column } = lineAndColumn(text, offset);
  const reason = error.message.replace(/^JSON\.parse: /, '').replace(/ (in JSON )?at position \d+.*$/, '').replace(/, "[\s\S]*" is not valid JSON$/, '');
  return `${line}:${column}: invalid JSON: ${reason}`;
}

/** One readable line per ajv error, naming the JSON pointer and what was expected. */
function describeSchemaError(error: ErrorObject, document: unknown): string {
  const pointer = error.instancePath || '/';
  switch (error.keyword) {
    case 'additionalProperties':
      return `${pointer}: unknown property "${String(error.params['additionalProperty'])}" (allowed: version, enums, tables, $schema)`;
    case 'required':
      return `${pointer}: missing required property "${String(error.params['missingProperty'])}"`;
    case 'const':
      return `${pointer}: must be ${JSON.stringify(error.params['allowedValue'])}`;
    case 'uniqueItems': {
      const items = valueAt(document, error.instancePath) as unknown[] | undefined;
      const [first, second] = [Number(error.params['j']), Number(error.params['i'])].sort((a, b) => a - b);
      const what = error.instancePath.startsWith('/enums/') ? 'label' : 'entry';
      return `${pointer}: duplicate ${what} ${JSON.stringify(items?.[first!])} at ${pointer}/${first} and ${pointer}/${second}`;
    }
    case 'type':
      return `${pointer}: must be ${aOrAn(String(error.params['type']))}, got ${describeType(valueAt(document, error.instancePath))}`;
    case 'minLength':
      return `${pointer}: must not be an empty string`;
    default:
      return `${pointer}: ${error.message ?? 'is invalid'}`;
  }
}

function aOrAn(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `a string`, `an array`, `null`: what a value is, for messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return aOrAn(typeof value);
}

/** The value at a JSON pointer of a document; undefined when there is none. */
export function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((value, token) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[token] : undefined), document);
}

/**
 * Checks what the JSON schema cannot: names that parse and fit PostgreSQL's limits, the same
 * object listed twice under two spellings, and an enum sharing its name with a table (a table owns a
 * composite type of its own name, so PostgreSQL cannot hold both).
 */
function semanticProblems(document: Partial<ManifestDocument>): { problems: string[]; enums: EnumType[]; tables: Table[] } {
  const problems: string[] = [];
  const enums: EnumType[] = [];
  const tables: Table[] = [];
  const seen = new Map<string, { pointer: string; kind: 'enum' | 'table' }>();

  const register = (text: string, pointer: string, kind: 'enum' | 'table'): QualifiedName | undefined => {
    const name = parseQualifiedName(text);
    if (!name) {
      problems.push(`${pointer}: ${JSON.stringify(text)} is not a valid name (use name or schema.name; double-quote a part that holds a dot)`);
      return undefined;
    }
    for (const part of [name.schema, name.name]) {
      if (exceedsIdentifierLimit(part)) {
        problems.push(`${pointer}: ${JSON.stringify(part)} is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte identifier limit`);
        return undefined;
      }
    }
    const key = nameKey(name);
    const previous = seen.get(key);
    if (previous) {
      const same = previous.kind === kind ? `the same ${kind} as ${previous.pointer}` : `a ${kind} with the same name as the ${previous.kind} at ${previous.pointer} (a table owns a type of its own name)`;
      problems.push(`${pointer}: ${formatQualifiedName(name)} is listed twice: ${same}`);
      return undefined;
    }
    seen.set(key, { pointer, kind });
    return name;
  };

  const enumEntries = document.enums !== null && typeof document.enums === 'object' && !Array.isArray(document.enums) ? Object.entries(document.enums) : [];
  for (const [enumName, labels] of enumEntries) {
    // Entries the schema rejected are reported there; check the names of the rest.
    if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string')) continue;
    const pointer = `/enums/${pointerToken(enumName)}`;
    const name = register(enumName, pointer, 'enum');
    labels.forEach((label, index) => {
      if (exceedsIdentifierLimit(label)) {
        problems.push(`${pointer}/${index}: label ${JSON.stringify(label)} is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte limit`);
      }
    });
    if (name) enums.push({ ...name, labels });
  }
  (Array.isArray(document.tables) ? document.tables : []).forEach((tableName, index) => {
    if (typeof tableName !== 'string' || tableName === '') return;
    const name = register(tableName, `/tables/${index}`, 'table');
    if (name) tables.push({ ...name, enumColumns: [] });
  });
  return { problems, enums, tables };
}

/**
 * Validates manifest text: JSON syntax (line:column), then the JSON schema (JSON pointers), then
 * the semantic rules. Every problem is collected and reported at once as an InputError (exit 2),
 * one line each, prefixed with the file name.
 */
export function parseManifest(text: string, file: string): Manifest {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}:${describeJsonSyntaxError(text, error as SyntaxError)}`);
  }
  const validate = validator();
  const schemaProblems = validate(document) ? [] : (validate.errors ?? []).map((error) => describeSchemaError(error, document));
  const isObject = document !== null && typeof document === 'object' && !Array.isArray(document);
  const { problems, enums, tables } = isObject ? semanticProblems(document as Partial<ManifestDocument>) : { problems: [], enums: [], tables: [] };
  const allProblems = [...new Set([...schemaProblems, ...problems])];
  if (allProblems.length > 0) throw new InputError(allProblems.map((problem) => `${file}: ${problem}`));
  return Object.freeze({ file, document: document as ManifestDocument, expected: createSchemaState(enums, tables) });
}

/** Reads and validates a manifest file (see parseManifest). A missing file is an InputError. */
export async function loadManifest(file: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EISDIR' ? 'is a directory, not a JSON file' : readErrorReason(error);
    throw new InputError(`${file}: cannot read the manifest: ${reason}`);
  }
  return parseManifest(text, file);
}

/** Writes a state as a manifest document (the minimal form), e.g. for `snapshot`. */
export function manifestFromState(state: SchemaState): ManifestDocument {
  const enums: Record<string, readonly string[]> = {};
  for (const enumType of state.enums.values()) enums[formatQualifiedName(enumType)] = [...enumType.labels];
  return { version: 1, enums, tables: [...state.tables.values()].map((table) => formatQualifiedName(table)) };
}
