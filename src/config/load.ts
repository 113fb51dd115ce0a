import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { InputError } from '../errors.js';
import { describeType, pointerToken, valueAt } from '../manifest/load.js';
import { RULES, type RuleSeverities } from '../rules/index.js';
import { readPackageJson } from '../runtime/assets.js';
import { CONFIG_OPTION_KEYS, CONFIG_PATH_KEYS, displayPath, findConfig, readConfigFile, type ConfigOptionKey, type ConfigSource } from './find.js';
import { closest } from '../edit-distance.js';

/** A validated configuration. */
export interface GateConfig {
  /** Absolute path of the file that holds it. */
  readonly file: string;
  /** JSON pointer of the configuration inside the file ('' when the file is the configuration). */
  readonly pointer: string;
  /** Defaults for flags, by flag name; paths are absolute (resolved from the file's directory). */
  readonly options: Readonly<Partial<Record<ConfigOptionKey, string | boolean>>>;
  /** Severity overrides by rule id. */
  readonly rules: RuleSeverities;
}

let compiledValidator: ReturnType<Ajv['compile']> | undefined;
function validator(): ReturnType<Ajv['compile']> {
  compiledValidator ??= new Ajv({ allErrors: true, strict: true }).compile(readPackageJson('schemas/config.schema.json') as object);
  return compiledValidator;
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion ? ` (did you mean "${suggestion}"?)` : '';
}

/** One line per ajv error: the JSON pointer in the file, and what was expected. */
function describeSchemaError(error: ErrorObject, document: unknown, prefix: string): string {
  const pointer = `${prefix}${error.instancePath}` || '/';
  const value = valueAt(document, error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params['additionalProperty']);
      const known = [...CONFIG_OPTION_KEYS, 'rules'];
      const suggestion = didYouMean(key, known);
      return `${prefix}${error.instancePath}/${pointerToken(key)}: unknown key "${key}"${suggestion || ` (allowed: ${known.join(', ')}, $schema)`}`;
    }
    case 'enum':
      return `${pointer}: must be one of ${(error.params['allowedValues'] as unknown[]).map((allowed) => JSON.stringify(allowed)).join(', ')}, got ${JSON.stringify(value)}`;
    case 'type':
      return `${pointer}: must be ${String(error.params['type']) === 'object' ? 'an object' : `a ${String(error.params['type'])}`}, got ${describeType(value)}`;
    case 'minLength':
      return `${pointer}: must not be an empty string`;
    default:
      return `${pointer}: ${error.message ?? 'is invalid'}`;
  }
}

/**
 * Validates a configuration: the JSON schema (`schemas/config.schema.json`), then the rule ids
 * against the registry. Every problem is collected and thrown at once as an InputError (exit 2),
 * one line each: the file, the JSON pointer inside it, and what is wrong. Paths are resolved from
 * the file's directory.
 */
export function validateConfig(source: ConfigSource, cwd: string = process.cwd()): GateConfig {
  const { document, pointer } = source;
  const validate = validator();
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  const rules: Record<string, RuleSeverities[string]> = {};
  const ruleProblems: string[] = [];
  // The value of an unknown rule is not judged: the one mistake is its name.
  const unknownRulePaths = new Set<string>();
  if (isObject(document) && isObject(document['rules'])) {
    const ids = RULES.map((rule) => rule.meta.id);
    for (const [id, severity] of Object.entries(document['rules'])) {
      if (ids.includes(id)) {
        rules[id] = severity as RuleSeverities[string];
        continue;
      }
      unknownRulePaths.add(`/rules/${pointerToken(id)}`);
      ruleProblems.push(`${pointer}/rules/${pointerToken(id)}: unknown rule "${id}"${didYouMean(id, ids)}; schema-gate rules lists them`);
    }
  }
  const schemaErrors = validate(document) ? [] : (validate.errors ?? []).filter((error) => !unknownRulePaths.has(error.instancePath));
  const problems = [...schemaErrors.map((error) => describeSchemaError(error, document, pointer)), ...ruleProblems];
  const file = displayPath(source.file, cwd);
  if (problems.length > 0) throw new InputError(problems.map((problem) => `${file}: ${problem}`));

  const written = document as Partial<Record<ConfigOptionKey, string | boolean>>;
  const directory = dirname(source.file);
  const options: Partial<Record<ConfigOptionKey, string | boolean>> = {};
  for (const key of CONFIG_OPTION_KEYS) {
    const value = written[key];
    if (value === undefined) continue;
    options[key] = CONFIG_PATH_KEYS.has(key) && typeof value === 'string' && !isAbsolute(value) ? resolve(directory, value) : value;
  }
  return Object.freeze({ file: source.file, pointer, options: Object.freeze(options), rules: Object.freeze(rules) });
}

/**
 * The configuration that applies in `cwd`: the file named by `file`, else the nearest one found from
 * `cwd` up to the repository root; undefined when there is none. Throws InputError (exit 2) for an
 * unreadable or invalid one.
 */
export async function loadConfig(options: { cwd?: string; file?: string } = {}): Promise<GateConfig | undefined> {
  const cwd = options.cwd ?? process.cwd();
  const source = options.file !== undefined ? await readConfigFile(options.file, cwd) : await findConfig(cwd);
  return source ? validateConfig(source, cwd) : undefined;
}
