import { defineRule, eventsOf } from './rule.js';
import { describeGuard, eventLocation, objectName } from './describe.js';

/** A `pg_type WHERE typname = 'x'` guard is satisfied by a type of that name in another schema. */
export default defineRule({
  meta: {
    id: 'guard-ignores-schema',
    description: "An existence check that ignores the schema (pg_type WHERE typname = 'x') finds a same-named type in another schema and skips the create.",
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'guarded-create-skipped')
      .filter((event) => event.satisfiedBySchema !== undefined)
      .map((event) => ({
        ...eventLocation(event),
        message: `revision ${event.revision} creates type ${objectName(event.object)} behind ${describeGuard(event.guard)}, which also matches a type of that name in schema ${event.satisfiedBySchema}: the create is skipped and ${objectName(event.object)} is never created`,
        hint:
          event.guard.kind === 'existence-check' && event.guard.source === 'catalog-query'
            ? `the query ignores the schema: add AND typnamespace = '${event.object?.schema ?? 'public'}'::regnamespace to it, or test with bind.dialect.has_type(bind, '${event.object?.name ?? ''}', schema='${event.object?.schema ?? 'public'}')`
            : `the guard ignores the schema: test typnamespace too, e.g. IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = '${event.object?.name ?? ''}' AND typnamespace = '${event.object?.schema ?? 'public'}'::regnamespace)`,
      })),
});
