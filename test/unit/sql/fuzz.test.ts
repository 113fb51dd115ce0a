import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Effect } from '../../../src/model/effect.js';
import { loadSqlParser, sqlEffects } from '../../../src/migrations/sql/parse-sql.js';

beforeAll(loadSqlParser);

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = [
  "CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads')",
  "ALTER TYPE platformtype ADD VALUE IF NOT EXISTS 'snap_ads' AFTER 'meta_ads'",
  "ALTER TYPE platformtype RENAME VALUE 'a' TO 'b'; ALTER TYPE a RENAME TO b; ALTER TYPE b SET SCHEMA s",
  'DROP TYPE IF EXISTS a, b CASCADE; DROP TABLE IF EXISTS t',
  "CREATE TABLE IF NOT EXISTS t (id serial, p platformtype[] DEFAULT '{meta_ads}', q \"Q\" NOT NULL)",
  'ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS c p, ALTER COLUMN d TYPE q USING d::text::q',
  "INSERT INTO t (p) VALUES ('x'), ('y'::platformtype) ON CONFLICT DO NOTHING; UPDATE t SET p = 'z' WHERE p IN ('a', 'b')",
  "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'p') THEN CREATE TYPE p AS ENUM ('a'); END IF; END $$;",
  "DO $body$\nBEGIN\n  CREATE TYPE p AS ENUM ('a');\nEXCEPTION\n  WHEN duplicate_object THEN null;\nEND\n$body$;",
  "DO $$ BEGIN EXECUTE 'CREATE TYPE p AS ENUM (''a'')'; EXECUTE format('DROP TYPE %I', 'p'); END $$",
  "DO 'BEGIN FOR i IN 1..3 LOOP ALTER TYPE p ADD VALUE ''x''; END LOOP; END'",
  "SELECT 'é日本😀'::platformtype; -- comment\n/* block */ CREATE TYPE \"ü\" AS ENUM ()",
];

/** Characters that upset lexers: quotes, dollar signs, brackets, separators, non-ASCII, control characters. */
const NASTY = ["'", '"', '$', '$$', '$a$', '(', ')', '[', ']', ';', '::', '--', '/*', '*/', '\\', 'E\'', '\n', '\t', 'é', '😀', '\uD800', '\u0000', '\u0001', 'BEGIN', 'END', 'IF', 'THEN', 'DO'];

function mutate(text: string, random: () => number): string {
  const at = () => Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 6)) {
    case 0: // truncate
      return text.slice(0, at());
    case 1: {
      // insert a nasty token
      const position = at();
      return text.slice(0, position) + NASTY[Math.floor(random() * NASTY.length)]! + text.slice(position);
    }
    case 2: {
      // delete a range
      const start = at();
      return text.slice(0, start) + text.slice(start + Math.floor(random() * 20));
    }
    case 3: {
      // duplicate a range
      const start = at();
      const end = Math.min(text.length, start + Math.floor(random() * 40));
      return text.slice(0, end) + text.slice(start, end) + text.slice(end);
    }
    case 4: // random code units
      return Array.from({ length: Math.floor(random() * 60) }, () => String.fromCharCode(Math.floor(random() * 0x10000))).join('');
    default: // wrap in a DO block
      return `DO $$ BEGIN ${text}; END $$`;
  }
}

/** Deeply nested inputs, each at most a few tens of kilobytes. */
const DEEP = [
  (n: number) => `SELECT ${'('.repeat(n)}1${')'.repeat(n)}`,
  (n: number) => `SELECT ${Array(n).fill('1').join('+')}`,
  (n: number) => `SELECT ${'f('.repeat(n)}1${')'.repeat(n)}`,
  (n: number) => `SELECT 1${'::int'.repeat(n)}`,
  (n: number) => `SELECT ${'NOT '.repeat(n)}true`,
  (n: number) => Array(n).fill('SELECT 1').join(' UNION '),
  (n: number) => `SELECT ${Array(n).fill("'a'").join(' || ')}::platformtype`,
  (n: number) => `DO $$ ${'BEGIN '.repeat(n)}NULL;${' END;'.repeat(n)} $$`,
  (n: number) => `DO $$ BEGIN ${'IF true THEN '.repeat(n)}NULL;${' END IF;'.repeat(n)} END $$`,
  (n: number) => `SELECT '${'{'.repeat(n)}a${'}'.repeat(n)}'::platformtype[]`,
  (n: number) => `${"DO $$ BEGIN EXECUTE '".repeat(Math.min(n, 12))}SELECT 1`,
];

function checkWellFormed(effects: readonly Effect[], firstLine: number): void {
  for (const effect of effects) {
    expect(effect.location.file).toBe('fuzz.py');
    expect(Number.isInteger(effect.location.line) && effect.location.line >= firstLine).toBe(true);
    // The screening must keep every input away from the parser's internal failures.
    if (effect.kind === 'unknown') expect(effect.reason).not.toMatch(/failed internally|no longer trusted/);
  }
}

describe('sqlEffects on hostile input', () => {
  it('never throws on mutated SQL and gives well-formed effects', () => {
    const random = randomSource(20240601);
    for (let round = 0; round < 1500; round += 1) {
      let text = CORPUS[Math.floor(random() * CORPUS.length)]!;
      const mutations = 1 + Math.floor(random() * 4);
      for (let step = 0; step < mutations; step += 1) text = mutate(text, random);
      const effects = sqlEffects(text, { file: 'fuzz.py', line: 5 });
      checkWellFormed(effects, 5);
    }
  });

  it('never throws on deeply nested SQL, and the parser still works afterwards', () => {
    for (const generate of DEEP) {
      for (const depth of [10, 200, 999, 1001, 3000, 12000]) {
        checkWellFormed(sqlEffects(generate(depth), { file: 'fuzz.py', line: 1 }), 1);
      }
    }
    // A stack overflow inside the parser would have corrupted it; it must still parse correctly.
    expect(sqlEffects("CREATE TYPE a AS ENUM ('x')", { file: 'fuzz.py', line: 1 })).toMatchObject([{ kind: 'create-enum', labels: ['x'] }]);
  });

  it('reports input too deep to parse safely as unknown, not as a failure', () => {
    const effects = sqlEffects(`SELECT ${Array(20000).fill('1').join('+')}`, { file: 'fuzz.py', line: 1 });
    expect(effects).toMatchObject([{ kind: 'unknown', reason: expect.stringMatching(/nested too deeply/) }]);
  });

  it('handles large flat input without refusing it', () => {
    const rows = Array.from({ length: 5000 }, (_, index) => `('label_${index}', ${index})`).join(',\n');
    const effects = sqlEffects(`INSERT INTO t (p, n) VALUES ${rows}`, { file: 'fuzz.py', line: 1 });
    expect(effects).toHaveLength(5001);
    expect(effects[0]).toMatchObject({ kind: 'use-table', table: { name: 't' } });
    expect(effects.slice(1).every((effect) => effect.kind === 'use-enum-label')).toBe(true);
  });
});
