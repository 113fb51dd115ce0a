import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { DatabaseError, InputError } from '../errors.js';

/** How the gate connects; every duration is in milliseconds. */
export interface ConnectionOptions {
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** Defaults to `schema-gate`; shows in pg_stat_activity. */
  readonly applicationName?: string;
}

export const DEFAULT_CONNECTION_OPTIONS: ConnectionOptions = {
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 30_000,
};

/** Replaces the password of a connection URL with `***` so that the URL can be printed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|key$/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return '<unparsable database URL>';
  }
}

/** Removes every occurrence of the URL's password from a message before it is shown. */
export function scrubPassword(message: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return message;
  }
  return password ? message.split(password).join('***') : message;
}

/** `host:port/database` of a URL, for messages. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    return `${host}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '<unparsable database URL>';
  }
}

/**
 * Turns a URL into pg's client configuration. sslmode follows libpq's meaning (`require`
 * encrypts without verifying the certificate) unless the URL itself asks otherwise, because that is
 * what the same URL does in psql, psycopg2 and so in Alembic.
 */
function clientConfig(url: string, options: ConnectionOptions): pg.ClientConfig {
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error('not a postgres:// or postgresql:// URL');
    const libpqCompat = !/[?&]uselibpqcompat=/i.test(url);
    parsed = parseConnectionString(url, { useLibpqCompat: libpqCompat });
  } catch (error) {
    throw new InputError(`--database-url: ${redactUrl(url)} is not a valid PostgreSQL URL (${(error as Error).message})`);
  }
  const { ssl, ...rest } = parsed;
  return {
    ...(rest as pg.ClientConfig),
    ssl: ssl as pg.ClientConfig['ssl'],
    application_name: options.applicationName ?? 'schema-gate',
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 5_000,
  };
}

/** Explains a connection or query failure in one line, naming the target and never the password. */
export function describeDatabaseFailure(error: unknown, url: string, during: string): string {
  const err = error as { code?: string; message?: string };
  const target = describeTarget(url);
  let reason = err.message ?? String(error);
  switch (err.code) {
    case 'ECONNREFUSED':
      reason = 'connection refused (is the server running and listening on that port?)';
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      reason = 'host name not found';
      break;
    case 'ETIMEDOUT':
      reason = 'connection timed out';
      break;
    case '28P01':
      reason = 'password authentication failed';
      break;
    case '28000':
      reason = `access refused: ${reason}`;
      break;
    case '3D000':
      reason = `database does not exist: ${reason}`;
      break;
    case '57014':
      reason = 'statement timed out (raise --statement-timeout)';
      break;
    default:
      if (/timeout/i.test(reason)) reason = `timed out: ${reason} (raise --connect-timeout)`;
  }
  return scrubPassword(`cannot ${during} ${target}: ${reason}`, url);
}

/** Opens a connection or throws a DatabaseError (exit 3) that names the host and what failed. */
export async function connect(url: string, options: ConnectionOptions = DEFAULT_CONNECTION_OPTIONS): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(url, options));
  // An error emitted after connect (server restart, idle kill) must not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseError(describeDatabaseFailure(error, url, 'connect to'));
  }
  return client;
}
