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
  check: ({ appliedHistory, appliedHistoryUnread: unread }) => {
    if (!appliedHistory) return [];
    const objects = (kind: string, names: readonly { schema: string; name: string }[], what: string, hint = HINT) =>
      names.map((name) => ({ object: formatQualifiedName(name), message: `${kind} ${formatQualifiedName(name)} ${what}`, hint }));
    // An object the history does not create may come from a statement schema-gate could not read: say so.
    const noCreator = unread
      ? `is in the database, but no applied revision that schema-gate could read creates it; ${unread.count === 1 ? 'one statement' : `${unread.count} statements`} of the applied revisions could not be analysed (the first at ${unread.file}:${unread.line}) and may have created it`
      : 'is in the database, but no applied revision creates it';
    const noCreatorHint = unread ? `if none of those statements creates it, ${HINT}` : HINT;
    return [
      ...objects('enum', appliedHistory.missingEnums, 'is created by the applied revisions, but the database does not have it'),
      ...objects('enum', appliedHistory.unexpectedEnums, noCreator, noCreatorHint),
      ...objects('table', appliedHistory.missingTables, 'is created by the applied revisions, but the database does not have it'),
      ...objects('table', appliedHistory.unexpectedTables, noCreator, noCreatorHint),
      ...appliedHistory.enumLabelDiffs.map((diff) => ({
        object: formatQualifiedName(diff.enumType),
        message: `enum ${formatQualifiedName(diff.enumType)} has labels (${diff.actual.join(', ')}) in the database, but the applied revisions create (${diff.expected.join(', ')})`,
        hint: HINT,
        details: { implied: diff.expected, live: diff.actual },
      })),
    ];
  },
});
