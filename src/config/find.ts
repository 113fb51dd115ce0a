/**
 * Finding the configuration: which file holds it, and the raw object it holds. Kept light (no
 * validator, no TOML reader until a pyproject.toml mentions schema-gate) because every command that
 * takes a configuration looks for one at start-up.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { InputError, readErrorReason } from '../errors.js';

/** The configuration file of its own. */
export const CONFIG_FILE_NAME = 'schema-gate.config.json';
/** The key of package.json that holds a configuration. */
export const PACKAGE_JSON_KEY = 'schemaGate';
/** The table of pyproject.toml that holds a configuration: `[tool.schema-gate]`. */
export const PYPROJECT_TABLE = 'tool.schema-gate';

/** The flags a configuration may set a default for: each key is the flag's name. */
export const CONFIG_OPTION_KEYS = [
  'manifest',
  'baseline',
  'migrations',
  'alembic-ini',
  'recursive',
  'format',
  'strict',
  'sqlalchemy-version',
  'transaction-per-migration',
  'version-table',
  'version-table-schema',
] as const;
export type ConfigOptionKey = (typeof CONFIG_OPTION_KEYS)[number];

/** The keys whose values are paths, relative to the directory of the file that holds them. */
export const CONFIG_PATH_KEYS: ReadonlySet<ConfigOptionKey> = new Set(['manifest', 'baseline', 'migrations', 'alembic-ini']);

/** A configuration as found, before validation. */
export interface ConfigSource {
  /** Absolute path of the file. */
  readonly file: string;
  /** JSON pointer of the configuration inside the file: '' for schema-gate.config.json, `/schemaGate`, `/tool/schema-gate`. */
  readonly pointer: string;
  /** The configuration object as written (a TOML table converted to plain objects). */
  readonly document: unknown;
}

/** How a file is named in messages: relative to the working directory when that is shorter. */
export function displayPath(file: string, cwd: string): string {
  const relativePath = relative(cwd, file);
  return relativePath !== '' && relativePath.length < file.length ? relativePath : file;
}

/**
 * The directories searched, nearest first: the working directory and its parents up to the
 * repository root (the nearest directory holding `.git`); outside a repository, the working
 * directory alone, so that a stray file in a parent never configures an unrelated project.
 */
export function searchDirectories(cwd: string): string[] {
  const start = resolve(cwd);
  const directories: string[] = [];
  for (let directory = start; ; directory = dirname(directory)) {
    directories.push(directory);
    if (existsSync(join(directory, '.git'))) return directories;
    if (dirname(directory) === directory) return [start];
  }
}

async function readText(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`${displayPath(file, cwd)}: cannot read the configuration: ${readErrorReason(error)}`);
  }
}

async function parseJson(text: string, file: string, cwd: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { describeJsonSyntaxError } = await import('../manifest/load.js');
    throw new InputError(`${displayPath(file, cwd)}:${describeJsonSyntaxError(text, error as SyntaxError)}`);
  }
}

/** A TOML value as plain JSON-like data: tables become objects. */
function plain(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [key, plain(item)]));
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

/** `[tool.schema-gate]` of a pyproject.toml, or undefined when it has none. */
async function pyprojectTable(text: string, file: string, cwd: string): Promise<unknown> {
  // Every spelling of the table ([tool.schema-gate], [tool."schema-gate"], tool = { schema-gate = … })
  // holds this text: without it, the file is not read any further.
  if (!text.includes('schema-gate')) return undefined;
  const { parseToml } = await import('../migrations/alembic/sqlalchemy-version.js');
  let root: Map<string, unknown>;
  try {
    root = parseToml(text).root;
  } catch (error) {
    throw new InputError(`${displayPath(file, cwd)}: ${(error as Error).message}`);
  }
  const tool = root.get('tool');
  return tool instanceof Map ? plain(tool.get('schema-gate')) : undefined;
}

/** The `schemaGate` value of a package.json, or undefined when it has none. */
async function packageJsonValue(text: string, file: string, cwd: string): Promise<unknown> {
  if (!text.includes(`"${PACKAGE_JSON_KEY}"`)) return undefined;
  const document = await parseJson(text, file, cwd);
  return document !== null && typeof document === 'object' && !Array.isArray(document) && Object.hasOwn(document, PACKAGE_JSON_KEY)
    ? (document as Record<string, unknown>)[PACKAGE_JSON_KEY]
    : undefined;
}

/** The configurations one directory holds (normally none or one). */
async function sourcesIn(directory: string, cwd: string): Promise<ConfigSource[]> {
  const sources: ConfigSource[] = [];
  const own = join(directory, CONFIG_FILE_NAME);
  if (existsSync(own)) sources.push({ file: own, pointer: '', document: await parseJson(await readText(own, cwd), own, cwd) });
  const packageJson = join(directory, 'package.json');
  if (existsSync(packageJson)) {
    const value = await packageJsonValue(await readText(packageJson, cwd), packageJson, cwd);
    if (value !== undefined) sources.push({ file: packageJson, pointer: `/${PACKAGE_JSON_KEY}`, document: value });
  }
  const pyproject = join(directory, 'pyproject.toml');
  if (existsSync(pyproject)) {
    const value = await pyprojectTable(await readText(pyproject, cwd), pyproject, cwd);
    if (value !== undefined) sources.push({ file: pyproject, pointer: '/tool/schema-gate', document: value });
  }
  return sources;
}

function describeSource(source: ConfigSource, cwd: string): string {
  const file = displayPath(source.file, cwd);
  if (source.pointer === '') return file;
  return basename(source.file) === 'package.json' ? `${file} ("${PACKAGE_JSON_KEY}")` : `${file} ([${PYPROJECT_TABLE}])`;
}

/**
 * Looks for a configuration from `cwd` upwards (see searchDirectories); the nearest directory that
 * holds one wins. Two in one directory are an InputError: which one applies would be a guess.
 */
export async function findConfig(cwd: string): Promise<ConfigSource | undefined> {
  for (const directory of searchDirectories(cwd)) {
    const sources = await sourcesIn(directory, cwd);
    if (sources.length > 1) {
      throw new InputError(`${sources.map((source) => describeSource(source, cwd)).join(' and ')} both configure schema-gate: keep one, or name one with --config`);
    }
    if (sources.length === 1) return sources[0];
  }
  return undefined;
}

/**
 * Reads a configuration named explicitly: a package.json (its `schemaGate` key), a `.toml` file (its
 * `[tool.schema-gate]` table), or else a JSON file that is the configuration. A file without the
 * key or table is an InputError.
 */
export async function readConfigFile(file: string, cwd: string): Promise<ConfigSource> {
  const absolute = resolve(cwd, file);
  const text = await readText(absolute, cwd);
  if (basename(absolute) === 'package.json') {
    const value = await packageJsonValue(text, absolute, cwd);
    if (value === undefined) throw new InputError(`${displayPath(absolute, cwd)}: has no "${PACKAGE_JSON_KEY}" key to configure schema-gate`);
    return { file: absolute, pointer: `/${PACKAGE_JSON_KEY}`, document: value };
  }
  if (absolute.endsWith('.toml')) {
    const value = await pyprojectTable(text, absolute, cwd);
    if (value === undefined) throw new InputError(`${displayPath(absolute, cwd)}: has no [${PYPROJECT_TABLE}] table to configure schema-gate`);
    return { file: absolute, pointer: '/tool/schema-gate', document: value };
  }
  return { file: absolute, pointer: '', document: await parseJson(text, absolute, cwd) };
}
