import type { Argv } from 'yargs';
import { CONFIG_OPTION_KEYS, displayPath, findConfig, readConfigFile, searchDirectories, type ConfigOptionKey } from '../config/find.js';
import type { GateConfig } from '../config/load.js';
import type { RuleSeverities } from '../rules/severities.js';


/** The flags that together say where the history is: one given on the command line overrides all three in the file. */
const LOCATION_FLAGS: ReadonlySet<string> = new Set(['migrations', 'alembic-ini', 'recursive']);
const PATH_FLAGS: ReadonlySet<string> = new Set(['manifest', 'baseline', 'migrations', 'alembic-ini']);

/** Where a resolved value came from. */
export type ValueSource = 'command line' | 'default' | string;

/** The configuration as it applies to one command line. */
export interface ResolvedConfig {
  /** The configuration file, when one was found or named. */
  readonly config: GateConfig | undefined;
  /** That file as messages name it (relative to the working directory). */
  readonly file: string | undefined;
  /** The configurable flags of this command and where each value came from (the file's path, `command line` or `default`). */
  readonly sources: Readonly<Partial<Record<ConfigOptionKey | 'rules', ValueSource>>>;
  /** The file's severity overrides. */
  readonly severities: RuleSeverities;
  /** The directories searched when no file was named (nearest first). */
  readonly searched: readonly string[];
}

/** What the middleware leaves for the handler: the resolved configuration, or why there is none. */
type Resolution = { readonly resolved: ResolvedConfig } | { readonly error: unknown };
const resolutions = new WeakMap<object, Resolution>();

/** The parts of a yargs instance the middleware reads; `parsed` is not in yargs's type declarations. */
interface ParserView {
  readonly parsed?: false | { readonly defaulted?: Readonly<Record<string, boolean>> };
  getOptions(): { readonly key: Readonly<Record<string, unknown>>; readonly choices: Readonly<Record<string, readonly unknown[] | undefined>> };
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Sets the configuration's values as the defaults of the flags this command has and that the
 * command line did not give, with paths relative to the working directory. Errors are kept for the
 * handler, which reports them as every other input error (exit 2), after yargs's own usage checks.
 */
async function applyConfig(argv: Record<string, unknown>, parser: ParserView, runsRules: boolean): Promise<void> {
  try {
    const cwd = process.cwd();
    const named = typeof argv['config'] === 'string' ? argv['config'] : undefined;
    const source = named !== undefined ? await readConfigFile(named, cwd) : await findConfig(cwd);
    const config = source ? (await import('../config/load.js')).validateConfig(source, cwd) : undefined;

    const defaulted = (parser.parsed && parser.parsed.defaulted) || {};
    const { key: declared, choices } = parser.getOptions();
    const given = (flag: string): boolean => argv[flag] !== undefined && !defaulted[flag];
    const locationGiven = [...LOCATION_FLAGS].some(given);
    const sources: Partial<Record<ConfigOptionKey | 'rules', ValueSource>> = {};
    const from = config ? displayPath(config.file, cwd) : 'default';
    for (const flag of CONFIG_OPTION_KEYS) {
      if (!Object.hasOwn(declared, flag)) continue;
      const value = config?.options[flag];
      const allowed = choices[flag];
      if (given(flag)) sources[flag] = 'command line';
      else if (value === undefined || (LOCATION_FLAGS.has(flag) && locationGiven) || (allowed && !allowed.includes(value))) sources[flag] = 'default';
      else {
        const applied = PATH_FLAGS.has(flag) && typeof value === 'string' ? displayPath(value, cwd) : value;
        argv[flag] = applied;
        argv[camelCase(flag)] = applied;
        sources[flag] = from;
      }
    }
    const severities = (runsRules && config?.rules) || {};
    if (Object.keys(severities).length > 0) sources.rules = from;
    resolutions.set(argv, { resolved: { config, file: config ? from : undefined, sources, severities, searched: named !== undefined ? [] : searchDirectories(cwd) } });
  } catch (error) {
    resolutions.set(argv, { error });
  }
}

/**
 * Adds --config and --print-config, and the middleware that applies the configuration file.
 * `runsRules`: the command reports findings, so the file's rule severities apply to it.
 */
export function withConfigOptions<T>(yargs: Argv<T>, { runsRules }: { runsRules: boolean }) {
  return yargs
    .option('config', {
      type: 'string',
      describe: 'Configuration file; default: schema-gate.config.json, package.json "schemaGate" or pyproject.toml [tool.schema-gate], nearest from here up to the repository root',
      group: 'Configuration:',
    })
    .option('print-config', { type: 'boolean', default: false, describe: 'Print the resolved configuration (JSON: values and where each came from) and exit', group: 'Configuration:' })
    .middleware(((argv: Record<string, unknown>, parser: ParserView) => applyConfig(argv, parser ?? (yargs as unknown as ParserView), runsRules)) as never, true);
}

/** The configuration applied to a command's arguments; throws what finding or validating it threw. */
export function resolvedConfig(argv: object): ResolvedConfig {
  const resolution = resolutions.get(argv);
  if (!resolution) return { config: undefined, file: undefined, sources: {}, severities: {}, searched: [] };
  if ('error' in resolution) throw resolution.error;
  return resolution.resolved;
}

/**
 * The resolved configuration as one JSON document: the file, each configurable flag's value
 * (null when unset) and where it came from, and the severity overrides. `overrides` replaces values
 * the command works out itself (the format under GitHub Actions).
 */
export function formatResolvedConfig(argv: Record<string, unknown>, resolved: ResolvedConfig, overrides: Partial<Record<ConfigOptionKey, { value: unknown; source: ValueSource }>> = {}): string {
  const options: Record<string, unknown> = {};
  const sources: Record<string, ValueSource> = {};
  for (const flag of CONFIG_OPTION_KEYS) {
    const source = resolved.sources[flag];
    if (source === undefined) continue;
    const override = source === 'default' ? overrides[flag] : undefined;
    options[flag] = override ? override.value : (argv[flag] ?? null);
    sources[flag] = override ? override.source : source;
  }
  if (resolved.sources.rules !== undefined) sources['rules'] = resolved.sources.rules;
  return `${JSON.stringify({ file: resolved.file ?? null, options, rules: resolved.severities, sources }, null, 2)}\n`;
}
