import type { QualifiedName } from './names.js';

/** Where a statement of a migration stands. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
}

/**
 * What protects a create (or drop) from failing when the object already exists (or does not).
 * Every guard compares names only, never definitions: a guarded create over an existing type with
 * other labels is skipped silently, which the simulation reports as drift.
 */
export type Guard =
  /** No guard: the statement fails if the object exists (create) or is missing (alter/drop). */
  | { readonly kind: 'none' }
  /** SQL `IF NOT EXISTS` / `IF EXISTS`. */
  | { readonly kind: 'if-exists-clause' }
  /** SQLAlchemy `checkfirst=True` (or a `.create(bind)` whose default is checkfirst). */
  | { readonly kind: 'checkfirst' }
  /** A PL/pgSQL `EXCEPTION WHEN <conditions>` handler around the statement. */
  | { readonly kind: 'exception-handler'; readonly conditions: readonly string[] }
  /**
   * A lookup before the statement (`IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'x')`,
   * `inspector.get_table_names()`, `has_table`, `dialect.has_type`). `schemaAware` is false when it
   * matches the name in any schema, as the usual pg_type lookup does.
   */
  | { readonly kind: 'existence-check'; readonly source: string; readonly schemaAware: boolean };

/** A column whose type is, or may be, an enum. */
export interface ColumnType {
  readonly name: string;
  readonly enumType: QualifiedName;
  readonly isArray: boolean;
  /** True when the statement itself says the type is an enum (SQLAlchemy `Enum`), false for a bare SQL type name. */
  readonly knownEnum: boolean;
}

/** How the object a Python guard looks up is found. */
export type ExistenceSource = 'inspector' | 'has_table' | 'has_type' | 'catalog-query';

/**
 * A condition under which a statement runs at all, when it is not a guard of the statement's own
 * object: `if 'events' not in inspector.get_table_names(): op.create_table('events', Column(Enum(
 * name='kind')))` creates the type `kind` only when the TABLE is missing, and then without any check
 * of the type. Conditions that test the statement's own object become its {@link Guard} instead.
 */
export type RunCondition =
  | {
      readonly kind: 'existence';
      readonly objectType: 'table' | 'type';
      readonly name: QualifiedName;
      /** The statement runs when the object exists (true) or when it is missing (false). */
      readonly runsIfExists: boolean;
      readonly source: ExistenceSource;
      readonly schemaAware: boolean;
      readonly line: number;
      /**
       * Which execution of the test this is (numbered per revision file). Python tests once, before
       * the branch runs: every statement under one evaluation shares the answer, taken when the first
       * of them is simulated — `if not has_table('users'): create users; create groups` creates both.
       */
      readonly evaluation?: number;
    }
  /** A condition schema-gate cannot evaluate (a setting, a query result...): the statement may or may not run. */
  | { readonly kind: 'opaque'; readonly expression: string; readonly line: number };

/**
 * A Python `try`/`except` (or `contextlib.suppress`) around a statement. Inside the run's
 * transaction the handler does not save the upgrade: the failed statement aborts the transaction,
 * and the next statement (at the latest Alembic's own version update) fails with 25P02. Only in an
 * `autocommit_block()` or inside a savepoint (`begin_nested()`) does it really swallow the error.
 */
export interface ExceptionHandlerNote {
  readonly line: number;
  /** The exception classes named, as written (`ProgrammingError`, `Exception`); empty for a bare `except:`. */
  readonly exceptions: readonly string[];
  readonly savesTheRun: boolean;
}

interface EffectBase {
  readonly location: SourceLocation;
  readonly guard: Guard;
  /** Inside `op.get_context().autocommit_block()`: committed at once, outside the run's transaction. */
  readonly autocommit?: boolean;
  /** Conditions on other objects (or opaque ones) under which the statement runs; absent when it always runs. */
  readonly conditions?: readonly RunCondition[];
  /**
   * The tests of the statement's own object that became its guard: the answer the database gave
   * them then is the one later statements under the same evaluation get (see RunCondition).
   */
  readonly guardTests?: readonly RunCondition[];
  /** A Python try/except around the statement, and whether it can save the run. */
  readonly exceptionHandler?: ExceptionHandlerNote;
}

