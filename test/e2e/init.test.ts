/**
 * `schema-gate init` against real Alembic 1.8: the manifest it writes offline, from the simulated
 * history, is exactly the manifest of the database that the real `alembic upgrade head` leaves, and
 * the pre-deploy command it suggests passes on a fresh database and migrates it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ALEMBIC_PYTHON, createStandardAlembicProject, runAlembic, sqlalchemyUrl, type AlembicProject } from '../support/alembic.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const VERSIONS = resolve('test/fixtures/init/clean/alembic/versions');

let project: AlembicProject;
let db: TestDatabase;
let workDir: string;
beforeAll(async () => {
  project = createStandardAlembicProject(VERSIONS);
  db = await createTestDatabase();
  workDir = await mkdtemp(join(tmpdir(), 'schema-gate-init-e2e-'));
});
afterAll(async () => {
  project.remove();
  await db.drop();
  await rm(workDir, { recursive: true, force: true });
});

it('the offline manifest is the schema real Alembic leaves; the suggested pre-deploy command passes and migrates', async () => {
  const url = sqlalchemyUrl(db.url);
  const init = await runCli(['init', '--alembic-ini', project.ini], {}, workDir);
  expect({ code: init.code, stderr: init.stderr }).toEqual({ code: 0, stderr: '' });
  // The snippet names the project's own paths; its command is run here with the interpreter that has Alembic.
  expect(init.stdout).toContain(`"schema-gate run --manifest schema-manifest.json --alembic-ini ${project.ini} -- alembic upgrade head"`);
  const deploy = await runCli(
    ['run', '--manifest', 'schema-manifest.json', '--alembic-ini', project.ini, '--', ALEMBIC_PYTHON, '-m', 'alembic', '-c', project.ini, 'upgrade', 'head'],
    // No __pycache__ next to the fixture's revisions.
    { DATABASE_URL: url, PYTHONDONTWRITEBYTECODE: '1' },
    workDir,
  );
  expect({ code: deploy.code, stderr: deploy.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('Running upgrade 4a1c2e7f9b10 -> 9d3e5b2a7c44') });
  // Alembic itself agrees that it is at the head.
  expect((await runAlembic(project, ['current'], { DATABASE_URL: url })).stdout).toContain('9d3e5b2a7c44 (head)');

  const live = await runCli(['init', '--database-url', url, '--dry-run'], {}, workDir);
  expect(live.code).toBe(0);
  expect(live.stdout).toBe(await readFile(join(workDir, 'schema-manifest.json'), 'utf8'));

  const check = await runCli(['check', '--manifest', 'schema-manifest.json', '--alembic-ini', project.ini, '--strict', '--format', 'json'], { DATABASE_URL: url }, workDir);
  expect({ code: check.code, findings: (JSON.parse(check.stdout) as { findings: unknown[] }).findings }).toEqual({ code: 0, findings: [] });
}, 120_000);
