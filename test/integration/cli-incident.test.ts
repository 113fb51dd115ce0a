import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { reportSchemaErrors } from '../support/report-schema.js';

const MANIFEST = 'examples/incident/schema-manifest.json';
const ALEMBIC_INI = 'examples/incident/alembic.ini';

interface Report {
  ok: boolean;
  findings: { rule: string; severity: string; object?: string; file?: string; line?: number; message: string }[];
  migrations: { pending: { revision: string }[]; upgradeFails: boolean; sqlalchemy: { version: string } | null };
}

async function checkJson(...args: string[]) {
  const result = await runCli(['check', '--manifest', MANIFEST, '--alembic-ini', ALEMBIC_INI, '--format', 'json', ...args]);
  const report = JSON.parse(result.stdout) as Report;
  expect(reportSchemaErrors(report)).toEqual([]);
  return { ...result, report };
}

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

describe('the incident example', () => {
  it('offline: the two migrations create the same types; the SQLAlchemy pin is found', async () => {
    const { code, report } = await checkJson();
    expect(code).toBe(1);
    expect(report.migrations.sqlalchemy?.version).toBe('1.4.46');
    expect(report.migrations.pending.map((p) => p.revision)).toEqual(['7903a818df74', 'advanced_analytics_001', '20251010_missing_tables']);
    expect(report.findings.filter((f) => f.rule === 'enum-created-twice').map((f) => [f.object, f.file, f.line])).toEqual([
      ['platformtype', 'examples/incident/alembic/versions/20251010_create_missing_analytics_webhook_tables.py', 42],
      ['analyticsgranularity', 'examples/incident/alembic/versions/20251010_create_missing_analytics_webhook_tables.py', 48],
    ]);
  });

  it('online, on the production schema: type "platformtype" already exists, and the guards drift', async () => {
    await db.sql(await readFile('examples/incident/live-database.sql', 'utf8'));
    const { code, report } = await checkJson('--database-url', db.url);
    expect(code).toBe(1);
    expect(report.migrations.pending.map((p) => p.revision)).toEqual(['20251010_missing_tables']);
    expect(report.migrations.upgradeFails).toBe(true);
    const rules = report.findings.map((f) => `${f.rule}:${f.object ?? ''}`);
    expect(rules).toEqual(
      expect.arrayContaining(['enum-already-exists:platformtype', 'enum-already-exists:analyticsgranularity', 'guarded-create-drift:platformtype', 'guarded-create-drift:analyticsgranularity']),
    );
    expect(report.findings.find((f) => f.rule === 'enum-already-exists' && f.object === 'platformtype')?.message).toContain('type "platformtype" already exists');
  });

  it('--verify-applied: tells what was changed by hand since the applied revisions ran', async () => {
    await db.sql(await readFile('examples/incident/live-database.sql', 'utf8'));
    const { report } = await checkJson('--database-url', db.url, '--verify-applied');
    const history = report.findings.filter((f) => f.rule === 'schema-differs-from-history');
    expect(history.map((f) => [f.object, f.severity])).toEqual(
      expect.arrayContaining([
        ['PlatformType', 'warning'],
        ['analyticsgranularity', 'warning'],
      ]),
    );
    expect(history.find((f) => f.object === 'PlatformType')?.message).toContain('no applied revision creates it');
    // Without the flag, the applied revisions are not read.
    const { report: plain } = await checkJson('--database-url', db.url);
    expect(plain.findings.some((f) => f.rule === 'schema-differs-from-history')).toBe(false);
  });
});
