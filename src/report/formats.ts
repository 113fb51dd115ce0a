/**
 * The output formats of `check` and `run`, and what their reporters need besides the result. Kept
 * apart from the reporters so that the CLI can offer the choices in --help without loading them.
 */

/** Every format of a check report, the first being the default outside GitHub Actions. */
export const FORMATS = ['text', 'json', 'github', 'markdown', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** Where the paths of findings start, so that a report can name files from the repository root. */
export interface SourceRoot {
  /** Absolute path of the repository root: the git top-level of the working directory, else the working directory. */
  readonly root: string;
  /** Absolute path of the directory that the findings' relative paths start from. */
  readonly cwd: string;
}

/** A rule's documentation page, for reports that carry it (SARIF). */
export interface RuleDoc {
  readonly id: string;
  /** The page's Markdown. */
  readonly markdown: string;
}

/** Everything a reporter may use besides the result; each reporter takes only what it needs. */
export interface ReportOptions {
  /** ANSI colour in the text report. */
  readonly color: boolean;
  /** The text report lists only what fails the check, then the verdict (see TextOptions). */
  readonly quiet?: boolean;
  /** Default: findings' paths are taken as they are. */
  readonly sourceRoot?: SourceRoot;
  /** The documentation pages of the rules; a rule without one is described by its meta alone. */
  readonly ruleDocs?: readonly RuleDoc[];
}

/** A rendered report: what goes to stdout, and a Markdown summary for the CI's job page when the format has one. */
export interface RenderedReport {
  readonly stdout: string;
  readonly summary?: string;
}
