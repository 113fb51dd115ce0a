/**
 * What one parsed SQL statement does to the schema model, as effects.
 *
 * Statements that touch nothing the model holds (CREATE INDEX, COMMENT, GRANT, SELECT, …) give
 * nothing beyond the enum labels they use; statements that could matter but cannot be judged
 * statically give an `unknown` effect with the reason.
 */
import type {
  A_Expr,
  AlterEnumStmt,
  AlterObjectSchemaStmt,
  AlterTableStmt,
  ColumnDef,
  CommentStmt,
  CreateStmt,
  DoStmt,
  DropStmt,
  IndexStmt,
  InsertStmt,
  Node,
  RangeVar,
  RenameStmt,
  TypeName,
  UpdateStmt,
} from 'libpg-query';
import { NO_GUARD, type ColumnType, type Guard } from '../../model/effect.js';
import type { QualifiedName } from '../../model/names.js';
import {
  columnName,
  listItems,
  operatorName,
  qualifiedName,
  relationName,
  stringConstant,
  stringValue,
  stringValues,
  typeNameParts,
  userType,
  walkNodes,
} from './ast.js';
import type { StatementScope, Subject } from './scope.js';

const IF_EXISTS_CLAUSE: Guard = Object.freeze({ kind: 'if-exists-clause' });

function clauseGuard(present: boolean | undefined): Guard {
  return present ? IF_EXISTS_CLAUSE : NO_GUARD;
}

const typeSubject = (name: QualifiedName, runsWhen: Subject['runsWhen']): Subject => ({ object: 'type', name, runsWhen });
const tableSubject = (name: QualifiedName, runsWhen: Subject['runsWhen']): Subject => ({ object: 'table', name, runsWhen });

/** Translates one statement of a parse result. */
export function translateStatement(statement: Node | undefined, scope: StatementScope): void {
  if (!statement) return;
  if ('CreateEnumStmt' in statement) {
    const name = qualifiedName(stringValues(statement.CreateEnumStmt.typeName), scope.defaultSchema);
    const labels = (statement.CreateEnumStmt.vals ?? []).map((value) => stringValue(value) ?? '');
    if (name) scope.emit({ kind: 'create-enum', name, labels, via: 'sql' }, NO_GUARD, [typeSubject(name, 'missing')]);
  } else if ('AlterEnumStmt' in statement) {
    alterEnum(statement.AlterEnumStmt, scope);
  } else if ('RenameStmt' in statement) {
    rename(statement.RenameStmt, scope);
  } else if ('AlterObjectSchemaStmt' in statement) {
    setSchema(statement.AlterObjectSchemaStmt, scope);
  } else if ('DropStmt' in statement) {
    drop(statement.DropStmt, scope);
  } else if ('CreateStmt' in statement) {
    createTable(statement.CreateStmt, scope);
  } else if ('CreateTableAsStmt' in statement) {
    const { into, objtype, if_not_exists: ifNotExists } = statement.CreateTableAsStmt;
    // A materialized view is no table of the model, but statements may name it (CREATE INDEX).
    if (objtype === 'OBJECT_TABLE') createTableWithoutColumns(into?.rel, ifNotExists, scope);
    else if (objtype === 'OBJECT_MATVIEW') createRelation(into?.rel, 'materialized-view', scope);
  } else if ('SelectStmt' in statement && statement.SelectStmt.intoClause) {
    // SELECT … INTO t creates a table, as CREATE TABLE t AS does.
    createTableWithoutColumns(statement.SelectStmt.intoClause.rel, false, scope);
  } else if ('ViewStmt' in statement) {
    createRelation(statement.ViewStmt.view, 'view', scope);
  } else if ('CreateForeignTableStmt' in statement) {
    createRelation(statement.CreateForeignTableStmt.base?.relation, 'foreign-table', scope);
  } else if ('InsertStmt' in statement) {
    useTable(statement.InsertStmt.relation, 'INSERT INTO', NO_GUARD, scope);
  } else if ('UpdateStmt' in statement) {
    useTable(statement.UpdateStmt.relation, 'UPDATE', NO_GUARD, scope);
  } else if ('DeleteStmt' in statement) {
    useTable(statement.DeleteStmt.relation, 'DELETE FROM', NO_GUARD, scope);
  } else if ('IndexStmt' in statement) {
    createIndex(statement.IndexStmt, scope);
  } else if ('TruncateStmt' in statement) {
    for (const relation of statement.TruncateStmt.relations ?? []) if ('RangeVar' in relation) useTable(relation.RangeVar, 'TRUNCATE', NO_GUARD, scope);
  } else if ('CommentStmt' in statement) {
    commentOn(statement.CommentStmt, scope);
  } else if ('AlterTableStmt' in statement) {
    alterTable(statement.AlterTableStmt, scope);
  } else if ('DoStmt' in statement) {
    doBlock(statement.DoStmt, scope);
    return; // the block's statements report their own label uses
  } else if ('CreateDomainStmt' in statement) {
    const base = userType(statement.CreateDomainStmt.typeName, scope.defaultSchema);
    if (base) unknown(scope, `CREATE DOMAIN over ${describeName(base.name)}, which may be an enum: the domain is not modelled`);
  } else if ('VariableSetStmt' in statement) {
    const { name, kind } = statement.VariableSetStmt;
    if (name === 'search_path' || (kind === 'VAR_RESET_ALL' && name === undefined)) {
      // Tables named unqualified after it may be found in another schema.
      unknown(scope, `changes search_path: unqualified names after it are still taken to be in schema ${scope.defaultSchema}`, true);
    }
  } else if ('TransactionStmt' in statement) {
    transaction(statement.TransactionStmt.kind, scope);
  } else if ('CreateSchemaStmt' in statement && (statement.CreateSchemaStmt.schemaElts?.length ?? 0) > 0) {
    unknown(scope, `CREATE SCHEMA ${statement.CreateSchemaStmt.schemaname ?? ''} with elements: the objects it creates are not analysed`, true);
  } else if ('CreateFunctionStmt' in statement) {
    return; // a function body runs only when called, and calls are not followed
  }
  labelUses(statement, scope);
}

