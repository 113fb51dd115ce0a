/**
 * The single executable (`npm run package`), run as a Python image without Node runs it: copied out
 * of the repository, started from an empty directory with an empty environment. If any file it
 * needs were read from disk instead of from the executable (package.json, the manifest schema,
 * libpg-query's .wasm, a module of node_modules), these runs would fail, since neither the
 * repository nor a `node` is anywhere near it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runToEnd, type CliResult } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { reportSchemaErrors } from '../support/report-schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INCIDENT = join(ROOT, 'examples/incident');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Report {
  ok: boolean;
  findings: { rule: string; severity: string; object?: string; file?: string; line?: number; message: string }[];
  migrations: { pending: { revision: string }[]; sqlalchemy: { version: string } | null };
}

let scratch: string;
/** The executable, copied out of the repository. */
let executable: string;
/** The empty working directory of every run. */
let workDir: string;

/** Runs the executable with no environment at all (`env -i`) in the empty working directory. */
function runExecutable(args: readonly string[]): Promise<CliResult> {
  return runToEnd(executable, args, { cwd: workDir, env: {} });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'schema-gate-executable-'));
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/package.mjs'), '--out-dir', join(scratch, 'build')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run package failed (${built.status}):\n${built.stdout}${built.stderr}`);
  mkdirSync(join(scratch, 'bin'));
  executable = join(scratch, 'bin/schema-gate');
  copyFileSync(join(scratch, 'build', `schema-gate-${process.platform}-${process.arch}`), executable);
  workDir = join(scratch, 'work');
  mkdirSync(workDir);
}, 180_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the single executable, without Node, without the repository, with an empty environment', () => {
  it('--version prints the package version (package.json is built in)', async () => {
    const result = await runExecutable(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('--help lists the commands', async () => {
    const result = await runExecutable(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('schema-gate check');
    expect(result.stdout).toContain('schema-gate plan');
  });

  it('explains a rule from its built-in page', async () => {
    const result = await runExecutable(['explain', 'enum-created-twice']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('# enum-created-twice');
  });

  it('validates a manifest with the built-in schema: an invalid one is exit 2, naming the JSON pointer', async () => {
    const manifest = join(scratch, 'bad-manifest.json');
    writeFileSync(manifest, JSON.stringify({ version: 1, enums: { mood: 'happy' } }));
    const result = await runExecutable(['check', '--manifest', manifest, '--offline']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/enums/mood');
  });

  it('offline, the incident: exit 1 with enum-created-twice (Python parsed by @lezer/python, SQL by libpg-query)', async () => {
    const result = await runExecutable(['check', '--manifest', join(INCIDENT, 'schema-manifest.json'), '--alembic-ini', join(INCIDENT, 'alembic.ini'), '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.migrations.pending.map((p) => p.revision)).toEqual(['7903a818df74', 'advanced_analytics_001', '20251010_missing_tables']);
    expect(report.migrations.sqlalchemy?.version).toBe('1.4.46');
    const twice = report.findings.filter((f) => f.rule === 'enum-created-twice');
    expect(twice.map((f) => [f.object, f.file?.endsWith('examples/incident/alembic/versions/20251010_create_missing_analytics_webhook_tables.py'), f.line])).toEqual([
      ['platformtype', true, 42],
      ['analyticsgranularity', true, 48],
    ]);
    // The guard of this finding sits inside a DO block: only PostgreSQL's parser (WebAssembly) sees it.
    expect(report.findings.some((f) => f.rule === 'guarded-create-drift' && f.object === 'platformtype')).toBe(true);
    // Nothing was unpacked or written beside the run.
    expect(readdirSync(workDir)).toEqual([]);
  });

  describe('online', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
      await db.sql(readFileSync(join(INCIDENT, 'live-database.sql'), 'utf8'));
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('the incident on its production schema: pg connects and the catalog is read; type "platformtype" already exists', async () => {
      const result = await runExecutable(['check', '--manifest', join(INCIDENT, 'schema-manifest.json'), '--alembic-ini', join(INCIDENT, 'alembic.ini'), '--database-url', db.url, '--format', 'json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as Report;
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.migrations.pending.map((p) => p.revision)).toEqual(['20251010_missing_tables']);
      expect(report.findings.map((f) => `${f.rule}:${f.object ?? ''}`)).toEqual(expect.arrayContaining(['enum-already-exists:platformtype', 'enum-already-exists:analyticsgranularity']));
    });
  });
});
