import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { reportSchemaErrors } from '../support/report-schema.js';

let workDir: string;
let db: TestDatabase;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'schema-gate-cli-'));
});
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

let manifestCount = 0;
async function manifestFile(document: unknown): Promise<string> {
  manifestCount += 1;
  const file = join(workDir, `manifest-${manifestCount}.json`);
  await writeFile(file, typeof document === 'string' ? document : JSON.stringify(document, null, 2));
  return file;
}

const INCIDENT_SQL = `
  CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads', 'google_ads');
  CREATE SCHEMA analytics;
  CREATE TYPE analytics.granularity AS ENUM ('day', 'week');
  CREATE TABLE analytics_data_points (id int, platform platformtype);
  CREATE TABLE analytics.rollups (id int, granularity analytics.granularity);
  CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
  INSERT INTO alembic_version VALUES ('7903a818df74');
`;
const INCIDENT_MANIFEST = {
  version: 1,
  enums: { platformtype: ['meta_ads', 'tiktok_ads', 'google_ads'], 'analytics.granularity': ['day', 'week'] },
  tables: ['analytics_data_points', 'analytics.rollups'],
};

async function check(manifest: unknown, ...flags: string[]) {
  return runCli(['check', '--manifest', await manifestFile(manifest), '--database-url', db.url, ...flags]);
}

async function checkJson(manifest: unknown, ...flags: string[]) {
  const result = await check(manifest, '--format', 'json', ...flags);
  const report = JSON.parse(result.stdout) as { ok: boolean; findings: { rule: string; severity: string; object?: string; message: string; details?: Record<string, unknown> }[] };
  expect(reportSchemaErrors(report)).toEqual([]);
  return { ...result, report };
}

describe('schema-gate check against a real database', () => {
  it('passes (exit 0) when the database matches the manifest', async () => {
    await db.sql(INCIDENT_SQL);
    const result = await check(INCIDENT_MANIFEST);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('0 errors, 0 warnings: safe to migrate');
    expect(result.stdout).toContain('alembic_version at 7903a818df74');
  });

  it('reports a missing enum (exit 1)', async () => {
    await db.sql(INCIDENT_SQL);
    const { code, report } = await checkJson({ ...INCIDENT_MANIFEST, enums: { ...INCIDENT_MANIFEST.enums, metrictype: ['clicks'] } });
    expect(code).toBe(1);
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'enum-missing', severity: 'error', object: 'metrictype' })]);
  });

  it.each([
    ['missing', ['meta_ads', 'tiktok_ads', 'google_ads', 'instagram'], { missing: ['instagram'], extra: [], moved: [] }],
    ['extra', ['meta_ads', 'tiktok_ads'], { missing: [], extra: ['google_ads'], moved: [] }],
    ['reordered', ['tiktok_ads', 'meta_ads', 'google_ads'], { missing: [], extra: [], moved: [{ label: 'tiktok_ads', expectedPosition: 1, actualPosition: 2 }] }],
  ])('reports %s labels (exit 1)', async (_, labels, details) => {
    await db.sql(INCIDENT_SQL);
    const { code, report } = await checkJson({ ...INCIDENT_MANIFEST, enums: { ...INCIDENT_MANIFEST.enums, platformtype: labels } });
    expect(code).toBe(1);
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'enum-labels-differ', object: 'platformtype', details: expect.objectContaining(details) })]);
  });

  it('reports a missing table in a non-public schema (exit 1)', async () => {
    await db.sql(INCIDENT_SQL);
    const { code, report } = await checkJson({ ...INCIDENT_MANIFEST, tables: [...INCIDENT_MANIFEST.tables, 'analytics.cohorts'] });
    expect(code).toBe(1);
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'table-missing', object: 'analytics.cohorts' })]);
  });

  it('warns about unlisted objects but passes (exit 0), and fails them with --strict (exit 1)', async () => {
    await db.sql(`${INCIDENT_SQL} CREATE TYPE legacy AS ENUM ('x'); CREATE TABLE scratch (id int);`);
    const lenient = await checkJson(INCIDENT_MANIFEST);
    expect(lenient.code).toBe(0);
    expect(lenient.report.findings.map((f) => [f.rule, f.severity, f.object])).toEqual([
      ['enum-not-in-manifest', 'warning', 'legacy'],
      ['table-not-in-manifest', 'warning', 'scratch'],
    ]);
    const strict = await checkJson(INCIDENT_MANIFEST, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.report.ok).toBe(false);
  });

  it('tells a quoted "PlatformType" from platformtype', async () => {
    await db.sql(`CREATE TYPE "PlatformType" AS ENUM ('meta_ads')`);
    const { code, report } = await checkJson({ version: 1, enums: { platformtype: ['meta_ads'] } });
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.rule, f.object])).toEqual([
      ['enum-missing', 'platformtype'],
      ['enum-not-in-manifest', 'PlatformType'],
    ]);
  });

  it('accepts a partitioned table and does not ask for its partitions', async () => {
    await db.sql(`CREATE TABLE events (at date) PARTITION BY RANGE (at);
      CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`);
    expect((await check({ version: 1, tables: ['events'] }, '--strict')).code).toBe(0);
  });

  it('checks a fresh database: everything listed is missing', async () => {
    const { code, report } = await checkJson(INCIDENT_MANIFEST);
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.rule).sort()).toEqual(['enum-missing', 'enum-missing', 'table-missing', 'table-missing']);
  });

  it('reads DATABASE_URL when no flag is given, and --offline ignores it', async () => {
    await db.sql(INCIDENT_SQL);
    const file = await manifestFile({ ...INCIDENT_MANIFEST, tables: ['nope'] });
    const online = await runCli(['check', '--manifest', file], { DATABASE_URL: db.url });
    expect(online.code).toBe(1);
    const offline = await runCli(['check', '--manifest', file, '--offline'], { DATABASE_URL: db.url });
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('schema-gate check (offline)');
  });

  it('writes nothing to the database', async () => {
    await db.sql(INCIDENT_SQL);
    // A fingerprint of every catalog row the gate could touch, and of the version table.
    const fingerprint = `SELECT
      (SELECT md5(string_agg(oid::text || relname || relkind::text, ',' ORDER BY oid)) FROM pg_class) AS relations,
      (SELECT md5(string_agg(oid::text || typname, ',' ORDER BY oid)) FROM pg_type) AS types,
      (SELECT md5(string_agg(enumtypid::text || enumlabel || enumsortorder::text, ',' ORDER BY enumtypid, enumsortorder)) FROM pg_enum) AS labels,
      (SELECT md5(string_agg(attrelid::text || attname || atttypid::text, ',' ORDER BY attrelid, attnum)) FROM pg_attribute) AS columns,
      (SELECT string_agg(version_num, ',') FROM alembic_version) AS versions`;
    const before = (await db.sql(fingerprint)).rows[0] as Record<string, unknown>;
    await check(INCIDENT_MANIFEST);
    const after = (await db.sql(fingerprint)).rows[0] as Record<string, unknown>;
    expect(after).toEqual(before);
  });

  it('colours only a terminal: FORCE_COLOR forces it, NO_COLOR is plain', async () => {
    await db.sql(INCIDENT_SQL);
    const file = await manifestFile({ ...INCIDENT_MANIFEST, tables: ['nope'] });
    const forced = await runCli(['check', '--manifest', file, '--database-url', db.url], { FORCE_COLOR: '1' });
    expect(forced.stdout).toMatch(/\u001b\[31m/);
    const plain = await runCli(['check', '--manifest', file, '--database-url', db.url], { NO_COLOR: '1' });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });
});

