import type { CheckResult } from '../check.js';
import type { Severity } from '../rules/index.js';
import type { RenderedReport, SourceRoot } from './formats.js';
import { filterSentences } from './filters.js';
import { formatMarkdown } from './markdown.js';
import { pathFromRoot } from './paths.js';

/** GitHub's workflow commands for each severity: errors and warnings annotate, infos are notices. */
const COMMANDS: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** A command's message: a newline would end the command, and `%` starts an escape. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: besides the message's escapes, `,` separates properties and `:` ends them. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** How the GitHub report is rendered. */
export interface GithubOptions {
  /** Annotations name files from the repository root, which GitHub requires; default: paths as they are. */
  readonly sourceRoot?: SourceRoot;
}

/**
 * Renders a check result as GitHub Actions workflow commands, one annotation per finding
 * (`::error file=…,line=…,title=<rule>::<message> — fix: <hint>`), followed by the verdict; and a
 * Markdown summary for the job page, which the CLI appends to $GITHUB_STEP_SUMMARY. Pure.
 */
export function formatGithub(result: CheckResult, options: GithubOptions = {}): RenderedReport {
  const lines: string[] = [];
  for (const finding of result.findings) {
    const properties: string[] = [];
    if (finding.file) {
      properties.push(`file=${escapeProperty(pathFromRoot(finding.file, options.sourceRoot))}`);
      if (finding.line !== undefined) properties.push(`line=${finding.line}`);
    }
    properties.push(`title=${escapeProperty(finding.rule)}`);
    // Without a file the annotation has no place in the diff, so its message names the object.
    const subject = !finding.file && finding.object ? `${finding.object}: ` : '';
    lines.push(`::${COMMANDS[finding.severity]} ${properties.join(',')}::${escapeData(`${subject}${finding.message} — fix: ${finding.hint}`)}`);
  }
  const counts = `${result.summary.errors} error${result.summary.errors === 1 ? '' : 's'}, ${result.summary.warnings} warning${result.summary.warnings === 1 ? '' : 's'}`;
  const filtered = filterSentences(result).map((sentence) => ` (${sentence})`).join('');
  lines.push(`schema-gate check (${result.mode}): ${counts}: ${result.ok ? 'safe to migrate' : 'not safe to migrate'}${filtered}`);
  return { stdout: `${lines.join('\n')}\n`, summary: formatMarkdown(result, { ...(options.sourceRoot ? { sourceRoot: options.sourceRoot } : {}), linkRules: false }) };
}
