import type { EnumLabelDiff } from '../model/compare.js';
import { formatQualifiedName } from '../model/names.js';
import { quoteLiteral, sqlName } from '../model/sql-text.js';
import { defineRule } from './rule.js';

function list(labels: readonly string[]): string {
  return labels.map((label) => JSON.stringify(label)).join(', ');
}

/**
 * `ALTER TYPE … ADD VALUE` statements that put each missing label where the manifest has it. They
 * run in manifest order, so each label can follow the one before it, which exists by then.
 */
function addValueStatements(diff: EnumLabelDiff): string[] {
  return diff.missing.map((label) => {
    const index = diff.expected.indexOf(label);
    const previous = index > 0 ? diff.expected[index - 1] : undefined;
    const next = diff.expected.slice(index + 1).find((candidate) => diff.actual.includes(candidate));
    const position = previous !== undefined ? ` AFTER ${quoteLiteral(previous)}` : next !== undefined ? ` BEFORE ${quoteLiteral(next)}` : '';
    return `ALTER TYPE ${sqlName(diff.enumType)} ADD VALUE ${quoteLiteral(label)}${position}`;
  });
}

function describe(diff: EnumLabelDiff): string {
  const parts: string[] = [];
  if (diff.missing.length > 0) parts.push(`missing ${list(diff.missing)}`);
  if (diff.extra.length > 0) parts.push(`unexpected ${list(diff.extra)}`);
  if (diff.moved.length > 0) {
    const moves = diff.moved.map((move) => `${JSON.stringify(move.label)} is at position ${move.actualPosition}, expected ${move.expectedPosition}`);
    parts.push(`${diff.missing.length + diff.extra.length === 0 ? 'only the order differs: ' : 'order differs: '}${moves.join('; ')}`);
  }
  return parts.join('; ');
}

function hint(diff: EnumLabelDiff): string {
  const hints: string[] = [];
  if (diff.missing.length > 0) hints.push(`add the missing labels in a migration of their own: ${addValueStatements(diff).join('; ')}`);
  if (diff.extra.length > 0) hints.push('PostgreSQL cannot drop an enum label: add the extra labels to the manifest if they are meant, or recreate the type');
  if (diff.moved.length > 0) hints.push('the order of enum labels is fixed when they are added: fix the order in the manifest, or recreate the type with the intended order');
  return hints.join('; ');
}

/** An enum exists but its labels differ from the manifest: missing, extra or reordered. */
export default defineRule({
  meta: {
    id: 'enum-labels-differ',
    description: 'The labels of an enum type differ from the manifest (missing, extra, or in another order).',
    defaultSeverity: 'error',
  },
  check: ({ diff, actualDescription }) =>
    diff.enumLabelDiffs.map((labelDiff) => {
      const name = formatQualifiedName(labelDiff.enumType);
      return {
        message: `enum ${name} in ${actualDescription} has labels that differ from the manifest: ${describe(labelDiff)}`,
        object: name,
        hint: hint(labelDiff),
        details: {
          expected: labelDiff.expected,
          actual: labelDiff.actual,
          missing: labelDiff.missing,
          extra: labelDiff.extra,
          moved: labelDiff.moved,
        },
      };
    }),
});