/** `mayCreateTables`: the statement may create, rename or move tables the model then misses. */
function unknown(scope: StatementScope, reason: string, mayCreateTables = false): void {
  scope.emit({ kind: 'unknown', reason, ...(mayCreateTables ? { mayCreateTables: true } : {}) }, NO_GUARD, []);
}

/**
 * A statement that needs the table to exist (42P01 otherwise) and changes nothing the model holds.
 * PostgreSQL looks an unqualified name up through the search_path, which a temporary table leads.
 * `otherSubjects`: further objects a PL/pgSQL lookup around it may test (CREATE INDEX: its index).
 */
function useTable(relation: RangeVar | undefined, operation: string, guard: Guard, scope: StatementScope, otherSubjects: readonly Subject[] = []): void {
  const table = relationName(relation, scope.defaultSchema);
  if (!table) return;
  scope.emit({ kind: 'use-table', table, operation, ...(relation?.schemaname === undefined ? { unqualified: true } : {}) }, guard, [tableSubject(table, 'exists'), ...otherSubjects]);
}

/**
 * `CREATE [UNIQUE] INDEX name ON t`: the index lives in its table's schema (a schema on the index
 * name is not allowed). Without a name PostgreSQL picks a free one: nothing can clash, but the model
 * then lacks an index of a name it cannot know.
 */
function createIndex(statement: IndexStmt, scope: StatementScope): void {
  const table = relationName(statement.relation, scope.defaultSchema);
  if (!table) return;
  const operation = `CREATE ${statement.unique ? 'UNIQUE ' : ''}INDEX`;
  const unqualifiedTable = statement.relation?.schemaname === undefined;
  const name = statement.idxname !== undefined ? { schema: table.schema, name: statement.idxname } : undefined;
  // CREATE INDEX IF NOT EXISTS skips an existing index; the table must still exist. A PL/pgSQL lookup
  // of the index (`IF NOT EXISTS (SELECT … FROM pg_indexes …)`) guards the whole statement.
  const indexSubjects: Subject[] = name ? [{ object: 'index', name, runsWhen: 'missing' }] : [];
  useTable(statement.relation, 'CREATE INDEX', NO_GUARD, scope, indexSubjects);
  scope.emit(
    { kind: 'create-index', ...(name ? { name } : {}), table, operation, ...(unqualifiedTable ? { unqualifiedTable } : {}) },
    clauseGuard(statement.if_not_exists),
    indexSubjects,
  );
}

