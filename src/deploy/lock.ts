/**
 * The deploy lock: a PostgreSQL session-level advisory lock held on a connection of its own for as
 * long as a deploy runs. Session-level, so that it outlives the transactions of the command it
 * guards, and the server drops it by itself when the connection dies (a crashed gate never leaves
 * it behind).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { VersionTableOptions } from '../catalog/introspect.js';
import { connect, DEFAULT_CONNECTION_OPTIONS, describeDatabaseFailure, pause, type ConnectionOptions } from '../catalog/connection.js';
import { DatabaseError } from '../errors.js';

/** Who holds an advisory lock, as pg_stat_activity tells it. */
export interface LockHolder {
  readonly pid: number;
  /** Empty when the session set none. */
  readonly applicationName: string;
  /** `address:port`, or null for a Unix socket or when the role may not see it. */
  readonly clientAddress: string | null;
  readonly userName: string | null;
  /** When that session connected: the lock is at most this old. */
  readonly connectedSince: Date | null;
  /** `active`, `idle`, `idle in transaction`, … */
  readonly state: string | null;
  readonly stateSince: Date | null;
  /** Its current (or, when idle, its last) statement, whitespace collapsed and shortened. */
  readonly query: string | null;
}

/** Which lock: the name people read and the key PostgreSQL uses. */
export interface LockIdentity {
  readonly name: string;
  /** A signed 64-bit integer, the argument of pg_advisory_lock(bigint). */
  readonly key: bigint;
}

/** A lock this process holds. */
export interface HeldLock extends LockIdentity {
  /** How long taking it took, waits included. */
  readonly waitedMs: number;
  /**
   * Resolves if the lock's connection ends before `release()`: the server has then released the
   * lock, and another deploy may start. Never rejects.
   */
  readonly lost: Promise<string>;
  /** Unlocks and closes the connection; safe to call more than once, never throws. */
  release(): Promise<void>;
}

/** What waiting for the lock produced. */
export type LockAttempt =
  | { readonly acquired: true; readonly lock: HeldLock }
  | {
      readonly acquired: false;
      /** `timeout`: held by another session all along; `aborted`: the caller gave up (a signal). */
      readonly reason: 'timeout' | 'aborted';
      readonly lock: LockIdentity;
      /** The holders when the wait ended (empty if it was released meanwhile). */
      readonly holders: readonly LockHolder[];
      readonly waitedMs: number;
    };

/** A note while waiting: who holds the lock now. */
export interface LockWait {
  readonly lock: LockIdentity;
  readonly holders: readonly LockHolder[];
  readonly waitedMs: number;
  readonly remainingMs: number;
}

/** What `acquireDeployLock` needs. */
export interface AcquireLockOptions {
  /** Default: `defaultLockName` of the database and the version table. */
  readonly name?: string;
  readonly versionTable?: VersionTableOptions;
  /** How long to wait for another holder; 0 tries once. */
  readonly timeoutMs: number;
  readonly connection?: ConnectionOptions;
  /** Called once when the lock is found taken, then about every `waitNoteIntervalMs`. */
  readonly onWait?: (wait: LockWait) => void;
  /** Default 10 s. */
  readonly waitNoteIntervalMs?: number;
  /** Stops waiting (the result is then `aborted`; while still connecting, the connection failure is thrown). */
  readonly signal?: AbortSignal;
}

/**
 * The advisory lock key of a name: the first 8 bytes of the SHA-256 of its UTF-8 bytes, read as a
 * big-endian signed 64-bit integer. Deterministic on every machine and in every language — unlike
 * Python's `hash()` of a string, which is randomised per process (PYTHONHASHSEED), so that two
 * replicas keying a lock with it compute different keys and exclude nothing. In Python:
 * `int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)`.
 */
export function advisoryLockKey(name: string): bigint {
  return createHash('sha256').update(name, 'utf8').digest().readBigInt64BE(0);
}

/**
 * The lock name that every deploy of one Alembic history on one database agrees on:
 * `schema-gate:<database>:<schema>.<version table>`, or without the schema when it is unknown.
 */
