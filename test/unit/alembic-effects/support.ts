import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Effect, EffectKind, Guard, SourceLocation } from '../../../src/model/effect.js';
import type { BindParameterStyle } from '../../../src/migrations/sql/bind-parameters.js';
import { analyzeUpgrade, type AnalyzedEffect, type UpgradeAnalysis, type UpgradeEffectsOptions } from '../../../src/migrations/alembic/upgrade-effects.js';

/** Where the revision files of these tests live. */
export const EFFECT_FIXTURES = fileURLToPath(new URL('../../fixtures/effects/', import.meta.url));

/** One call the analysis made to the SQL analyser. */
export interface SqlCall {
  readonly sql: string;
  readonly origin: SourceLocation;
  /** How the executing call writes bind parameters. */
  readonly bindParameters?: BindParameterStyle;
  /** Set when the call certainly gives no values for text() binds. */
  readonly withoutBindValues?: boolean;
}

const inPublic = (name: string) => ({ schema: 'public', name });

/**
 * TEST DOUBLE of the SQL analyser, which the real pipeline implements with PostgreSQL's parser.
 * It recognises just enough, with plain string searching, to tell from the effects that a text
 * arrived whole and at the right line: `CREATE TYPE x AS ENUM ('a', 'b')` (inside a DO block too,
 * with the block's `IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = ...)` or
 * `EXCEPTION WHEN duplicate_object` as its guard), `ALTER TYPE x ADD VALUE 'y'`, `DROP TYPE x`
 * and `CREATE TABLE x`. Every other statement has no effect.
 */
export function fakeSqlEffects(calls: SqlCall[] = []): UpgradeEffectsOptions['sqlEffects'] {
  return (sql, origin, options) => {
    calls.push({ sql, origin, bindParameters: options.bindParameters, ...(options.withoutBindValues ? { withoutBindValues: true } : {}) });
    const effects: Effect[] = [];
    const upper = sql.toUpperCase();
    const lineOf = (index: number) => origin.line + sql.slice(0, index).split('\n').length - 1;
    const blockGuard = (): Guard => {
      if (upper.split(/\s+/).join(' ').includes('EXCEPTION WHEN DUPLICATE_OBJECT')) return { kind: 'exception-handler', conditions: ['duplicate_object'] };
      if (upper.includes('IF NOT EXISTS (SELECT 1 FROM PG_TYPE')) return { kind: 'existence-check', source: 'pg_type', schemaAware: false };
      return { kind: 'none' };
    };
    const wordAfter = (index: number): string => {
      let end = index;
      while (end < sql.length && /[A-Za-z0-9_."]/.test(sql[end]!)) end++;
      return sql.slice(index, end).replace(/"/g, '');
    };
    const quoted = (text: string): string[] => [...text.matchAll(/'([^']*)'/g)].map((match) => match[1]!);
    for (let index = upper.indexOf('CREATE TYPE '); index >= 0; index = upper.indexOf('CREATE TYPE ', index + 1)) {
      const name = wordAfter(index + 'CREATE TYPE '.length);
      const open = sql.indexOf('(', index);
      const close = sql.indexOf(')', open);
      effects.push({ kind: 'create-enum', name: inPublic(name), labels: quoted(sql.slice(open + 1, close)), via: 'sql', guard: blockGuard(), location: { file: origin.file, line: lineOf(index) } });
    }
    for (let index = upper.indexOf('ALTER TYPE '); index >= 0; index = upper.indexOf('ALTER TYPE ', index + 1)) {
      const name = wordAfter(index + 'ALTER TYPE '.length);
      const label = quoted(sql.slice(index, sql.indexOf('\n', index) >= 0 ? sql.indexOf('\n', index) : sql.length))[0] ?? '';
      effects.push({ kind: 'add-enum-value', name: inPublic(name), label, ifNotExists: false, guard: { kind: 'none' }, location: { file: origin.file, line: lineOf(index) } });
    }
    for (let index = upper.indexOf('DROP TYPE '); index >= 0; index = upper.indexOf('DROP TYPE ', index + 1)) {
      effects.push({ kind: 'drop-enum', name: inPublic(wordAfter(index + 'DROP TYPE '.length)), cascade: false, guard: { kind: 'none' }, location: { file: origin.file, line: lineOf(index) } });
    }
    for (let index = upper.indexOf('CREATE TABLE '); index >= 0; index = upper.indexOf('CREATE TABLE ', index + 1)) {
      effects.push({ kind: 'create-table', name: inPublic(wordAfter(index + 'CREATE TABLE '.length)), enumColumns: [], guard: { kind: 'none' }, location: { file: origin.file, line: lineOf(index) } });
    }
    return effects.sort((a, b) => a.location.line - b.location.line);
  };
}

/** The analysis of a Python source given inline, with the test double for SQL. */
export function analyze(source: string, options: Partial<UpgradeEffectsOptions> & { calls?: SqlCall[] } = {}): UpgradeAnalysis {
  return analyzeUpgrade(source, 'versions/rev.py', { sqlEffects: fakeSqlEffects(options.calls), ...options });
}

/** The analysis of a fixture revision file. */
export function analyzeFixture(name: string, options: Partial<UpgradeEffectsOptions> & { calls?: SqlCall[] } = {}): UpgradeAnalysis {
  const source = readFileSync(`${EFFECT_FIXTURES}${name}`, 'utf8');
  return analyzeUpgrade(source, name, { sqlEffects: fakeSqlEffects(options.calls), ...options });
}

/** The effects of one kind, narrowed to it. */
export function ofKind<K extends EffectKind>(effects: readonly AnalyzedEffect[], kind: K): Array<Extract<Effect, { kind: K }> & AnalyzedEffect> {
  return effects.filter((effect): effect is Extract<Effect, { kind: K }> & AnalyzedEffect => effect.kind === kind);
}

/** `kind name` per effect, for compact order assertions. */
export function summary(effects: readonly AnalyzedEffect[]): string[] {
  return effects.map((effect) => {
    switch (effect.kind) {
      case 'create-enum':
      case 'drop-enum':
      case 'create-table':
      case 'drop-table':
      case 'rename-table':
        return `${effect.kind} ${effect.name.schema === 'public' ? '' : `${effect.name.schema}.`}${effect.name.name}`;
      case 'add-column':
      case 'alter-column-type':
        return `${effect.kind} ${effect.table.name}`;
      case 'drop-column':
        return effect.kind;
      case 'add-enum-value':
        return `${effect.kind} ${effect.name.name} ${effect.label}`;
      case 'use-enum-label':
        return `${effect.kind} ${effect.name?.name ?? '?'} ${effect.label}`;
      case 'use-table':
        return `${effect.kind} ${effect.table.schema === 'public' ? '' : `${effect.table.schema}.`}${effect.table.name}`;
      default:
        return effect.kind;
    }
  });
}

/** Python source with the usual revision header, so that cases stay short. */
export function revision(body: string, header = 'from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n'): string {
  return `${header}\nrevision = "abc"\ndown_revision = None\n\n${body}\n`;
}

/** The line of a fixture that carries the comment `# <- marker` (or `-- <- marker` inside SQL). */
export function markerLine(name: string, marker: string): number {
  const lines = readFileSync(`${EFFECT_FIXTURES}${name}`, 'utf8').split('\n');
  const index = lines.findIndex((line) => {
    const at = line.indexOf(`<- ${marker}`);
    const after = line[at + 3 + marker.length];
    return at >= 0 && (after === undefined || after === ' ');
  });
  if (index < 0) throw new Error(`no marker "${marker}" in ${name}`);
  return index + 1;
}
