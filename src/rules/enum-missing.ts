import { formatQualifiedName } from '../model/names.js';
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
        hint: `create it in a migration (op.execute("CREATE TYPE ${sqlName(enumType)} AS ENUM (${enumType.labels.map(sqlLiteral).join(', ')})")), or remove it from the manifest if it was dropped on purpose`,
        details: { expectedLabels: enumType.labels },
      };
    }),
});

/** Quotes a name for SQL the way SQLAlchemy does: only where folding would change it. */
export function sqlName(name: { schema: string; name: string }): string {
  const quote = (identifier: string): string => (/^[a-z_][a-z0-9_$]*$/.test(identifier) ? identifier : `"${identifier.replace(/"/g, '""')}"`);
  return name.schema === 'public' ? quote(name.name) : `${quote(name.schema)}.${quote(name.name)}`;
}

/** A SQL string literal. */
export function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
