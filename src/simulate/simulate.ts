import type { ColumnType, Effect, Guard, RunCondition } from '../model/effect.js';
import { nameKey, type QualifiedName } from '../model/names.js';
import { createSchemaState, type EnumColumn, type Index, type SchemaState } from '../model/schema-state.js';

/** One pending revision and what its `upgrade()` does, in statement order. */
export interface PendingMigration {
  readonly revision: string;
  readonly file: string;
  readonly effects: readonly Effect[];
}

/** How `alembic upgrade` runs; both come from the project's env.py, which a static tool cannot see. */
export interface SimulationOptions {
  /** env.py's `transaction_per_migration`; off by default, so the whole run is one transaction. */
  readonly transactionPerMigration?: boolean;
  /** `server_version_num` of the target; unknown offline. Below 120000, ADD VALUE cannot run in a transaction. */
  readonly serverVersionNum?: number;
}

/** Who made an object: the database as it was, or a statement earlier in this run. */
export type Origin =
  | { readonly kind: 'database' }
  | { readonly kind: 'migration'; readonly revision: string; readonly file: string; readonly line: number; readonly via: string };

/**
 * Something the simulation noticed. `fails` events are statements PostgreSQL would reject (the
 * upgrade stops there and rolls back); the others let the upgrade pass but matter.
 */
export type SimulationEvent = {
  readonly revision: string;
  readonly file: string;
  readonly line: number;
  readonly effect: Effect;
  /** The object concerned, as the manifest writes names. */
  readonly object?: QualifiedName;
  /**
   * The statement runs only under a condition schema-gate cannot evaluate (a setting, a query
   * result): what happens here may not happen, so it never decides the verdict alone.
   */
  readonly conditional?: { readonly expression: string; readonly line: number };
} & (
  | {
      /** CREATE of an existing type or table without a guard that covers it. */
      readonly kind: 'create-existing';
      readonly fails: true;
      readonly sqlstate: '42710' | '42P07';
      readonly objectType: 'enum' | 'table' | 'type' | 'index';
      readonly existing: Origin;
      /** For an index: what holds the name, when it is not an index (names of relations are shared). */
      readonly existingRelation?: 'table' | 'view or other relation';
      /** For an index: why the existing one may be gone after all, so that the failure is possible, not certain. */
      readonly uncertain?: string;
    }
  | {
      /**
       * A second creation of the same enum in one run that SQLAlchemy's per-run memo swallowed:
       * safe while both revisions are pending together, fatal once the first was applied earlier
       * (unless both are in one revision); with other labels, the first definition wins silently.
       */
      readonly kind: 'created-twice-masked';
      readonly fails: false;
      readonly existing: Origin;
      /** Both creations are in this revision: no deploy can apply one without the other. */
      readonly sameRevision: boolean;
      readonly labelsDiffer: boolean;
      readonly firstLabels: readonly string[];
      readonly labels: readonly string[];
    }
  | {
      /** A guarded create skipped because a same-named object exists; `labelsDiffer` means silent drift. */
      readonly kind: 'guarded-create-skipped';
      readonly fails: false;
      readonly objectType: 'enum' | 'table';
      readonly guard: Guard;
      readonly existing: Origin;
      readonly labelsDiffer: boolean;
      readonly existingLabels?: readonly string[];
      readonly labels?: readonly string[];
      /** The guard matched an object of that name in another schema; the create never happened. */
      readonly satisfiedBySchema?: string;
    }
  | { readonly kind: 'add-existing-label'; readonly fails: true; readonly sqlstate: '42710'; readonly label: string }
  | {
      readonly kind: 'missing-object';
      readonly fails: true;
      readonly sqlstate: '42704' | '42P01';
      readonly objectType: 'enum' | 'table' | 'index';
      /** Whether it was dropped or renamed earlier in this run (else: it never existed). */
      readonly removedInRun?: { readonly revision: string; readonly line: number };
      /**
       * Why the type or table may exist after all, so that the failure is possible, not certain: an
       * earlier statement schema-gate could not analyse, or a same-named table the search_path may reach.
       * The event then never decides the verdict alone.
       */
      readonly uncertain?: string;
    }
  | { readonly kind: 'missing-label'; readonly fails: true; readonly sqlstate: '22023' | '22P02'; readonly label: string }
  | {
      /**
       * A column with a default changed to an enum type (`object`): PostgreSQL converts the default
       * too, finds no automatic cast to the enum, and refuses (42804) unless the default was dropped first.
       */
      readonly kind: 'default-blocks-type-change';
      readonly fails: true;
      readonly sqlstate: '42804';
      readonly table: QualifiedName;
      readonly column: string;
    }
  | {
      /** A label added by ADD VALUE and used in the same transaction (55P04 unsafe use of new value). */
      readonly kind: 'unsafe-new-label-use';
      readonly fails: boolean;
      readonly sqlstate: '55P04';
      readonly label: string;
      readonly addedAt: { readonly revision: string; readonly line: number };
    }
  | { readonly kind: 'add-value-in-transaction'; readonly fails: true; readonly sqlstate: '25001' }
  | { readonly kind: 'drop-enum-in-use'; readonly fails: true; readonly sqlstate: '2BP01'; readonly usedBy: readonly string[] }
  | { readonly kind: 'invalid-sql'; readonly fails: true; readonly message: string }
  | { readonly kind: 'unknown'; readonly fails: false; readonly reason: string }
);

