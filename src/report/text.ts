import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckResult } from '../check.js';
import type { Finding, Severity } from '../rules/index.js';

/** How the text report is rendered. */
export interface TextOptions {
  /** ANSI colour; the CLI turns it on only for a TTY and respects NO_COLOR / FORCE_COLOR. */
  readonly color: boolean;
}

const SYMBOLS: Record<Severity, string> = { error: '✖', warning: '⚠', info: 'ℹ' };

function paint(chalk: ChalkInstance, severity: Severity, text: string): string {
  if (severity === 'error') return chalk.red(text);
  if (severity === 'warning') return chalk.yellow(text);
  return chalk.blue(text);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
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

/** Renders a check result for a person at a terminal. Pure: same result, same text. */
export function formatText(result: CheckResult, options: TextOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [chalk.bold(`schema-gate check (${result.mode})`), ...header(result).map((line) => chalk.dim(line))];
  for (const note of result.notes) lines.push(chalk.dim(`note: ${note}`));

  const groups = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const group = groupOf(finding);
    groups.set(group, [...(groups.get(group) ?? []), finding]);
  }
  for (const [group, findings] of groups) {
    lines.push('', chalk.bold(group));
    for (const finding of findings) {
      const where = finding.file ? `${finding.file}${finding.line !== undefined ? `:${finding.line}` : ''}: ` : '';
      lines.push(`  ${paint(chalk, finding.severity, `${SYMBOLS[finding.severity]} ${finding.severity}`)} ${where}${finding.message}  ${chalk.dim(finding.rule)}`);
      lines.push(`    ${chalk.dim('fix:')} ${finding.hint}`);
    }
  }

  const { errors, warnings } = result.summary;
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  lines.push('');
  if (result.ok) {
    lines.push(chalk.green(`✔ ${counts}: safe to migrate`));
  } else {
    const why = errors === 0 && result.strict ? ' (--strict: warnings fail)' : '';
    lines.push(chalk.red(`✖ ${counts}${why}: not safe to migrate`));
  }
  return `${lines.join('\n')}\n`;
}
