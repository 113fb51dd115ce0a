import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database of its own for one test, on the run's test server. */
export interface TestDatabase {
  readonly name: string;
  /** Superuser URL of this database. */
  readonly url: string;
  /** Runs SQL as superuser in this database. */
  sql(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

/** The server URL that global-setup.ts published; fails loudly when there is none. */
export function serverUrl(): string {
  const url = process.env['SCHEMA_GATE_TEST_SERVER_URL'];
  if (!url) throw new Error('no test database server: global-setup.ts did not run');
  return url;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Creates a fresh, empty database; `drop()` removes it (also when sessions are still open). */
export async function createTestDatabase(server: string = serverUrl()): Promise<TestDatabase> {
  const name = `sg_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE ${name}`);
  const url = withDatabase(server, name);
  return {
    name,
    url,
    async sql(text, values) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await client.query(text, values);
      } finally {
        await client.end();
      }
    },
    async drop() {
      // PostgreSQL 12 has no DROP DATABASE ... WITH (FORCE): end the sessions first.
      await adminQuery(server, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
      await adminQuery(server, `DROP DATABASE IF EXISTS ${name}`);
    },
  };
}
