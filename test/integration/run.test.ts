/**
 * `schema-gate run`, the built CLI against a real PostgreSQL: the deploy lock (its key, who holds it,
 * the timeout), the check before the command, the command's exit code and signals, and the lock
 * released on every path.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { acquireDeployLock, advisoryLockKey, defaultLockName, type LockWait } from '../../src/deploy/lock.js';
import { ALEMBIC_PYTHON } from '../support/alembic.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { runGate, spawnGate } from '../support/run-gate.js';

let workDir: string;
let db: TestDatabase;
let matchingManifest: string;
let mismatchedManifest: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'schema-gate-run-'));
  matchingManifest = join(workDir, 'matching.json');
  await writeFile(matchingManifest, JSON.stringify({ version: 1, enums: {}, tables: [] }));
  // The database has no such type: the check fails with enum-missing.
  mismatchedManifest = join(workDir, 'mismatched.json');
  await writeFile(mismatchedManifest, JSON.stringify({ version: 1, enums: { platformtype: ['meta_ads'] }, tables: [] }));
});
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

/** The lock `run` takes on the test database by default. */
function defaultKey(): bigint {
  return advisoryLockKey(defaultLockName(db.name, { schema: 'public', name: 'alembic_version' }));
}

/** A session of its own, as another deploy would have. */
async function otherSession(applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url, application_name: applicationName });
  await client.connect();
  return client;
}

/** Whether another session can take the lock now (and then lets it go again). */
async function lockIsFree(key: bigint): Promise<boolean> {
  const client = await otherSession('lock-probe');
  try {
    const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS taken', [key.toString()]);
    if (rows[0]!.taken) await client.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]);
    return rows[0]!.taken;
  } finally {
    await client.end();
  }
}

async function waitForFile(file: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function gateArgs(manifest: string, extra: readonly string[] = []): string[] {
  return ['run', '--manifest', manifest, '--database-url', db.url, ...extra];
}

describe('the lock key', () => {
  it('is the first 8 bytes of SHA-256 as a signed bigint, the same in Python (unlike hash())', () => {
    const names = ['schema-gate:app:public.alembic_version', 'deploy', 'ünïcode:lock'];
    const script = [
      'import hashlib, sys',
      'for name in sys.argv[1:]:',
      '    print(int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True))',
    ].join('\n');
    const python = execFileSync(ALEMBIC_PYTHON, ['-c', script, ...names], { encoding: 'utf8' }).trim().split('\n');
    expect(names.map((name) => advisoryLockKey(name).toString())).toEqual(python);
    // Python's hash() of the same string differs between two processes: it cannot key a shared lock.
    const hashOnce = () => execFileSync(ALEMBIC_PYTHON, ['-c', 'print(hash("schema-gate:app:public.alembic_version"))'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } }).trim();
    expect(new Set([hashOnce(), hashOnce(), hashOnce()]).size).toBeGreaterThan(1);
  });

  it('defaults to schema-gate:<database>:<schema>.<version table>, and --lock-name changes it', async () => {
    const byDefault = await runGate(gateArgs(matchingManifest, ['--', 'true']));
    expect(byDefault.code).toBe(0);
    expect(byDefault.stderr).toContain(`took the deploy lock "schema-gate:${db.name}:public.alembic_version" (key ${defaultKey()})`);
    // The schema Alembic would use is resolved, so spelling it out names the same lock.
    const spelled = await runGate(gateArgs(matchingManifest, ['--version-table-schema', 'public', '--', 'true']));
    expect(spelled.stderr).toContain(`(key ${defaultKey()})`);
    const named = await runGate(gateArgs(matchingManifest, ['--lock-name', 'deploy:web', '--', 'true']));
    expect(named.code).toBe(0);
    expect(named.stderr).toContain(`took the deploy lock "deploy:web" (key ${advisoryLockKey('deploy:web')})`);
  });
});

