import { formatQualifiedName } from '../model/names.js';
import { defineRule } from './rule.js';

/** A table the manifest lists is absent. */
export default defineRule({
  meta: {
    id: 'table-missing',
    description: 'A table listed in the manifest does not exist.',
    defaultSeverity: 'error',
  },
  check: ({ diff, actualDescription }) =>
    diff.missingTables.map((table) => {
      const name = formatQualifiedName(table);
      return {
        message: `table ${name} is in the manifest but not in ${actualDescription}`,
        object: name,
        hint: `create it in a migration (op.create_table(${JSON.stringify(table.name)}, ...${table.schema === 'public' ? '' : `, schema=${JSON.stringify(table.schema)}`})), or remove it from the manifest if it was dropped on purpose`,
      };
    }),
});