/** A view, materialized view, foreign table or temporary table: not a table of the model, but a name later statements may use. */
function createRelation(relation: RangeVar | undefined, relationKind: 'view' | 'materialized-view' | 'foreign-table' | 'temporary-table', scope: StatementScope): void {
  const name = relationName(relation, scope.defaultSchema);
  if (!name) return;
  scope.emit({ kind: 'create-relation', name, relationKind: relation?.relpersistence === 't' ? 'temporary-table' : relationKind }, NO_GUARD, []);
}

/** `COMMENT ON TABLE t` / `COMMENT ON COLUMN t.c`: the table must exist. */
function commentOn(statement: CommentStmt, scope: StatementScope): void {
  const parts = stringValues(listItems(statement.object));
  if (!parts) return;
  const tableParts = statement.objtype === 'OBJECT_TABLE' ? parts : statement.objtype === 'OBJECT_COLUMN' ? parts.slice(0, -1) : undefined;
  const table = tableParts && tableParts.length <= 2 ? qualifiedName(tableParts, scope.defaultSchema) : undefined;
  if (!table) return;
  scope.emit({ kind: 'use-table', table, operation: `COMMENT ON ${statement.objtype === 'OBJECT_TABLE' ? 'TABLE' : 'COLUMN'}`, ...(tableParts!.length === 1 ? { unqualified: true } : {}) }, NO_GUARD, [
    tableSubject(table, 'exists'),
  ]);
}

function describeName(name: QualifiedName): string {
  return `${name.schema}.${name.name}`;
}

function alterEnum(statement: AlterEnumStmt, scope: StatementScope): void {
  const name = qualifiedName(stringValues(statement.typeName), scope.defaultSchema);
  if (!name || statement.newVal === undefined) return;
  if (statement.oldVal !== undefined) {
    scope.emit({ kind: 'rename-enum-value', name, label: statement.oldVal, newLabel: statement.newVal }, NO_GUARD, [
      typeSubject(name, 'exists'),
      { object: 'label', name, label: statement.oldVal, runsWhen: 'exists' },
      { object: 'label', name, label: statement.newVal, runsWhen: 'missing' },
    ]);
    return;
  }
  const neighbour = statement.newValNeighbor;
  const ifNotExists = statement.skipIfNewValExists === true;
  scope.emit(
    {
      kind: 'add-enum-value',
      name,
      label: statement.newVal,
      // Without a neighbour the parser sets newValIsAfter; with one, false means BEFORE.
      ...(neighbour !== undefined ? (statement.newValIsAfter ? { after: neighbour } : { before: neighbour }) : {}),
      ifNotExists,
    },
    // IF NOT EXISTS protects against the label only (ifNotExists above); ALTER TYPE has no IF EXISTS.
    NO_GUARD,
    [typeSubject(name, 'exists'), { object: 'label', name, label: statement.newVal, runsWhen: 'missing' }],
  );
}

