import type { CheckResult } from '../check.js';
import type { Finding, Severity } from '../rules/index.js';
import { ruleDocPath } from '../rules/rule.js';
import type { SourceRoot } from './formats.js';
import { filterSentences } from './filters.js';
import { pathFromRoot } from './paths.js';
import { plural } from '../plural.js';

/** How the Markdown report is rendered. */
export interface MarkdownOptions {
  readonly sourceRoot?: SourceRoot;
  /**
   * Link each rule id to its page, `docs/rules/<id>.md`, relative to where the Markdown is read
   * (default true). A CI's job summary has no such base, so it names the rules without links.
   */
  readonly linkRules?: boolean;
}

const SEVERITY_LABELS: Record<Severity, string> = { error: '🔴 error', warning: '🟡 warning', info: 'ℹ️ info' };

/** Text for a table cell: a pipe would end the cell, a newline the row, and `<` could open an HTML tag. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, '<br>');
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function location(finding: Finding, sourceRoot: SourceRoot | undefined): string {
  const parts: string[] = [];
  if (finding.file) parts.push(code(`${pathFromRoot(finding.file, sourceRoot)}${finding.line !== undefined ? `:${finding.line}` : ''}`));
  if (finding.object) parts.push(code(finding.object));
  return parts.length > 0 ? parts.join('<br>') : '—';
}

/** The verdict as a heading: what a reviewer reads first. */
function heading(result: CheckResult): string {
  const counts = `${plural(result.summary.errors, 'error')}, ${plural(result.summary.warnings, 'warning')}`;
  if (result.ok) return `### ✅ schema-gate: safe to migrate (${counts})`;
  const why = result.summary.errors === 0 && result.strict ? ', --strict: warnings fail' : '';
  return `### ❌ schema-gate: not safe to migrate (${counts}${why})`;
}

/**
 * Renders a check result as Markdown for a pull-request comment or a job summary: the verdict as a
 * heading, then a table of the findings with their fixes. Pure: same result, same text.
 */
export function formatMarkdown(result: CheckResult, options: MarkdownOptions = {}): string {
  const linkRules = options.linkRules ?? true;
  const lines = [heading(result), ''];
  lines.push(`Checked ${result.mode}${result.database ? ` against \`${result.database.database}\` (PostgreSQL ${result.database.serverVersion})` : ''}, manifest ${code(result.manifest.file)}.`);
  const filtered = filterSentences(result);
  if (filtered.length > 0) lines.push('', `${filtered.map((sentence) => sentence.replace('# schema-gate: ignore', code('# schema-gate: ignore'))).join('; ')}.`);
  if (result.findings.length > 0) {
    lines.push('', '| severity | rule | location | message | fix |', '| --- | --- | --- | --- | --- |');
    for (const finding of result.findings) {
      const rule = linkRules ? `[${code(finding.rule)}](${ruleDocPath(finding.rule)})` : code(finding.rule);
      const severity = finding.demotedFrom ? `${SEVERITY_LABELS[finding.severity]} (${finding.demotedFrom}, unchanged file)` : SEVERITY_LABELS[finding.severity];
      lines.push(`| ${severity} | ${rule} | ${location(finding, options.sourceRoot)} | ${cell(finding.message)} | ${cell(finding.hint)} |`);
    }
    lines.push('', `Run \`schema-gate explain <rule>\` for what a rule catches and how to fix it.`);
  }
  if (result.notes.length > 0) {
    lines.push('', '<details><summary>Notes</summary>', '');
    for (const note of result.notes) lines.push(`- ${note}`);
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}
