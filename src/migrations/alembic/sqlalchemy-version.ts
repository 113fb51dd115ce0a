/**
 * Which SQLAlchemy a project runs, read from its dependency files: some behaviour the effects
 * analysis models changed between releases (see upgrade-effects.ts). The search starts at the
 * migrations directory and walks up to the repository root (a directory holding `.git`) or the
 * filesystem root, reading lock files (exact versions) and requirement declarations (ranges).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** What kind of file a pin comes from. */
export type PinSource = 'uv.lock' | 'poetry.lock' | 'Pipfile.lock' | 'requirements' | 'pyproject' | 'poetry' | 'Pipfile';

/** One statement of the SQLAlchemy version in one file. */
export interface SqlalchemyPin {
  /**
   * The version: exact when locked or pinned with `==`, else the lower bound of the range
   * (`>=2.0,<2.1` gives `2.0`, `^1.4.46` gives `1.4.46`). Absent when the requirement has no lower
   * bound (`<2`, `*`, a URL).
   */
  readonly version?: string;
  readonly exact: boolean;
  /** The requirement as written (`>=2.0,<2.1`, `^1.4`, `==1.4.46`), or the locked version. */
  readonly specifier: string;
  readonly source: PinSource;
  readonly file: string;
  /** 1-based line of the requirement or of the locked package's name. */
  readonly line: number;
}

/** A dependency file that could not be read as its format says. */
export interface PinProblem {
  readonly file: string;
  readonly message: string;
}

/** The outcome of a search. */
export interface SqlalchemyVersionSearch {
  /** The pin to use: an exact one before a range, the nearest directory first, lock files first within one. */
  readonly found?: SqlalchemyPin;
  /** Every pin seen, nearest directory first, so that a report can show conflicting ones. */
  readonly candidates: readonly SqlalchemyPin[];
  readonly problems: readonly PinProblem[];
}

/**
 * Finds the SQLAlchemy version a project pins, looking in `startDirectory` (normally the migrations
 * directory) and each parent up to the repository root or the filesystem root.
 */
export async function findSqlalchemyVersion(startDirectory: string): Promise<SqlalchemyVersionSearch> {
  const candidates: SqlalchemyPin[] = [];
  const problems: PinProblem[] = [];
  let directory = resolve(startDirectory);
  for (;;) {
    const names = await listDirectory(directory);
    for (const reader of FILE_READERS) {
      for (const name of names.filter(reader.matches).sort(byRequirementsOrder)) {
        const file = join(directory, name);
        try {
          candidates.push(...(await reader.read(file)));
        } catch (error) {
          problems.push({ file, message: error instanceof Error ? error.message : String(error) });
        }
      }
    }
    const parent = dirname(directory);
    if (names.includes('.git') || parent === directory) break;
    directory = parent;
  }
  const found = candidates.find((candidate) => candidate.exact) ?? candidates.find((candidate) => candidate.version !== undefined);
  return { ...(found ? { found } : {}), candidates, problems };
}

async function listDirectory(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch {
    return [];
  }
}

