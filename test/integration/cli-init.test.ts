import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { initManifest } from '../../src/index.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { catalogFingerprint } from '../support/verdicts.js';

/** A clean history: enums in public and in another schema, a mixed-case name, labels added BEFORE/AFTER, a rename. */
const CLEAN = resolve('test/fixtures/init/clean');
const INCIDENT_INI = resolve('examples/incident/alembic.ini');

/** The rules that compare the schema with the manifest: a round trip must report none of them. */
const DRIFT_RULES = ['enum-missing', 'enum-labels-differ', 'enum-not-in-manifest', 'table-missing', 'table-not-in-manifest'];

interface Report {
  ok: boolean;
  mode: string;
  findings: { rule: string; severity: string; object?: string; message: string }[];
}

let workDir: string;
let db: TestDatabase;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'schema-gate-init-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

let directoryCount = 0;
/** An empty directory to run init in. */
async function freshDirectory(): Promise<string> {
  directoryCount += 1;
  const directory = join(workDir, `project-${directoryCount}`);
  await mkdir(directory, { recursive: true });
  return directory;
}

async function checkJson(cwd: string, ...args: string[]): Promise<{ code: number | null; report: Report; stderr: string }> {
  const result = await runCli(['check', '--format', 'json', ...args], {}, cwd);
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

const driftOf = (report: Report) => report.findings.filter((finding) => DRIFT_RULES.includes(finding.rule));

describe('init offline, from the simulated history', () => {
  it('writes the schema the history leaves, pretty and in a stable order; check --strict then passes', async () => {
    const cwd = await freshDirectory();
    const init = await runCli(['init', '--alembic-ini', join(CLEAN, 'alembic.ini')], {}, cwd);
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
    const text = await readFile(join(cwd, 'schema-manifest.json'), 'utf8');
    const expected = {
      version: 1,
      enums: { PlatformType: ['web', 'mobile'], plantype: ['free', 'pro', 'enterprise'], 'analytics.granularity': ['hour', 'day', 'week', 'month'] },
      tables: ['accounts', 'archived_events', 'events', 'analytics.rollups'],
    };
    expect(text).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    expect(init.stdout).toContain('wrote schema-manifest.json: 3 enums, 4 tables, from 2 revisions');

    const { code, report } = await checkJson(cwd, '--manifest', 'schema-manifest.json', '--alembic-ini', join(CLEAN, 'alembic.ini'), '--strict');
    expect({ code, findings: report.findings, mode: report.mode }).toEqual({ code: 0, findings: [], mode: 'offline' });
  });

  it('--baseline: a history that starts from tables made outside it; the pull-request job gets the flag, and check names it when it is missing', async () => {
    const cwd = await freshDirectory();
    await mkdir(join(cwd, '.git'));
    await mkdir(join(cwd, 'versions'));
    await writeFile(
      join(cwd, 'versions', 'a1_flag.py'),
      '"""flag"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "a1"\ndown_revision = None\n\n\ndef upgrade():\n    op.add_column("legacy", sa.Column("flag", sa.Boolean))\n    op.create_table("audit", sa.Column("id", sa.Integer))\n',
    );
    await writeFile(join(cwd, 'baseline.json'), JSON.stringify({ version: 1, tables: ['legacy'] }));
    const init = await runCli(['init', '--offline', '--migrations', 'versions', '--baseline', 'baseline.json'], {}, cwd);
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(await readFile(join(cwd, 'schema-manifest.json'), 'utf8'))).toEqual({ version: 1, enums: {}, tables: ['audit', 'legacy'] });
    expect(init.stdout).toContain('from 1 revision of versions, simulated from the baseline baseline.json');
    expect(init.stdout).toContain('args: --baseline baseline.json');

    const based = await checkJson(cwd, '--offline', '--manifest', 'schema-manifest.json', '--migrations', 'versions', '--baseline', 'baseline.json', '--strict');
    expect({ code: based.code, findings: based.report.findings }).toEqual({ code: 0, findings: [] });
    const empty = await runCli(['check', '--offline', '--manifest', 'schema-manifest.json', '--migrations', 'versions'], {}, cwd);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain('note: 1 table (legacy) is used but created by no revision: if it exists before the first one (made by metadata.create_all()), pass --baseline with a manifest that lists it');
  });

  it('finds alembic.ini in the working directory and names it, relative, in the snippets', async () => {
    const cwd = await freshDirectory();
    await cp(CLEAN, cwd, { recursive: true });
    const init = await runCli(['init'], {}, cwd);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('history: alembic.ini (found in the current directory)');
    expect(init.stdout).toContain('"schema-gate run --manifest schema-manifest.json --alembic-ini alembic.ini -- alembic upgrade head"');
    expect(init.stdout).toContain('alembic-ini: alembic.ini\n');
    expect(init.stdout).toContain('uses: schema-gate/schema-gate@v0');
    const { code } = await checkJson(cwd, '--manifest', 'schema-manifest.json', '--alembic-ini', 'alembic.ini', '--strict');
    expect(code).toBe(0);
  });

  it('the incident: the manifest holds what the migrations intend, and check reports the duplicate creates but no drift', async () => {
    const cwd = await freshDirectory();
    const init = await runCli(['init', '--alembic-ini', INCIDENT_INI, '--manifest', 'm.json'], {}, cwd);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('alembic upgrade would fail on this history');
    expect(init.stdout).toContain('enum-created-twice');
    const { code, report } = await checkJson(cwd, '--manifest', 'm.json', '--alembic-ini', INCIDENT_INI);
    expect(code).toBe(1);
    expect(driftOf(report)).toEqual([]);
    expect(report.findings.map((finding) => finding.rule)).toContain('enum-created-twice');
  });

  it('names each statement it could not analyse', async () => {
    const cwd = await freshDirectory();
    await cp(CLEAN, cwd, { recursive: true });
    await writeFile(
      join(cwd, 'alembic/versions/c7d8e9f0a1b2_seed.py'),
      [
        '"""seed"""',
        'from alembic import op',
        'from app.seed import seed_plans',
        '',
        "revision = 'c7d8e9f0a1b2'",
        "down_revision = '9d3e5b2a7c44'",
        '',
        '',
        'def upgrade():',
        '    seed_plans(op.get_bind())',
        '',
      ].join('\n'),
    );
    const init = await runCli(['init', '--offline'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/never' }, cwd);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('note: 1 statement could not be analysed');
    expect(init.stdout).toMatch(/alembic\/versions\/c7d8e9f0a1b2_seed\.py\n {2}⚠ warning line 10: .*seed_plans.*unanalyzable-statement/);
  });

  it('with several heads, says why it cannot simulate (exit 2, one line)', async () => {
    const cwd = await freshDirectory();
    const init = await runCli(['init', '--migrations', resolve('test/fixtures/alembic/multiple-heads/versions')], {}, cwd);
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/^schema-gate: error: cannot simulate the history: .*multiple-heads\)\n$/);
  });
});

