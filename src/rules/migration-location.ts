import type { SourceLocation } from '../migrations/source.js';

/** The first location of a migration problem, as finding fields. */
export function firstLocation(locations: readonly SourceLocation[]): { file?: string; line?: number } {
  const first = locations[0];
  if (!first) return {};
  return { file: first.file, ...(first.line !== undefined ? { line: first.line } : {}) };
}

/** `a, b and c`. */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
