/**
 * `schema-gate rehearse` through the built CLI, with real Alembic 1.8 running the fixture projects
 * under test/fixtures/rehearse/: a sound history passes every situation on an embedded server that
 * nobody configured; a downgrade that forgets its enum fails the round trip; a live database with a
 * hand-made enum fails the live copy although an empty database passes; Ctrl-C stops the upgrade and
 * leaves no scratch database; and the live database is never changed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import pg from 'pg';
import { fingerprint, readSchemaShape } from '../../src/deploy/schema-copy.js';
import { ALEMBIC_PYTHON, createStandardAlembicProject, type AlembicProject } from '../support/alembic.js';
import { BIN, collectOutput, type CliResult } from '../support/cli.js';
import { createTestDatabase, serverUrl } from '../support/database.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/rehearse/', import.meta.url));
const MANIFEST = join(FIXTURES, 'manifest.json');
const UPGRADE = `${ALEMBIC_PYTHON} -m alembic upgrade head`;
const DOWNGRADE = `${ALEMBIC_PYTHON} -m alembic downgrade base`;

/** The built commands, for an entry point while the bin does not register them yet. */
const BUILT = {
  program: fileURLToPath(new URL('../../dist/cli/program.js', import.meta.url)),
  rehearse: fileURLToPath(new URL('../../dist/cli/commands/rehearse.js', import.meta.url)),
  run: fileURLToPath(new URL('../../dist/cli/commands/run.js', import.meta.url)),
};

let entryPoint: string | undefined;

/**
 * The built CLI to spawn: the bin itself once its program registers `rehearse` and `run`; until
 * then an entry point that adds the built commands it lacks to the built program. Either way a real
 * process with real arguments and signals, and `rehearse` starts its `run`s the same way.
 */
