import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { DatabaseError, InputError } from '../errors.js';

/** How the gate connects; every duration is in milliseconds. */
export interface ConnectionOptions {
  /**
   * The whole budget for connecting: transient failures (refused, unknown host, reset, a server
   * still starting) are retried until it is spent, then the last failure is reported.
   */
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /**
   * How long one statement may wait for a lock another session holds; default 10 s, never more than
   * the statement timeout. The gate only reads, so a wait means something else is changing the schema.
   */
  readonly lockTimeoutMs?: number;
  /** Defaults to `schema-gate`; shows in pg_stat_activity. */
  readonly applicationName?: string;
  /** Called before each retry; the library never prints, so the CLI decides whether to show it. */
  readonly onRetry?: (retry: ConnectRetry) => void;
  /** Stops retrying: the last failure is then thrown at once (a deploy being stopped must not wait out the budget). */
  readonly signal?: AbortSignal;
}

/** One failed connection attempt that will be retried. */
export interface ConnectRetry {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** One line: the target and what failed, without the password. */
  readonly reason: string;
  readonly delayMs: number;
  /** What is left of the connect budget after the delay. */
  readonly remainingMs: number;
}

export const DEFAULT_CONNECTION_OPTIONS: ConnectionOptions = {
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 30_000,
};

/** lock_timeout of the gate's sessions unless the caller sets one. */
const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** TCP keepalive probes start after this much silence, so that a dead peer is noticed in minutes, not hours. */
const KEEPALIVE_IDLE_MS = 30_000;

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

/** Passwords at least this long are also removed where they stand alone; shorter ones would garble words. */
const MIN_SCRUBBED_PASSWORD_LENGTH = 8;

/**
 * Removes the URL's password from text that came from elsewhere (a driver's error, a command's
 * output) before it is shown: the URL itself and any `:password@` become redacted, and a password of
 * 8 or more characters is removed wherever it stands. A shorter one is left where it is a mere part
 * of other words ("e" in "connection refused"): no server message quotes a password.
 */
export function scrubPassword(message: string, url: string): string {
  let password = '';
  let raw = '';
  try {
    raw = new URL(url).password;
    password = decodeURIComponent(raw);
  } catch {
    return message;
  }
  if (!password) return message;
  let scrubbed = message.split(url).join(redactUrl(url));
  for (const form of new Set([raw, password])) scrubbed = scrubbed.split(`:${form}@`).join(':***@');
  return password.length >= MIN_SCRUBBED_PASSWORD_LENGTH ? scrubbed.split(password).join('***') : scrubbed;
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

/** The sslmode values libpq accepts. */
const SSL_MODES: readonly string[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

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
  // libpq refuses any other value; pg would go on with TLS and default verification.
  const sslmode = (parsed as { sslmode?: unknown }).sslmode;
  if (typeof sslmode === 'string' && !SSL_MODES.includes(sslmode)) {
    throw new InputError(`--database-url: ${redactUrl(url)}: invalid sslmode "${sslmode}" (libpq accepts ${SSL_MODES.join(', ')})`);
  }
  const { ssl, ...rest } = parsed;
  return {
    ...(rest as pg.ClientConfig),
    ssl: ssl as pg.ClientConfig['ssl'],
    application_name: options.applicationName ?? 'schema-gate',
    statement_timeout: options.statementTimeoutMs,
    lock_timeout: Math.min(options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, options.statementTimeoutMs),
    query_timeout: options.statementTimeoutMs + 5_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
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
    case 'ECONNRESET':
      reason = 'connection reset by the server';
      break;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      reason = 'no route to host';
      break;
    case '57P03':
      reason = `the server is not accepting connections yet: ${reason}`;
      break;
    case '55P03':
      reason = 'waited too long for a lock another session holds (is a migration running?)';
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
  // Only the driver's part can hold anything of the URL: the target is host, port and database.
  return `cannot ${during} ${target}: ${scrubPassword(reason, url)}`;
}

/**
 * Connection failures that a server coming up (or a network settling) produces and that go away by
 * themselves. Authentication failures (28P01, 28000), unknown databases (3D000), TLS refusals and
 * the like never do, so they fail at once.
 */
const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', // nothing listens yet
  'ENOTFOUND', // the host name is not in DNS yet (private networks register late)
  'EAI_AGAIN', // the resolver could not answer this time
  'ECONNRESET', // the server or a proxy dropped the socket during start-up
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P03', // cannot_connect_now: the database system is starting up, or shutting down for a restart
]);

/** Whether a failed connection attempt is worth another try. */
export function isRetryableConnectError(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return RETRYABLE_ERROR_CODES.has(code);
  // pg reports a socket closed by the server before the start-up finished without a code.
  return message === 'Connection terminated unexpectedly';
}

/** First retry delay; each further retry doubles it, up to the cap. */
const FIRST_RETRY_DELAY_MS = 200;
const MAX_RETRY_DELAY_MS = 5_000;
/** A last attempt shorter than this would only report a timeout, not the real failure. */
const MIN_ATTEMPT_MS = 250;

/**
 * The pause before retry number `attempt` (1-based): exponential, capped, and with half of it
 * random, so that replicas that failed together do not come back in step.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Waits `ms`, or less if `signal` aborts; resolves either way. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Opens a connection or throws a DatabaseError (exit 3) that names the host and what failed.
 * Transient failures are retried with backoff within `connectTimeoutMs`, which is therefore the
 * time after which the gate gives up; the error is then the last attempt's.
 */
export async function connect(url: string, options: ConnectionOptions = DEFAULT_CONNECTION_OPTIONS): Promise<pg.Client> {
  const config = clientConfig(url, options);
  const deadline = Date.now() + options.connectTimeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    // Each attempt may use what is left of the budget, so a silent server cannot exceed it.
    const client = new pg.Client({ ...config, connectionTimeoutMillis: Math.max(1, deadline - Date.now()) });
    // An error emitted after connect (server restart, idle kill) must not crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      const reason = describeDatabaseFailure(error, url, 'connect to');
      const delayMs = Math.min(retryDelayMs(attempt), deadline - Date.now() - MIN_ATTEMPT_MS);
      if (!isRetryableConnectError(error) || delayMs < 0 || options.signal?.aborted) throw new DatabaseError(reason);
      options.onRetry?.({ attempt, reason, delayMs, remainingMs: deadline - Date.now() - delayMs });
      await pause(delayMs, options.signal);
      if (options.signal?.aborted) throw new DatabaseError(reason);
    }
  }
}
