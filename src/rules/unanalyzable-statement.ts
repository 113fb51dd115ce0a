import { defineRule, eventsOf } from './rule.js';
import { eventLocation } from './describe.js';

/** A statement the static analysis cannot understand: the verdict does not cover it. */
export default defineRule({
  meta: {
    id: 'unanalyzable-statement',
    description: 'A statement of a pending migration cannot be understood statically, so the verdict does not cover it.',
    defaultSeverity: 'warning',
  },
  check: (context) => {
    // A loop schema-gate unrolls repeats its notes: one finding per place and reason.
    const seen = new Set<string>();
    const events = eventsOf(context, 'unknown').filter((event) => {
      const key = `${event.file}\0${event.line}\0${event.reason}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    // A column type imported from the project raises the same doubt at every column: once per type.
    const byImportedType = new Map<string, typeof events>();
    for (const event of events) {
      const type = event.effect.kind === 'unknown' ? event.effect.importedType : undefined;
      if (type !== undefined) byImportedType.set(type, [...(byImportedType.get(type) ?? []), event]);
    }
    return events.flatMap((event) => {
      const type = event.effect.kind === 'unknown' ? event.effect.importedType : undefined;
      const sameType = type === undefined ? [] : byImportedType.get(type)!;
      if (sameType.length > 0 && sameType[0] !== event) return [];
      const others = sameType.slice(1);
      const revisions = new Set(others.map((other) => other.revision));
      const where = revisions.size === 1 && revisions.has(event.revision) ? 'of this revision' : `in ${revisions.size} revision${revisions.size === 1 ? '' : 's'}`;
      const more = others.length === 0 ? '' : ` (${others.length} more column${others.length === 1 ? '' : 's'} ${where} ${others.length === 1 ? 'has' : 'have'} that type too)`;
      return [
        {
          ...eventLocation(event),
          message: `revision ${event.revision}: ${event.reason}${more}; schema-gate cannot tell what it does to the schema`,
          hint:
            type === undefined
              ? 'write the statement with op.* operations or literal SQL so that it can be checked, or rehearse the upgrade on a copy of the database; --strict makes this an error'
              : `if \`${type}\` is not an Enum, nothing is missed: silence this with "# schema-gate: ignore unanalyzable-statement -- ${type.slice(type.lastIndexOf('.') + 1)} is not an enum"; if it is one, declare the column with sa.Enum or postgresql.ENUM in the migration so that its CREATE TYPE can be checked`,
        },
      ];
    });
  },
});