/** `requirements.txt` before `requirements-dev.txt` and the like. */
function byRequirementsOrder(a: string, b: string): number {
  if (a === 'requirements.txt') return -1;
  if (b === 'requirements.txt') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface FileReader {
  matches(name: string): boolean;
  read(file: string): Promise<SqlalchemyPin[]>;
}

/** In order of trust within one directory: lock files, then declarations. */
const FILE_READERS: readonly FileReader[] = [
  { matches: (name) => name === 'uv.lock', read: (file) => readPackageLock(file, 'uv.lock') },
  { matches: (name) => name === 'poetry.lock', read: (file) => readPackageLock(file, 'poetry.lock') },
  { matches: (name) => name === 'Pipfile.lock', read: readPipfileLock },
  { matches: (name) => name.startsWith('requirements') && name.endsWith('.txt'), read: (file) => readRequirementsFile(file, new Set()) },
  { matches: (name) => name === 'pyproject.toml', read: readPyproject },
  { matches: (name) => name === 'Pipfile', read: readPipfile },
];

// ---------------------------------------------------------------------------------------------
// Package names and version specifiers
// ---------------------------------------------------------------------------------------------

/** PEP 503 normalisation: case-insensitive, runs of `-`, `_`, `.` are one `-`. */
export function normalizePackageName(name: string): string {
  let out = '';
  let separator = false;
  for (const char of name.trim().toLowerCase()) {
    if (char === '-' || char === '_' || char === '.') separator = true;
    else {
      if (separator && out !== '') out += '-';
      separator = false;
      out += char;
    }
  }
  return out;
}

const SQLALCHEMY = 'sqlalchemy';

const COMPARISON_OPERATORS = ['===', '==', '~=', '!=', '<=', '>=', '<', '>'] as const;

/**
 * Reads PEP 440 specifiers (`>=1.4.46,<2`, `==2.0.*`, `~=1.4`) as the exact version or the
 * highest lower bound. Poetry's `^x`, `~x` and bare versions (`1.4.46`, meaning `==`) too when
 * `poetry` is set.
 */
export function versionFromSpecifier(specifier: string, options: { poetry?: boolean } = {}): { version?: string; exact: boolean } {
  let lower: string | undefined;
  let exact: string | undefined;
  // Poetry's `||` alternatives: the lowest lower bound of any alternative.
  const alternatives = options.poetry ? specifier.split('||') : [specifier];
  if (alternatives.length > 1) {
    const results = alternatives.map((alternative) => versionFromSpecifier(alternative, options));
    const lowers = results.map((result) => result.version).filter((version): version is string => version !== undefined);
    if (lowers.length !== results.length) return { exact: false };
    const lowest = lowers.sort(compareVersions)[0];
    return lowest !== undefined ? { version: lowest, exact: false } : { exact: false };
  }
  for (const rawClause of specifier.split(',')) {
    const clause = rawClause.trim();
    if (clause === '' || clause === '*') continue;
    let operator = COMPARISON_OPERATORS.find((candidate) => clause.startsWith(candidate)) as string | undefined;
    let version: string;
    if (operator) version = clause.slice(operator.length).trim();
    else if (options.poetry && (clause.startsWith('^') || (clause.startsWith('~') && !clause.startsWith('~=')))) {
      operator = '>=';
      version = clause.slice(1).trim();
    } else if (options.poetry) {
      operator = '==';
      version = clause;
    } else continue;
    if (version === '') continue;
    if (operator === '==' || operator === '===') {
      if (version.endsWith('.*')) lower = maxVersion(lower, version.slice(0, -2));
      else exact = version;
    } else if (operator === '>=' || operator === '>' || operator === '~=') {
      lower = maxVersion(lower, version.endsWith('.*') ? version.slice(0, -2) : version);
    }
  }
  if (exact !== undefined) return { version: exact, exact: true };
  return lower !== undefined ? { version: lower, exact: false } : { exact: false };
}

function maxVersion(a: string | undefined, b: string): string {
  return a === undefined || compareVersions(a, b) < 0 ? b : a;
}

/** Compares release numbers (`1.4.46` < `2.0`); pre-release suffixes only break ties. */
export function compareVersions(a: string, b: string): number {
  const release = (version: string): number[] => {
    const numbers: number[] = [];
    for (const part of version.split('.')) {
      let digits = '';
      for (const char of part) {
        if (char >= '0' && char <= '9') digits += char;
        else break;
      }
      if (digits === '') break;
      numbers.push(Number(digits));
      if (digits.length !== part.length) break;
    }
    return numbers;
  };
  const left = release(a);
  const right = release(b);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A PEP 508 requirement (`SQLAlchemy[asyncio]>=2.0,<2.1; python_version > "3.8"`), split. */
export function parseRequirement(text: string): { name: string; specifier: string } | undefined {
  const withoutMarker = text.split(';')[0]!.trim();
  let index = 0;
  while (index < withoutMarker.length && isNameChar(withoutMarker[index]!)) index++;
  const name = withoutMarker.slice(0, index);
  if (name === '') return undefined;
  let rest = withoutMarker.slice(index).trim();
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    rest = close >= 0 ? rest.slice(close + 1).trim() : '';
  }
  if (rest.startsWith('@')) return { name, specifier: '' }; // a direct URL reference: no version
  if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1).trim();
  return { name, specifier: rest };
}

