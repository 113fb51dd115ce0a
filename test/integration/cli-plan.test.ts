import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { planSchemaErrors } from '../support/report-schema.js';

const MERGE_TWO = 'test/fixtures/alembic/merge-two/versions';
const MULTIPLE_HEADS = 'test/fixtures/alembic/multiple-heads/versions';
/** Alembic's own upgrade order for MERGE_TWO (proven in test/e2e/alembic-graph.test.ts). */
const MERGE_TWO_ORDER = ['1b6d0c2e9a47', '5d3a7b9c1e2f', 'a0b1c2d3e4f5', '4c1e8f0a2b93', '9e2f4a6b8c0d', 'f7e6d5c4b3a2', '2a9c8e7d6f51'];

interface PlanDocument {
  ok: boolean;
  mode: string;
  heads: string[];
  current: string[];
  pending: { revision: string; file: string; isMerge: boolean }[];
  findings: { rule: string; severity: string; file?: string }[];
}

async function planJson(...args: string[]) {
  const result = await runCli(['plan', '--format', 'json', ...args]);
  const document = JSON.parse(result.stdout) as PlanDocument;
  expect(planSchemaErrors(document)).toEqual([]);
  return { ...result, document };
}

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

describe('schema-gate plan', () => {
  it('offline: everything is pending, in Alembic order, with relative file paths', async () => {
    const { code, document } = await planJson('--migrations', MERGE_TWO);
    expect(code).toBe(0);
    expect(document).toMatchObject({ ok: true, mode: 'offline', heads: ['2a9c8e7d6f51'], current: [] });
    expect(document.pending.map((p) => p.revision)).toEqual(MERGE_TWO_ORDER);
    expect(document.pending[5]).toMatchObject({ isMerge: true, file: expect.stringMatching(/^test\/fixtures\/alembic\/merge-two\/versions\/f7e6d5c4b3a2_/) });
  });

  it('online: only what follows the stamped revision is pending', async () => {
    await db.sql("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('a0b1c2d3e4f5')");
    const { code, document } = await planJson('--migrations', MERGE_TWO, '--database-url', db.url);
    expect(code).toBe(0);
    expect(document).toMatchObject({ mode: 'online', current: ['a0b1c2d3e4f5'] });
    expect(document.pending.map((p) => p.revision)).toEqual(['4c1e8f0a2b93', '9e2f4a6b8c0d', 'f7e6d5c4b3a2', '2a9c8e7d6f51']);
  });

  it('online at the head: nothing is pending', async () => {
    await db.sql("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('2a9c8e7d6f51')");
    const result = await runCli(['plan', '--migrations', MERGE_TWO, '--database-url', db.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('pending: nothing, the database is at the target');
  });

  it('exits 1 with several heads, still printing the JSON document with the heads', async () => {
    const { code, document } = await planJson('--migrations', MULTIPLE_HEADS);
    expect(code).toBe(1);
    expect(document.heads).toHaveLength(2);
    expect(document.pending).toEqual([]);
    expect(document.findings).toEqual([expect.objectContaining({ rule: 'multiple-heads', severity: 'error', file: expect.stringContaining('multiple-heads/versions/') })]);
  });

  it('accepts several heads with --to heads, as a warning', async () => {
    const { code, document } = await planJson('--migrations', MULTIPLE_HEADS, '--to', 'heads');
    expect(code).toBe(0);
    expect(document.findings).toEqual([expect.objectContaining({ rule: 'multiple-heads', severity: 'warning' })]);
    expect(document.pending.length).toBeGreaterThan(0);
  });

  it("exits 1 when the database is stamped at a revision no file defines (Can't locate revision)", async () => {
    await db.sql("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('deadbeef0000')");
    const { code, document } = await planJson('--migrations', MERGE_TWO, '--database-url', db.url);
    expect(code).toBe(1);
    expect(document.findings).toEqual([expect.objectContaining({ rule: 'unknown-db-revision' })]);
  });

  it('exits 2 on a missing versions directory, naming it', async () => {
    const result = await runCli(['plan', '--migrations', 'no/such/versions']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--migrations: .*no\/such\/versions: no such directory/);
  });

  it('exits 2 without --migrations or --alembic-ini', async () => {
    const result = await runCli(['plan']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --migrations DIR');
  });
});

describe('schema-gate plan --effects', () => {
  it("lists what each pending upgrade() does, as the gate understood it", async () => {
    const { code, document } = await planJson('--alembic-ini', 'examples/incident/alembic.ini', '--effects');
    expect(code).toBe(0);
    const last = document.pending[document.pending.length - 1] as unknown as { revision: string; effects: { line: number; kind: string; description: string }[] };
    expect(last.revision).toBe('20251010_missing_tables');
    expect(last.effects).toEqual(
      expect.arrayContaining([
        { line: 26, kind: 'create-enum', description: expect.stringMatching(/^CREATE TYPE platformtype AS ENUM .*guarded by an existence check \(pg_type, in any schema\)$/) },
        { line: 42, kind: 'create-enum', description: expect.stringContaining('(implicitly, by op.create_table)') },
      ]),
    );
  });
});

describe('schema-gate graph', () => {
  it('draws Mermaid with heads, merges, the current and the pending revisions', async () => {
    await db.sql("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('a0b1c2d3e4f5')");
    const result = await runCli(['graph', '--migrations', MERGE_TWO, '--database-url', db.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^flowchart BT\n/);
    expect(result.stdout).toContain('r_a0b1c2d3e4f5["a0b1c2d3e4f5 · current"]');
    expect(result.stdout).toContain('r_f7e6d5c4b3a2["f7e6d5c4b3a2 · merge · pending"]');
    expect(result.stdout).toContain('r_2a9c8e7d6f51["2a9c8e7d6f51 · head · pending"]');
    expect(result.stdout).toContain('r_9e2f4a6b8c0d --> r_f7e6d5c4b3a2');
  });

  it('draws Graphviz DOT', async () => {
    const result = await runCli(['graph', '--migrations', MERGE_TWO, '--format', 'dot']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^digraph alembic \{/);
    expect(result.stdout).toContain('"9e2f4a6b8c0d" -> "f7e6d5c4b3a2";');
    expect(result.stdout).toContain('peripheries=2');
  });
});
