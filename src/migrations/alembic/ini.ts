/**
 * Reads the part of `alembic.ini` that says where the revision scripts are. The file is read the
 * way Python's ConfigParser reads it (continuation lines, `#`/`;` comments, `%(name)s`
 * interpolation with `here` predefined, duplicate sections and options rejected), and the options
 * are interpreted as Alembic interprets them.
 */
import { readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, resolve } from 'node:path';
import { InputError, readErrorReason } from '../../errors.js';
import type { SourceLocation } from '../source.js';

/** Where Alembic finds the revision scripts of one configuration. */
export interface AlembicConfig {
  /** The ini file, absolute. */
  readonly file: string;
  /** The section read, `alembic` unless `alembic -n NAME` is used. */
  readonly section: string;
  /** `script_location`, absolute (the directory holding env.py). */
  readonly scriptLocation: string;
  /** The directories to scan, absolute, in order: `version_locations`, else `<script_location>/versions`. */
  readonly versionLocations: readonly string[];
  /** Whether `version_locations` was given (then `<script_location>/versions` is not scanned unless listed). */
  readonly versionLocationsDeclared: boolean;
  /** `recursive_version_locations = true`: subdirectories are scanned too. */
  readonly recursiveVersionLocations: boolean;
  /** `sourceless = true`: compiled `.pyc` files without their `.py` count as scripts. */
  readonly sourceless: boolean;
}

/** A problem in the configuration file. */
export interface ConfigProblem {
  readonly kind: 'invalid-config';
  readonly revisions: readonly string[];
  readonly locations: readonly SourceLocation[];
  /** What is wrong, e.g. "no script_location option in section [alembic]". */
  readonly reason: string;
}

/** How to read the file. */
export interface AlembicIniOptions {
  /** Default `alembic`. */
  readonly section?: string;
  /**
   * The directory Alembic would run in: relative paths in the file (without `%(here)s`) are
   * relative to it, not to the file. Default: the current directory.
   */
  readonly cwd?: string;
}

interface IniOption {
  value: string;
  readonly line: number;
}

interface IniSection {
  readonly line: number;
  readonly options: Map<string, IniOption>;
}

/** The sections of an ini file, as ConfigParser builds them. */
interface IniDocument {
  readonly defaults: Map<string, IniOption>;
  readonly sections: Map<string, IniSection>;
}

const DEFAULT_SECTION = 'DEFAULT';
/** How many nested `%(...)s` references ConfigParser follows before giving up. */
const MAX_INTERPOLATION_DEPTH = 10;

/** The text before the first `=` or `:` is the option name; ConfigParser lowercases it. */
function splitOption(line: string): { name: string; value: string } | undefined {
  const equals = line.indexOf('=');
  const colon = line.indexOf(':');
  const at = equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
  if (at < 0) return undefined;
  const name = line.slice(0, at).trim();
  if (name === '') return undefined;
  return { name: name.toLowerCase(), value: line.slice(at + 1).trim() };
}

function leadingWhitespace(line: string): number {
  let count = 0;
  while (count < line.length && (line[count] === ' ' || line[count] === '\t')) count++;
  return count;
}

function parseIni(text: string, file: string, problems: ConfigProblem[]): IniDocument {
  const document: IniDocument = { defaults: new Map(), sections: new Map() };
  const problem = (line: number, reason: string): void => {
    problems.push({ kind: 'invalid-config', revisions: [], locations: [{ file, line }], reason });
  };
  let options: Map<string, IniOption> | undefined;
  let current: IniOption | undefined;
  let currentIndent = 0;
  // Blank lines inside a value are kept until the value ends; ConfigParser strips them at the end.
  let pendingBlankLines = 0;

  text.split(/\r\n|\r|\n/).forEach((rawLine, index) => {
    const lineNumber = index + 1;
    const trimmed = rawLine.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    if (trimmed === '') {
      if (current) pendingBlankLines++;
      return;
    }
    const indent = leadingWhitespace(rawLine);
    if (current && indent > currentIndent) {
      current.value += '\n'.repeat(pendingBlankLines + 1) + trimmed;
      pendingBlankLines = 0;
      return;
    }
    pendingBlankLines = 0;
    current = undefined;
    currentIndent = indent;
    if (trimmed.startsWith('[') && trimmed.endsWith(']') && trimmed.length > 2) {
      const name = trimmed.slice(1, -1);
      if (name === DEFAULT_SECTION) {
        options = document.defaults;
      } else if (document.sections.has(name)) {
        problem(lineNumber, `section [${name}] appears twice (first on line ${document.sections.get(name)!.line})`);
        options = document.sections.get(name)!.options;
      } else {
        const section: IniSection = { line: lineNumber, options: new Map() };
        document.sections.set(name, section);
        options = section.options;
      }
      return;
    }
    if (!options) {
      problem(lineNumber, 'text before the first [section] header');
      return;
    }
    const option = splitOption(trimmed);
    if (!option) {
      problem(lineNumber, `cannot read "${trimmed}": expected "name = value"`);
      return;
    }
    const existing = options.get(option.name);
    if (existing) problem(lineNumber, `option ${option.name} appears twice in its section (first on line ${existing.line})`);
    current = { value: option.value, line: lineNumber };
    options.set(option.name, current);
  });
  return document;
}