function isNameChar(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || (char >= '0' && char <= '9') || char === '-' || char === '_' || char === '.';
}

function pinFromRequirement(text: string, source: PinSource, file: string, line: number): SqlalchemyPin | undefined {
  const requirement = parseRequirement(text);
  if (!requirement || normalizePackageName(requirement.name) !== SQLALCHEMY) return undefined;
  return { ...versionFromSpecifier(requirement.specifier), specifier: requirement.specifier, source, file, line };
}

// ---------------------------------------------------------------------------------------------
// requirements*.txt
// ---------------------------------------------------------------------------------------------

/** Reads a pip requirements file and the files it includes with `-r` / `-c`. */
async function readRequirementsFile(file: string, visited: Set<string>): Promise<SqlalchemyPin[]> {
  if (visited.has(file)) return [];
  visited.add(file);
  const text = await readFile(file, 'utf8');
  const pins: SqlalchemyPin[] = [];
  const physical = text.split(/\r?\n/);
  for (let index = 0; index < physical.length; index++) {
    const startLine = index + 1;
    let logical = physical[index]!;
    // A trailing backslash continues the line.
    while (logical.endsWith('\\') && index + 1 < physical.length) logical = logical.slice(0, -1) + physical[++index]!;
    const line = stripRequirementComment(logical).trim();
    if (line === '') continue;
    const include = includedFile(line);
    if (include !== undefined) {
      const target = resolve(dirname(file), include);
      try {
        await stat(target);
      } catch {
        throw new Error(`line ${startLine}: the included file ${include} does not exist`);
      }
      pins.push(...(await readRequirementsFile(target, visited)));
      continue;
    }
    if (line.startsWith('-')) continue; // -e, --index-url, --hash... carry no version of a named requirement
    // Per-requirement options (`--hash=...`) follow the requirement.
    const optionStart = line.indexOf(' --');
    const pin = pinFromRequirement(optionStart >= 0 ? line.slice(0, optionStart) : line, 'requirements', file, startLine);
    if (pin) pins.push(pin);
  }
  return pins;
}

/** pip's comments start at a `#` at the start of a line or after whitespace. */
function stripRequirementComment(line: string): string {
  for (let index = 0; index < line.length; index++) {
    if (line[index] === '#' && (index === 0 || line[index - 1] === ' ' || line[index - 1] === '\t')) return line.slice(0, index);
  }
  return line;
}

