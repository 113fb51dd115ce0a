import type { Guard } from '../model/effect.js';
import { formatQualifiedName, type QualifiedName } from '../model/names.js';
import type { Origin, SimulationEvent } from '../simulate/simulate.js';

/** Where a simulation event points: the migration file and line, and the object. */
export function eventLocation(event: SimulationEvent): { file: string; line: number; object?: string; severity?: 'warning'; details?: Record<string, unknown> } {
  return {
    file: event.file,
    line: event.line,
    ...(event.object ? { object: formatQualifiedName(event.object) } : {}),
    // Under a condition schema-gate cannot evaluate, a failure is possible, not certain.
    ...(event.conditional ? { severity: 'warning' as const, details: { runsOnlyIf: event.conditional.expression, conditionLine: event.conditional.line } } : {}),
  };
}

/** "in the database" or "by revision a1 (versions/a1.py:12)". */
export function describeOrigin(origin: Origin): string {
  return origin.kind === 'database' ? 'already in the database' : `created earlier in this run by revision ${origin.revision} (${origin.file}:${origin.line})`;
}

/** A guard in the user's words. */
export function describeGuard(guard: Guard): string {
  switch (guard.kind) {
    case 'none':
      return 'no guard';
    case 'if-exists-clause':
      return 'IF NOT EXISTS';
    case 'checkfirst':
      return 'checkfirst=True';
    case 'exception-handler':
      return `EXCEPTION WHEN ${guard.conditions.join(' OR ')}`;
    case 'existence-check':
      return `an existence check (${guard.source === 'catalog-query' ? 'a catalog query read in Python' : guard.source}${guard.schemaAware ? '' : ', in any schema'})`;
  }
}

/** A label list for messages. */
export function labelList(labels: readonly string[]): string {
  return `(${labels.map((label) => `'${label}'`).join(', ')})`;
}

/** `schema.name` as the manifest writes it. */
export function objectName(name: QualifiedName | undefined): string {
  return name ? formatQualifiedName(name) : '(unknown)';
}
