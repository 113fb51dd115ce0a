import type { CheckResult } from '../check.js';
import { FORMATS, type Format, type RenderedReport, type ReportOptions, type RuleDoc, type SourceRoot } from './formats.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

/** Renders a result in a format: what goes to stdout, and the job summary of the formats that have one. */
export function renderResult(result: CheckResult, format: Format, options: ReportOptions): RenderedReport {
  const sourceRoot = options.sourceRoot ? { sourceRoot: options.sourceRoot } : {};
  switch (format) {
    case 'text':
      return { stdout: formatText(result, options) };
    case 'json':
      return { stdout: formatJson(result) };
    case 'github':
      return formatGithub(result, sourceRoot);
    case 'markdown':
      return { stdout: formatMarkdown(result, sourceRoot) };
    case 'sarif':
      return { stdout: formatSarif(result, { ...sourceRoot, ...(options.ruleDocs ? { ruleDocs: options.ruleDocs } : {}) }) };
  }
}

/** Renders a result in a format: the text for stdout. */
export function formatResult(result: CheckResult, format: Format, options: ReportOptions): string {
  return renderResult(result, format, options).stdout;
}

export { FORMATS, formatGithub, formatJson, formatMarkdown, formatSarif, formatText };
export type { Format, RenderedReport, ReportOptions, RuleDoc, SourceRoot };