/** The file named by `-r x`, `--requirement=x`, `-c x`, `--constraint x`. */
function includedFile(line: string): string | undefined {
  for (const option of ['--requirement', '--constraint', '-r', '-c']) {
    if (!line.startsWith(option)) continue;
    const rest = line.slice(option.length);
    if (rest.startsWith('=')) return rest.slice(1).trim();
    if (rest.startsWith(' ') || rest.startsWith('\t')) return rest.trim();
    if (option.length === 2 && rest !== '') return rest.trim(); // -rfile.txt
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// pyproject.toml, Pipfile, poetry.lock, uv.lock, Pipfile.lock
// ---------------------------------------------------------------------------------------------

async function readPyproject(file: string): Promise<SqlalchemyPin[]> {
  const document = parseToml(await readFile(file, 'utf8'), { lenientValues: true });
  const pins: SqlalchemyPin[] = [];
  // PEP 621: [project] dependencies and optional-dependencies; PEP 735 dependency groups.
  const project = tableAt(document.root, ['project']);
  const lists: Array<{ table: TomlTable; key: string }> = [];
  if (project) {
    lists.push({ table: project, key: 'dependencies' });
    const optional = tableAt(project, ['optional-dependencies']);
    if (optional) for (const key of optional.keys()) lists.push({ table: optional, key });
  }
  const groups = tableAt(document.root, ['dependency-groups']);
  if (groups) for (const key of groups.keys()) lists.push({ table: groups, key });
  for (const { table, key } of lists) {
    const value = table.get(key);
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (typeof item !== 'string') continue;
      const pin = pinFromRequirement(item, 'pyproject', file, document.lineOf(table, key));
      if (pin) pins.push(pin);
    }
  }
  // Poetry: [tool.poetry.dependencies] and [tool.poetry.group.<name>.dependencies].
  const poetry = tableAt(document.root, ['tool', 'poetry']);
  if (poetry) {
    const tables = [tableAt(poetry, ['dependencies']), tableAt(poetry, ['dev-dependencies'])];
    const poetryGroups = tableAt(poetry, ['group']);
    if (poetryGroups) for (const key of poetryGroups.keys()) tables.push(tableAt(poetryGroups, [key, 'dependencies']));
    for (const table of tables) if (table) pins.push(...poetryStylePins(table, 'poetry', file, document));
  }
  return pins;
}

async function readPipfile(file: string): Promise<SqlalchemyPin[]> {
  const document = parseToml(await readFile(file, 'utf8'), { lenientValues: true });
  const pins: SqlalchemyPin[] = [];
  for (const section of ['packages', 'dev-packages']) {
    const table = tableAt(document.root, [section]);
    if (table) pins.push(...poetryStylePins(table, 'Pipfile', file, document, false));
  }
  return pins;
}

/** `name = "^1.4"` or `name = { version = "^1.4", extras = [...] }` entries of a table. */
function poetryStylePins(table: TomlTable, source: PinSource, file: string, document: TomlDocument, poetry = true): SqlalchemyPin[] {
  const pins: SqlalchemyPin[] = [];
  for (const [key, value] of table) {
    if (normalizePackageName(key) !== SQLALCHEMY) continue;
    const constraints = Array.isArray(value) ? value : [value];
    for (const constraint of constraints) {
      const specifier = typeof constraint === 'string' ? constraint : constraint instanceof Map && typeof constraint.get('version') === 'string' ? (constraint.get('version') as string) : undefined;
      if (specifier === undefined) continue;
      pins.push({ ...versionFromSpecifier(specifier, { poetry }), specifier, source, file, line: document.lineOf(table, key) });
      break;
    }
  }
  return pins;
}

/** `[[package]] name = "sqlalchemy" version = "1.4.46"`: poetry.lock and uv.lock alike. */
async function readPackageLock(file: string, source: 'uv.lock' | 'poetry.lock'): Promise<SqlalchemyPin[]> {
  const document = parseToml(await readFile(file, 'utf8'), { lenientValues: true });
  const packages = document.root.get('package');
  if (!Array.isArray(packages)) return [];
  const pins: SqlalchemyPin[] = [];
  for (const entry of packages) {
    if (!(entry instanceof Map)) continue;
    const name = entry.get('name');
    const version = entry.get('version');
    if (typeof name !== 'string' || typeof version !== 'string' || normalizePackageName(name) !== SQLALCHEMY) continue;
    pins.push({ version, exact: true, specifier: version, source, file, line: document.lineOf(entry, 'name') });
  }
  return pins;
}

async function readPipfileLock(file: string): Promise<SqlalchemyPin[]> {
  const text = await readFile(file, 'utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const pins: SqlalchemyPin[] = [];
  if (typeof document !== 'object' || document === null) return pins;
  for (const section of ['default', 'develop']) {
    const packages = (document as Record<string, unknown>)[section];
    if (typeof packages !== 'object' || packages === null) continue;
    for (const [name, entry] of Object.entries(packages as Record<string, unknown>)) {
      if (normalizePackageName(name) !== SQLALCHEMY || typeof entry !== 'object' || entry === null) continue;
      const specifier = (entry as Record<string, unknown>)['version'];
      if (typeof specifier !== 'string') continue;
      pins.push({ ...versionFromSpecifier(specifier), specifier, source: 'Pipfile.lock', file, line: lineOfText(text, `"${name}"`) });
    }
  }
  return pins;
}

function lineOfText(text: string, needle: string): number {
  const index = text.indexOf(needle);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}

// ---------------------------------------------------------------------------------------------
// A small TOML reader: enough of TOML 1.0 for dependency files, with the line of every key
// ---------------------------------------------------------------------------------------------

/** A TOML value; dates and times are kept as their text. */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
/** A TOML table. */
export type TomlTable = Map<string, TomlValue>;

/** A parsed TOML document, with the line each key was defined on. */
export interface TomlDocument {
  readonly root: TomlTable;
  lineOf(table: TomlTable, key: string): number;
}

function tableAt(table: TomlTable, path: readonly string[]): TomlTable | undefined {
  let current: TomlValue | undefined = table;
  for (const key of path) {
    if (!(current instanceof Map)) return undefined;
    current = current.get(key);
  }
  return current instanceof Map ? current : undefined;
}

/** How parseToml treats a value that is not valid TOML (`key = bare words`, `key = 12abc`). */
export interface TomlOptions {
  /**
   * Keep such a value as its text instead of rejecting it. For searching dependency files, where
   * an odd value unrelated to what is looked for must not hide the rest of the file.
   */
  readonly lenientValues?: boolean;
}

/** Parses TOML; throws an Error naming the line of the first problem. */
export function parseToml(text: string, options: TomlOptions = {}): TomlDocument {
  return new TomlParser(text, options.lenientValues ?? false).parse();
}

class TomlParser {
  private index = 0;
  private line = 1;
  private readonly lines = new WeakMap<TomlTable, Map<string, number>>();
  /** Tables defined by a header, which a second header may not define again. */
  private readonly defined = new WeakSet<TomlTable>();

  constructor(
    private readonly text: string,
    private readonly lenientValues: boolean,
  ) {}

  parse(): TomlDocument {
    const root: TomlTable = new Map();
    let current = root;
    for (;;) {
      this.skipBlank();
      if (this.index >= this.text.length) break;
      if (this.peek() === '[') current = this.header(root);
      else this.keyValue(current);
      this.endOfLine();
    }
    const lines = this.lines;
    return { root, lineOf: (table, key) => lines.get(table)?.get(key) ?? 1 };
  }

  private fail(message: string): never {
    throw new Error(`TOML line ${this.line}: ${message}`);
  }

  private peek(offset = 0): string | undefined {
    return this.text[this.index + offset];
  }

  private advance(): string {
    const char = this.text[this.index++]!;
    if (char === '\n') this.line++;
    return char;
  }

  /** Whitespace, newlines and comments. */
  private skipBlank(): void {
    for (;;) {
      const char = this.peek();
      if (char === ' ' || char === '\t' || char === '\r' || char === '\n') this.advance();
      else if (char === '#') while (this.index < this.text.length && this.peek() !== '\n') this.advance();
      else return;
    }
  }

  private skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.advance();
  }

  private endOfLine(): void {
    this.skipSpaces();
    if (this.peek() === '#') while (this.index < this.text.length && this.peek() !== '\n') this.advance();
    if (this.peek() === '\r') this.advance();
    if (this.index < this.text.length && this.peek() !== '\n') this.fail(`unexpected ${JSON.stringify(this.peek())}`);
  }

  private header(root: TomlTable): TomlTable {
    this.advance(); // [
    const isArray = this.peek() === '[';
    if (isArray) this.advance();
    const path = this.keyPath();
    const closingBrackets = isArray ? 2 : 1;
    for (let count = 0; count < closingBrackets; count++) {
      if (this.peek() !== ']') this.fail('unclosed table header');
      this.advance();
    }
    let table = root;
    for (const [position, key] of path.entries()) {
      const last = position === path.length - 1;
      const existing = table.get(key);
      if (last && isArray) {
        const list = existing ?? [];
        if (!Array.isArray(list)) this.fail(`${key} is not an array of tables`);
        const entry: TomlTable = new Map();
        list.push(entry);
        this.setKey(table, key, list);
        return entry;
      }
      if (existing === undefined) {
        const created: TomlTable = new Map();
        this.setKey(table, key, created);
        table = created;
      } else if (existing instanceof Map) table = existing;
      else if (Array.isArray(existing) && existing[existing.length - 1] instanceof Map) table = existing[existing.length - 1] as TomlTable;
      else this.fail(`${key} is not a table`);
    }
    if (this.defined.has(table)) this.fail(`table [${path.join('.')}] defined twice`);
    this.defined.add(table);
    return table;
  }

  private setKey(table: TomlTable, key: string, value: TomlValue): void {
    table.set(key, value);
    let lines = this.lines.get(table);
    if (!lines) this.lines.set(table, (lines = new Map()));
    if (!lines.has(key)) lines.set(key, this.line);
  }

  /** `a.b."c d"`. */
  private keyPath(): string[] {
    const keys: string[] = [];
    for (;;) {
      this.skipSpaces();
      const char = this.peek();
      if (char === '"') keys.push(this.basicString());
      else if (char === "'") keys.push(this.literalString());
      else {
        let key = '';
        while (this.index < this.text.length && isBareKeyChar(this.peek()!)) key += this.advance();
        if (key === '') this.fail('expected a key');
        keys.push(key);
      }
      this.skipSpaces();
      if (this.peek() !== '.') return keys;
      this.advance();
    }
  }

  private keyValue(table: TomlTable): void {
    const line = this.line;
    const path = this.keyPath();
    if (this.peek() !== '=') this.fail('expected =');
    this.advance();
    this.skipSpaces();
    const value = this.value();
    let target = table;
    for (const key of path.slice(0, -1)) {
      const existing = target.get(key);
      if (existing === undefined) {
        const created: TomlTable = new Map();
        this.setKeyAt(target, key, created, line);
        target = created;
      } else if (existing instanceof Map) target = existing;
      else this.fail(`${key} is not a table`);
    }
    const last = path[path.length - 1]!;
    if (target.has(last)) this.fail(`${last} defined twice`);
    this.setKeyAt(target, last, value, line);
  }

  private setKeyAt(table: TomlTable, key: string, value: TomlValue, line: number): void {
    table.set(key, value);
    let lines = this.lines.get(table);
    if (!lines) this.lines.set(table, (lines = new Map()));
    lines.set(key, line);
  }

  private value(): TomlValue {
    const char = this.peek();
    if (char === '"') return this.text.startsWith('"""', this.index) ? this.multilineBasicString() : this.basicString();
    if (char === "'") return this.text.startsWith("'''", this.index) ? this.multilineLiteralString() : this.literalString();
    if (char === '[') return this.array();
    if (char === '{') return this.inlineTable();
    // Numbers, booleans, dates and times (a date and a time may be separated by one space).
    let raw = '';
    while (this.index < this.text.length && !',]}\n#\r \t'.includes(this.peek()!)) raw += this.advance();
    if (this.peek() === ' ' && isDate(raw) && isDigit(this.peek(1))) {
      raw += this.advance();
      while (this.index < this.text.length && !',]}\n#\r \t'.includes(this.peek()!)) raw += this.advance();
    }
    if (raw === '') this.fail('expected a value');
    const value = scalarValue(raw);
    if (value !== undefined) return value;
    if (this.lenientValues) {
      const number = Number(raw.split('_').join(''));
      return Number.isNaN(number) ? raw : number;
    }
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
    return this.fail(`invalid value ${shown} (a string needs quotes)`);
  }

  private array(): TomlValue[] {
    this.advance(); // [
    const items: TomlValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.peek() === ']') {
        this.advance();
        return items;
      }
      if (this.index >= this.text.length) this.fail('unclosed array');
      items.push(this.value());
      this.skipBlank();
      if (this.index >= this.text.length) this.fail('unclosed array');
      if (this.peek() === ',') this.advance();
      else if (this.peek() !== ']') this.fail('expected , or ] in an array');
    }
  }

  private inlineTable(): TomlTable {
    this.advance(); // {
    const table: TomlTable = new Map();
    this.skipSpaces();
    if (this.peek() === '}') {
      this.advance();
      return table;
    }
    for (;;) {
      this.skipSpaces();
      this.keyValue(table);
      this.skipSpaces();
      const next = this.advance();
      if (next === '}') return table;
      if (next !== ',') this.fail('expected , or } in an inline table');
    }
  }

  private basicString(): string {
    this.advance(); // "
    let out = '';
    for (;;) {
      if (this.index >= this.text.length || this.peek() === '\n') this.fail('unterminated string');
      const char = this.advance();
      if (char === '"') return out;
      out += char === '\\' ? this.escape() : char;
    }
  }

  private multilineBasicString(): string {
    this.index += 3;
    // A newline right after the opening delimiter is not part of the string.
    if (this.peek() === '\r' && this.peek(1) === '\n') this.advance();
    if (this.peek() === '\n') this.advance();
    let out = '';
    for (;;) {
      if (this.index >= this.text.length) this.fail('unterminated string');
      if (this.text.startsWith('"""', this.index)) {
        // Up to two quotes may end the content right before the closing delimiter.
        while (this.text.startsWith('""""', this.index)) out += this.advance();
        this.index += 3;
        return out;
      }
      const char = this.advance();
      if (char !== '\\') {
        out += char;
        continue;
      }
      // A backslash at the end of a line trims the newline and the whitespace after it.
      let probe = this.index;
      while (this.text[probe] === ' ' || this.text[probe] === '\t') probe++;
      if (this.text[probe] === '\n' || (this.text[probe] === '\r' && this.text[probe + 1] === '\n')) {
        while (this.index < this.text.length && ' \t\r\n'.includes(this.peek()!)) this.advance();
      } else out += this.escape();
    }
  }

  private escape(): string {
    const char = this.advance();
    const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
    if (simple[char] !== undefined) return simple[char]!;
    if (char === 'u' || char === 'U') {
      const length = char === 'u' ? 4 : 8;
      const digits = this.text.slice(this.index, this.index + length);
      const codePoint = Number.parseInt(digits, 16);
      if (digits.length !== length || Number.isNaN(codePoint) || codePoint > 0x10ffff) this.fail('invalid unicode escape');
      this.index += length;
      return String.fromCodePoint(codePoint);
    }
    return this.fail(`invalid escape \\${char}`);
  }

  private literalString(): string {
    this.advance(); // '
    let out = '';
    for (;;) {
      if (this.index >= this.text.length || this.peek() === '\n') this.fail('unterminated string');
      const char = this.advance();
      if (char === "'") return out;
      out += char;
    }
  }

  private multilineLiteralString(): string {
    this.index += 3;
    // A newline right after the opening delimiter is not part of the string.
    if (this.peek() === '\r' && this.peek(1) === '\n') this.advance();
    if (this.peek() === '\n') this.advance();
    let out = '';
    for (;;) {
      if (this.index >= this.text.length) this.fail('unterminated string');
      if (this.text.startsWith("'''", this.index)) {
        while (this.text.startsWith("''''", this.index)) out += this.advance();
        this.index += 3;
        return out;
      }
      out += this.advance();
    }
  }
}