/** The outcome of a simulated `alembic upgrade`. */
export interface SimulationResult {
  readonly events: readonly SimulationEvent[];
  /** Whether PostgreSQL would reject a statement, so that `alembic upgrade` exits non-zero. */
  readonly fails: boolean;
  /**
   * The schema after the run as it would really end: on failure, the state rolled back to the last
   * commit (the start of the run, or of the failing revision with transaction_per_migration).
   */
  readonly finalState: SchemaState;
  /** The schema if every statement had run, failures skipped: what the migrations intend. */
  readonly intendedState: SchemaState;
  /** The revisions that would be committed. */
  readonly appliedRevisions: readonly string[];
}

/** A mutable enum of the working schema, with who made it. */
interface EnumEntry {
  schema: string;
  name: string;
  labels: readonly string[];
  origin: Origin;
}

/** A mutable table of the working schema, with who made it. */
interface TableEntry {
  schema: string;
  name: string;
  enumColumns: readonly EnumColumn[];
  /** Columns with a default, as far as known. */
  defaultColumns?: readonly string[];
  origin: Origin;
}

/** A mutable index of the working schema, with who made it. */
interface IndexEntry extends Index {
  table: QualifiedName;
  origin: Origin;
  /** When (statement count of the run) it was made; 0 for the database's own. */
  step: number;
}

/** A working copy of the schema that statements change in place. */
class WorkingSchema {
  readonly enums = new Map<string, EnumEntry>();
  readonly tables = new Map<string, TableEntry>();
  /**
   * Indexes created under their own names: the live ones when the start state knows them, and those
   * the run creates. One missing here may still exist (a manifest knows no indexes, constraints and
   * `index=True` columns name theirs by conventions schema-gate cannot see): only a name present is certain.
   */
  readonly indexes = new Map<string, IndexEntry>();
  indexesKnown = false;
  /** Views, foreign tables and the like: not tables of the model, but statements may name them. */
  readonly otherRelations = new Map<string, QualifiedName>();
  /** Temporary tables, by bare name: an unqualified name finds them before any schema. */
  readonly temporaryTables = new Set<string>();

  static from(state: SchemaState): WorkingSchema {
    const schema = new WorkingSchema();
    for (const [key, value] of state.enums) schema.enums.set(key, { ...value, labels: [...value.labels], origin: { kind: 'database' } });
    for (const [key, value] of state.tables) schema.tables.set(key, { ...value, enumColumns: [...value.enumColumns], origin: { kind: 'database' } });
    for (const [key, value] of state.otherRelations ?? []) schema.otherRelations.set(key, value);
    for (const [key, value] of state.indexes ?? []) schema.indexes.set(key, { ...value, origin: { kind: 'database' }, step: 0 });
    schema.indexesKnown = state.indexes !== undefined;
    return schema;
  }

  clone(): WorkingSchema {
    const copy = new WorkingSchema();
    for (const [key, value] of this.enums) copy.enums.set(key, { ...value, labels: [...value.labels] });
    for (const [key, value] of this.tables) copy.tables.set(key, { ...value, enumColumns: [...value.enumColumns] });
    for (const [key, value] of this.otherRelations) copy.otherRelations.set(key, value);
    for (const name of this.temporaryTables) copy.temporaryTables.add(name);
    for (const [key, value] of this.indexes) copy.indexes.set(key, { ...value });
    copy.indexesKnown = this.indexesKnown;
    return copy;
  }

  toState(): SchemaState {
    return createSchemaState(
      [...this.enums.values()].map(({ schema, name, labels }) => ({ schema, name, labels })),
      [...this.tables.values()].map(({ schema, name, enumColumns }) => ({ schema, name, enumColumns })),
      [...this.otherRelations.values()],
      this.indexesKnown ? [...this.indexes.values()].map(({ schema, name, table }) => ({ schema, name, table })) : undefined,
    );
  }

  /** The indexes of a table. */
  indexesOf(table: QualifiedName): IndexEntry[] {
    const key = nameKey(table);
    return [...this.indexes.values()].filter((index) => nameKey(index.table) === key);
  }

  /** Any type of that name in any schema: what `SELECT … FROM pg_type WHERE typname = 'x'` finds (tables have a row type). */
  typeNamedAnywhere(name: string): { schema: string; origin: Origin } | undefined {
    for (const entry of [...this.enums.values(), ...this.tables.values()]) if (entry.name === name) return entry;
    return undefined;
  }

  /** Columns whose type is this enum, as `table.column`. */
  usersOf(enumName: QualifiedName): string[] {
    const key = nameKey(enumName);
    return [...this.tables.values()].flatMap((table) =>
      table.enumColumns.filter((column) => nameKey(column.enumType) === key).map((column) => `${table.name}.${column.name}`),
    );
  }
}

/** What one transaction has done that matters for 55P04: enums it created and labels it added. */
class Transaction {
  readonly createdEnums = new Set<string>();
  readonly addedLabels = new Map<string, Map<string, { revision: string; line: number }>>();

