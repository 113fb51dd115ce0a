import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../support/cli.js';

/** A repository with one revision that creates a table the manifest does not list (a warning). */
let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'schema-gate-config-cli-'));
  await mkdir(join(repo, '.git'));
  await mkdir(join(repo, 'db', 'versions'), { recursive: true });
  await writeFile(join(repo, 'db', 'schema-manifest.json'), JSON.stringify({ version: 1, tables: [] }));
  await writeFile(
    join(repo, 'db', 'versions', 'a1_create_extra.py'),
    '"""create extra"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "a1"\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table("extra", sa.Column("id", sa.Integer))\n',
  );
  await mkdir(join(repo, 'services', 'api'), { recursive: true });
});

async function pyproject(table: string): Promise<void> {
  await writeFile(join(repo, 'pyproject.toml'), `[project]\nname = "app"\n\n[tool.schema-gate]\n${table}`);
}

describe('the configuration file', () => {
  it('--print-config: the resolved values and where each came from, paths relative to where the gate runs', async () => {
    await pyproject('manifest = "db/schema-manifest.json"\nmigrations = "db/versions"\nstrict = true\nsqlalchemy-version = "2.0"\n\n[tool.schema-gate.rules]\ntable-not-in-manifest = "off"\n');
    const result = await runCli(['check', '--print-config', '--no-strict', '--version-table', 'versions'], {}, join(repo, 'services', 'api'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { file: string; options: Record<string, unknown>; rules: Record<string, string>; sources: Record<string, string> };
    expect(printed.file).toBe('../../pyproject.toml');
    expect(printed.options).toMatchObject({ manifest: '../../db/schema-manifest.json', migrations: '../../db/versions', 'alembic-ini': null, strict: false, format: 'text', 'sqlalchemy-version': '2.0', 'version-table': 'versions' });
    expect(printed.sources).toMatchObject({ manifest: '../../pyproject.toml', strict: 'command line', 'version-table': 'command line', format: 'default', 'alembic-ini': 'default', rules: '../../pyproject.toml' });
    expect(printed.rules).toEqual({ 'table-not-in-manifest': 'off' });
  });

  it('gives the defaults and flags override them, --no-strict included', async () => {
    await writeFile(join(repo, 'schema-gate.config.json'), JSON.stringify({ manifest: 'db/schema-manifest.json', migrations: 'db/versions', strict: true, format: 'json' }));
    const fromFile = await runCli(['check'], {}, repo);
    expect(fromFile.code).toBe(1); // the warning fails under strict
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ ok: false, strict: true, findings: [{ rule: 'table-not-in-manifest', severity: 'warning' }] });
    const overridden = await runCli(['check', '--no-strict', '--format', 'text'], {}, repo);
    expect(overridden.code).toBe(0);
    expect(overridden.stdout).toContain('✔ 0 errors, 1 warning: safe to migrate');
  });

  it('a migrations flag replaces the history the file names (alembic-ini and recursive too)', async () => {
    await writeFile(join(repo, 'schema-gate.config.json'), JSON.stringify({ manifest: 'db/schema-manifest.json', 'alembic-ini': 'alembic.ini' }));
    const result = await runCli(['check', '--migrations', 'db/versions', '--print-config'], {}, repo);
    expect(JSON.parse(result.stdout)).toMatchObject({ options: { migrations: 'db/versions', 'alembic-ini': null }, sources: { migrations: 'command line', 'alembic-ini': 'default' } });
  });

  it('severities change the verdict: a warning made an error exits 1, a rule turned off reports nothing', async () => {
    await pyproject('manifest = "db/schema-manifest.json"\nmigrations = "db/versions"\nrules = { table-not-in-manifest = "error" }\n');
    const asError = await runCli(['check'], {}, repo);
    expect(asError.code).toBe(1);
    expect(asError.stdout).toMatch(/✖ error .*table-not-in-manifest/);
    await pyproject('manifest = "db/schema-manifest.json"\nmigrations = "db/versions"\nrules = { table-not-in-manifest = "off" }\n');
    const off = await runCli(['check', '--strict'], {}, repo);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('✔ 0 errors, 0 warnings: safe to migrate');
  });

  it('plan takes the history and severities from the file, and ignores a format it does not have', async () => {
    await writeFile(join(repo, 'schema-gate.config.json'), JSON.stringify({ migrations: 'db/versions', format: 'sarif' }));
    const result = await runCli(['plan'], {}, repo);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('a1');
  });

  it('--config names a file; its paths are relative to it', async () => {
    await mkdir(join(repo, 'ci'));
    await writeFile(join(repo, 'ci', 'package.json'), JSON.stringify({ name: 'x', schemaGate: { manifest: '../db/schema-manifest.json', migrations: '../db/versions', rules: { 'table-not-in-manifest': 'error' } } }));
    const result = await runCli(['check', '--config', 'ci/package.json'], {}, repo);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('manifest: db/schema-manifest.json');
  });

  it('an invalid file: one line per problem naming the file and the JSON pointer, exit 2, no stack trace', async () => {
    await writeFile(join(repo, 'schema-gate.config.json'), JSON.stringify({ manifest: 'db/schema-manifest.json', strict: 'yes', rules: { 'table-not-in-manfest': 'off' } }));
    const result = await runCli(['check'], {}, join(repo, 'services'));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'schema-gate: error: ../schema-gate.config.json: /strict: must be a boolean, got a string',
      'schema-gate: error: ../schema-gate.config.json: /rules/table-not-in-manfest: unknown rule "table-not-in-manfest" (did you mean "table-not-in-manifest"?); schema-gate rules lists them',
    ]);
  });

  it('without a manifest anywhere: one line saying where to put it, exit 2', async () => {
    const result = await runCli(['check', '--migrations', 'db/versions'], {}, repo);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^schema-gate: error: no manifest: pass --manifest FILE, or set "manifest" in the configuration file/)]);
  });
});