function rename(statement: RenameStmt, scope: StatementScope): void {
  const newName = statement.newname;
  if (newName === undefined) return;
  switch (statement.renameType) {
    case 'OBJECT_TYPE': {
      const name = qualifiedName(stringValues(listItems(statement.object)), scope.defaultSchema);
      if (name) scope.emit({ kind: 'rename-enum', name, newName }, clauseGuard(statement.missing_ok), [typeSubject(name, 'exists')]);
      return;
    }
    case 'OBJECT_TABLE': {
      const name = relationName(statement.relation, scope.defaultSchema);
      if (name) scope.emit({ kind: 'rename-table', name, newName }, clauseGuard(statement.missing_ok), [tableSubject(name, 'exists')]);
      return;
    }
    case 'OBJECT_SCHEMA':
      unknown(scope, `renames schema ${statement.subname ?? ''} to ${newName}, moving every type and table in it`, true);
      return;
    case 'OBJECT_INDEX': {
      const name = relationName(statement.relation, scope.defaultSchema);
      if (name) scope.emit({ kind: 'rename-index', name, newName }, clauseGuard(statement.missing_ok), []);
      return;
    }
    case 'OBJECT_COLUMN':
    case 'OBJECT_TABCONSTRAINT':
      // ALTER TABLE t RENAME COLUMN / CONSTRAINT: the table must exist (ALTER VIEW … RENAME COLUMN names a view;
      // the parser leaves relationType unset for a constraint, which only tables rename this way).
      if (statement.renameType === 'OBJECT_TABCONSTRAINT' || statement.relationType === 'OBJECT_TABLE') useTable(statement.relation, `ALTER TABLE … RENAME ${statement.renameType === 'OBJECT_COLUMN' ? 'COLUMN' : 'CONSTRAINT'}`, clauseGuard(statement.missing_ok), scope);
      if (statement.renameType === 'OBJECT_TABCONSTRAINT') {
        // A unique or primary key constraint renames its index along; whether this one has an index is not known.
        const table = relationName(statement.relation, scope.defaultSchema);
        if (table && statement.subname !== undefined) {
          scope.emit({ kind: 'drop-index', name: { schema: table.schema, name: statement.subname }, operation: 'ALTER TABLE … RENAME CONSTRAINT', constraint: true }, clauseGuard(statement.missing_ok), []);
          scope.emit({ kind: 'create-index', table, operation: 'ALTER TABLE … RENAME CONSTRAINT' }, clauseGuard(statement.missing_ok), []);
        }
      }
      return;
    default:
      // Columns, constraints, indexes, attributes of composite types…: nothing the model holds.
      return;
  }
}

function setSchema(statement: AlterObjectSchemaStmt, scope: StatementScope): void {
  const newSchema = statement.newschema;
  if (newSchema === undefined) return;
  if (statement.objectType === 'OBJECT_TYPE') {
    const name = qualifiedName(stringValues(listItems(statement.object)), scope.defaultSchema);
    if (name) scope.emit({ kind: 'set-enum-schema', name, newSchema }, clauseGuard(statement.missing_ok), [typeSubject(name, 'exists')]);
  } else if (statement.objectType === 'OBJECT_TABLE') {
    const name = relationName(statement.relation, scope.defaultSchema);
    if (name) unknown(scope, `moves table ${describeName(name)} to schema ${newSchema}: moving tables is not modelled`, true);
  }
}

function drop(statement: DropStmt, scope: StatementScope): void {
  const guard = clauseGuard(statement.missing_ok);
  const cascade = statement.behavior === 'DROP_CASCADE';
  switch (statement.removeType) {
    case 'OBJECT_TYPE':
      for (const object of statement.objects ?? []) {
        const name = 'TypeName' in object ? qualifiedName(typeNameParts(object.TypeName), scope.defaultSchema) : undefined;
        if (name) scope.emit({ kind: 'drop-enum', name, cascade }, guard, [typeSubject(name, 'exists')]);
      }
      return;
    case 'OBJECT_TABLE':
      for (const object of statement.objects ?? []) {
        const name = qualifiedName(stringValues(listItems(object)), scope.defaultSchema);
        if (name) scope.emit({ kind: 'drop-table', name, cascade }, guard, [tableSubject(name, 'exists')]);
      }
      return;
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_FOREIGN_TABLE': {
      const relationKind = statement.removeType === 'OBJECT_VIEW' ? 'view' : statement.removeType === 'OBJECT_MATVIEW' ? 'materialized-view' : 'foreign-table';
      for (const object of statement.objects ?? []) {
        const name = qualifiedName(stringValues(listItems(object)), scope.defaultSchema);
        if (name) scope.emit({ kind: 'drop-relation', name, relationKind, cascade }, guard, []);
      }
      return;
    }
    case 'OBJECT_INDEX':
      for (const object of statement.objects ?? []) {
        const parts = stringValues(listItems(object));
        const name = parts ? qualifiedName(parts, scope.defaultSchema) : undefined;
        if (name) scope.emit({ kind: 'drop-index', name, operation: 'DROP INDEX', ...(parts!.length === 1 ? { unqualified: true } : {}) }, guard, []);
      }
      return;
    case 'OBJECT_SCHEMA':
      if (cascade) {
        const schemas = (statement.objects ?? []).map((object) => stringValue(object) ?? '?').join(', ');
        unknown(scope, `DROP SCHEMA ${schemas} CASCADE drops every type and table in it`);
      }
      return;
    default:
      return;
  }
}

