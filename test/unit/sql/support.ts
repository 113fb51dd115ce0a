import type { Effect, EffectKind, Guard } from '../../../src/model/effect.js';
import { sqlEffects, type SqlEffectsOptions } from '../../../src/migrations/sql/parse-sql.js';

/** The effects of SQL that starts on line 1 of `migration.py`. */
export function effectsOf(sql: string, options?: SqlEffectsOptions): Effect[] {
  return sqlEffects(sql, { file: 'migration.py', line: 1 }, options);
}

/** The effects of one kind, narrowed to it. */
export function ofKind<K extends EffectKind>(effects: readonly Effect[], kind: K): Extract<Effect, { kind: K }>[] {
  return effects.filter((effect): effect is Extract<Effect, { kind: K }> => effect.kind === kind);
}

/** The one effect of a kind; fails the test when there is not exactly one. */
export function onlyOfKind<K extends EffectKind>(effects: readonly Effect[], kind: K): Extract<Effect, { kind: K }> {
  const found = ofKind(effects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} effect, got ${found.length}: ${JSON.stringify(effects)}`);
  return found[0]!;
}

/** Guards in effect order, for compact assertions. */
export function guardsOf(effects: readonly Effect[]): Guard[] {
  return effects.map((effect) => effect.guard);
}

export const inPublic = (name: string) => ({ schema: 'public', name });