  addedLabel(enumKey: string, label: string): { revision: string; line: number } | undefined {
    if (this.createdEnums.has(enumKey)) return undefined; // values of a type created in this transaction are safe
    return this.addedLabels.get(enumKey)?.get(label);
  }
}

/** Whether a guard keeps a create from failing on an existing object of the same name. */
function guardCoversExisting(guard: Guard, sqlstate: '42710' | '42P07'): boolean {
  switch (guard.kind) {
    case 'none':
      return false;
    case 'exception-handler':
      return guard.conditions.some(
        (condition) => condition === 'others' || (sqlstate === '42710' ? condition === 'duplicate_object' : condition === 'duplicate_table'),
      );
    default:
      return true;
  }
}

/**
 * Where a statement may make indexes under names schema-gate cannot know: on one table (its own or
 * a column's constraints, named by PostgreSQL or by a convention; an unnamed index), or anywhere (a
 * statement it could not read).
 */
function indexNamesUnseenBy(effect: Effect): QualifiedName | 'anywhere' | undefined {
  switch (effect.kind) {
    case 'create-table':
      return effect.name;
    case 'add-column':
      return effect.table;
    case 'create-index':
      return effect.name ? undefined : effect.table;
    case 'unknown':
      return effect.mayCreateTables ? 'anywhere' : undefined;
    default:
      return undefined;
  }
}

/** Whether a guard makes an ALTER/DROP of a missing object a no-op. */
function guardCoversMissing(guard: Guard): boolean {
  return guard.kind === 'if-exists-clause' || guard.kind === 'checkfirst' || guard.kind === 'existence-check' || (guard.kind === 'exception-handler' && guard.conditions.length > 0);
}

/**
 * Whether a statement runs on the schema it meets: every existence condition on another object
 * (`if 't' not in inspector.get_table_names():` around a create_table whose Enum it creates) must
 * hold. Opaque conditions are assumed to hold; their events are marked instead. A test is answered
 * when the first statement under its evaluation is simulated, and that answer is kept (`answers`,
 * per revision) for the others: Python tested once, before the branch ran, not again before each
 * of its statements.
 */
function conditionsHold(schema: WorkingSchema, effect: Effect, answers: Map<string, boolean>): boolean {
  // The statement's own guard asked the database first: its answer stands for what follows.
  for (const condition of effect.guardTests ?? []) conditionHolds(schema, condition, answers);
  return (effect.conditions ?? []).every((condition) => conditionHolds(schema, condition, answers));
}

function conditionHolds(schema: WorkingSchema, condition: RunCondition, answers: Map<string, boolean>): boolean {
  if (condition.kind !== 'existence') return true;
  const key = nameKey(condition.name);
  const answerKey = condition.evaluation === undefined ? undefined : `${condition.evaluation} ${condition.objectType} ${condition.schemaAware} ${key}`;
  let exists = answerKey === undefined ? undefined : answers.get(answerKey);
  if (exists === undefined) {
    exists =
      condition.objectType === 'table'
        ? condition.schemaAware
          ? schema.tables.has(key)
          : [...schema.tables.values()].some((table) => table.name === condition.name.name)
        : condition.schemaAware
          ? schema.enums.has(key) || schema.tables.has(key)
          : schema.typeNamedAnywhere(condition.name.name) !== undefined;
    if (answerKey !== undefined) answers.set(answerKey, exists);
  }
  return exists === condition.runsIfExists;
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((label, index) => label === b[index]);
}

/**
 * Simulates `alembic upgrade` of the pending migrations on a starting state (the live schema, or
 * an empty one offline), statement by statement, with Alembic's transaction and SQLAlchemy's
 * per-run semantics (see DESIGN.md). A statement PostgreSQL would reject is recorded and skipped, so
 * that one run reports every problem, not only the first.
 */
