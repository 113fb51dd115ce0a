import { formatQualifiedName } from '../model/names.js';
import { quoteLiteral, sqlName } from '../model/sql-text.js';
import { defineRule } from './rule.js';

/** An enum the manifest lists is absent. */
export default defineRule({
  meta: {
    id: 'enum-missing',
    description: 'An enum type listed in the manifest does not exist.',
    defaultSeverity: 'error',
  },
  check: ({ diff, actualDescription }) =>
    diff.missingEnums.map((enumType) => {
      const name = formatQualifiedName(enumType);
      return {
        message: `enum ${name} is in the manifest but not in ${actualDescription}`,
        object: name,
        hint: `create it in a migration (op.execute("CREATE TYPE ${sqlName(enumType)} AS ENUM (${enumType.labels.map(quoteLiteral).join(', ')})")), or remove it from the manifest if it was dropped on purpose`,
        details: { expectedLabels: enumType.labels },
      };
    }),
});