describe('schema-gate run', () => {
  it('checks, then runs the command with the environment and exits with its code', async () => {
    const result = await runGate(gateArgs(matchingManifest, ['--', 'sh', '-c', 'echo "child sees $SG_TEST_MARK"; exit 5']), { SG_TEST_MARK: 'inherited' });
    expect(result.code).toBe(5);
    // The report first, then the command's own output.
    expect(result.stdout).toMatch(/safe to migrate[\s\S]*child sees inherited/);
    expect(result.stderr).toContain('check passed; running sh -c');
    expect(result.stderr).toContain('the command exited with 5');
    expect(await lockIsFree(defaultKey())).toBe(true);
  });

  it('gives the command the URL it checked as DATABASE_URL when --database-url names it, over a DATABASE_URL of the environment', async () => {
    const result = await runGate(gateArgs(matchingManifest, ['--', 'sh', '-c', 'test "$DATABASE_URL" = "$SG_EXPECTED" && exit 0 || exit 9']), {
      DATABASE_URL: 'postgres://someone:else@elsewhere:5432/other',
      // The spelling SQLAlchemy accepts.
      SG_EXPECTED: db.url.replace(/^postgres:\/\//, 'postgresql://'),
    });
    expect(result.code).toBe(0);
  });

  it('passes the words after -- verbatim, numbers and flags included', async () => {
    const out = join(workDir, 'args.txt');
    const result = await runGate(gateArgs(matchingManifest, ['--format', 'json', '--', 'sh', '-c', 'printf "%s|" "$@" > "$0"', out, '0x10', '1e3', '007', '--strict', '-c']));
    expect(result.code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('0x10|1e3|007|--strict|-c|');
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, mode: 'online' });
  });

  it('exits 1 and never runs the command when the check fails', async () => {
    const marker = join(workDir, 'ran-after-failed-check');
    const result = await runGate(gateArgs(mismatchedManifest, ['--', 'touch', marker]));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('enum-missing');
    expect(result.stderr).toContain(`schema-gate: error: not safe to migrate: touch ${marker} was not run`);
    expect(existsSync(marker)).toBe(false);
    expect(await lockIsFree(defaultKey())).toBe(true);
  });

  it('exits 128 + 15 when the command is killed by SIGTERM, and releases the lock', async () => {
    const result = await runGate(gateArgs(matchingManifest, ['--', 'sh', '-c', 'kill -TERM $$']));
    expect(result.code).toBe(143);
    expect(result.stderr).toContain('the command was ended by SIGTERM (exit 143)');
    expect(result.stderr).toContain('released the deploy lock');
    expect(await lockIsFree(defaultKey())).toBe(true);
  });

  it('holds the lock while the command runs, forwards SIGTERM to it, and exits with the code it then chooses', async () => {
    const ready = join(workDir, `ready-${db.name}`);
    const caught = join(workDir, `caught-${db.name}`);
    const script = `trap 'echo TERM > "${caught}"; exit 7' TERM; touch "${ready}"; while :; do sleep 0.1; done`;
    const gate = spawnGate(gateArgs(matchingManifest, ['--', 'sh', '-c', script]));
    await waitForFile(ready);
    expect(await lockIsFree(defaultKey())).toBe(false);
    gate.child.kill('SIGTERM');
    const result = await gate.result;
    expect(result.code).toBe(7);
    expect(await readFile(caught, 'utf8')).toBe('TERM\n');
    expect(result.stderr).toMatch(/received SIGTERM; passed it on to the command \(pid \d+\)/);
    expect(result.stderr).toContain('the command exited with 7');
    expect(await lockIsFree(defaultKey())).toBe(true);
  });

  it('forwards SIGINT too, and reports 130 when the command dies of it', async () => {
    const ready = join(workDir, `ready-int-${db.name}`);
    // exec: the shell becomes the sleep, which has no handler and dies of the signal.
    const gate = spawnGate(gateArgs(matchingManifest, ['--', 'sh', '-c', `touch "${ready}"; exec sleep 30`]));
    await waitForFile(ready);
    gate.child.kill('SIGINT');
    const result = await gate.result;
    expect(result.code).toBe(130);
    expect(await lockIsFree(defaultKey())).toBe(true);
  });

  it('waits for another holder, naming it, and exits 4 after --lock-timeout without running the command', async () => {
    const holder = await otherSession('other-deploy');
    const marker = join(workDir, 'ran-without-lock');
    try {
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [defaultKey().toString()]);
      const started = Date.now();
      const result = await runGate(gateArgs(matchingManifest, ['--lock-timeout', '2', '--', 'touch', marker]));
      expect(result.code).toBe(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      const lines = result.stderr.trim().split('\n');
      const waiting = lines.filter((line) => line.startsWith('schema-gate: waiting for the deploy lock'));
      expect(waiting).toHaveLength(1);
      expect(waiting[0]).toContain(`held by pid ${pid} (application_name "other-deploy"`);
      expect(waiting[0]).toContain('client 127.0.0.1:');
      expect(waiting[0]).toContain('last query: SELECT pg_advisory_lock($1::bigint)');
      expect(lines[lines.length - 1]).toMatch(
        new RegExp(`^schema-gate: error: gave up waiting for the deploy lock "schema-gate:${db.name}:public\\.alembic_version" \\(key -?\\d+\\) after \\d+\\.\\d s: held by pid ${pid} \\(application_name "other-deploy".*; nothing was run$`),
      );
      expect(result.stdout).toBe('');
      expect(existsSync(marker)).toBe(false);
    } finally {
      await holder.end();
    }
  });

  it('says who holds the lock once, then again at each interval (10 s by default)', async () => {
    const holder = await otherSession('other-deploy');
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [advisoryLockKey('interval-test').toString()]);
      const waits: LockWait[] = [];
      const attempt = await acquireDeployLock(db.url, { name: 'interval-test', timeoutMs: 3000, waitNoteIntervalMs: 1000, onWait: (wait) => waits.push(wait) });
      expect(attempt.acquired).toBe(false);
      // The first note at the first refusal, then one per interval, however often the lock is polled.
      expect(waits[0]!.waitedMs).toBeLessThan(1000);
      expect(waits.length).toBeGreaterThanOrEqual(2);
      expect(waits.length).toBeLessThanOrEqual(3);
      for (let index = 1; index < waits.length; index += 1) expect(waits[index]!.waitedMs - waits[index - 1]!.waitedMs).toBeGreaterThanOrEqual(1000);
      expect(waits.every((wait) => wait.holders.length === 1 && wait.holders[0]!.applicationName === 'other-deploy')).toBe(true);
      if (!attempt.acquired) expect(attempt).toMatchObject({ reason: 'timeout', lock: { name: 'interval-test' }, holders: [{ applicationName: 'other-deploy' }] });
    } finally {
      await holder.end();
    }
  });

  it('takes the lock as soon as the other holder lets go', async () => {
    const holder = await otherSession('other-deploy');
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [defaultKey().toString()]);
      const gate = spawnGate(gateArgs(matchingManifest, ['--lock-timeout', '30', '--', 'true']));
      await gate.waitForStderr(/waiting for the deploy lock/);
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [defaultKey().toString()]);
      const result = await gate.result;
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/took the deploy lock "[^"]+" \(key -?\d+\)/);
    } finally {
      await holder.end();
    }
  });

  it('stops waiting on SIGTERM: exit 143, nothing run', async () => {
    const holder = await otherSession('other-deploy');
    const marker = join(workDir, 'ran-after-sigterm');
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [defaultKey().toString()]);
      const gate = spawnGate(gateArgs(matchingManifest, ['--lock-timeout', '60', '--', 'touch', marker]));
      await gate.waitForStderr(/waiting for the deploy lock/);
      const signalled = Date.now();
      gate.child.kill('SIGTERM');
      const result = await gate.result;
      expect(result.code).toBe(143);
      expect(Date.now() - signalled).toBeLessThan(5000);
      expect(result.stderr).toContain('received SIGTERM before the command started: nothing was run');
      expect(existsSync(marker)).toBe(false);
    } finally {
      await holder.end();
    }
  });

  it('warns when the connection that holds the lock is ended under a running command', async () => {
    const ready = join(workDir, `ready-lost-${db.name}`);
    const gate = spawnGate(gateArgs(matchingManifest, ['--', 'sh', '-c', `touch "${ready}"; sleep 1`]));
    await waitForFile(ready);
    await db.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'schema-gate run' AND datname = current_database()");
    const result = await gate.result;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: the deploy lock "[^"]+" is no longer held \(the connection that holds the deploy lock ended\); another deploy may start now/);
  });

  it('exits 127 when the command does not exist', async () => {
    const result = await runGate(gateArgs(matchingManifest, ['--', join(workDir, 'no-such-command')]));
    expect(result.code).toBe(127);
    expect(result.stderr).toContain(`schema-gate: error: cannot run ${join(workDir, 'no-such-command')}: command not found`);
    expect(await lockIsFree(defaultKey())).toBe(true);
  });

  it('exits 2 without a database URL, without a command, or with a bad --lock-timeout, listing every problem', async () => {
    const noUrl = await runGate(['run', '--manifest', matchingManifest, '--', 'true']);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr.trim()).toBe('schema-gate: error: run needs a database: pass --database-url or set DATABASE_URL');
    const nothing = await runGate(['run', '--manifest', matchingManifest, '--lock-timeout', '-1']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('run needs the command to run after --');
    expect(nothing.stderr).toContain('run needs a database');
    expect(nothing.stderr).toContain('--lock-timeout must be zero or a positive number of seconds, got -1');
    // DATABASE_URL counts, as for check.
    const fromEnv = await runGate(['run', '--manifest', matchingManifest, '--', 'true'], { DATABASE_URL: db.url });
    expect(fromEnv.code).toBe(0);
  });

  it('exits 3 when the database cannot be reached, never printing the password, and runs nothing', async () => {
    const marker = join(workDir, 'ran-without-database');
    const wrong = new URL(db.url);
    wrong.password = 'Wr0ngPassw0rd';
    const result = await runGate(['run', '--manifest', matchingManifest, '--database-url', wrong.toString(), '--', 'touch', marker]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^schema-gate: error: cannot connect to 127\.0\.0\.1:\d+\/sg_test_\w+: password authentication failed$/m);
    expect(result.stdout + result.stderr).not.toContain('Wr0ngPassw0rd');
    expect(existsSync(marker)).toBe(false);
  });
});