/** What one statement of a migration does to a SchemaState. */
export type Effect =
  | (EffectBase & {
      readonly kind: 'create-enum';
      readonly name: QualifiedName;
      readonly labels: readonly string[];
      /**
       * How the type is created: plain SQL; SQLAlchemy's implicit CREATE TYPE for an Enum column of
       * `op.create_table` (emitted at most once per `alembic upgrade` run for a name); or an explicit
       * `Enum(...).create(bind)`.
       */
      readonly via: 'sql' | 'create-table' | 'enum-create';
    })
  | (EffectBase & { readonly kind: 'drop-enum'; readonly name: QualifiedName; readonly cascade: boolean })
  | (EffectBase & { readonly kind: 'rename-enum'; readonly name: QualifiedName; readonly newName: string })
  | (EffectBase & { readonly kind: 'set-enum-schema'; readonly name: QualifiedName; readonly newSchema: string })
  | (EffectBase & {
      readonly kind: 'add-enum-value';
      readonly name: QualifiedName;
      readonly label: string;
      readonly before?: string;
      readonly after?: string;
      /** `ADD VALUE IF NOT EXISTS`. */
      readonly ifNotExists: boolean;
    })
  | (EffectBase & { readonly kind: 'rename-enum-value'; readonly name: QualifiedName; readonly label: string; readonly newLabel: string })
  /**
   * An existing enum type given a new list of labels by recreating it under its own name: the old one
   * renamed away, the new one created, the columns converted, the old one dropped
   * (`op.sync_enum_values()` of alembic_postgresql_enum). The type must exist.
   */
  | (EffectBase & { readonly kind: 'replace-enum-labels'; readonly name: QualifiedName; readonly labels: readonly string[]; readonly operation: string })
  | (EffectBase & {
      readonly kind: 'create-table';
      readonly name: QualifiedName;
      /**
       * Columns typed with an enum, or with a user-defined type that may be one (SQL does not say):
       * the simulation treats a `knownEnum: false` type as an enum only if the state has an enum of
       * that name, since it may be a domain, a composite or an extension's type.
       */
      readonly enumColumns: readonly ColumnType[];
      /** The columns created with a default (`DEFAULT …`, `server_default=`). */
      readonly defaultColumns?: readonly string[];
    })
  | (EffectBase & { readonly kind: 'drop-table'; readonly name: QualifiedName; readonly cascade: boolean })
  | (EffectBase & { readonly kind: 'rename-table'; readonly name: QualifiedName; readonly newName: string })
  | (EffectBase & {
      readonly kind: 'add-column';
      readonly table: QualifiedName;
      /** The column; `ifNotExists` is `ADD COLUMN IF NOT EXISTS` (the table must still exist). */
      readonly column?: string;
      readonly ifNotExists?: boolean;
      /** The (possible) enum type of the column; `op.add_column` never creates it. */
      readonly columnType?: ColumnType;
      /** Added with a default (`DEFAULT …`, `server_default=`). */
      readonly hasDefault?: boolean;
    })
  /** `ALTER COLUMN … SET DEFAULT` / `DROP DEFAULT` (`op.alter_column(server_default=…)`). */
  | (EffectBase & { readonly kind: 'set-column-default'; readonly table: QualifiedName; readonly column: string; readonly hasDefault: boolean })
  /** The column is gone, and with it its use of an enum type. */
  | (EffectBase & { readonly kind: 'drop-column'; readonly table: QualifiedName; readonly column: string })
  /** A column's new type: an enum (or possible one), or, without `columnType`, a type that is none. */
  | (EffectBase & { readonly kind: 'alter-column-type'; readonly table: QualifiedName; readonly column: string; readonly columnType?: ColumnType })
  /** A statement that uses an enum label as a value (INSERT/UPDATE/DEFAULT/cast): 55P04 if added in this run. */
  | (EffectBase & {
      readonly kind: 'use-enum-label';
      /** The enum, when the statement names it (a cast). */
      readonly name?: QualifiedName;
      readonly label: string;
      /** The column the value goes to (INSERT column list, UPDATE SET), whose type the simulation knows. */
      readonly table?: QualifiedName;
      readonly column?: string;
    })
  /**
   * A statement that needs an existing table and changes nothing the model holds: an index, a
   * constraint, a column's nullability or default, rows (INSERT/UPDATE/DELETE, op.bulk_insert)...
   * The upgrade fails with 42P01 if the table is missing.
   */
  | (EffectBase & {
      readonly kind: 'use-table';
      readonly table: QualifiedName;
      /** The statement as the migration writes it, for messages: `op.create_index`, `INSERT INTO`. */
      readonly operation: string;
      /** The name carried no schema, so PostgreSQL looked it up through the search_path. */
      readonly unqualified?: boolean;
      /**
       * The table is named only to find an object of it (`DROP INDEX`, which names the index alone):
       * a table renamed earlier in the run still has the object.
       */
      readonly viaObject?: 'index';
    })
  /**
   * A relation the model does not hold as a table, which later statements may still use by name:
   * a view, a materialized view, a foreign table, or a temporary table (visible under any schema's
   * unqualified name for the rest of the session).
   */
  | (EffectBase & {
      readonly kind: 'create-relation';
      readonly name: QualifiedName;
      readonly relationKind: 'view' | 'materialized-view' | 'foreign-table' | 'temporary-table';
    })
  /**
   * An index created under its own name (`op.create_index`, `CREATE INDEX name`, `ADD CONSTRAINT name
   * UNIQUE`): a relation of the table's schema, so that name must be free among the schema's indexes,
   * tables and views. The guard is `IF NOT EXISTS` / `if_not_exists=True`. Without `name`, an index
   * whose name schema-gate cannot know: PostgreSQL picks a free one (`CREATE INDEX ON t`), or a
   * naming convention may rewrite the one given (`op.create_unique_constraint`); after it, an index
   * missing from the model may exist.
   */
  | (EffectBase & {
      readonly kind: 'create-index';
      readonly name?: QualifiedName;
      readonly table: QualifiedName;
      readonly operation: string;
      /** The table is named without a schema: a temporary table of that name comes first, and its indexes are the session's. */
      readonly unqualifiedTable?: boolean;
    })
  /**
   * An index that goes away by name: `DROP INDEX`, `op.drop_index` (42704 if there is none), or a
   * dropped constraint (`constraint`: the name may be no index at all). `unqualified`: found through
   * the search_path.
   */
  | (EffectBase & {
      readonly kind: 'drop-index';
      readonly name: QualifiedName;
      readonly operation: string;
      readonly unqualified?: boolean;
      readonly constraint?: boolean;
      /** The table the statement names as the index's (`op.drop_index(..., table_name=)`), which must exist too. */
      readonly table?: QualifiedName;
    })
  /** `ALTER INDEX … RENAME TO`: the index keeps its table and schema. */
  | (EffectBase & { readonly kind: 'rename-index'; readonly name: QualifiedName; readonly newName: string })
  /** `DROP VIEW` / `DROP MATERIALIZED VIEW` / `DROP FOREIGN TABLE`: the relation goes, with its indexes. */
  | (EffectBase & { readonly kind: 'drop-relation'; readonly name: QualifiedName; readonly relationKind: 'view' | 'materialized-view' | 'foreign-table'; readonly cascade: boolean })
  /** SQL that PostgreSQL's parser rejects: the upgrade fails here. */
  | (EffectBase & { readonly kind: 'invalid-sql'; readonly message: string })
  /**
   * What cannot be understood statically; never silently dropped. `mayCreateTables` marks a
   * statement that may create, rename or move tables — or types — unseen (SQL text schema-gate cannot
   * read, a helper it cannot follow, an operation it does not model): a table or type found missing
   * after it may exist after all.
   */
  | (EffectBase & {
      readonly kind: 'unknown';
      readonly reason: string;
      readonly mayCreateTables?: boolean;
      /**
       * The column type imported from the project that the note is about (`app.types.GUID`): the
       * same doubt for every column of that type, so it is reported once.
       */
      readonly importedType?: string;
      /**
       * The statement reads or writes rows only (a SQLAlchemy Core select or update schema-gate cannot
       * read): it changes no schema, and matters only if it may use a label added earlier in the same
       * transaction (55P04).
       */
      readonly dataOnly?: boolean;
    });

export type EffectKind = Effect['kind'];

/** The guard of an unguarded statement. */
export const NO_GUARD: Guard = Object.freeze({ kind: 'none' });
