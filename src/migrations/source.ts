/**
 * What the rest of schema-gate knows about a migration tool: its scripts, their revision graph and
 * (in a later stage) the effects of each script. Alembic is the first implementation
 * (`alembic/scan.ts`); plain-SQL tools can follow without touching the rules.
 */
import type { RevisionGraph } from './graph.js';

/** A place in a source file. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based; absent when the problem concerns the whole file. */
  readonly line?: number;
}

/**
 * A span of a source file. Lines are 1-based; offsets are 0-based indexes into the file's text
 * (JavaScript string indexes), end exclusive.
 */
export interface SourceRange {
  readonly startLine: number;
  readonly endLine: number;
  readonly startOffset: number;
  readonly endOffset: number;
}

/** Where a script's upgrade step is: the `def` line and the range of its body's statements. */
export interface UpgradeBody extends SourceRange {
  /** The line of `def upgrade` (of its first decorator, if any). */
  readonly definitionLine: number;
  readonly definitionOffset: number;
}

/** One migration script, as read from disk. */
export interface MigrationScript {
  /** The revision id it declares; absent when it cannot be determined statically. */
  readonly revision?: string;
  /** Absolute path. */
  readonly file: string;
  /** Path relative to the versions directory it was found in, with `/` separators. */
  readonly relativePath: string;
  /** The whole file, as read (for the effects analysis). */
  readonly text: string;
  /** The first line of its docstring; empty when there is none. */
  readonly message: string;
  /** The line that declares the revision id (1 when unknown). */
  readonly line: number;
}

/** The common shape of every problem the migrations layer reports: data, never prose. */
export interface MigrationProblem {
  /** Stable kebab-case kind; a later stage maps kinds to rules and fix hints. */
  readonly kind: string;
  /** The revisions concerned, possibly none. */
  readonly revisions: readonly string[];
  /** Each file (and line) concerned, possibly none (e.g. a row of the version table). */
  readonly locations: readonly SourceLocation[];
}

/**
 * A source of migrations. Implementations read everything once; the graph and the problems are
 * then plain data. Body locations are computed on demand because they need a full parse of each
 * file, which listing heads does not.
 */
export interface MigrationSource<Problem extends MigrationProblem = MigrationProblem> {
  /** The tool whose conventions the scripts follow, e.g. `alembic`. */
  readonly tool: string;
  /** Every script, in the order the tool loads them. */
  readonly scripts: readonly MigrationScript[];
  /** The revision graph over the scripts whose revision could be determined. */
  readonly graph: RevisionGraph;
  /** Problems reading the scripts, and problems of the graph itself. */
  readonly problems: readonly Problem[];
  /** The script that defines a revision; for a duplicate id, the one the tool uses. */
  scriptFor(revision: string): MigrationScript | undefined;
  /** Where the script's upgrade step is; undefined when it has none (or it cannot be found statically). */
  upgradeBody(script: MigrationScript): UpgradeBody | undefined;
}

/**
 * A `schema-gate:` directive in a comment of a migration script: `ignore <rule-id>[, …] -- reason`
 * silences findings at one line, `ignore-file <rule-id>[, …] -- reason` every finding of the file.
 */
export interface SuppressionComment {
  /** Absolute path (as the script's `file`). */
  readonly file: string;
  /** The comment's own line. */
  readonly line: number;
  readonly scope: 'line' | 'file';
  /**
   * For `line` scope: the line whose findings it silences — its own line when it follows code,
   * else the line below it.
   */
  readonly coveredLine: number;
  /** The rule ids it names, as written. */
  readonly rules: readonly string[];
  /** The text after `--`; absent when there is none (then it silences nothing). */
  readonly reason?: string;
  /** Why the directive cannot be read (an unknown word, no rule id); it then silences nothing. */
  readonly malformed?: string;
}
