import { defineRule, eventsOf } from './rule.js';
import { eventLocation } from './describe.js';

/** SQL that PostgreSQL's own parser rejects. */
export default defineRule({
  meta: {
    id: 'invalid-sql',
    description: "A pending migration runs SQL that PostgreSQL's parser rejects: the upgrade fails there.",
    defaultSeverity: 'error',
  },
  check: (context) =>
    eventsOf(context, 'invalid-sql').map((event) => ({
      ...eventLocation(event),
      message: `revision ${event.revision} runs SQL that PostgreSQL rejects: ${event.message}`,
      hint: 'fix the SQL; try it with psql against a scratch database',
    })),
});
