/**
 * Connection robustness, against real PostgreSQL: what a database that is not up yet looks like
 * (refused, reset, "the database system is starting up") is retried with backoff until
 * --connect-timeout is spent; what retrying cannot fix (wrong password, unknown database) fails at once.
 */
import { writeFile, mkdtemp } from 'node:fs/promises';
import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { connect, isRetryableConnectError, retryDelayMs, type ConnectRetry } from '../../src/catalog/connection.js';
import { startEmbeddedPostgres } from '../../src/embedded/server.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { runGate, spawnGate } from '../support/run-gate.js';

let workDir: string;
let manifest: string;
let db: TestDatabase;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'schema-gate-retry-'));
  manifest = join(workDir, 'empty.json');
  await writeFile(manifest, JSON.stringify({ version: 1, enums: {}, tables: [] }));
});
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The test database's URL with another port: where the fronts below listen. */
function urlOnPort(port: number): string {
  const url = new URL(db.url);
  url.port = String(port);
  return url.toString();
}

/** A PostgreSQL protocol ErrorResponse, as the server sends it before closing a refused connection. */
function errorResponse(code: string, message: string): Buffer {
  const field = (type: string, value: string) => Buffer.concat([Buffer.from(type), Buffer.from(value), Buffer.from([0])]);
  const body = Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', code), field('M', message), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/**
 * A TCP front for the test server that, for `readyAfterMs` from its first connection, answers each
 * connection's start-up packet the way a server not ready yet does (`refuse`), and afterwards
 * forwards every byte to the real server. Counting from the first connection keeps the test
 * meaningful however long the gate takes to start.
 */
async function startingFront(readyAfterMs: number, refuse: (socket: Socket) => void): Promise<{ port: number; refused: () => number; close: () => Promise<void> }> {
  const target = new URL(db.url);
  let readyAt: number | undefined;
  const sockets = new Set<Socket>();
  let refused = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    readyAt ??= Date.now() + readyAfterMs;
    if (Date.now() < readyAt) {
      socket.once('data', () => {
        refused += 1;
        refuse(socket);
      });
      return;
    }
    const upstream = connectTcp(Number(target.port), target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    refused: () => refused,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('retry policy', () => {
  it('retries what a server coming up produces, and nothing that retrying cannot fix', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', '57P03']) expect(isRetryableConnectError({ code })).toBe(true);
    expect(isRetryableConnectError(new Error('Connection terminated unexpectedly'))).toBe(true);
    for (const code of ['28P01', '28000', '3D000', '42501', '53300']) expect(isRetryableConnectError({ code })).toBe(false);
    expect(isRetryableConnectError(new Error('The server does not support SSL connections'))).toBe(false);
    expect(isRetryableConnectError(new Error('Connection terminated due to connection timeout'))).toBe(false);
  });

  it('backs off exponentially up to 5 s, with half of each delay random', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((attempt) => retryDelayMs(attempt, () => 0))).toEqual([100, 200, 400, 800, 1600, 2500, 2500]);
    expect([1, 2, 3, 4, 5, 6, 10].map((attempt) => retryDelayMs(attempt, () => 1))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('gives up when --connect-timeout is spent, reporting the last failure', async () => {
    const port = await freePort();
    const retries: ConnectRetry[] = [];
    const started = Date.now();
    await expect(connect(`postgres://app:secret@127.0.0.1:${port}/app`, { connectTimeoutMs: 1500, statementTimeoutMs: 1000, onRetry: (retry) => retries.push(retry) })).rejects.toMatchObject({
      exitCode: 3,
      message: `cannot connect to 127.0.0.1:${port}/app: connection refused (is the server running and listening on that port?)`,
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(4000);
    expect(retries.length).toBeGreaterThanOrEqual(3);
    expect(retries.map((retry) => retry.attempt)).toEqual(retries.map((_, index) => index + 1));
    for (const retry of retries) expect(retry.reason).not.toContain('secret');
  });

  it('sets statement_timeout, lock_timeout and application_name on the gate\'s session', async () => {
    const client = await connect(db.url, { connectTimeoutMs: 5000, statementTimeoutMs: 30_000 });
    try {
      const { rows } = await client.query<Record<string, string>>(
        "SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout, current_setting('application_name') AS application_name",
      );
      expect(rows[0]).toEqual({ statement_timeout: '30s', lock_timeout: '10s', application_name: 'schema-gate' });
    } finally {
      await client.end();
    }
  });
});

describe('a database that is not up yet', () => {
  it('is waited for when it refuses connections, then starts on that port (check and run)', async () => {
    const port = await freePort();
    const password = 'late-server-secret';
    const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    const started = Date.now();
    const checking = spawnGate(['check', '--manifest', manifest, '--database-url', url, '--connect-timeout', '20']);
    const deploying = spawnGate(['run', '--manifest', manifest, '--database-url', url, '--connect-timeout', '20', '--', 'sh', '-c', 'echo deployed']);
    await deploying.waitForStderr(/connection refused \(is the server running and listening on that port\?\); retrying in \d+\.\d s \(giving up in \d+\.\d s\)/);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 2000 - Date.now())));
    const server = await startEmbeddedPostgres({ port, password });
    try {
      const [check, deploy] = await Promise.all([checking.result, deploying.result]);
      expect({ code: check.code, stderr: check.stderr }).toEqual({ code: 0, stderr: '' });
      expect(check.stdout).toContain('safe to migrate');
      expect(deploy.code).toBe(0);
      expect(deploy.stdout).toContain('deployed');
      expect(deploy.stderr).not.toContain(password);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    } finally {
      await server.stop();
    }
  });

  it('is waited for while it answers 57P03 "the database system is starting up"', async () => {
    const front = await startingFront(1500, (socket) => socket.end(errorResponse('57P03', 'the database system is starting up')));
    try {
      const url = urlOnPort(front.port);
      const [check, deploy] = await Promise.all([
        runCli(['check', '--manifest', manifest, '--database-url', url, '--connect-timeout', '20']),
        runGate(['run', '--manifest', manifest, '--database-url', url, '--connect-timeout', '20', '--', 'true']),
      ]);
      expect(check.code).toBe(0);
      expect(deploy.code).toBe(0);
      expect(deploy.stderr).toMatch(/cannot connect to 127\.0\.0\.1:\d+\/sg_test_\w+: the server is not accepting connections yet: the database system is starting up; retrying in/);
      expect(front.refused()).toBeGreaterThanOrEqual(2);
    } finally {
      await front.close();
    }
  });

  it('is waited for while the connection is reset during start-up', async () => {
    const front = await startingFront(1500, (socket) => socket.resetAndDestroy());
    try {
      const deploy = await runGate(['run', '--manifest', manifest, '--database-url', urlOnPort(front.port), '--connect-timeout', '20', '--', 'true']);
      expect(deploy.code).toBe(0);
      expect(deploy.stderr).toMatch(/connection reset by the server; retrying in/);
      expect(front.refused()).toBeGreaterThanOrEqual(1);
    } finally {
      await front.close();
    }
  });

  it('gives up after --connect-timeout with the same one-line error as a single attempt', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await runCli(['check', '--manifest', manifest, '--database-url', `postgres://app:hunter2secret@127.0.0.1:${port}/app`, '--connect-timeout', '2']);
    const elapsed = Date.now() - started;
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`schema-gate: error: cannot connect to 127.0.0.1:${port}/app: connection refused (is the server running and listening on that port?)\n`);
    expect(elapsed).toBeGreaterThanOrEqual(1500);
    expect(elapsed).toBeLessThan(8000);
  });

  it('stops retrying when the deploy is stopped: SIGTERM exits 143 at once, nothing run', async () => {
    const port = await freePort();
    const gate = spawnGate(['run', '--manifest', manifest, '--database-url', `postgres://app:pw@127.0.0.1:${port}/app`, '--connect-timeout', '30', '--', 'true']);
    await gate.waitForStderr(/retrying in/);
    const signalled = Date.now();
    gate.child.kill('SIGTERM');
    const result = await gate.result;
    expect(result.code).toBe(143);
    expect(Date.now() - signalled).toBeLessThan(5000);
    expect(result.stderr).toContain('schema-gate: error: received SIGTERM before the command started: nothing was run');
  });

  it('retries an unknown host name within the budget', async () => {
    const result = await runGate(['run', '--manifest', manifest, '--database-url', 'postgres://app:hunter2secret@no-such-host.invalid:5432/app', '--connect-timeout', '2', '--', 'true']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^schema-gate: cannot connect to no-such-host\.invalid:5432\/app: host name not found; retrying in/m);
    expect(result.stderr.trim().split('\n').pop()).toBe('schema-gate: error: cannot connect to no-such-host.invalid:5432/app: host name not found');
    expect(result.stderr).not.toContain('hunter2secret');
  });
});

describe('what retrying cannot fix fails at once', () => {
  it('a wrong password (28P01)', async () => {
    const wrong = new URL(db.url);
    wrong.password = 'Wr0ngPassw0rd';
    const started = Date.now();
    const result = await runGate(['run', '--manifest', manifest, '--database-url', wrong.toString(), '--connect-timeout', '20', '--', 'true']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.code).toBe(3);
    expect(result.stderr).not.toContain('retrying');
    expect(result.stderr).toContain('password authentication failed');
    expect(result.stderr).not.toContain('Wr0ngPassw0rd');
  });

  it('an unknown database (3D000)', async () => {
    const url = new URL(db.url);
    url.pathname = '/no_such_database';
    const started = Date.now();
    const result = await runGate(['run', '--manifest', manifest, '--database-url', url.toString(), '--connect-timeout', '20', '--', 'true']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.code).toBe(3);
    expect(result.stderr).not.toContain('retrying');
    expect(result.stderr).toMatch(/cannot connect to 127\.0\.0\.1:\d+\/no_such_database: database does not exist/);
  });
});
