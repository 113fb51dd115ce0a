import type { Effect, Guard } from '../model/effect.js';
import { formatQualifiedName } from '../model/names.js';
import { describeGuard } from '../rules/describe.js';

function guardSuffix(guard: Guard): string {
  return guard.kind === 'none' ? '' : `, guarded by ${describeGuard(guard)}`;
}

const RELATION_WORDS = { view: 'VIEW', 'materialized-view': 'MATERIALIZED VIEW', 'foreign-table': 'FOREIGN TABLE', 'temporary-table': 'TEMPORARY TABLE' } as const;

/** One line saying what a statement does, in SQL terms a reviewer recognises. */
export function describeEffect(effect: Effect): string {
  const base = ((): string => {
    switch (effect.kind) {
      case 'create-enum': {
        const via = effect.via === 'create-table' ? ' (implicitly, by op.create_table)' : effect.via === 'enum-create' ? ' (Enum.create)' : '';
        return `CREATE TYPE ${formatQualifiedName(effect.name)} AS ENUM (${effect.labels.map((label) => `'${label}'`).join(', ')})${via}`;
      }
      case 'drop-enum':
        return `DROP TYPE ${formatQualifiedName(effect.name)}${effect.cascade ? ' CASCADE' : ''}`;
      case 'rename-enum':
        return `ALTER TYPE ${formatQualifiedName(effect.name)} RENAME TO ${effect.newName}`;
      case 'set-enum-schema':
        return `ALTER TYPE ${formatQualifiedName(effect.name)} SET SCHEMA ${effect.newSchema}`;
      case 'add-enum-value': {
        const position = effect.before !== undefined ? ` BEFORE '${effect.before}'` : effect.after !== undefined ? ` AFTER '${effect.after}'` : '';
        return `ALTER TYPE ${formatQualifiedName(effect.name)} ADD VALUE${effect.ifNotExists ? ' IF NOT EXISTS' : ''} '${effect.label}'${position}`;
      }
      case 'rename-enum-value':
        return `ALTER TYPE ${formatQualifiedName(effect.name)} RENAME VALUE '${effect.label}' TO '${effect.newLabel}'`;
      case 'replace-enum-labels':
        return `${effect.operation}: type ${formatQualifiedName(effect.name)} recreated with (${effect.labels.map((label) => `'${label}'`).join(', ')})`;
      case 'create-table': {
        const columns = effect.enumColumns.map((column) => `${column.name} ${formatQualifiedName(column.enumType)}${column.isArray ? '[]' : ''}`);
        return `CREATE TABLE ${formatQualifiedName(effect.name)}${columns.length > 0 ? ` (${columns.join(', ')})` : ''}`;
      }
      case 'drop-table':
        return `DROP TABLE ${formatQualifiedName(effect.name)}${effect.cascade ? ' CASCADE' : ''}`;
      case 'rename-table':
        return `ALTER TABLE ${formatQualifiedName(effect.name)} RENAME TO ${effect.newName}`;
      case 'add-column':
        return `ALTER TABLE ${formatQualifiedName(effect.table)} ADD COLUMN${effect.ifNotExists ? ' IF NOT EXISTS' : ''} ${effect.columnType?.name ?? effect.column ?? '?'}${effect.columnType ? ` ${formatQualifiedName(effect.columnType.enumType)}` : ''}`;
      case 'drop-column':
        return `ALTER TABLE ${formatQualifiedName(effect.table)} DROP COLUMN ${effect.column}`;
      case 'alter-column-type':
        return `ALTER TABLE ${formatQualifiedName(effect.table)} ALTER COLUMN ${effect.column} TYPE ${effect.columnType ? formatQualifiedName(effect.columnType.enumType) : '(a type that is not an enum)'}`;
      case 'set-column-default':
        return `ALTER TABLE ${formatQualifiedName(effect.table)} ALTER COLUMN ${effect.column} ${effect.hasDefault ? 'SET' : 'DROP'} DEFAULT`;
      case 'use-enum-label':
        return `uses label '${effect.label}'${effect.name ? ` of ${formatQualifiedName(effect.name)}` : ''}`;
      case 'use-table':
        return `${effect.operation} on ${effect.viaObject === 'index' ? 'an index of ' : ''}table ${formatQualifiedName(effect.table)}`;
      case 'create-relation':
        return `CREATE ${RELATION_WORDS[effect.relationKind]} ${formatQualifiedName(effect.name)}`;
      case 'create-index':
        return `${effect.operation} ${effect.name ? formatQualifiedName(effect.name) : '(an index whose name schema-gate cannot know)'} on ${formatQualifiedName(effect.table)}`;
      case 'drop-index':
        return `${effect.operation} ${formatQualifiedName(effect.name)}${effect.constraint ? ' (and its index, if it has one)' : ''}`;
      case 'drop-relation':
        return `DROP ${RELATION_WORDS[effect.relationKind]} ${formatQualifiedName(effect.name)}${effect.cascade ? ' CASCADE' : ''}`;
      case 'rename-index':
        return `ALTER INDEX ${formatQualifiedName(effect.name)} RENAME TO ${effect.newName}`;
      case 'invalid-sql':
        return `SQL that PostgreSQL rejects: ${effect.message}`;
      case 'unknown':
        return `not understood: ${effect.reason}`;
    }
  })();
  const conditions = (effect.conditions ?? []).map((condition) =>
    condition.kind === 'opaque' ? `only if ${condition.expression}` : `only if ${condition.objectType} ${formatQualifiedName(condition.name)} ${condition.runsIfExists ? 'exists' : 'is missing'}`,
  );
  return `${base}${guardSuffix(effect.guard)}${effect.autocommit ? ', in an autocommit block' : ''}${conditions.length > 0 ? `, ${conditions.join(', ')}` : ''}`;
}
