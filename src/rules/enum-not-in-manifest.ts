import { formatQualifiedName } from '../model/names.js';
import { defineRule } from './rule.js';

/** An enum exists that the manifest does not list. */
export default defineRule({
  meta: {
    id: 'enum-not-in-manifest',
    description: 'An enum type exists that the manifest does not list.',
    defaultSeverity: 'warning',
  },
  check: ({ diff, actualDescription }) =>
    diff.unexpectedEnums.map((enumType) => {
      const name = formatQualifiedName(enumType);
      return {
        message: `enum ${name} exists in ${actualDescription} but is not in the manifest`,
        object: name,
        hint: `add "${name}": ${JSON.stringify(enumType.labels)} to the manifest's "enums" if the team expects it, or drop the type if nothing uses it`,
        details: { actualLabels: enumType.labels },
      };
    }),
});