/** ALTER TABLE commands translated into effects that already need the table. */
const TABLE_CHECKING_COMMANDS = new Set(['AT_AddColumn', 'AT_AlterColumnType', 'AT_DropColumn']);

/** The column of a CREATE TABLE or ADD COLUMN, when its type is a user type (possibly an enum). */
function columnType(column: ColumnDef, scope: StatementScope): ColumnType | undefined {
  const type = userType(column.typeName, scope.defaultSchema);
  return type && column.colname !== undefined ? { name: column.colname, enumType: type.name, isArray: type.isArray, knownEnum: false } : undefined;
}

/** Labels that a column's DEFAULT gives: a string constant default of a user-typed column is a label of that type. */
/** Whether a column definition has a `DEFAULT` clause. */
function hasDefaultClause(column: ColumnDef): boolean {
  return (column.constraints ?? []).some((constraint) => 'Constraint' in constraint && constraint.Constraint.contype === 'CONSTR_DEFAULT');
}

function defaultLabels(column: ColumnDef, scope: StatementScope): void {
  const type = userType(column.typeName, scope.defaultSchema);
  if (!type) return;
  for (const constraint of column.constraints ?? []) {
    if (!('Constraint' in constraint) || constraint.Constraint.contype !== 'CONSTR_DEFAULT') continue;
    for (const label of constantLabels(constraint.Constraint.raw_expr, type.isArray)) scope.emit({ kind: 'use-enum-label', name: type.name, label }, NO_GUARD, []);
  }
}

function createTable(statement: CreateStmt, scope: StatementScope): void {
  const name = relationName(statement.relation, scope.defaultSchema);
  if (!name) return;
  // A temporary table lives only for the session; it is no part of the schema, but later statements may use it.
  if (statement.relation?.relpersistence === 't') {
    createRelation(statement.relation, 'temporary-table', scope);
    return;
  }
  const columns = (statement.tableElts ?? []).flatMap((element) => ('ColumnDef' in element ? [element.ColumnDef] : []));
  const enumColumns = columns.map((column) => columnType(column, scope)).filter((column): column is ColumnType => column !== undefined);
  const defaultColumns = columns.flatMap((column) => (hasDefaultClause(column) && column.colname !== undefined ? [column.colname] : []));
  scope.emit({ kind: 'create-table', name, enumColumns, ...(defaultColumns.length > 0 ? { defaultColumns } : {}) }, clauseGuard(statement.if_not_exists), [tableSubject(name, 'missing')]);
  for (const column of columns) defaultLabels(column, scope);
}

function createTableWithoutColumns(relation: CreateStmt['relation'], ifNotExists: boolean | undefined, scope: StatementScope): void {
  const name = relationName(relation, scope.defaultSchema);
  if (!name) return;
  if (relation?.relpersistence === 't') {
    createRelation(relation, 'temporary-table', scope);
    return;
  }
  scope.emit({ kind: 'create-table', name, enumColumns: [] }, clauseGuard(ifNotExists), [tableSubject(name, 'missing')]);
}

