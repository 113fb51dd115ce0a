import { formatQualifiedName } from '../model/names.js';
import { defineRule } from './rule.js';

/** A table exists that the manifest does not list. */
export default defineRule({
  meta: {
    id: 'table-not-in-manifest',
    description: 'A table exists that the manifest does not list.',
    defaultSeverity: 'warning',
  },
  check: ({ diff, actualDescription }) =>
    diff.unexpectedTables.map((table) => {
      const name = formatQualifiedName(table);
      return {
        message: `table ${name} exists in ${actualDescription} but is not in the manifest`,
        object: name,
        hint: `add ${JSON.stringify(name)} to the manifest's "tables" if the team expects it`,
      };
    }),
});
