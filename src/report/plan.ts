import { Chalk } from 'chalk';
import type { PlanResult } from '../plan.js';
import { VERSION } from '../version.js';
import { REPORT_FORMAT_VERSION } from './json.js';
import { formatFindingLines, summaryLine } from './text.js';

/** Renders a plan for a person: where the database is, the heads, the pending revisions in order. */
export function formatPlanText(result: PlanResult, options: { color: boolean }): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [chalk.bold(`schema-gate plan (${result.mode})`)];
  if (result.database) lines.push(chalk.dim(`database: ${result.database.url} (PostgreSQL ${result.database.serverVersion})`));
  lines.push(chalk.dim(`history: ${result.versionLocations.join(', ')}`));
  for (const note of result.notes) lines.push(chalk.dim(`note: ${note}`));
  lines.push('', `current: ${result.mode === 'offline' ? '(offline: an empty database)' : result.current.length > 0 ? result.current.join(', ') : '(none: a fresh database)'}`);
  lines.push(`heads:   ${result.heads.length > 0 ? result.heads.join(', ') : '(none)'}`);
  lines.push(`target:  ${result.target}`);
  lines.push('');
  if (result.pending.length === 0) {
    lines.push(result.ok ? 'pending: nothing, the database is at the target' : 'pending: alembic upgrade would refuse to run (see below)');
  } else {
    lines.push(`pending: ${result.pending.length} revision${result.pending.length === 1 ? '' : 's'}, in the order alembic upgrade ${result.target} applies them`);
    const width = String(result.pending.length).length;
    result.pending.forEach((revision, index) => {
      const merge = revision.isMerge ? chalk.dim(` (merges ${revision.downRevisions.join(', ')})`) : '';
      const labels = revision.branchLabels.length > 0 ? chalk.dim(` [${revision.branchLabels.join(', ')}]`) : '';
      lines.push(`  ${String(index + 1).padStart(width)}. ${chalk.bold(revision.revision)}${labels} ${revision.message}${merge}`);
      lines.push(`     ${' '.repeat(width)}${chalk.dim(`${revision.file}:${revision.line}`)}`);
      for (const effect of revision.effects ?? []) lines.push(`     ${' '.repeat(width)}  ${chalk.dim(`line ${effect.line}:`)} ${effect.description}`);
      if (revision.effects?.length === 0) lines.push(`     ${' '.repeat(width)}  ${chalk.dim('(no statement that changes enums or tables)')}`);
    });
  }
  lines.push(...formatFindingLines(result.findings, chalk));
  lines.push('', summaryLine(result.summary, result.ok, false, chalk, result.ok ? 'the upgrade can start' : 'alembic upgrade would fail'));
  return `${lines.join('\n')}\n`;
}

/** Renders a plan as one JSON document, described by `schemas/plan.schema.json`. */
export function formatPlanJson(result: PlanResult): string {
  const document = {
    reportVersion: REPORT_FORMAT_VERSION,
    tool: { name: 'schema-gate', version: VERSION },
    ok: result.ok,
    mode: result.mode,
    target: result.target,
    heads: result.heads,
    current: result.current,
    pending: result.pending,
    summary: result.summary,
    findings: result.findings,
    database: result.database,
    versionLocations: result.versionLocations,
    notes: result.notes,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