describe('init refuses what it should', () => {
  it('never overwrites a manifest without --force (exit 2, one line); --force does', async () => {
    const cwd = await freshDirectory();
    await writeFile(join(cwd, 'schema-manifest.json'), 'keep me');
    const refused = await runCli(['init', '--alembic-ini', join(CLEAN, 'alembic.ini')], {}, cwd);
    expect({ code: refused.code, stderr: refused.stderr, stdout: refused.stdout }).toEqual({
      code: 2,
      stderr: 'schema-gate: error: schema-manifest.json already exists; pass --force to overwrite it\n',
      stdout: '',
    });
    expect(await readFile(join(cwd, 'schema-manifest.json'), 'utf8')).toBe('keep me');
    const forced = await runCli(['init', '--alembic-ini', join(CLEAN, 'alembic.ini'), '--force'], {}, cwd);
    expect(forced.code).toBe(0);
    expect(JSON.parse(await readFile(join(cwd, 'schema-manifest.json'), 'utf8'))).toMatchObject({ version: 1 });
  });

  it('without a database and without a history (exit 2, one line)', async () => {
    const cwd = await freshDirectory();
    const result = await runCli(['init'], {}, cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'schema-gate: error: init needs a database (--database-url or DATABASE_URL) or a migration history (--alembic-ini FILE or --migrations DIR); there is no alembic.ini in the current directory\n',
    );
  });

  it('a missing versions directory (exit 2)', async () => {
    const cwd = await freshDirectory();
    const result = await runCli(['init', '--migrations', 'nowhere'], {}, cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^schema-gate: error: --migrations: .*nowhere: no such directory\n$/);
  });

  it('a database it cannot reach (exit 3), without printing the password, and writes no file', async () => {
    const cwd = await freshDirectory();
    const result = await runCli(['init', '--connect-timeout', '1'], { DATABASE_URL: 'postgres://app:s3cret-pw@127.0.0.1:1/app' }, cwd);
    expect(result.code).toBe(3);
    expect(result.stderr.split('\n').filter((line) => line !== '')).toHaveLength(1);
    expect(result.stderr + result.stdout).not.toContain('s3cret-pw');
    await expect(readFile(join(cwd, 'schema-manifest.json'), 'utf8')).rejects.toThrow();
  });

  it('--dry-run writes nothing and prints the manifest on stdout', async () => {
    const cwd = await freshDirectory();
    const result = await runCli(['init', '--alembic-ini', join(CLEAN, 'alembic.ini'), '--dry-run'], {}, cwd);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ version: 1, tables: expect.arrayContaining(['accounts']) });
    expect(result.stderr).toContain('would write schema-manifest.json');
    await expect(readFile(join(cwd, 'schema-manifest.json'), 'utf8')).rejects.toThrow();
  });
});