function alterTable(statement: AlterTableStmt, scope: StatementScope): void {
  if (statement.objtype === 'OBJECT_TYPE') {
    // ALTER TYPE … ADD/DROP/ALTER ATTRIBUTE: composite types only, but the type may be any.
    const name = relationName(statement.relation, scope.defaultSchema);
    unknown(scope, `ALTER TYPE ${name ? describeName(name) : ''} changes attributes of a composite type: not modelled`);
    return;
  }
  if (statement.objtype !== 'OBJECT_TABLE') return;
  const table = relationName(statement.relation, scope.defaultSchema);
  if (!table) return;
  // ALTER TABLE IF EXISTS protects against a missing table; ADD COLUMN IF NOT EXISTS and DROP
  // COLUMN IF EXISTS only against the column (the table must exist: 42P01 otherwise).
  const guard = clauseGuard(statement.missing_ok);
  // PostgreSQL looks the table up once for all commands: one statement that needs it is enough,
  // unless a command below already needs it.
  const needsTableFirst = !(statement.cmds ?? []).some((command) => 'AlterTableCmd' in command && TABLE_CHECKING_COMMANDS.has(command.AlterTableCmd.subtype ?? ''));
  if (needsTableFirst) useTable(statement.relation, 'ALTER TABLE', guard, scope);
  // PostgreSQL runs the subcommands in passes, not as written: DROP DEFAULT before any ALTER TYPE.
  const dropsDefault = (command: Node): boolean => 'AlterTableCmd' in command && command.AlterTableCmd.subtype === 'AT_ColumnDefault' && command.AlterTableCmd.def === undefined;
  const commands = [...(statement.cmds ?? []).filter(dropsDefault), ...(statement.cmds ?? []).filter((command) => !dropsDefault(command))];
  for (const command of commands) {
    if (!('AlterTableCmd' in command)) continue;
    const { subtype, def, missing_ok: commandMissingOk } = command.AlterTableCmd;
    const column = def && 'ColumnDef' in def ? def.ColumnDef : undefined;
    const constraint = def && 'Constraint' in def ? def.Constraint : undefined;
    if (subtype === 'AT_AddConstraint' && (constraint?.contype === 'CONSTR_UNIQUE' || constraint?.contype === 'CONSTR_PRIMARY' || constraint?.contype === 'CONSTR_EXCLUSION')) {
      // The constraint's index takes its name (USING INDEX renames that index to it); unnamed, PostgreSQL picks one.
      if (constraint.indexname !== undefined) scope.emit({ kind: 'drop-index', name: { schema: table.schema, name: constraint.indexname }, operation: 'ALTER TABLE … ADD CONSTRAINT … USING INDEX', constraint: true }, NO_GUARD, []);
      const operation = `ALTER TABLE … ADD ${constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : constraint.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'EXCLUDE'}`;
      // ALTER TABLE IF EXISTS of a missing table adds nothing: its guard covers the index as well.
      scope.emit({ kind: 'create-index', ...(constraint.conname !== undefined ? { name: { schema: table.schema, name: constraint.conname } } : {}), table, operation }, guard, []);
    }
    if (constraint?.contype === 'CONSTR_FOREIGN' && constraint.pktable) {
      // The referenced table must exist too.
      useTable(constraint.pktable, 'ALTER TABLE … REFERENCES', NO_GUARD, scope);
    }
    if (subtype === 'AT_AddColumn' && column) {
      const type = columnType(column, scope);
      const subjects: Subject[] = [tableSubject(table, 'exists')];
      if (column.colname !== undefined) subjects.push({ object: 'column', name: table, column: column.colname, runsWhen: 'missing' });
      scope.emit(
        {
          kind: 'add-column',
          table,
          ...(column.colname !== undefined ? { column: column.colname } : {}),
          ...(commandMissingOk ? { ifNotExists: true } : {}),
          ...(type ? { columnType: type } : {}),
          ...(hasDefaultClause(column) ? { hasDefault: true } : {}),
        },
        guard,
        subjects,
      );
      defaultLabels(column, scope);
    } else if (subtype === 'AT_AlterColumnType' && column && command.AlterTableCmd.name !== undefined) {
      const columnName = command.AlterTableCmd.name;
      const type = columnType({ ...column, colname: columnName }, scope);
      // Without a user type the column stops using any enum it had.
      scope.emit({ kind: 'alter-column-type', table, column: columnName, ...(type ? { columnType: type } : {}) }, guard, [
        tableSubject(table, 'exists'),
        { object: 'column', name: table, column: columnName, runsWhen: 'exists' },
      ]);
    } else if (subtype === 'AT_DropConstraint' && command.AlterTableCmd.name !== undefined) {
      // A unique or primary key constraint goes with its index, of the same name.
      scope.emit({ kind: 'drop-index', name: { schema: table.schema, name: command.AlterTableCmd.name }, operation: 'ALTER TABLE … DROP CONSTRAINT', constraint: true }, guard, [tableSubject(table, 'exists')]);
    } else if (subtype === 'AT_DropColumn' && command.AlterTableCmd.name !== undefined) {
      scope.emit({ kind: 'drop-column', table, column: command.AlterTableCmd.name }, guard, [tableSubject(table, 'exists')]);
    } else if (subtype === 'AT_ColumnDefault') {
      // The column's type is not known here; a string default may be a label of it.
      const label = stringConstant(def);
      if (label !== undefined) scope.emit({ kind: 'use-enum-label', label }, NO_GUARD, []);
      // SET DEFAULT carries the expression; DROP DEFAULT none.
      if (command.AlterTableCmd.name !== undefined) {
        scope.emit({ kind: 'set-column-default', table, column: command.AlterTableCmd.name, hasDefault: def !== undefined }, guard, [tableSubject(table, 'exists')]);
      }
    }
  }
}