describe('help and version', () => {
  it('prints the version and help with examples and exit codes', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    for (const command of ['check', 'snapshot']) {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:');
    }
    expect((await runCli(['check', '--help'])).stdout).toContain('Exit codes: 0 safe to migrate');
  });

  it('lists the flags of the check itself (--manifest) first', async () => {
    for (const command of ['check', 'run']) {
      const groups = (await runCli([command, '--help'])).stdout.split('\n').filter((line) => /^[A-Z][A-Za-z ]*:$/.test(line));
      expect(groups.slice(0, 4)).toEqual(['Check:', 'Migrations:', 'Database:', 'Output:']);
    }
  });
});

describe('schema-gate snapshot', () => {
  it('writes a manifest that check then passes on the same database (--strict)', async () => {
    await db.sql(`${INCIDENT_SQL} CREATE TYPE "PlatformType" AS ENUM ('x'); CREATE TYPE unlabelled AS ENUM (); CREATE TYPE membershipsize AS ENUM ('', '1-25'); CREATE SCHEMA "odd.schema"; CREATE TABLE "odd.schema"."Items" (id int);
      CREATE TABLE events (at date) PARTITION BY RANGE (at); CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`);
    const out = join(workDir, 'snapshot.json');
    const snapshot = await runCli(['snapshot', '--database-url', db.url, '--out', out]);
    expect(snapshot.code).toBe(0);
    const written = JSON.parse(await readFile(out, 'utf8')) as { enums: Record<string, string[]>; tables: string[] };
    // An enum without labels is written as such: the manifest can describe every enum the database has.
    // An empty string is a label PostgreSQL accepts: written, and read back.
    expect(written.enums).toEqual({
      PlatformType: ['x'],
      membershipsize: ['', '1-25'],
      platformtype: ['meta_ads', 'tiktok_ads', 'google_ads'],
      unlabelled: [],
      'analytics.granularity': ['day', 'week'],
    });
    expect(snapshot.stderr).not.toContain('warning');
    expect(written.tables).toEqual(['analytics_data_points', 'events', 'analytics.rollups', '"odd.schema".Items']);
    const result = await runCli(['check', '--manifest', out, '--database-url', db.url, '--strict']);
    expect(result.code).toBe(0);
  });

  it('limits the manifest to the schemas named, on stdout', async () => {
    await db.sql(INCIDENT_SQL);
    const result = await runCli(['snapshot', '--database-url', db.url, '--schema', 'analytics']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ version: 1, enums: { 'analytics.granularity': ['day', 'week'] }, tables: ['analytics.rollups'] });
  });

  it('needs a database (exit 2)', async () => {
    const result = await runCli(['snapshot']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('snapshot needs a database');
  });
});