export function defaultLockName(database: string, versionTable: { readonly schema?: string | null; readonly name: string }): string {
  return `schema-gate:${database}:${versionTable.schema ? `${versionTable.schema}.` : ''}${versionTable.name}`;
}

/**
 * Where Alembic keeps the version table when env.py names no schema: the first schema of the
 * search_path that exists, which is where its CREATE TABLE lands. Resolving it keeps the default
 * name the same whether or not --version-table-schema spells it out.
 */
const LOCK_CONTEXT_QUERY = "SELECT current_database() AS database, current_schema() AS schema, current_setting('server_version_num')::int AS version_num";

/** Takes the lock without waiting: true when this session now holds it. */
const TRY_LOCK_QUERY = 'SELECT pg_try_advisory_lock($1::bigint) AS acquired';

const UNLOCK_QUERY = 'SELECT pg_advisory_unlock($1::bigint) AS released';

/**
 * The sessions holding an advisory lock. A bigint key shows in pg_locks split in two: its high half
 * in `classid`, its low half in `objid`, with `objsubid = 1` (2 would be the two-int4 form). Advisory
 * locks are per database, hence the database filter.
 */
const LOCK_HOLDERS_QUERY = `
  SELECT l.pid,
         coalesce(a.application_name, '') AS application_name,
         CASE WHEN a.client_addr IS NULL THEN NULL ELSE host(a.client_addr) || ':' || a.client_port END AS client_address,
         a.usename AS user_name,
         a.backend_start AS connected_since,
         a.state,
         a.state_change AS state_since,
         a.query
    FROM pg_locks l
    LEFT JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.locktype = 'advisory'
     AND l.granted
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.classid::bigint = ($1::bigint >> 32) & 4294967295
     AND l.objid::bigint = $1::bigint & 4294967295
     AND l.objsubid = 1
   ORDER BY l.pid`;

interface LockHolderRow {
  pid: number;
  application_name: string;
  client_address: string | null;
  user_name: string | null;
  connected_since: Date | null;
  state: string | null;
  state_since: Date | null;
  query: string | null;
}

/** A query as one short line, for a one-line message. */
function oneLine(query: string | null): string | null {
  if (query === null) return null;
  const collapsed = query.replace(/\s+/g, ' ').trim();
  return collapsed.length > 160 ? `${collapsed.slice(0, 157)}...` : collapsed;
}

/** Reads who holds the lock now; an empty list if nobody does, or if the query fails. */
export async function lockHolders(client: pg.Client, key: bigint): Promise<LockHolder[]> {
  try {
    const { rows } = await client.query<LockHolderRow>(LOCK_HOLDERS_QUERY, [key.toString()]);
    return rows.map((row) =>
      Object.freeze({
        pid: row.pid,
        applicationName: row.application_name,
        clientAddress: row.client_address,
        userName: row.user_name,
        connectedSince: row.connected_since,
        state: row.state,
        stateSince: row.state_since,
        query: oneLine(row.query),
      }),
    );
  } catch {
    // Naming the holder is a courtesy; failing to must not turn a wait into an error.
    return [];
  }
}

/** Describes the holders in one line, for the waiting note and the timeout error. */
export function describeHolders(holders: readonly LockHolder[]): string {
  if (holders.length === 0) return 'held by a session that has released it since';
  return holders
    .map((holder) => {
      const parts = [`application_name "${holder.applicationName}"`];
      if (holder.userName) parts.push(`user ${holder.userName}`);
      parts.push(holder.clientAddress ? `client ${holder.clientAddress}` : 'local client');
      if (holder.connectedSince) parts.push(`connected since ${holder.connectedSince.toISOString()}`);
      if (holder.state) parts.push(`${holder.state}${holder.stateSince ? ` since ${holder.stateSince.toISOString()}` : ''}`);
      if (holder.query) parts.push(`${holder.state === 'active' ? 'running' : 'last query'}: ${holder.query}`);
      return `held by pid ${holder.pid} (${parts.join(', ')})`;
    })
    .join('; ');
}

/** First pause between two tries; it grows by half each time, up to the cap. */
const FIRST_POLL_DELAY_MS = 100;
const MAX_POLL_DELAY_MS = 1_000;