function transaction(kind: string | undefined, scope: StatementScope): void {
  switch (kind) {
    case 'TRANS_STMT_COMMIT':
    case 'TRANS_STMT_ROLLBACK':
    case 'TRANS_STMT_ROLLBACK_TO':
    case 'TRANS_STMT_PREPARE':
    case 'TRANS_STMT_COMMIT_PREPARED':
    case 'TRANS_STMT_ROLLBACK_PREPARED':
      unknown(scope, `${(kind ?? '').replace('TRANS_STMT_', '').replace('_', ' ')} inside a migration ends or undoes part of Alembic's transaction`);
      return;
    default:
      // BEGIN inside a transaction only warns; SAVEPOINT and RELEASE change nothing that stays.
      return;
  }
}

function doBlock(statement: DoStmt, scope: StatementScope): void {
  let body: string | undefined;
  let bodyLocation = 0;
  let language = 'plpgsql';
  for (const argument of statement.args ?? []) {
    if (!('DefElem' in argument)) continue;
    const { defname, arg, location } = argument.DefElem;
    if (defname === 'as') {
      body = stringValue(arg);
      bodyLocation = location ?? 0;
    } else if (defname === 'language') {
      language = stringValue(arg) ?? language;
    }
  }
  if (body !== undefined) scope.doBlock(body, language, bodyLocation);
}

/**
 * The labels a constant gives to a user type: `'x'`, or for an array type the elements of an
 * array literal (`'{a,b}'`) or of `ARRAY['a', 'b']`.
 */
function constantLabels(node: Node | undefined, isArray: boolean): string[] {
  if (!node) return [];
  const constant = stringConstant(node);
  if (constant !== undefined) return isArray ? arrayLiteralElements(constant) : [constant];
  if (isArray && 'A_ArrayExpr' in node) return (node.A_ArrayExpr.elements ?? []).flatMap((element) => constantLabels(element, false));
  return [];
}

/**
 * The elements of a one-dimensional array literal (`{a,"b c",NULL}`), as array_in reads it:
 * double quotes and backslashes escape; an unquoted NULL is no element.
 */
export function arrayLiteralElements(literal: string): string[] {
  const elements: string[] = [];
  let current = '';
  let quoted = false;
  let wasQuoted = false;
  let depth = 0;
  for (let index = 0; index < literal.length; index += 1) {
    const character = literal[index]!;
    if (quoted) {
      if (character === '\\') current += literal[++index] ?? '';
      else if (character === '"') quoted = false;
      else current += character;
      continue;
    }
    if (character === '{') depth += 1;
    else if (character === '"') quoted = wasQuoted = true;
    else if (character === '\\') current += literal[++index] ?? '';
    else if (character === ',' || character === '}') {
      const element = wasQuoted ? current : current.trim();
      if (wasQuoted || (element !== '' && element.toUpperCase() !== 'NULL')) elements.push(element);
      current = '';
      wasQuoted = false;
      if (character === '}') depth -= 1;
    } else if (depth > 0) current += character;
  }
  return elements;
}

/** Comparison operators whose string constant is read as a value of the column's type. */
const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

/**
 * The enum labels a statement uses as values, which fail (55P04) when the label was added by
 * ADD VALUE earlier in the same transaction:
 * - a string constant cast to a user type (`'x'::platformtype`, `CAST('x' AS platformtype)`),
 *   with the type named;
 * - string constants compared with a column (`status = 'x'`, `status IN ('x')`), inserted
 *   (`VALUES ('x')`, `INSERT … SELECT 'x'`) or assigned (`SET status = 'x'`), and defaults
 *   (`SET DEFAULT 'x'`) — without a type, since the column's type is not in the statement.
 * The second kind is deliberately broad: a constant that is not a label of any type added to in
 * the run costs nothing, while a missed one would hide a failing upgrade.
 */
