import { formatQualifiedName } from '../model/names.js';
import { defineRule } from './rule.js';

const HINT =
  'someone changed the database by hand, or alembic_version was stamped over revisions that never ran: compare alembic history with the database, and write a migration that makes them agree';

/** The live schema is not what the applied revisions create. */
export default defineRule({
  meta: {
    id: 'schema-differs-from-history',
    description: 'The live schema differs from what the revisions stamped as applied would have created (--verify-applied).',
    defaultSeverity: 'warning',
  },
  check: ({ appliedHistory }) => {
    if (!appliedHistory) return [];
    const objects = (kind: string, names: readonly { schema: string; name: string }[], what: string) =>
      names.map((name) => ({ object: formatQualifiedName(name), message: `${kind} ${formatQualifiedName(name)} ${what}`, hint: HINT }));
    return [
      ...objects('enum', appliedHistory.missingEnums, 'is created by the applied revisions, but the database does not have it'),
      ...objects('enum', appliedHistory.unexpectedEnums, 'is in the database, but no applied revision creates it'),
      ...objects('table', appliedHistory.missingTables, 'is created by the applied revisions, but the database does not have it'),
      ...objects('table', appliedHistory.unexpectedTables, 'is in the database, but no applied revision creates it'),
      ...appliedHistory.enumLabelDiffs.map((diff) => ({
        object: formatQualifiedName(diff.enumType),
        message: `enum ${formatQualifiedName(diff.enumType)} has labels (${diff.actual.join(', ')}) in the database, but the applied revisions create (${diff.expected.join(', ')})`,
        hint: HINT,
        details: { implied: diff.expected, live: diff.actual },
      })),
    ];
  },
});