describe('init online, from a live database', () => {
  const LIVE = `
    CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads', 'google_ads');
    CREATE TYPE "PlatformType" AS ENUM ('meta_ads');
    CREATE SCHEMA analytics;
    CREATE TYPE analytics.granularity AS ENUM ('week', 'day');
    CREATE TYPE "my.schema" AS ENUM ('x');
    CREATE TABLE analytics_data_points (id int, platform platformtype);
    CREATE TABLE analytics.rollups (id int, granularity analytics.granularity);
    CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
  `;

  it('writes the live schema, writing nothing to the database; check against it then passes --strict', async () => {
    await db.sql(LIVE);
    const cwd = await freshDirectory();
    const before = await catalogFingerprint(db);
    const init = await runCli(['init', '--database-url', db.url], {}, cwd);
    expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await catalogFingerprint(db)).toEqual(before);
    expect(init.stdout).toMatch(/from the database postgres:\/\/[^:]+:\*\*\*@/);
    expect(init.stdout).toContain('note: no migration history');
    expect(init.stdout).toContain('"schema-gate run --manifest schema-manifest.json -- alembic upgrade head"');
    expect(init.stdout).not.toContain('Pull requests');
    const manifest = JSON.parse(await readFile(join(cwd, 'schema-manifest.json'), 'utf8')) as unknown;
    expect(manifest).toEqual({
      version: 1,
      enums: { PlatformType: ['meta_ads'], '"my.schema"': ['x'], platformtype: ['meta_ads', 'tiktok_ads', 'google_ads'], 'analytics.granularity': ['week', 'day'] },
      tables: ['analytics_data_points', 'analytics.rollups'],
    });
    const { code, report } = await checkJson(cwd, '--manifest', 'schema-manifest.json', '--database-url', db.url, '--strict');
    expect({ code, findings: report.findings }).toEqual({ code: 0, findings: [] });
  });

  it('--schema limits it to some schemas', async () => {
    await db.sql(LIVE);
    const cwd = await freshDirectory();
    const init = await runCli(['init', '--database-url', db.url, '--schema', 'analytics'], {}, cwd);
    expect(init.code).toBe(0);
    expect(JSON.parse(await readFile(join(cwd, 'schema-manifest.json'), 'utf8'))).toEqual({
      version: 1,
      enums: { 'analytics.granularity': ['week', 'day'] },
      tables: ['analytics.rollups'],
    });
  });

  it('with the history: the pending revisions are simulated on the live schema, so check against the same database reports no drift', async () => {
    await db.sql(await readFile('examples/incident/live-database.sql', 'utf8'));
    const cwd = await freshDirectory();
    const before = await catalogFingerprint(db);
    const init = await runCli(['init', '--alembic-ini', INCIDENT_INI], { DATABASE_URL: db.url }, cwd);
    expect(init.code).toBe(0);
    expect(await catalogFingerprint(db)).toEqual(before);
    expect(init.stdout).toContain('and 1 pending revision');
    expect(init.stdout).toContain('note: 1 revision is not applied yet');
    const { report } = await checkJson(cwd, '--manifest', 'schema-manifest.json', '--alembic-ini', INCIDENT_INI, '--database-url', db.url);
    expect(report.mode).toBe('online');
    expect(driftOf(report)).toEqual([]);
  });

  it('an up-to-date database with its history: check passes --strict', async () => {
    // The history's schema, as `alembic upgrade head` would leave it (proven against real Alembic in test/e2e/init.test.ts).
    await db.sql(`
      CREATE TYPE plantype AS ENUM ('free', 'pro', 'enterprise');
      CREATE TABLE accounts (id int PRIMARY KEY, plan plantype NOT NULL);
      CREATE SCHEMA analytics;
      CREATE TYPE analytics.granularity AS ENUM ('hour', 'day', 'week', 'month');
      CREATE TABLE analytics.rollups (id int PRIMARY KEY, granularity analytics.granularity NOT NULL);
      CREATE TYPE "PlatformType" AS ENUM ('web', 'mobile');
      CREATE TABLE events (id int PRIMARY KEY, source "PlatformType" NOT NULL);
      CREATE TABLE archived_events (id int PRIMARY KEY);
      CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
      INSERT INTO alembic_version VALUES ('9d3e5b2a7c44');
    `);
    const cwd = await freshDirectory();
    const init = await runCli(['init', '--alembic-ini', join(CLEAN, 'alembic.ini'), '--database-url', db.url], {}, cwd);
    expect(init.code).toBe(0);
    expect(init.stdout).not.toContain('not applied yet');
    const offline = await runCli(['init', '--alembic-ini', join(CLEAN, 'alembic.ini'), '--offline', '--dry-run'], {}, cwd);
    expect(await readFile(join(cwd, 'schema-manifest.json'), 'utf8')).toBe(offline.stdout);
    const { code, report } = await checkJson(cwd, '--manifest', 'schema-manifest.json', '--alembic-ini', join(CLEAN, 'alembic.ini'), '--database-url', db.url, '--strict');
    expect({ code, findings: report.findings }).toEqual({ code: 0, findings: [] });
  });
});

describe('the library', () => {
  it('initManifest looks for alembic.ini in its cwd, resolves paths from there, and with dryRun writes nothing', async () => {
    const cwd = await freshDirectory();
    await cp(CLEAN, cwd, { recursive: true });
    const result = await initManifest({ cwd, dryRun: true, manifestFile: 'db/schema-manifest.json' });
    expect(result).toMatchObject({
      file: 'db/schema-manifest.json',
      written: false,
      history: { flag: '--alembic-ini', path: 'alembic.ini' },
      historyFound: true,
      source: { kind: 'migrations', heads: ['9d3e5b2a7c44'], revisions: 2 },
      findings: [],
    });
    expect(result.text).toBe(`${JSON.stringify(result.manifest, null, 2)}\n`);
    expect(result.snippets.map((snippet) => [snippet.platform, snippet.file])).toEqual([
      ['railway', 'railway.json'],
      ['github-actions', '.github/workflows/schema-gate.yml'],
    ]);
    await expect(readFile(join(cwd, 'db/schema-manifest.json'), 'utf8')).rejects.toThrow();
  });
});
