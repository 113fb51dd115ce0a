import { firstLocation, listWords } from './migration-location.js';
import { defineRule, migrationProblemsOf } from './rule.js';

/** Several heads: `alembic upgrade head` refuses ("Multiple head revisions are present"). */
export default defineRule({
  meta: {
    id: 'multiple-heads',
    description: 'The revision graph has several heads, so `alembic upgrade head` refuses to run.',
    defaultSeverity: 'error',
    wholeHistory: true,
  },
  check: (context) =>
    migrationProblemsOf(context, 'multiple-heads').map(({ problem, refuses }) => {
      const where = problem.forkPoints.length > 0 ? `; the lines parted after ${listWords(problem.forkPoints)}` : '; they share no ancestor (independent histories in one directory)';
      const scope = problem.branch ? ` of branch ${problem.branch}` : '';
      return {
        ...firstLocation(problem.locations),
        ...(refuses ? {} : { severity: 'warning' as const }),
        message: `the history${scope} has ${problem.revisions.length} heads: ${listWords(problem.revisions)}${where}${refuses ? `: alembic upgrade ${context.migrations?.target ?? 'head'} fails with "Multiple head revisions are present"` : ''}`,
        hint: problem.headLabels
          ? `each head has a branch label of its own (${Object.entries(problem.headLabels)
              .map(([head, labels]) => `${head}: ${labels.join(', ')}`)
              .join('; ')}): deploy with "alembic upgrade heads", or one branch at a time with "alembic upgrade ${Object.values(problem.headLabels)[0]![0]}@head"${problem.forkPoints.length > 0 ? `; if they were not meant to part, merge them: alembic merge heads` : ''}`
          : problem.forkPoints.length > 0
            ? `merge them: alembic merge -m "merge heads" ${problem.revisions.join(' ')} (or alembic merge heads), and commit the merge revision`
            : `if the histories are meant to be separate, give each a branch label and upgrade with "alembic upgrade heads" or "<label>@head"; otherwise point one base's down_revision at the other history`,
        details: { heads: problem.revisions, forkPoints: problem.forkPoints },
      };
    }),
});
