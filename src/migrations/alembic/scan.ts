/**
 * Finds and reads the revision scripts of Alembic version directories, and puts them behind the
 * MigrationSource interface. Files are picked as Alembic picks them: names ending in `.py`,
 * except `__init__*` and editor lock files (`.#*`); subdirectories only with
 * `recursive_version_locations`.
 */
import { opendirSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { buildRevisionGraph, isFatalHistoryProblem, type HistoryProblem } from '../graph.js';
import type { MigrationProblem, MigrationScript, MigrationSource, UpgradeBody } from '../source.js';
import type { AlembicConfig } from './ini.js';
import {
  isFatalFileProblem,
  locateUpgradeBody,
  parseWholeRevisionFile,
  toRevisionDeclaration,
  type ParsedRevisionFile,
  type RevisionFileProblem,
  type WholeRevisionFile,
} from './parse-revision.js';
import type { UpgradeAnalysis } from './upgrade-effects.js';

/**
 * The order files are loaded in. It decides which of two scripts with one id wins and the order of
 * several heads. Alembic 1.10 and later sort names within each directory (`sorted`); older versions
 * take the directory's own order (`filesystem`, as `ls -f` shows it).
 */
export type LoadOrder = 'sorted' | 'filesystem';

/** What to scan. */
export interface ScanOptions {
  /** Directories, in order (Alembic's `version_locations`, or `<script_location>/versions`). */
  readonly versionLocations: readonly string[];
  /** `recursive_version_locations`: scan subdirectories too (top-down, sorted). */
  readonly recursive?: boolean;
  /** `sourceless`: compiled files without their source count as scripts (and cannot be read here). */
  readonly sourceless?: boolean;
  /** Default `sorted`. */
  readonly order?: LoadOrder;
  /**
   * Reads each script's `upgrade()` from the one parse of its file, while its syntax tree is at
   * hand, and keeps the result on the script (`upgrade`). For when every revision is about to be
   * analysed (offline): each file is then parsed once, and its tree dropped at once.
   */
  readonly analyzeUpgrade?: (text: string, file: string, tree: WholeRevisionFile['tree']) => UpgradeAnalysis;
}

/** A problem finding or reading files. */
export type ScanProblem = MigrationProblem & {
  /**
   * `missing-versions-directory`: a version location does not exist (Alembic skips it).
   * `unreadable-file`: a script could not be read.
   * `bytecode-only-script`: with `sourceless`, a compiled script without source; it cannot be analysed.
   */
  readonly kind: 'missing-versions-directory' | 'unreadable-file' | 'bytecode-only-script';
  readonly reason?: string;
};

/** Every problem an Alembic source reports. */
export type AlembicProblem = ScanProblem | RevisionFileProblem | HistoryProblem;

/**
 * Whether Alembic fails on every command because of this problem, whatever the database holds
 * (as opposed to problems that only some upgrades meet, or that only limit this analysis).
 */
export function isFatalSourceProblem(problem: AlembicProblem): boolean {
  switch (problem.kind) {
    case 'unreadable-file':
      return true;
    case 'missing-versions-directory':
    case 'bytecode-only-script':
      return false;
    case 'syntax-error':
    case 'unresolvable-value':
    case 'invalid-value':
    case 'missing-revision-variable':
    case 'missing-down-revision':
      return isFatalFileProblem(problem);
    default:
      return isFatalHistoryProblem(problem);
  }
}

/** One script found and parsed. */
export interface ScannedScript extends ParsedRevisionFile, MigrationScript {
  /** The version location it was found under. */
  readonly versionLocation: string;
  /** Its `upgrade()`, when the scan was asked to read it (`ScanOptions.analyzeUpgrade`). */
  readonly upgrade?: UpgradeAnalysis;
}

/** What scanning found. */
export interface ScanResult {
  /** In load order. */
  readonly scripts: readonly ScannedScript[];
  readonly problems: readonly (ScanProblem | RevisionFileProblem)[];
}

/** Whether Alembic would load a file of this name as a script (`sourceless` adds compiled files). */
function isScriptName(name: string, sourceless: boolean): boolean {
  if (name.startsWith('__init__') || name.startsWith('.#')) return false;
  return name.endsWith('.py') || (sourceless && (name.endsWith('.pyc') || name.endsWith('.pyo')));
}

function listDirectory(directory: string, order: LoadOrder): Dirent[] {
  if (order === 'sorted') {
    return readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  // opendir reads entries in the directory's own order, as Python's os.listdir does.
  const handle = opendirSync(directory);
  const entries: Dirent[] = [];
  try {
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) entries.push(entry);
  } finally {
    handle.closeSync();
  }
  return entries;
}

function isDirectory(path: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string, entry: Dirent): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A script file: where it was found, its path with symbolic links resolved, and its path relative to the version location. */
interface ScriptPath {
  readonly path: string;
  readonly realPath: string;
  /** With `/` separators. */
  readonly relativePath: string;
}

function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The script files under one location, in load order: its own files, then each subdirectory's. */
function scriptPaths(location: string, options: ScanOptions): ScriptPath[] {
  const order = options.order ?? 'sorted';
  const paths: ScriptPath[] = [];
  // Relative paths are built while descending, rather than with path.relative per file.
  const visit = (directory: string, relativeDirectory: string): void => {
    // One realpath per directory: a plain file's real path follows from its directory's.
    const realDirectory = realPathOf(directory);
    const subdirectories: string[] = [];
    for (const entry of listDirectory(directory, order)) {
      const path = join(directory, entry.name);
      if (isFile(path, entry)) {
        if (isScriptName(entry.name, options.sourceless ?? false)) {
          paths.push({ path, realPath: entry.isSymbolicLink() ? realPathOf(path) : join(realDirectory, entry.name), relativePath: relativeDirectory + entry.name });
        }
      } else if (options.recursive && isDirectory(path, entry) && !entry.name.endsWith('__pycache__')) {
        subdirectories.push(entry.name);
      }
    }
    for (const name of subdirectories) visit(join(directory, name), `${relativeDirectory}${name}/`);
  };
  visit(location, '');
  return paths;
}

function locationExists(location: string): boolean {
  try {
    return statSync(location).isDirectory();
  } catch {
    return false;
  }
}

function fileExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** One options object for every read: a string argument is turned into a new one on each call. */
const UTF8 = { encoding: 'utf8' } as const;

/** Lists, reads and parses the scripts of the version locations. Problems are collected, not thrown. */
export function scanRevisionFiles(options: ScanOptions): ScanResult {
  const steps = scanning(options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `scanRevisionFiles`, giving the event loop a turn every `sliceMs` of parsing: what else the
 * process waits for meanwhile (a database connection, a catalog query) makes progress.
 */
export async function scanRevisionFilesInTurns(options: ScanOptions, sliceMs = DEFAULT_SLICE_MS): Promise<ScanResult> {
  const steps = scanning(options);
  let sliceStarted = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStarted >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
}

/** How long parsing runs between two turns of the event loop. */
const DEFAULT_SLICE_MS = 10;

/** The scan, one file at a time: it pauses after each file it parsed. */
function* scanning(options: ScanOptions): Generator<void, ScanResult, void> {
  const scripts: ScannedScript[] = [];
  const problems: (ScanProblem | RevisionFileProblem)[] = [];
  // Alembic loads a file reached twice (overlapping locations, symlinks) only once.
  const seen = new Set<string>();
  for (const location of options.versionLocations) {
    if (!locationExists(location)) {
      problems.push({ kind: 'missing-versions-directory', revisions: [], locations: [{ file: location }] });
      continue;
    }
    for (const { path, realPath, relativePath } of scriptPaths(location, options)) {
      if (seen.has(realPath)) continue;
      seen.add(realPath);
      if (!path.endsWith('.py')) {
        // A compiled file counts only when its source is absent.
        const source = path.slice(0, path.lastIndexOf('.')) + '.py';
        if (!fileExists(source)) {
          problems.push({ kind: 'bytecode-only-script', revisions: [], locations: [{ file: path }] });
        }
        continue;
      }
      let text: string;
      try {
        text = readFileSync(path, UTF8);
      } catch (error) {
        problems.push({ kind: 'unreadable-file', revisions: [], locations: [{ file: path }], reason: (error as NodeJS.ErrnoException).code ?? String(error) });
        continue;
      }
      // Python reads a UTF-8 byte order mark as part of the encoding, not of the source.
      if (text.startsWith('\uFEFF')) text = text.slice(1);
      // Parsed whole, never just the header: Alembic imports every file of the history, so a
      // syntax error anywhere in any of them (downgrade() of an applied revision included) stops
      // every command. The tree is dropped at once.
      const whole = parseWholeRevisionFile(text, path);
      const parsed: ParsedRevisionFile = whole.parsed;
      const upgrade = options.analyzeUpgrade?.(text, path, whole.tree);
      problems.push(...parsed.problems);
      scripts.push(
        Object.freeze({
          ...parsed,
          relativePath,
          text,
          line: parsed.lines.revision ?? 1,
          versionLocation: location,
          ...(upgrade ? { upgrade } : {}),
        }),
      );
      yield;
    }
  }
  return { scripts, problems };
}

/** The scan options an Alembic configuration implies. */
export function scanOptionsFromConfig(config: AlembicConfig, order: LoadOrder = 'sorted'): ScanOptions {
  return {
    versionLocations: config.versionLocations,
    recursive: config.recursiveVersionLocations,
    sourceless: config.sourceless,
    order,
  };
}

/** An Alembic history read from disk, behind the MigrationSource interface. */
export type AlembicSource = Omit<MigrationSource<AlembicProblem>, 'scriptFor'> & {
  readonly scripts: readonly ScannedScript[];
  scriptFor(revision: string): ScannedScript | undefined;
  /**
   * Revision scripts left out of the graph because their id or parents could not be determined
   * statically (their own problems say why). While there are any, the graph is incomplete.
   */
  readonly unreadableScripts: readonly ScannedScript[];
};

/**
 * Scans the version locations and builds the revision graph. A script whose id or parents cannot
 * be determined stays out of the graph, and the graph problems that its absence alone would cause
 * are left out: a parent "missing" because its script could not be read, and several heads (any
 * head could be that script's parent). A module without `revision` is not such a script: Alembic
 * refuses it, and it names no revision.
 */
export function openAlembicSource(options: ScanOptions): AlembicSource {
  return sourceOfScan(scanRevisionFiles(options));
}

/** `openAlembicSource`, parsing in turns with the event loop (see `scanRevisionFilesInTurns`). */
export async function openAlembicSourceInTurns(options: ScanOptions): Promise<AlembicSource> {
  return sourceOfScan(await scanRevisionFilesInTurns(options));
}

function sourceOfScan(scan: ScanResult): AlembicSource {
  const declarations = scan.scripts.map(toRevisionDeclaration);
  const graph = buildRevisionGraph(declarations.filter((declaration) => declaration !== undefined));
  const unreadableScripts = scan.scripts.filter(
    (script, index) => declarations[index] === undefined && !script.problems.some((problem) => problem.kind === 'missing-revision-variable'),
  );
  const unreadableIds = new Set(unreadableScripts.map((script) => script.revision).filter((id) => id !== undefined));
  const someIdUnknown = unreadableScripts.some((script) => script.revision === undefined);
  const causedByUnreadable = (problem: HistoryProblem): boolean =>
    (problem.kind === 'missing-revision' && (someIdUnknown || unreadableIds.has(problem.missing))) || (problem.kind === 'multiple-heads' && unreadableScripts.length > 0);

  const scriptsByFile = new Map(scan.scripts.map((script) => [script.file, script]));
  const bodies = new Map<MigrationScript, UpgradeBody | undefined>();
  return Object.freeze({
    tool: 'alembic',
    scripts: Object.freeze(scan.scripts),
    unreadableScripts: Object.freeze(unreadableScripts),
    graph,
    problems: Object.freeze([...scan.problems, ...graph.problems.filter((problem) => !causedByUnreadable(problem))]),
    scriptFor(revision: string): ScannedScript | undefined {
      const file = graph.revisions.get(revision)?.file;
      return file === undefined ? undefined : scriptsByFile.get(file);
    },
    upgradeBody(script: MigrationScript): UpgradeBody | undefined {
      if (!bodies.has(script)) bodies.set(script, locateUpgradeBody(script.text));
      return bodies.get(script);
    },
  });
}
