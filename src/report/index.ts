import type { CheckResult } from '../check.js';
import { formatJson } from './json.js';
import { formatText } from './text.js';

/** The output formats of `check`. */
export const FORMATS = ['text', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** Renders a result in a format. */
export function formatResult(result: CheckResult, format: Format, options: { color: boolean }): string {
  return format === 'json' ? formatJson(result) : formatText(result, options);
}

export { formatJson, formatText };