/**
 * Keeps the lock's session alive while the guarded command runs for minutes with this connection
 * idle: a server-wide idle_session_timeout (PostgreSQL 14+) would otherwise end it and release the
 * lock under a running migration.
 */
async function disableIdleSessionTimeout(client: pg.Client, serverVersionNum: number): Promise<void> {
  if (serverVersionNum >= 140000) await client.query("SELECT set_config('idle_session_timeout', '0', false)");
}

/**
 * Opens a dedicated connection and takes the deploy lock on it, polling pg_try_advisory_lock with
 * backoff for up to `timeoutMs` while another session holds it. Throws DatabaseError (exit 3) when the
 * database cannot be reached; a lock that stays taken is a result (`acquired: false`), not an error.
 */
export async function acquireDeployLock(url: string, options: AcquireLockOptions): Promise<LockAttempt> {
  const connection = options.connection ?? DEFAULT_CONNECTION_OPTIONS;
  // A name of its own in pg_stat_activity, so that a waiting deploy can tell who holds the lock.
  const client = await connect(url, {
    ...connection,
    applicationName: connection.applicationName ?? 'schema-gate run',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // The wait is counted from here: time spent reaching the database is --connect-timeout's.
  const started = Date.now();
  let identity: LockIdentity | undefined;
  try {
    const context = (await client.query<{ database: string; schema: string | null; version_num: number }>(LOCK_CONTEXT_QUERY)).rows[0]!;
    await disableIdleSessionTimeout(client, context.version_num);
    const name =
      options.name ??
      defaultLockName(context.database, { schema: options.versionTable?.schema ?? context.schema, name: options.versionTable?.name ?? 'alembic_version' });
    identity = Object.freeze({ name, key: advisoryLockKey(name) });
    const deadline = started + options.timeoutMs;
    const noteInterval = options.waitNoteIntervalMs ?? 10_000;
    let nextNoteAt = 0;
    for (let attempt = 1; ; attempt += 1) {
      const { rows } = await client.query<{ acquired: boolean }>(TRY_LOCK_QUERY, [identity.key.toString()]);
      if (rows[0]?.acquired) return { acquired: true, lock: heldLock(client, identity, Date.now() - started) };
      const now = Date.now();
      if (options.signal?.aborted || now >= deadline) {
        const holders = await lockHolders(client, identity.key);
        await client.end().catch(() => undefined);
        return { acquired: false, reason: options.signal?.aborted ? 'aborted' : 'timeout', lock: identity, holders, waitedMs: now - started };
      }
      if (options.onWait && now >= nextNoteAt) {
        options.onWait({ lock: identity, holders: await lockHolders(client, identity.key), waitedMs: now - started, remainingMs: deadline - now });
        nextNoteAt = now + noteInterval;
      }
      // Jitter spreads the waiters' tries, so that they do not all hit the server in the same instant.
      const ceiling = Math.min(MAX_POLL_DELAY_MS, FIRST_POLL_DELAY_MS * 1.5 ** (attempt - 1));
      await pause(Math.min(ceiling / 2 + (ceiling / 2) * Math.random(), Math.max(0, deadline - Date.now())), options.signal);
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(describeDatabaseFailure(error, url, `take the deploy lock${identity ? ` "${identity.name}"` : ''} on`));
  }
}

/** Wraps the locked connection: release once, and notice when the connection ends on its own. */
function heldLock(client: pg.Client, identity: LockIdentity, waitedMs: number): HeldLock {
  let releasing = false;
  let released: Promise<void> | undefined;
  const lost = new Promise<string>((resolve) => {
    client.once('end', () => {
      if (!releasing) resolve('the connection that holds the deploy lock ended');
    });
  });
  return {
    ...identity,
    waitedMs,
    lost,
    release: () => {
      releasing = true;
      released ??= (async () => {
        // If the unlock fails the connection is gone or going, and the server releases the lock with it.
        await client.query(UNLOCK_QUERY, [identity.key.toString()]).catch(() => undefined);
        await client.end().catch(() => undefined);
      })();
      return released;
    },
  };
}
