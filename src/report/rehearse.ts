/**
 * Reporters of `rehearse`: pure functions of its result. Text for people (a block per situation,
 * the tail of a failed command's stderr, drift findings as `check` prints them) and one JSON
 * document for machines, described by `schemas/rehearse.schema.json`.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { CommandRun, LiveCopyReport, RehearseResult, SituationResult } from '../deploy/rehearse.js';
import type { FingerprintDiff } from '../deploy/schema-copy.js';
import { VERSION } from '../version.js';
import { REPORT_FORMAT_VERSION } from './json.js';
import { formatFindingLines } from './text.js';
import { plural } from '../plural.js';

/** How many changed statements a text report shows per direction before it says "and N more". */
const SHOWN_CHANGES = 10;

const STATUS_SYMBOLS: Record<SituationResult['status'], string> = { passed: '✔', failed: '✖', skipped: '–' };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function indent(lines: readonly string[], by: string): string[] {
  return lines.map((line) => (line === '' ? '' : `${by}${line}`));
}

/** `exit 0 (1.2 s)`, or how the command ended otherwise. */
function runOutcome(run: CommandRun): string {
  if (run.startError !== null) return `could not start: ${run.startError}`;
  const exit = `exit ${run.exitCode ?? '?'}${run.signal ? ` (${run.signal})` : ''}`;
  return `${exit}${run.timedOut ? ', stopped at the timeout' : ''} (${seconds(run.durationMs)})`;
}

function runLines(run: CommandRun, chalk: ChalkInstance): string[] {
  const ok = run.exitCode === 0 && !run.timedOut && run.startError === null;
  const lines = [`${run.step}: ${ok ? chalk.green(runOutcome(run)) : chalk.red(runOutcome(run))}`];
  // Only a failure's output is worth the space; the JSON report keeps every run's.
  if (!ok && run.stderrTail.length > 0) {
    lines.push(chalk.dim(`  stderr (last ${plural(run.stderrTail.length, 'line')}):`));
    for (const line of run.stderrTail) lines.push(chalk.dim(`  | ${line}`));
  }
  return lines;
}

function changeLines(changes: FingerprintDiff, chalk: ChalkInstance): string[] {
  const lines: string[] = [];
  const show = (entries: readonly string[], sign: string, paint: (text: string) => string): void => {
    for (const entry of entries.slice(0, SHOWN_CHANGES)) lines.push(paint(`  ${sign} ${entry}`));
    if (entries.length > SHOWN_CHANGES) lines.push(chalk.dim(`  … and ${entries.length - SHOWN_CHANGES} more`));
  };
  show(changes.removed, '-', chalk.red);
  show(changes.added, '+', chalk.green);
  return lines;
}

function copyLines(copy: LiveCopyReport, chalk: ChalkInstance): string[] {
  const lines = [`copy: ${copy.applied} of ${plural(copy.statements, 'statement')} applied`];
  for (const failure of copy.failed) lines.push(chalk.yellow(`  not copied: ${failure.object}: ${failure.reason}`));
  if (copy.differences.removed.length > 0 || copy.differences.added.length > 0) {
    lines.push(chalk.dim('  the copy differs from the live schema:'), ...changeLines({ removed: copy.differences.removed, added: copy.differences.added }, chalk).map((line) => `  ${line}`));
  }
  for (const item of copy.notCopied) lines.push(chalk.dim(`  never copied: ${item}`));
  return lines;
}

