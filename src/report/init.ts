import { Chalk } from 'chalk';
import type { InitResult } from '../init/init.js';
import { formatFindingLines } from './text.js';
import { plural } from '../plural.js';

/** Where the manifest came from, in a few words. */
function describeSource(result: InitResult): string {
  const source = result.source;
  if (source.kind === 'database') {
    return `from the database ${source.database.url}${source.pendingRevisions > 0 ? ` and ${plural(source.pendingRevisions, 'pending revision')}` : ''}`;
  }
  return `from ${plural(source.revisions, 'revision')} of ${result.history ? `${result.history.path}` : 'the history'}, simulated from ${source.baseline !== undefined ? `the baseline ${source.baseline}` : 'an empty database'}`;
}

/**
 * Renders what `init` did for a person: the file written and what it holds, the notes, what check
 * will report on the history, then each snippet under the file it belongs in.
 */
export function formatInitText(result: InitResult, options: { color: boolean }): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const enums = Object.keys(result.manifest.enums ?? {}).length;
  const tables = (result.manifest.tables ?? []).length;
  const lines: string[] = [
    chalk.bold(`${result.written ? 'wrote' : 'would write'} ${result.file}: ${plural(enums, 'enum')}, ${plural(tables, 'table')}, ${describeSource(result)}`),
  ];
  if (result.historyFound && result.history) lines.push(chalk.dim(`history: ${result.history.path} (found in the current directory)`));
  for (const note of result.notes) lines.push(chalk.dim(`note: ${note}`));
  if (result.findings.length > 0) {
    lines.push('', `schema-gate check will also report on this history (${plural(result.findings.length, 'finding')}):`);
    lines.push(...formatFindingLines(result.findings, chalk));
  }
  for (const snippet of result.snippets) {
    lines.push('', chalk.bold(snippet.purpose === 'deploy' ? 'Deploy' : 'Pull requests'), chalk.dim(`${snippet.description}:`), '');
    lines.push(...snippet.text.replace(/\n$/, '').split('\n').map((line) => `    ${line}`));
  }
  lines.push('', `Next: review ${result.file}, commit it, and update it in the same pull request as each migration.`);
  return `${lines.join('\n')}\n`;
}
