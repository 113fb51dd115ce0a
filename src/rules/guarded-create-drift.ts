import { defineRule, eventsOf } from './rule.js';
import { describeGuard, describeOrigin, eventLocation, labelList, objectName } from './describe.js';

/** A guarded create skipped over an existing type whose labels differ: no error, silent drift. */
export default defineRule({
  meta: {
    id: 'guarded-create-drift',
    description: 'A guarded CREATE TYPE (IF NOT EXISTS, checkfirst, EXCEPTION WHEN duplicate_object) is skipped over an existing type whose labels differ: the schema drifts silently.',
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'guarded-create-skipped')
      .filter((event) => event.objectType === 'enum' && event.labelsDiffer && event.satisfiedBySchema === undefined && event.existingLabels !== undefined)
      .map((event) => ({
        ...eventLocation(event),
        message: `revision ${event.revision} creates type ${objectName(event.object)} ${labelList(event.labels ?? [])} behind ${describeGuard(event.guard)}, but the type is ${describeOrigin(event.existing)} with ${labelList(event.existingLabels ?? [])}: the guard compares names only, so the create is skipped and the labels silently stay different`,
        hint: (event.labels ?? []).every((label) => (event.existingLabels ?? []).includes(label))
          ? `the existing type has these labels in another order (or more of them), which ADD VALUE cannot change: recreate the type (create a new one, convert the columns, drop the old), or accept its labels in the manifest`
          : `add the missing labels with ALTER TYPE ${event.object?.name ?? ''} ADD VALUE IF NOT EXISTS '…' in a migration of its own (inside op.get_context().autocommit_block() if a later statement uses them), or recreate the type`,
        details: { existingLabels: event.existingLabels, labels: event.labels },
      })),
});