function gateEntryPoint(): string {
  if (entryPoint) return entryPoint;
  const registers = (command: string, flag: string): boolean => {
    const probe = spawnSync(process.execPath, [BIN, command, '--help'], { env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
    return probe.status === 0 && probe.stdout.includes(flag);
  };
  const missing = [
    ...(registers('rehearse', '--upgrade') ? [] : [['rehearseCommand', BUILT.rehearse]]),
    ...(registers('run', '--lock-timeout') ? [] : [['runCommandModule', BUILT.run]]),
  ];
  if (missing.length === 0) {
    entryPoint = BIN;
    return entryPoint;
  }
  const file = join(mkdtempSync(join(tmpdir(), 'schema-gate-entry-')), 'main.mjs');
  writeFileSync(
    file,
    [
      `import { createProgram } from ${JSON.stringify(pathToFileURL(BUILT.program).href)};`,
      ...missing.map(([name, path]) => `import { ${name} } from ${JSON.stringify(pathToFileURL(path!).href)};`),
      `await createProgram(process.argv.slice(2))${missing.map(([name]) => `.command(${name})`).join('')}.parseAsync();`,
      '',
    ].join('\n'),
  );
  entryPoint = file;
  return entryPoint;
}

/** Python must not write bytecode into the fixtures; Alembic's log is plain ASCII. */
const PYTHON_ENV = { PYTHONDONTWRITEBYTECODE: '1', LANG: 'C.UTF-8' };

/** Spawns the gate with a clean environment (PATH, HOME and what the test passes). */
function spawnGate(args: readonly string[], cwd?: string): { child: ChildProcess; result: Promise<CliResult>; stderr: () => string } {
  const child = spawn(process.execPath, [gateEntryPoint(), ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...PYTHON_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, ...collectOutput(child) };
}

function rehearseCli(args: readonly string[], cwd?: string): Promise<CliResult> {
  return spawnGate(['rehearse', ...args], cwd).result;
}

interface SituationJson {
  name: string;
  status: string;
  problems: string[];
  runs: { step: string; exitCode: number | null; stderrTail: string[] }[];
}

interface ReportJson {
  ok: boolean;
  scratch: { kind: string };
  live: { revisions: string[] | null } | null;
  situations: SituationJson[];
}

const ajv = new Ajv({ allErrors: true, strict: true });
for (const name of ['report.schema.json', 'plan.schema.json', 'rehearse.schema.json']) {
  ajv.addSchema(JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as object);
}

/** Parses the JSON report, and checks it against its schema on the way. */
function report(result: CliResult): ReportJson {
  let document: unknown;
  try {
    document = JSON.parse(result.stdout);
  } catch {
    throw new Error(`not a JSON report (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  }
  const validate = ajv.getSchema('schema-gate/rehearse.schema.json')!;
  expect(validate(document) ? [] : validate.errors).toEqual([]);
  return document as ReportJson;
}

function statuses(document: ReportJson): string[][] {
  return document.situations.map((situation) => [situation.name, situation.status]);
}

function situation(document: ReportJson, name: string): SituationJson {
  const found = document.situations.find((entry) => entry.name === name);
  if (!found) throw new Error(`no situation ${name}`);
  return found;
}

/**
 * The scratch databases a rehearsal named on stderr that still exist. The server is shared with
 * other test files, whose rehearsals may be running meanwhile: only the names this one printed
 * say what it left behind.
 */
async function leftBehind(stderr: string): Promise<{ named: number; remaining: string[] }> {
  const named = new Set([...stderr.matchAll(/\((schema_gate_rehearse_[0-9a-f]{10})\)/g)].map((match) => match[1]!));
  return { named: named.size, remaining: (await scratchDatabases()).filter((name) => named.has(name)) };
}

async function scratchDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'schema\\_gate\\_rehearse\\_%' ORDER BY 1");
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

async function fingerprintOf(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return fingerprint(await readSchemaShape(client)).hash;
  } finally {
    await client.end();
  }
}

let sound: AlembicProject;
let leaky: AlembicProject;

beforeAll(() => {
  sound = createStandardAlembicProject(join(FIXTURES, 'sound', 'versions'));
  leaky = createStandardAlembicProject(join(FIXTURES, 'leaky-downgrade', 'versions'));
});
afterAll(() => {
  sound?.remove();
  leaky?.remove();
});

describe('schema-gate rehearse with real Alembic', () => {
  it('passes a sound project in every situation with nothing configured: an embedded server, alembic.ini found in the directory', async () => {
    const result = await rehearseCli(['--manifest', MANIFEST, '--upgrade', UPGRADE, '--downgrade', DOWNGRADE, '--format', 'json'], sound.directory);
    const document = report(result);
    expect({ code: result.code, statuses: statuses(document) }).toEqual({
      code: 0,
      statuses: [
        ['empty', 'passed'],
        ['again', 'passed'],
        ['concurrent', 'passed'],
        ['round-trip', 'passed'],
        ['live-copy', 'skipped'],
      ],
    });
    expect(document.scratch.kind).toBe('embedded');
    // Alembic really ran: the first upgrade applied both revisions, the second had nothing to do.
    expect(situation(document, 'empty').runs[0]?.stderrTail.join('\n')).toContain('Running upgrade 0001_campaigns -> 0002_ad_accounts');
    expect(situation(document, 'again').runs[0]?.stderrTail.join('\n')).not.toContain('Running upgrade');
    // Under run's lock exactly one of the four concurrent deploys applied the revisions.
    const applying = situation(document, 'concurrent').runs.filter((run) => run.stderrTail.some((line) => line.includes('Running upgrade  -> 0001_campaigns')));
    expect(situation(document, 'concurrent').runs).toHaveLength(4);
    expect(applying).toHaveLength(1);
  }, 180_000);

  it('fails the round trip of a downgrade that forgets the enum: "type already exists" on the way back up', async () => {
    const result = await rehearseCli(['--manifest', MANIFEST, '--upgrade', UPGRADE, '--downgrade', DOWNGRADE, '--concurrency', '0'], leaky.directory);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✔ empty');
    expect(result.stdout).toContain('✔ again');
    expect(result.stdout).toContain('✖ round-trip');
    expect(result.stdout).toContain(
      '✖ the upgrade after the downgrade exited with 1: sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type "platformtype" already exists',
    );
    expect(result.stdout).toContain('✖ 1 of 3 situations failed (round-trip), 2 skipped: the upgrade is not safe to deploy');
  }, 120_000);

  it('catches on a copy of the live schema a migration that passes on an empty database, drops its scratch databases and leaves the live one unchanged', async () => {
    const live = await createTestDatabase();
    try {
      await live.sql(readFileSync(join(FIXTURES, 'live-hand-made-enum.sql'), 'utf8'));
      const liveBefore = await fingerprintOf(live.url);
      const result = await rehearseCli(
        ['--manifest', MANIFEST, '--upgrade', UPGRADE, '--from', live.url, '--scratch-url', serverUrl(), '--concurrency', '0', '--format', 'json'],
        sound.directory,
      );
      const document = report(result);
      expect(result.code).toBe(1);
      expect(statuses(document)).toEqual([
        ['empty', 'passed'],
        ['again', 'passed'],
        ['concurrent', 'skipped'],
        ['round-trip', 'skipped'],
        ['live-copy', 'failed'],
      ]);
      expect(document.live?.revisions).toEqual(['0001_campaigns']);
      const liveCopy = situation(document, 'live-copy');
      // The copy carried the stamp: had 0001 run again it would have failed on "campaigns" first.
      // So only the pending revision ran, and it met the hand-made type.
      expect(liveCopy.problems).toEqual(['the upgrade exited with 1: sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type "platformtype" already exists']);
      expect(await leftBehind(result.stderr)).toEqual({ named: 2, remaining: [] });
      expect(await fingerprintOf(live.url)).toBe(liveBefore);
      expect(result.stdout).not.toContain(new URL(live.url).password || '\u0000');
    } finally {
      await live.drop();
    }
  }, 120_000);

  it('stops on Ctrl-C: the running upgrade is ended, the scratch database dropped, exit 130', async () => {
    const started = Date.now();
    const gate = spawnGate(['rehearse', '--manifest', MANIFEST, '--upgrade', 'sleep 30', '--scratch-url', serverUrl()], sound.directory);
    const deadline = Date.now() + 30_000;
    while (!/empty: running the upgrade: sleep 30/.test(gate.stderr())) {
      if (Date.now() > deadline || gate.child.exitCode !== null) throw new Error(`the upgrade did not start:\n${gate.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    gate.child.kill('SIGINT');
    const result = await gate.result;
    expect(result.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(result.stderr).toContain('schema-gate: error: stopped by SIGINT: the scratch databases were dropped');
    expect(await leftBehind(result.stderr)).toEqual({ named: 1, remaining: [] });
  }, 60_000);

  it('exits 3 when the scratch server cannot be reached, naming it without its password', async () => {
    const result = await rehearseCli(['--manifest', MANIFEST, '--upgrade', UPGRADE, '--scratch-url', 'postgres://ci:hunter2@127.0.0.1:1/postgres', '--connect-timeout', '1']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^schema-gate: error: --scratch-url: cannot connect to 127\.0\.0\.1:1\/postgres: connection refused/m);
    expect(result.stderr).not.toContain('hunter2');
  }, 30_000);

  it('exits 2 on bad usage: no upgrade command, a bad --concurrency, a missing manifest', async () => {
    expect((await rehearseCli(['--manifest', MANIFEST])).code).toBe(2);
    const badConcurrency = await rehearseCli(['--manifest', MANIFEST, '--upgrade', UPGRADE, '--concurrency', '1']);
    expect(badConcurrency.code).toBe(2);
    expect(badConcurrency.stderr).toContain('--concurrency must be a whole number from 2 to 32');
    const missing = await rehearseCli(['--manifest', join(FIXTURES, 'no-such-manifest.json'), '--upgrade', UPGRADE]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the manifest: no such file');
  }, 30_000);
});