/**
 * The value of an option with `%(name)s` references expanded from the same section and the
 * defaults (`here` is the ini file's directory) and `%%` read as `%`, as ConfigParser's basic
 * interpolation does. Problems name the option's line.
 */
function interpolatedOption(document: IniDocument, section: string, name: string, here: string, file: string, problems: ConfigProblem[]): { value: string; line: number } | undefined {
  const options = document.sections.get(section)?.options;
  const lookup = (key: string): IniOption | undefined => options?.get(key) ?? document.defaults.get(key) ?? (key === 'here' ? { value: here, line: 0 } : undefined);
  const option = lookup(name);
  if (!option) return undefined;
  const problem = (reason: string): undefined => {
    problems.push({ kind: 'invalid-config', revisions: [], locations: [{ file, line: option.line }], reason });
    return undefined;
  };
  const expand = (value: string, depth: number): string | undefined => {
    if (depth > MAX_INTERPOLATION_DEPTH) return problem(`option ${name}: references nest more than ${MAX_INTERPOLATION_DEPTH} deep`);
    let result = '';
    for (let index = 0; index < value.length; index++) {
      const character = value[index]!;
      if (character !== '%') {
        result += character;
        continue;
      }
      const next = value[index + 1];
      if (next === '%') {
        result += '%';
        index++;
        continue;
      }
      const close = value.indexOf(')', index);
      if (next !== '(' || close < 0 || value[close + 1] !== 's') return problem(`option ${name}: a lone % must be written %%`);
      const key = value.slice(index + 2, close).toLowerCase();
      const referenced = lookup(key);
      if (!referenced) return problem(`option ${name}: %(${key})s names no option of section [${section}] or [DEFAULT]`);
      const expanded = expand(referenced.value, depth + 1);
      if (expanded === undefined) return undefined;
      result += expanded;
      index = close + 1;
    }
    return result;
  };
  const value = expand(option.value, 1);
  return value === undefined ? undefined : { value, line: option.line };
}

/** Alembic's values of `path_separator` (and the older `version_path_separator`). */
const PATH_SEPARATORS: Readonly<Record<string, string>> = { space: ' ', newline: '\n', os: delimiter, ':': ':', ';': ';' };

/**
 * Splits `version_locations`. Without a separator option, Alembic splits on commas and runs of
 * spaces (its legacy behaviour, deprecated in newer versions).
 */
function splitLocations(value: string, separator: string | undefined): string[] {
  if (separator === undefined) return value.split(/, *| +/).filter((location) => location !== '');
  return value
    .split(separator)
    .map((location) => location.trim())
    .filter((location) => location !== '');
}

/**
 * Turns a path from the file into an absolute one. Alembic resolves relative paths against the
 * directory it runs in; a relative path with a colon is a Python package resource, which this
 * static reading cannot resolve.
 */
function absoluteLocation(location: string, cwd: string): { path: string } | { problem: string } {
  if (!isAbsolute(location) && location.includes(':')) return { problem: `${location} is a Python package resource (package:path), which cannot be resolved without importing the package` };
  return { path: resolve(cwd, location) };
}