describe('exit codes for bad input and unreachable databases', () => {
  it('exits 2 with one line per manifest problem, no stack trace', async () => {
    const file = await manifestFile({ version: 1, enums: { a: ['x', 7], b: ['x', 'x'] }, tables: [3] });
    const result = await runCli(['check', '--manifest', file, '--database-url', db.url]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(new RegExp(`^schema-gate: error: ${file}: /`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([['--format', 'json', '--format', 'text'], ['--sqlalchemy-version', '1.4', '--sqlalchemy-version', '2.0'], ['--manifest', 'other.json']])(
    'exits 2 with one line when a one-value flag is given twice: %s',
    async (...flags) => {
      const file = await manifestFile({ version: 1 });
      const result = await runCli(['check', '--offline', '--manifest', file, ...flags]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^schema-gate: error: --[a-z-]+ is given more than once \(.+\): give it once\n/);
    },
  );

  it('exits 2 on broken JSON, naming line and column', async () => {
    const file = await manifestFile('{\n  "version": 1,\n  "enums": {\n');
    const result = await runCli(['check', '--manifest', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${file}:4:1: invalid JSON`));
  });

  it.each([
    [['check'], /no manifest: pass --manifest FILE/],
    [['check', '--manifest', 'm.json', '--bogus'], /Unknown argument: bogus/],
    [['check', '--manifest', 'm.json', '--format', 'yaml'], /Invalid values/],
    [['frobnicate'], /Unknown argument: frobnicate/],
    [[], /Name a command/],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 on a missing manifest file or migrations directory', async () => {
    const missing = await runCli(['check', '--manifest', join(workDir, 'absent.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('absent.json: cannot read the manifest: no such file');
    const file = await manifestFile(INCIDENT_MANIFEST);
    const noDir = await runCli(['check', '--manifest', file, '--migrations', join(workDir, 'no-versions')]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('no-versions: no such directory');
  });

  it('exits 3 when nothing listens, naming the host', async () => {
    const file = await manifestFile(INCIDENT_MANIFEST);
    const result = await runCli(['check', '--manifest', file, '--database-url', 'postgres://app:hunter2secret@127.0.0.1:1/app']);
    expect(result.code).toBe(3);
    expect(result.stderr.trim()).toBe('schema-gate: error: cannot connect to 127.0.0.1:1/app: connection refused (is the server running and listening on that port?)');
  });

  it('exits 3 on a wrong password and never prints a password', async () => {
    const file = await manifestFile(INCIDENT_MANIFEST);
    const wrong = new URL(db.url);
    wrong.password = 'Wr0ngPassw0rd';
    for (const format of ['text', 'json']) {
      const result = await runCli(['check', '--manifest', file, '--database-url', wrong.toString(), '--format', format, '--debug']);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('password authentication failed');
      const output = result.stdout + result.stderr;
      expect(output).not.toContain('Wr0ngPassw0rd');
      expect(output).not.toContain(decodeURIComponent(new URL(db.url).password));
    }
  });

  it('exits 3 on a database that does not exist', async () => {
    const file = await manifestFile(INCIDENT_MANIFEST);
    const url = new URL(db.url);
    url.pathname = '/nowhere';
    const result = await runCli(['check', '--manifest', file, '--database-url', url.toString()]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot connect to 127\.0\.0\.1:\d+\/nowhere: database does not exist/);
  });

  it('exits 3 when the server accepts but never answers, after --connect-timeout', async () => {
    const sockets: import('node:net').Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const file = await manifestFile(INCIDENT_MANIFEST);
      const result = await runCli(['check', '--manifest', file, '--database-url', `postgres://app:pw@127.0.0.1:${port}/app`, '--connect-timeout', '1']);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}/app: timed out`));
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('follows sslmode as libpq does: disable connects in clear, require fails on a server without SSL', async () => {
    await db.sql(INCIDENT_SQL);
    const file = await manifestFile(INCIDENT_MANIFEST);
    const clear = new URL(db.url);
    clear.searchParams.set('sslmode', 'disable');
    expect((await runCli(['check', '--manifest', file, '--database-url', clear.toString()])).code).toBe(0);
    const required = new URL(db.url);
    required.searchParams.set('sslmode', 'require');
    const result = await runCli(['check', '--manifest', file, '--database-url', required.toString()]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/does not support SSL/);
  });

  it('exits 2 on an sslmode libpq would refuse, before connecting and without echoing the password', async () => {
    const file = await manifestFile(INCIDENT_MANIFEST);
    const result = await runCli(['check', '--manifest', file, '--database-url', 'postgres://u:topsecret@127.0.0.1:1/db?sslmode=requir']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid sslmode "requir"');
    expect(result.stderr).not.toContain('topsecret');
  });

  it('exits 2 on a URL that is not a PostgreSQL URL, without echoing its password', async () => {
    const file = await manifestFile(INCIDENT_MANIFEST);
    const result = await runCli(['check', '--manifest', file, '--database-url', 'mysql://root:topsecret@db/app']);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('topsecret');
  });
});