function labelUses(statement: Node, scope: StatementScope): void {
  const seen = new Set<string>();
  const use = (name: QualifiedName | undefined, label: string, target?: { table: QualifiedName; column: string }): void => {
    const key = JSON.stringify([name?.schema, name?.name, label, target?.table.schema, target?.table.name, target?.column]);
    if (seen.has(key)) return;
    seen.add(key);
    scope.emit({ kind: 'use-enum-label', label, ...(name ? { name } : {}), ...(target ? { table: target.table, column: target.column } : {}) }, NO_GUARD, []);
  };
  const useConstants = (nodes: readonly Node[] | undefined, target?: { table: QualifiedName; column: string }): void => {
    for (const node of nodes ?? []) {
      const label = stringConstant(node);
      if (label !== undefined) use(undefined, label, target);
    }
  };
  walkNodes(statement, (node) => {
    if ('TypeCast' in node) castLabels(node.TypeCast.typeName, node.TypeCast.arg, scope.defaultSchema, use);
    else if ('A_Expr' in node) comparedLabels(node.A_Expr, useConstants);
    else if ('InsertStmt' in node) insertedLabels(node.InsertStmt, scope.defaultSchema, useConstants);
    else if ('UpdateStmt' in node) updatedLabels(node.UpdateStmt, scope.defaultSchema, useConstants);
    // A nested DO or function body is not run by this statement.
    else if ('DoStmt' in node || 'CreateFunctionStmt' in node) return false;
    return true;
  });
}

function castLabels(typeName: TypeName | undefined, argument: Node | undefined, defaultSchema: string, use: (name: QualifiedName, label: string) => void): void {
  const type = userType(typeName, defaultSchema);
  if (type) for (const label of constantLabels(argument, type.isArray)) use(type.name, label);
}

function comparedLabels(expression: A_Expr, useConstants: (nodes: readonly Node[] | undefined) => void): void {
  const { kind, lexpr, rexpr } = expression;
  if (kind === 'AEXPR_OP' && COMPARISONS.has(operatorName(expression.name) ?? '')) {
    if (columnName(lexpr) !== undefined && rexpr) useConstants([rexpr]);
    if (columnName(rexpr) !== undefined && lexpr) useConstants([lexpr]);
  } else if (kind === 'AEXPR_IN' && columnName(lexpr) !== undefined) {
    useConstants(listItems(rexpr) ?? (rexpr ? [rexpr] : []));
  }
}

type UseConstants = (nodes: readonly Node[] | undefined, target?: { table: QualifiedName; column: string }) => void;

/**
 * Constants inserted: with a column list, each VALUES item goes to its column, whose type the
 * simulation knows from the schema; without one, the value's column is unknown.
 */
function insertedLabels(statement: InsertStmt, defaultSchema: string, useConstants: UseConstants): void {
  const table = relationName(statement.relation, defaultSchema);
  const columns = (statement.cols ?? []).map((column) => ('ResTarget' in column ? column.ResTarget.name : undefined));
  const source = statement.selectStmt;
  if (source && 'SelectStmt' in source) {
    for (const row of source.SelectStmt.valuesLists ?? []) {
      (listItems(row) ?? []).forEach((item, index) => {
        const column = columns[index];
        useConstants([item], table && column !== undefined ? { table, column } : undefined);
      });
    }
    useConstants(targetValues(source.SelectStmt.targetList));
  }
  useConstants(targetValues(statement.onConflictClause?.targetList));
}

/** Constants assigned by `UPDATE t SET column = 'x'`, each to its column. */
function updatedLabels(statement: UpdateStmt, defaultSchema: string, useConstants: UseConstants): void {
  const table = relationName(statement.relation, defaultSchema);
  for (const target of statement.targetList ?? []) {
    if (!('ResTarget' in target) || !target.ResTarget.val) continue;
    const column = target.ResTarget.name;
    useConstants([target.ResTarget.val], table && column !== undefined ? { table, column } : undefined);
  }
}

function targetValues(targets: readonly Node[] | undefined): Node[] {
  return (targets ?? []).flatMap((target) => ('ResTarget' in target && target.ResTarget.val ? [target.ResTarget.val] : []));
}