/** Reads the configuration from the text of an ini file, collecting every problem. */
export function parseAlembicIni(text: string, file: string, options: AlembicIniOptions = {}): { config?: AlembicConfig; problems: ConfigProblem[] } {
  const absoluteFile = resolve(file);
  const section = options.section ?? 'alembic';
  const cwd = resolve(options.cwd ?? process.cwd());
  const here = dirname(absoluteFile);
  const problems: ConfigProblem[] = [];
  const document = parseIni(text, absoluteFile, problems);
  const sectionHeader = document.sections.get(section);
  if (!sectionHeader) {
    problems.push({ kind: 'invalid-config', revisions: [], locations: [{ file: absoluteFile }], reason: `no [${section}] section` });
    return { problems };
  }
  const option = (name: string): { value: string; line: number } | undefined => interpolatedOption(document, section, name, here, absoluteFile, problems);

  const scriptLocationOption = option('script_location');
  if (!scriptLocationOption) {
    if (!problems.some((problem) => problem.reason.startsWith('option script_location'))) {
      problems.push({ kind: 'invalid-config', revisions: [], locations: [{ file: absoluteFile, line: sectionHeader.line }], reason: `no script_location option in section [${section}]` });
    }
    return { problems };
  }
  const scriptLocation = absoluteLocation(scriptLocationOption.value, cwd);
  if ('problem' in scriptLocation) {
    problems.push({ kind: 'invalid-config', revisions: [], locations: [{ file: absoluteFile, line: scriptLocationOption.line }], reason: `script_location: ${scriptLocation.problem}` });
    return { problems };
  }

  const versionLocationsOption = option('version_locations');
  const versionLocations: string[] = [];
  if (versionLocationsOption && versionLocationsOption.value !== '') {
    // Alembic reads the separator only to split version_locations: without them, a value it would
    // refuse (such as the inline comment of the file `alembic init` writes) is never looked at.
    const separatorOption = option('path_separator') ?? option('version_path_separator');
    let separator: string | undefined;
    if (separatorOption) {
      separator = PATH_SEPARATORS[separatorOption.value];
      if (separator === undefined) {
        problems.push({
          kind: 'invalid-config',
          revisions: [],
          locations: [{ file: absoluteFile, line: separatorOption.line }],
          reason: `'${separatorOption.value}' is not a valid path separator; expected 'space', 'newline', 'os', ':', ';'${
            separatorOption.value.includes('#') ? ' (an ini value runs to the end of its line: move the comment to a line of its own)' : ''
          }`,
        });
      }
    }
    for (const location of splitLocations(versionLocationsOption.value, separator)) {
      const absolute = absoluteLocation(location, cwd);
      if ('problem' in absolute) problems.push({ kind: 'invalid-config', revisions: [], locations: [{ file: absoluteFile, line: versionLocationsOption.line }], reason: `version_locations: ${absolute.problem}` });
      else versionLocations.push(absolute.path);
    }
  } else {
    versionLocations.push(resolve(scriptLocation.path, 'versions'));
  }

  // Alembic compares these flags with the exact string "true".
  const config: AlembicConfig = Object.freeze({
    file: absoluteFile,
    section,
    scriptLocation: scriptLocation.path,
    versionLocations: Object.freeze(versionLocations),
    versionLocationsDeclared: Boolean(versionLocationsOption && versionLocationsOption.value !== ''),
    recursiveVersionLocations: option('recursive_version_locations')?.value === 'true',
    sourceless: option('sourceless')?.value === 'true',
  });
  return { config, problems };
}

/** Reads `alembic.ini`; throws an InputError naming `file:line` for every problem found. */
export function readAlembicIni(file: string, options: AlembicIniOptions = {}): AlembicConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read the Alembic configuration: ${readErrorReason(error)}`);
  }
  const { config, problems } = parseAlembicIni(text, file, options);
  if (problems.length > 0 || !config) throw new InputError(problems.map(formatConfigProblem));
  return config;
}

/** `file:line: reason`, the one-line form of a configuration problem. */
export function formatConfigProblem(problem: ConfigProblem): string {
  const location = problem.locations[0];
  const where = location ? (location.line ? `${location.file}:${location.line}` : location.file) : '';
  return `${where}: ${problem.reason}`;
}
