/**
 * The shapes shared by the statement translation (`statements.ts`), the PL/pgSQL walk
 * (`plpgsql.ts`) and the driver that ties them together (`parse-sql.ts`).
 */
import type { Effect, Guard } from '../../model/effect.js';
import type { QualifiedName } from '../../model/names.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An effect before the driver adds where it stands, its guard and the autocommit flag. */
export type EffectDraft = DistributiveOmit<Effect, 'location' | 'guard' | 'autocommit'>;

/**
 * An object whose existence a surrounding PL/pgSQL lookup may test to guard an effect, and whether
 * the effect is meant to run when that object exists or when it is missing. `CREATE TYPE x` is
 * guarded by a lookup that runs it when type x is missing; `ALTER TYPE x ADD VALUE 'v'` by one that
 * runs it when x exists, or when its label v is missing.
 */
export interface Subject {
  readonly object: 'type' | 'table' | 'label' | 'column' | 'index';
  /** The type, table or index (for a label: its type; for a column: its table). */
  readonly name: QualifiedName;
  readonly label?: string;
  readonly column?: string;
  readonly runsWhen: 'exists' | 'missing';
}

/** What the translation of one statement reports to. */
export interface StatementScope {
  /** The schema of unqualified names. */
  readonly defaultSchema: string;
  /**
   * Records an effect of the statement. `ownGuard` is the statement's own `IF [NOT] EXISTS`;
   * `subjects` are the objects a surrounding lookup may test to guard it (none for effects that
   * change no object: label uses, unknown and invalid statements).
   */
  emit(draft: EffectDraft, ownGuard: Guard, subjects: readonly Subject[]): void;
  /**
   * Translates the body of a `DO` block. `bodyLocation` is the parser's byte offset of the string
   * constant that holds the body, in the text the statement was parsed from.
   */
  doBlock(body: string, language: string, bodyLocation: number): void;
}