describe('--baseline: a history whose first revision assumes tables made outside it', () => {
  beforeEach(async () => {
    await writeFile(
      join(repo, 'db', 'versions', 'a2_legacy_flag.py'),
      '"""legacy flag"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = "a2"\ndown_revision = "a1"\n\n\ndef upgrade():\n    op.add_column("legacy", sa.Column("flag", sa.Boolean))\n',
    );
    await writeFile(join(repo, 'db', 'schema-manifest.json'), JSON.stringify({ version: 1, tables: ['extra', 'legacy'] }));
    await writeFile(join(repo, 'db', 'baseline.json'), JSON.stringify({ version: 1, tables: ['legacy'] }));
  });

  it('fails offline from an empty database, passes from the baseline the flag names', async () => {
    const flags = ['check', '--offline', '--manifest', 'db/schema-manifest.json', '--migrations', 'db/versions', '--format', 'json'];
    const empty = await runCli(flags, {}, repo);
    expect(empty.code).toBe(1);
    expect((JSON.parse(empty.stdout) as { findings: { rule: string; object?: string }[] }).findings).toContainEqual(expect.objectContaining({ rule: 'object-does-not-exist', object: 'legacy' }));
    const based = await runCli([...flags, '--baseline', 'db/baseline.json'], {}, repo);
    expect(based.stderr).toBe('');
    expect(based.code).toBe(0);
    expect((JSON.parse(based.stdout) as { notes: string[] }).notes).toContainEqual(expect.stringContaining('simulated from the baseline db/baseline.json (0 enums, 1 table)'));
  });

  it('is read from the configuration file too, relative to it; a bad baseline is exit 2 naming the file', async () => {
    await writeFile(join(repo, 'schema-gate.config.json'), JSON.stringify({ manifest: 'db/schema-manifest.json', migrations: 'db/versions', baseline: 'db/baseline.json' }));
    expect((await runCli(['check', '--offline'], {}, join(repo, 'db'))).code).toBe(0);
    await writeFile(join(repo, 'db', 'baseline.json'), '{"version": 1, "tables": "legacy"}');
    const bad = await runCli(['check', '--offline'], {}, repo);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^schema-gate: error: db\/baseline\.json: \/tables: /);
  });
});

