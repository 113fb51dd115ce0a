/**
 * `npm run demo`: the incident that started schema-gate, on a machine with nothing configured.
 * Starts a throw-away PostgreSQL from the binaries in node_modules, loads the production schema as
 * it stood after the failed deploy, and runs the built gate against the shipped manifest, exactly as
 * a deploy would. Extra arguments go to the gate (`npm run demo -- --format json`).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { redactUrl } from '../catalog/connection.js';
import { startEmbeddedPostgres } from '../embedded/server.js';

const root = new URL('../../', import.meta.url);
const manifest = 'examples/incident/schema-manifest.json';
const alembicIni = 'examples/incident/alembic.ini';
const liveSchema = 'examples/incident/live-database.sql';
const extraArgs = process.argv.slice(2);

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

say('Starting a throw-away PostgreSQL server (from the binaries in node_modules)...');
const server = await startEmbeddedPostgres();
try {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE incident');
  await admin.end();
  const url = server.url.replace(/\/postgres$/, '/incident');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(await readFile(new URL(liveSchema, root), 'utf8'));
  await client.end();
  say(`PostgreSQL ${server.version} is up; loaded the incident's production schema from ${liveSchema}.`);

  const args = ['check', '--manifest', manifest, '--alembic-ini', alembicIni, '--database-url', url, ...extraArgs];
  say(`\n$ schema-gate ${args.map((arg) => (arg === url ? redactUrl(url) : arg)).join(' ')}\n`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('dist/bin/schema-gate.js', root)), ...args], {
      cwd: fileURLToPath(root),
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('close', resolve);
  });
  say(`\nschema-gate exited with ${String(code)}${code === 1 ? ': not safe to migrate, as expected for this database' : ''}.`);
  say(`To see real Alembic fail the same way: DATABASE_URL=<a scratch copy> alembic -c ${alembicIni} upgrade head`);
  if (code !== 1) process.exitCode = 1;
} finally {
  await server.stop();
}
