import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckResult, FindingSummary } from '../check.js';
import type { Finding, Severity } from '../rules/index.js';
import { filterSentences } from './filters.js';
import { plural } from '../plural.js';

/** How the text report is rendered. */
export interface TextOptions {
  /** ANSI colour; the CLI turns it on only for a TTY and respects NO_COLOR / FORCE_COLOR. */
  readonly color: boolean;
  /**
   * Only what fails the check — the error findings, and the warnings under strict — and the verdict
   * line: no header, notes, other findings or pointer to explain. The verdict line still counts
   * every finding.
   */
  readonly quiet?: boolean;
}

const SYMBOLS: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };

function paint(chalk: ChalkInstance, severity: Severity, text: string): string {
  if (severity === 'error') return chalk.red(text);
  if (severity === 'warning') return chalk.yellow(text);
  return chalk.blue(text);
}

/** The heading under which a finding is grouped: its object, else its file, else "general". */
function groupOf(finding: Finding): string {
  if (finding.object) return finding.object;
  if (finding.file) return finding.file;
  return '(general)';
}

function header(result: CheckResult): string[] {
  const lines: string[] = [];
  if (result.database) {
    const stamp = result.database.versionTable
      ? result.database.versionTable.revisions.length > 0
        ? `${result.database.versionTable.name} at ${result.database.versionTable.revisions.join(', ')}`
        : `${result.database.versionTable.name} is empty`
      : 'no version table (fresh database)';
    lines.push(`database: ${result.database.url} (PostgreSQL ${result.database.serverVersion}; ${stamp})`);
  }
  lines.push(`manifest: ${result.manifest.file}`);
  return lines;
}

/** The findings grouped by object (else file), each with its rule id and a `fix:` line. */
export function formatFindingLines(findings: readonly Finding[], chalk: ChalkInstance): string[] {
  const lines: string[] = [];
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const group = groupOf(finding);
    groups.set(group, [...(groups.get(group) ?? []), finding]);
  }
  for (const [group, groupFindings] of groups) {
    lines.push('', chalk.bold(group));
    for (const finding of groupFindings) {
      // Under its own file's heading a finding needs only its line.
      const file = finding.file === group ? '' : (finding.file ?? '');
      const line = finding.line !== undefined ? `${file ? ':' : 'line '}${finding.line}` : '';
      const where = file || line ? `${file}${line}: ` : '';
      const demoted = finding.demotedFrom ? ` ${chalk.dim(`(${finding.demotedFrom} in an unchanged file)`)}` : '';
      lines.push(`  ${paint(chalk, finding.severity, `${SYMBOLS[finding.severity]} ${finding.severity}`)} ${where}${finding.message}${demoted}  ${chalk.dim(finding.rule)}`);
      lines.push(`    ${chalk.dim('fix:')} ${finding.hint}`);
    }
  }
  return lines;
}

/** The closing line: counts, and the verdict. */
export function summaryLine(summary: FindingSummary, ok: boolean, strict: boolean, chalk: ChalkInstance, verdict = ok ? 'safe to migrate' : 'not safe to migrate'): string {
  const counts = `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}`;
  if (ok) return chalk.green(`✔ ${counts}: ${verdict}`);
  const why = summary.errors === 0 && strict ? ' (--strict: warnings fail)' : '';
  return chalk.red(`✖ ${counts}${why}: ${verdict}`);
}

/** Renders a check result for a person at a terminal. Pure: same result, same text. */
export function formatText(result: CheckResult, options: TextOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  if (options.quiet) {
    const failing = result.findings.filter((finding) => finding.severity === 'error' || (result.strict && finding.severity === 'warning'));
    // formatFindingLines starts each group with an empty line; the quiet report has none at its top.
    return `${[...formatFindingLines(failing, chalk).slice(1), summaryLine(result.summary, result.ok, result.strict, chalk)].join('\n')}\n`;
  }
  const lines: string[] = [chalk.bold(`schema-gate check (${result.mode})`), ...header(result).map((line) => chalk.dim(line))];
  for (const note of result.notes) lines.push(chalk.dim(`note: ${note}`));
  lines.push(...formatFindingLines(result.findings, chalk));
  lines.push('', summaryLine(result.summary, result.ok, result.strict, chalk));
  for (const sentence of filterSentences(result)) lines.push(chalk.dim(sentence));
  if (result.findings.length > 0) lines.push(chalk.dim(explainLine(result.findings)));
  return `${lines.join('\n')}\n`;
}

/** Where to read more: the rule's id when every finding has the same one, else a placeholder. */
function explainLine(findings: readonly Finding[]): string {
  const rules = new Set(findings.map((finding) => finding.rule));
  const id = rules.size === 1 ? [...rules][0]! : '<id>';
  return `run schema-gate explain ${id} for details`;
}