describe('--quiet and --verbose', () => {
  beforeEach(async () => {
    await writeFile(join(repo, 'schema-gate.config.json'), JSON.stringify({ manifest: 'db/schema-manifest.json', migrations: 'db/versions' }));
  });

  it('--quiet prints the verdict line alone when nothing fails, and nothing on stderr', async () => {
    const result = await runCli(['check', '--quiet'], {}, repo);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('✔ 0 errors, 1 warning: safe to migrate\n');
    expect(result.stderr).toBe('');
  });

  it('--verbose says on stderr what was read and how long it took; stdout is the same report', async () => {
    const [plain, verbose] = await Promise.all([runCli(['check'], {}, repo), runCli(['check', '--verbose'], {}, repo)]);
    expect(verbose.stdout).toBe(plain.stdout);
    expect(plain.stderr).toBe('');
    const lines = verbose.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('schema-gate: configuration: schema-gate.config.json');
    expect(lines).toContain('schema-gate: manifest: db/schema-manifest.json');
    expect(lines).toContain('schema-gate: migrations: db/versions: head a1; 1 pending revision for upgrade head');
    expect(lines).toContain('schema-gate: database: none (offline)');
    expect(lines.at(-1)).toMatch(/^schema-gate: timings: reading the migration history \d+ ms, reading and simulating the pending upgrades \d+ ms; \d+ ms in all$/);
  });

  it('--verbose still says what the check was given when it stops on an error, without the password', async () => {
    // Nothing listens on port 1: the connection is refused at once.
    const result = await runCli(['check', '--verbose', '--database-url', 'postgres://app:s3cret@127.0.0.1:1/app', '--connect-timeout', '1'], {}, repo);
    expect(result.code).toBe(3);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'schema-gate: configuration: schema-gate.config.json',
      'schema-gate: manifest: db/schema-manifest.json',
      'schema-gate: migrations: db/versions',
      'schema-gate: database: postgres://app:***@127.0.0.1:1/app',
    ]);
    expect(lines[4]).toMatch(/^schema-gate: timings: .*connecting to the database \d+ ms; \d+ ms in all \(stopped\)$/);
    expect(lines[5]).toMatch(/^schema-gate: error: cannot connect to 127\.0\.0\.1:1\/app/);
    expect(lines).toHaveLength(6);
    expect(result.stderr).not.toContain('s3cret');
  });

  it('run --verbose says the same before its error line; nothing was run', async () => {
    const result = await runCli(['run', '--verbose', '--database-url', 'postgres://app:s3cret@127.0.0.1:1/app', '--connect-timeout', '1', '--', 'touch', 'ran'], {}, repo);
    expect(result.code).toBe(3);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toContain('schema-gate: database: postgres://app:***@127.0.0.1:1/app');
    expect(lines.at(-2)).toMatch(/^schema-gate: timings: .*\(stopped\)$/);
    expect(lines.at(-1)).toMatch(/^schema-gate: error: cannot connect to 127\.0\.0\.1:1\/app/);
    expect(result.stderr).not.toContain('s3cret');
    await expect(stat(join(repo, 'ran'))).rejects.toThrow();
  });

  it('refuses both at once (exit 2)', async () => {
    const result = await runCli(['check', '-q', '-v'], {}, repo);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('mutually exclusive');
  });

  it('the progress line never reaches a pipe', async () => {
    const result = await runCli(['check'], { FORCE_COLOR: '1' }, repo);
    expect(result.stderr).toBe('');
  });
});