const DECIMAL = /^[+-]?(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;
const PREFIXED_INTEGER = /^0(?:x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|o[0-7](?:_?[0-7])*|b[01](?:_?[01])*)$/;
const SPECIAL_FLOAT = /^[+-]?(?:inf|nan)$/;
const TIME = '(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]+)?)?';
const DATE = '[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])';
const DATE_TIME = new RegExp(`^(?:${DATE}(?:[Tt ]${TIME}(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?|${TIME})$`);

/**
 * A number, boolean, date or time written without quotes, or undefined when `raw` is none of
 * them. Dates and times stay text.
 */
function scalarValue(raw: string): TomlValue | undefined {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (DECIMAL.test(raw) || PREFIXED_INTEGER.test(raw)) return Number(raw.split('_').join(''));
  if (SPECIAL_FLOAT.test(raw)) return raw.endsWith('nan') ? Number.NaN : raw.startsWith('-') ? -Infinity : Infinity;
  return DATE_TIME.test(raw) ? raw : undefined;
}

function isBareKeyChar(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || (char >= '0' && char <= '9') || char === '_' || char === '-';
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

/** `1979-05-27` */
function isDate(text: string): boolean {
  return text.length === 10 && text[4] === '-' && text[7] === '-' && [...text].every((char, index) => index === 4 || index === 7 || isDigit(char));
}