export function simulate(start: SchemaState, pending: readonly PendingMigration[], options: SimulationOptions = {}): SimulationResult {
  const schema = WorkingSchema.from(start);
  const events: SimulationEvent[] = [];
  /** SQLAlchemy emits the implicit CREATE TYPE of an Enum column once per run and name. */
  const createTableMemo = new Map<string, Origin & { kind: 'migration' }>();
  const removedInRun = new Map<string, { revision: string; line: number }>();
  /** Tables renamed away in this run: their indexes keep their names under the new table name. */
  const renamedInRun = new Set<string>();
  /** The latest statement that may have created, renamed or moved tables unseen, and when (statement count). */
  let unseenTableChange: { revision: string; file: string; line: number; step: number } | undefined;
  /** When (statement count) each table was last removed in this run. */
  const removedAtStep = new Map<string, number>();
  /** Indexes dropped in this run (with their table, or by name), for the message when one is dropped again. */
  const removedIndexes = new Map<string, { revision: string; line: number }>();
  /** Indexes that may or may not still exist (a column of their table was dropped), by key, with their bare names. */
  const uncertainIndexes = new Map<string, string>();
  /**
   * Whether an index whose name the model cannot know may exist anywhere by now: made by a statement
   * schema-gate could not read — or because the start knew no indexes.
   */
  let indexNamesUnseen = !schema.indexesKnown;
  /**
   * The tables (by key) that may have indexes of names the model cannot know, made in this run: a
   * table's or a column's constraints (named by PostgreSQL or by a convention), an unnamed index.
   */
  const tablesWithUnseenIndexNames = new Set<string>();
  let step = 0;
  let transaction = new Transaction();
  let committed = schema.clone();
  const appliedRevisions: string[] = [];
  let failedAt: number | undefined;

  pending.forEach((migration, migrationIndex) => {
    const here = (effect: Effect) => ({ revision: migration.revision, file: effect.location.file, line: effect.location.line, effect });
    const fail = (event: SimulationEvent): void => {
      events.push(event);
      failedAt ??= migrationIndex;
    };
    const origin = (effect: Effect, via: string): Origin & { kind: 'migration' } => ({
      kind: 'migration',
      revision: migration.revision,
      file: migration.file,
      line: effect.location.line,
      via,
    });

    /**
     * Reports a missing type or table: a certain failure, or — after a statement schema-gate could
     * not read that may have created it (later than any known drop of the name) — a possible one.
     */
    const reportMissing = (missing: Extract<SimulationEvent, { kind: 'missing-object' }>, key: string): void => {
      const unseen = unseenTableChange && unseenTableChange.step > (removedAtStep.get(key) ?? -1) ? unseenTableChange : undefined;
      if (unseen) events.push({ ...missing, uncertain: `a statement schema-gate could not analyse (revision ${unseen.revision}, ${unseen.file}:${unseen.line}) may have created it` });
      else fail(missing);
    };

    /** Checks that a column's type exists; returns the enum column to record, or undefined. */
    const resolveColumnType = (effect: Effect, column: ColumnType): EnumColumn | undefined => {
      const key = nameKey(column.enumType);
      if (schema.enums.has(key)) return { name: column.name, enumType: column.enumType, isArray: column.isArray };
      const removed = removedInRun.get(key);
      if (column.knownEnum || removed) {
        reportMissing({ ...here(effect), kind: 'missing-object', fails: true, sqlstate: '42704', objectType: 'enum', object: column.enumType, ...(removed ? { removedInRun: removed } : {}) }, key);
      }
      return undefined;
    };

    /** The object a statement needs, or a 42704/42P01 failure when it is missing and no guard covers that. */
    function requireObject(effect: Effect, name: QualifiedName, objectType: 'enum'): EnumEntry | undefined;
    function requireObject(effect: Effect, name: QualifiedName, objectType: 'table'): TableEntry | undefined;
    function requireObject(effect: Effect, name: QualifiedName, objectType: 'enum' | 'table'): EnumEntry | TableEntry | undefined {
      const key = nameKey(name);
      const entry = objectType === 'enum' ? schema.enums.get(key) : schema.tables.get(key);
      if (!entry && !guardCoversMissing(effect.guard)) {
        const removed = removedInRun.get(key);
        reportMissing({ ...here(effect), kind: 'missing-object', fails: true, sqlstate: objectType === 'enum' ? '42704' : '42P01', objectType, object: name, ...(removed ? { removedInRun: removed } : {}) }, key);
      }
      return entry;
    }
    /**
     * Whether the relation a `use-table` statement names may exist although the model has no such
     * table: PostgreSQL's own catalogs, the version table Alembic creates before the first revision,
     * relations the model does not hold, a temporary table found before any schema.
     */
    const relationOutsideTheModel = (effect: Extract<Effect, { kind: 'use-table' }>): boolean => {
      const { schema: schemaName, name } = effect.table;
      if (schemaName === 'pg_catalog' || schemaName === 'information_schema' || (effect.unqualified && name.startsWith('pg_'))) return true;
      if (name === 'alembic_version') return true;
      if (schema.otherRelations.has(nameKey(effect.table))) return true;
      return effect.unqualified === true && schema.temporaryTables.has(name);
    };

    /** A statement that needs a table; a 42P01 failure (possible, or certain) when it is missing. */
    const useTable = (effect: Extract<Effect, { kind: 'use-table' }>): void => {
      const key = nameKey(effect.table);
      if (schema.tables.has(key) || guardCoversMissing(effect.guard) || relationOutsideTheModel(effect)) return;
      if (effect.viaObject === 'index' && renamedInRun.has(key)) return; // the index went with the renamed table
      const removed = removedInRun.get(key);
      const missing = { ...here(effect), kind: 'missing-object', fails: true, sqlstate: effect.viaObject === 'index' ? '42704' : '42P01', objectType: 'table', object: effect.table, ...(removed ? { removedInRun: removed } : {}) } as const;
      const elsewhere = effect.unqualified ? [...schema.tables.values()].find((table) => table.name === effect.table.name) : undefined;
      if (elsewhere) {
        events.push({ ...missing, uncertain: `a table ${elsewhere.name} exists in schema ${elsewhere.schema}, which the search_path may reach` });
      } else {
        reportMissing(missing, key);
      }
    };
    /**
     * Whether DROP INDEX certainly finds no index: the model knows every index name at that point,
     * the name is no other relation's, and the table the statement names (if any) exists — a
     * missing table is reported by its own check.
     */
    const indexCertainlyMissing = (effect: Extract<Effect, { kind: 'drop-index' }>): boolean => {
      const key = nameKey(effect.name);
      if (effect.constraint || guardCoversMissing(effect.guard) || indexNamesUnseen || uncertainIndexes.has(key)) return false;
      if (effect.unqualified && [...uncertainIndexes.values()].includes(effect.name.name)) return false;
      if (schema.tables.has(key) || schema.otherRelations.has(key)) return false;
      // Without its table named, the index could be one of any table's unseen ones.
      if (effect.table ? tablesWithUnseenIndexNames.has(nameKey(effect.table)) : tablesWithUnseenIndexNames.size > 0) return false;
      return !effect.table || schema.tables.has(nameKey(effect.table));
    };
    /** A dropped table or view takes its indexes along, and with CASCADE those of the views that depended on it. */
    const dropIndexesOf = (relation: QualifiedName, effect: Effect & { readonly cascade: boolean }): void => {
      for (const index of schema.indexesOf(relation)) {
        schema.indexes.delete(nameKey(index));
        removedIndexes.set(nameKey(index), { revision: migration.revision, line: effect.location.line });
      }
      if (effect.cascade) forgetIndexesOfDependents();
    };
    /**
     * After DROP … CASCADE: views and materialized views that depended on what went are gone too,
     * and their indexes with them; which those were is not modelled, so none of them stays certain.
     */
    const forgetIndexesOfDependents = (): void => {
      for (const [key, index] of schema.indexes) {
        if (schema.tables.has(nameKey(index.table))) continue;
        schema.indexes.delete(key);
        uncertainIndexes.set(key, index.name);
      }
    };
    const requireEnum = (effect: Effect, name: QualifiedName): EnumEntry | undefined => requireObject(effect, name, 'enum');
    const requireTable = (effect: Effect, name: QualifiedName): TableEntry | undefined => requireObject(effect, name, 'table');

    const commit = (): void => {
      transaction = new Transaction();
      if (failedAt === undefined) committed = schema.clone(); // nothing commits after the failing statement
    };

    const answers = new Map<string, boolean>();
    for (const effect of migration.effects) {
      if (!conditionsHold(schema, effect, answers)) continue;
      const opaque = effect.conditions?.find((condition) => condition.kind === 'opaque');
      const eventsBefore = events.length;
      const failedBefore = failedAt;
      step += 1;
      if (effect.autocommit) commit(); // autocommit_block() commits what came before it
      applyEffect(effect);
      const unseen = indexNamesUnseenBy(effect);
      if (unseen === 'anywhere') indexNamesUnseen = true;
      else if (unseen) tablesWithUnseenIndexNames.add(nameKey(unseen));
      if (effect.autocommit) commit();
      if (opaque && opaque.kind === 'opaque') {
        // What happens under a condition nobody can evaluate statically is reported, not decisive.
        for (let index = eventsBefore; index < events.length; index += 1) events[index] = { ...events[index]!, conditional: { expression: opaque.expression, line: opaque.line } };
        failedAt = failedBefore;
      }
    }
    if (failedAt === undefined) appliedRevisions.push(migration.revision);
    if (options.transactionPerMigration && failedAt === undefined) commit();

    function applyEffect(effect: Effect): void {
      switch (effect.kind) {
        case 'create-enum': {
          const key = nameKey(effect.name);
          const existing = schema.enums.get(key);
          if (effect.via === 'create-table') {
            const first = createTableMemo.get(key);
            if (first) {
              // The memo skips CREATE TYPE even when the type has since been dropped or renamed: the
              // table's column then names a type that does not exist, which the table's creation reports.
              if (!existing) return;
              const sameRevision = first.revision === migration.revision;
              const labelsDiffer = !sameLabels(existing.labels, effect.labels);
              // Within one revision nothing can split the two across deploys: only differing labels matter.
              if (sameRevision && !labelsDiffer) return;
              events.push({
                ...here(effect),
                kind: 'created-twice-masked',
                fails: false,
                object: effect.name,
                existing: first,
                sameRevision,
                labelsDiffer,
                firstLabels: existing.labels,
                labels: effect.labels,
              });
              return;
            }
            createTableMemo.set(key, origin(effect, 'create-table'));
          }
          const clash = existing ?? schema.tables.get(key);
          if (clash) {
            if (!guardCoversExisting(effect.guard, '42710')) {
              fail({ ...here(effect), kind: 'create-existing', fails: true, sqlstate: '42710', objectType: existing ? 'enum' : 'type', object: effect.name, existing: clash.origin });
              return;
            }
            events.push({
              ...here(effect),
              kind: 'guarded-create-skipped',
              fails: false,
              objectType: 'enum',
              object: effect.name,
              guard: effect.guard,
              existing: clash.origin,
              labelsDiffer: existing ? !sameLabels(existing.labels, effect.labels) : true,
              ...(existing ? { existingLabels: existing.labels } : {}),
              labels: effect.labels,
            });
            return;
          }
          if (effect.guard.kind === 'existence-check' && !effect.guard.schemaAware) {
            const elsewhere = schema.typeNamedAnywhere(effect.name.name);
            if (elsewhere) {
              events.push({
                ...here(effect),
                kind: 'guarded-create-skipped',
                fails: false,
                objectType: 'enum',
                object: effect.name,
                guard: effect.guard,
                existing: elsewhere.origin,
                labelsDiffer: true,
                labels: effect.labels,
                satisfiedBySchema: elsewhere.schema,
              });
              return;
            }
          }
          schema.enums.set(key, { ...effect.name, labels: [...effect.labels], origin: origin(effect, effect.via) });
          transaction.createdEnums.add(key);
          removedInRun.delete(key);
          return;
        }
        case 'replace-enum-labels': {
          const entry = requireEnum(effect, effect.name);
          if (!entry) return;
          entry.labels = [...effect.labels];
          // A type created in this transaction: its labels are safe to use in it.
          transaction.createdEnums.add(nameKey(effect.name));
          return;
        }
        case 'drop-enum': {
          const entry = requireEnum(effect, effect.name);
          if (!entry) return;
          const users = schema.usersOf(effect.name);
          if (users.length > 0 && !effect.cascade) {
            fail({ ...here(effect), kind: 'drop-enum-in-use', fails: true, sqlstate: '2BP01', object: effect.name, usedBy: users });
            return;
          }
          const key = nameKey(effect.name);
          for (const table of schema.tables.values()) table.enumColumns = table.enumColumns.filter((column) => nameKey(column.enumType) !== key);
          schema.enums.delete(key);
          removedInRun.set(key, { revision: migration.revision, line: effect.location.line });
          removedAtStep.set(key, step);
          return;
        }
        case 'rename-enum':
        case 'set-enum-schema': {
          const entry = requireEnum(effect, effect.name);
          if (!entry) return;
          const target = effect.kind === 'rename-enum' ? { schema: effect.name.schema, name: effect.newName } : { schema: effect.newSchema, name: effect.name.name };
          const targetKey = nameKey(target);
          const clash = schema.enums.get(targetKey) ?? schema.tables.get(targetKey);
          if (clash) {
            fail({ ...here(effect), kind: 'create-existing', fails: true, sqlstate: '42710', objectType: 'type', object: target, existing: clash.origin });
            return;
          }
          const oldKey = nameKey(effect.name);
          schema.enums.delete(oldKey);
          schema.enums.set(targetKey, { ...entry, ...target });
          for (const table of schema.tables.values()) {
            table.enumColumns = table.enumColumns.map((column) => (nameKey(column.enumType) === oldKey ? { ...column, enumType: target } : column));
          }
          removedInRun.set(oldKey, { revision: migration.revision, line: effect.location.line });
          removedAtStep.set(oldKey, step);
          return;
        }
        case 'add-enum-value': {
          const entry = requireEnum(effect, effect.name);
          if (!entry) return;
          if (!effect.autocommit && options.serverVersionNum !== undefined && options.serverVersionNum < 120000) {
            fail({ ...here(effect), kind: 'add-value-in-transaction', fails: true, sqlstate: '25001', object: effect.name });
            return;
          }
          if (entry.labels.includes(effect.label)) {
            if (!effect.ifNotExists && !guardCoversExisting(effect.guard, '42710')) {
              fail({ ...here(effect), kind: 'add-existing-label', fails: true, sqlstate: '42710', object: effect.name, label: effect.label });
            }
            return;
          }
          const anchor = effect.before ?? effect.after;
          if (anchor !== undefined && !entry.labels.includes(anchor)) {
            fail({ ...here(effect), kind: 'missing-label', fails: true, sqlstate: '22023', object: effect.name, label: anchor });
            return;
          }
          const labels = [...entry.labels];
          if (effect.before !== undefined) labels.splice(labels.indexOf(effect.before), 0, effect.label);
          else if (effect.after !== undefined) labels.splice(labels.indexOf(effect.after) + 1, 0, effect.label);
          else labels.push(effect.label);
          entry.labels = labels;
          const key = nameKey(effect.name);
          if (!effect.autocommit) {
            const added = transaction.addedLabels.get(key) ?? new Map<string, { revision: string; line: number }>();
            added.set(effect.label, { revision: migration.revision, line: effect.location.line });
            transaction.addedLabels.set(key, added);
          }
          return;
        }
        case 'rename-enum-value': {
          const entry = requireEnum(effect, effect.name);
          if (!entry) return;
          if (!entry.labels.includes(effect.label)) {
            fail({ ...here(effect), kind: 'missing-label', fails: true, sqlstate: '22023', object: effect.name, label: effect.label });
            return;
          }
          if (entry.labels.includes(effect.newLabel)) {
            fail({ ...here(effect), kind: 'add-existing-label', fails: true, sqlstate: '42710', object: effect.name, label: effect.newLabel });
            return;
          }
          entry.labels = entry.labels.map((label) => (label === effect.label ? effect.newLabel : label));
          return;
        }
        case 'use-enum-label': {
          // A value going into a known column has that column's type.
          const enumName =
            effect.name ??
            (effect.table && effect.column !== undefined
              ? schema.tables.get(nameKey(effect.table))?.enumColumns.find((column) => column.name === effect.column && !column.isArray)?.enumType
              : undefined);
          if (enumName) {
            const entry = schema.enums.get(nameKey(enumName));
            if (!entry) return; // the statement's other checks report a missing type
            if (!entry.labels.includes(effect.label)) {
              fail({ ...here(effect), kind: 'missing-label', fails: true, sqlstate: '22P02', object: enumName, label: effect.label });
              return;
            }
            const addedAt = transaction.addedLabel(nameKey(enumName), effect.label);
            if (addedAt) fail({ ...here(effect), kind: 'unsafe-new-label-use', fails: true, sqlstate: '55P04', object: enumName, label: effect.label, addedAt });
            return;
          }
          // The enum is not known statically: warn when a label of that spelling was just added.
          for (const key of transaction.addedLabels.keys()) {
            const addedAt = transaction.addedLabel(key, effect.label);
            if (addedAt) {
              const entry = schema.enums.get(key);
              events.push({ ...here(effect), kind: 'unsafe-new-label-use', fails: false, sqlstate: '55P04', ...(entry ? { object: { schema: entry.schema, name: entry.name } } : {}), label: effect.label, addedAt });
              return;
            }
          }
          return;
        }
        case 'create-table': {
          const key = nameKey(effect.name);
          const existing = schema.tables.get(key);
          const typeClash = schema.enums.get(key);
          if (existing || typeClash) {
            const sqlstate = existing ? '42P07' : '42710';
            if (!guardCoversExisting(effect.guard, sqlstate)) {
              fail({ ...here(effect), kind: 'create-existing', fails: true, sqlstate, objectType: existing ? 'table' : 'type', object: effect.name, existing: (existing ?? typeClash)!.origin });
              return;
            }
            events.push({ ...here(effect), kind: 'guarded-create-skipped', fails: false, objectType: 'table', object: effect.name, guard: effect.guard, existing: (existing ?? typeClash)!.origin, labelsDiffer: false });
            return;
          }
          const enumColumns = effect.enumColumns.map((column) => resolveColumnType(effect, column)).filter((column): column is EnumColumn => column !== undefined);
          schema.tables.set(key, { ...effect.name, enumColumns, ...(effect.defaultColumns?.length ? { defaultColumns: effect.defaultColumns } : {}), origin: origin(effect, 'create-table') });
          removedInRun.delete(key);
          renamedInRun.delete(key);
          return;
        }
        case 'drop-table': {
          if (!requireTable(effect, effect.name)) return;
          const key = nameKey(effect.name);
          schema.tables.delete(key);
          dropIndexesOf(effect.name, effect);
          tablesWithUnseenIndexNames.delete(key); // they went with it
          removedInRun.set(key, { revision: migration.revision, line: effect.location.line });
          removedAtStep.set(key, step);
          renamedInRun.delete(key);
          return;
        }
        case 'rename-table': {
          const entry = requireTable(effect, effect.name);
          if (!entry) return;
          const target = { schema: effect.name.schema, name: effect.newName };
          const clash = schema.tables.get(nameKey(target)) ?? schema.enums.get(nameKey(target));
          if (clash) {
            fail({ ...here(effect), kind: 'create-existing', fails: true, sqlstate: '42P07', objectType: 'table', object: target, existing: clash.origin });
            return;
          }
          schema.tables.delete(nameKey(effect.name));
          schema.tables.set(nameKey(target), { ...entry, ...target });
          for (const index of schema.indexesOf(effect.name)) index.table = target;
          if (tablesWithUnseenIndexNames.delete(nameKey(effect.name))) tablesWithUnseenIndexNames.add(nameKey(target));
          removedInRun.set(nameKey(effect.name), { revision: migration.revision, line: effect.location.line });
          removedAtStep.set(nameKey(effect.name), step);
          renamedInRun.add(nameKey(effect.name));
          return;
        }
        case 'add-column':
        case 'alter-column-type': {
          const table = requireTable(effect, effect.table);
          if (!table) return;
          const columnName = effect.columnType?.name ?? effect.column;
          const column = effect.columnType ? resolveColumnType(effect, effect.columnType) : undefined;
          if (effect.kind === 'alter-column-type' && column && columnName !== undefined && table.defaultColumns?.includes(columnName)) {
            const current = table.enumColumns.find((existing) => existing.name === columnName);
            // The same enum type is no conversion; any other type to an enum needs a cast the default lacks.
            if (!current || nameKey(current.enumType) !== nameKey(column.enumType) || current.isArray !== column.isArray) {
              fail({ ...here(effect), kind: 'default-blocks-type-change', fails: true, sqlstate: '42804', object: column.enumType, table: effect.table, column: columnName });
              return;
            }
          }
          const others = table.enumColumns.filter((existing) => existing.name !== columnName);
          table.enumColumns = column ? [...others, column] : others;
          if (effect.kind === 'add-column' && effect.hasDefault && columnName !== undefined) table.defaultColumns = [...(table.defaultColumns ?? []), columnName];
          return;
        }
        case 'set-column-default': {
          const table = requireTable(effect, effect.table);
          if (!table) return;
          const others = (table.defaultColumns ?? []).filter((name) => name !== effect.column);
          table.defaultColumns = effect.hasDefault ? [...others, effect.column] : others;
          return;
        }
        case 'drop-column': {
          // The indexes on the column go with it; which those are is not modelled, so none of the table's stays certain.
          for (const index of schema.indexesOf(effect.table)) {
            schema.indexes.delete(nameKey(index));
            uncertainIndexes.set(nameKey(index), index.name);
          }
          const table = requireTable(effect, effect.table);
          if (table) {
            table.enumColumns = table.enumColumns.filter((existing) => existing.name !== effect.column);
            if (table.defaultColumns) table.defaultColumns = table.defaultColumns.filter((name) => name !== effect.column);
          }
          return;
        }
        case 'use-table':
          useTable(effect);
          return;
        case 'create-relation':
          if (effect.relationKind === 'temporary-table') schema.temporaryTables.add(effect.name.name);
          else schema.otherRelations.set(nameKey(effect.name), effect.name);
          return;
        case 'create-index':
        case 'rename-index': {
          // An index of a temporary table is the session's, in its own schema.
          if (effect.kind === 'create-index' && effect.unqualifiedTable && schema.temporaryTables.has(effect.table.name)) return;
          const target = effect.kind === 'create-index' ? effect.name : { schema: effect.name.schema, name: effect.newName };
          if (!target) return; // an index under a name schema-gate does not know: see indexNamesUnseenBy
          const key = nameKey(target);
          const index = schema.indexes.get(key);
          const table = index ? undefined : schema.tables.get(key);
          const other = index || table ? undefined : schema.otherRelations.get(key);
          if (index || table || other) {
            if (effect.kind === 'create-index' && guardCoversExisting(effect.guard, '42P07')) return; // IF NOT EXISTS: skipped with a notice
            const clash: Extract<SimulationEvent, { kind: 'create-existing' }> = {
              ...here(effect),
              kind: 'create-existing',
              fails: true,
              sqlstate: '42P07',
              objectType: 'index',
              object: target,
              existing: index?.origin ?? table?.origin ?? { kind: 'database' },
              ...(index ? {} : { existingRelation: table ? ('table' as const) : ('view or other relation' as const) }),
            };
            // A statement schema-gate could not read since the index appeared may have dropped it (a view replaced by a helper, say).
            const unseen = index && unseenTableChange && unseenTableChange.step > index.step ? unseenTableChange : undefined;
            if (unseen) events.push({ ...clash, uncertain: `a statement schema-gate could not analyse (revision ${unseen.revision}, ${unseen.file}:${unseen.line}) may have dropped it` });
            else fail(clash);
            return;
          }
          if (effect.kind === 'create-index') {
            schema.indexes.set(key, { schema: target.schema, name: target.name, table: effect.table, origin: origin(effect, effect.operation), step });
            uncertainIndexes.delete(key);
            removedIndexes.delete(key);
            return;
          }
          const renamed = schema.indexes.get(nameKey(effect.name));
          if (renamed) {
            schema.indexes.delete(nameKey(effect.name));
            schema.indexes.set(key, { ...renamed, ...target });
            removedIndexes.set(nameKey(effect.name), { revision: migration.revision, line: effect.location.line });
          } else {
            indexNamesUnseen = true; // an index the model did not hold now has a name it does not know either
          }
          return;
        }
        case 'drop-relation': {
          schema.otherRelations.delete(nameKey(effect.name));
          dropIndexesOf(effect.name, effect);
          return;
        }
        case 'drop-index': {
          const key = nameKey(effect.name);
          const dropped = schema.indexes.get(key) ?? (effect.unqualified ? [...schema.indexes.values()].find((index) => index.name === effect.name.name) : undefined);
          if (dropped) {
            // Through the search_path it may be another schema's: none of that name stays certain.
            if (effect.unqualified) {
              for (const [other, index] of schema.indexes) if (index.name === effect.name.name) schema.indexes.delete(other);
            }
            schema.indexes.delete(nameKey(dropped));
            removedIndexes.set(nameKey(dropped), { revision: migration.revision, line: effect.location.line });
            return;
          }
          if (!indexCertainlyMissing(effect)) return;
          const removed = removedIndexes.get(key);
          fail({ ...here(effect), kind: 'missing-object', fails: true, sqlstate: '42704', objectType: 'index', object: effect.name, ...(removed ? { removedInRun: removed } : {}) });
          return;
        }
        case 'invalid-sql':
          fail({ ...here(effect), kind: 'invalid-sql', fails: true, message: effect.message });
          return;
        case 'unknown':
          // Rows read or written after no ADD VALUE in this transaction cannot meet 55P04: nothing to say.
          // (Labels of a type created in the same transaction are safe to use.)
          if (effect.dataOnly && ![...transaction.addedLabels.keys()].some((enumKey) => !transaction.createdEnums.has(enumKey))) return;
          events.push({
            ...here(effect),
            kind: 'unknown',
            fails: false,
            reason: effect.dataOnly ? `${effect.reason}, after ALTER TYPE … ADD VALUE in the same transaction: if it uses the new label, alembic upgrade fails with 55P04` : effect.reason,
          });
          if (effect.mayCreateTables) unseenTableChange = { revision: migration.revision, file: effect.location.file, line: effect.location.line, step };
          return;
      }
    }
  });

  const fails = failedAt !== undefined;
  return {
    events,
    fails,
    finalState: fails ? committed.toState() : schema.toState(),
    intendedState: schema.toState(),
    appliedRevisions: fails && !options.transactionPerMigration ? [] : appliedRevisions,
  };
}