function situationLines(situation: SituationResult, chalk: ChalkInstance): string[] {
  const symbol = STATUS_SYMBOLS[situation.status];
  const paint = situation.status === 'passed' ? chalk.green : situation.status === 'failed' ? chalk.red : chalk.dim;
  if (situation.status === 'skipped') {
    return [paint(`${symbol} ${situation.name}: skipped: ${situation.notes.join('; ')}`)];
  }
  const lines = [`${paint(`${symbol} ${situation.name}`)}: ${situation.description}${situation.database ? chalk.dim(` (${situation.database})`) : ''}`];
  const body: string[] = [];
  if (situation.copy) body.push(...copyLines(situation.copy, chalk));
  for (const run of situation.runs) body.push(...runLines(run, chalk));
  for (const problem of situation.problems) body.push(chalk.red(`✖ ${problem}`));
  if (situation.schemaChanges && (situation.schemaChanges.added.length > 0 || situation.schemaChanges.removed.length > 0)) {
    body.push(chalk.dim('schema changes (- before, + after):'), ...changeLines(situation.schemaChanges, chalk));
  }
  if (situation.drift) {
    const { errors, warnings } = situation.drift.summary;
    const verdict = errors === 0 && warnings === 0 ? 'matches the manifest' : `against the manifest: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
    body.push(`schema: ${verdict}`);
    body.push(...indent(formatFindingLines(situation.drift.findings, chalk).slice(1), '  '));
  }
  for (const note of situation.notes) body.push(chalk.dim(`note: ${note}`));
  lines.push(...indent(body, '    '));
  return lines;
}

function headerLines(result: RehearseResult, chalk: ChalkInstance): string[] {
  const scratch =
    result.scratch.kind === 'embedded'
      ? `embedded PostgreSQL ${result.scratch.serverVersion} (${result.scratch.binariesPackage ?? 'binaries'}), started for this rehearsal and removed after it`
      : `${result.scratch.url} (PostgreSQL ${result.scratch.serverVersion})`;
  const lines = [`upgrade:   ${result.upgradeCommand}`];
  if (result.downgradeCommand !== null) lines.push(`downgrade: ${result.downgradeCommand}`);
  lines.push(`cwd:       ${result.cwd}`, `manifest:  ${result.manifest.file}`, `scratch:   ${scratch}`);
  if (result.live) {
    const stamp = result.live.revisions === null ? 'no version table' : result.live.revisions.length > 0 ? `at ${result.live.revisions.join(', ')}` : 'version table empty';
    lines.push(`live:      ${result.live.url} (PostgreSQL ${result.live.serverVersion}; ${stamp}; read only)`);
  }
  return lines.map((line) => chalk.dim(line));
}

function verdictLine(result: RehearseResult, chalk: ChalkInstance): string {
  const { passed, failed, skipped } = result.summary;
  const skippedText = skipped > 0 ? `, ${skipped} skipped` : '';
  if (result.interrupted) return chalk.red(`✖ interrupted after ${plural(passed + failed + skipped, 'situation')}: the running command was stopped and the scratch databases dropped`);
  if (failed > 0) {
    const names = result.situations.filter((situation) => situation.status === 'failed').map((situation) => situation.name);
    return chalk.red(`✖ ${failed} of ${plural(passed + failed, 'situation')} failed (${names.join(', ')})${skippedText}: the upgrade is not safe to deploy`);
  }
  return chalk.green(`✔ ${plural(passed, 'situation')} passed${skippedText}: the upgrade rehearsed cleanly`);
}

/** Renders a rehearsal for a person at a terminal. Pure: same result, same text. */
export function formatRehearseText(result: RehearseResult, options: { readonly color: boolean }): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const lines = [chalk.bold('schema-gate rehearse'), ...headerLines(result, chalk)];
  for (const note of result.notes) lines.push(chalk.dim(`note: ${note}`));
  for (const situation of result.situations) lines.push('', ...situationLines(situation, chalk));
  lines.push('', verdictLine(result, chalk));
  return `${lines.join('\n')}\n`;
}

/** Renders a rehearsal as one JSON document, described by `schemas/rehearse.schema.json`. */
export function formatRehearseJson(result: RehearseResult): string {
  const document = {
    reportVersion: REPORT_FORMAT_VERSION,
    tool: { name: 'schema-gate', version: VERSION },
    ok: result.ok,
    interrupted: result.interrupted,
    upgradeCommand: result.upgradeCommand,
    downgradeCommand: result.downgradeCommand,
    cwd: result.cwd,
    manifest: result.manifest,
    scratch: result.scratch,
    live: result.live,
    summary: result.summary,
    situations: result.situations,
    notes: result.notes,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
