/**
 * The deploy lock, proven with real Alembic: six deploys of one history started at once on one fresh
 * database. Without the gate, the six `alembic upgrade head` runs race (each sees a fresh database
 * and creates the same types) and some fail. Under `schema-gate run` they take turns: the first
 * migrates, each later one checks the migrated database and its upgrade finds nothing to do, and
 * every revision is applied exactly once. Repeated, since a race that passes once proves little.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALEMBIC_PYTHON, createStandardAlembicProject, parseRunningUpgrades, runAlembic, sqlalchemyUrl, type AlembicProject } from '../support/alembic.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { runGate } from '../support/run-gate.js';
import type { CliResult } from '../support/cli.js';

const CONCURRENT_DEPLOYS = 6;
const ROUNDS = 3;

/**
 * Two revisions whose statements fail when run twice (CREATE TYPE, CREATE TABLE without guards),
 * each logging itself in applied_log so that the test can count how often it ran. The pause keeps
 * the first upgrade's transaction open long enough that unguarded runs started together overlap.
 */
const REVISIONS: Record<string, string> = {
  'r1_mood.py': `"""mood type and the applied log

Revision ID: r1_mood
Revises:
"""
from alembic import op

revision = "r1_mood"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')")
    op.execute("CREATE TABLE applied_log (revision text NOT NULL)")
    op.execute("INSERT INTO applied_log (revision) VALUES ('r1_mood')")
    op.execute("SELECT pg_sleep(1)")


def downgrade():
    pass
`,
  'r2_weather.py': `"""weather type and readings

Revision ID: r2_weather
Revises: r1_mood
"""
from alembic import op

revision = "r2_weather"
down_revision = "r1_mood"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TYPE weather AS ENUM ('sun', 'rain')")
    op.execute("CREATE TABLE readings (id int PRIMARY KEY, mood mood, weather weather)")
    op.execute("INSERT INTO applied_log (revision) VALUES ('r2_weather')")


def downgrade():
    pass
`,
};

const MANIFEST = { version: 1, enums: { mood: ['happy', 'sad'], weather: ['sun', 'rain'] }, tables: ['applied_log', 'readings'] };

let workDir: string;
let versions: string;
let manifest: string;
let project: AlembicProject;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'schema-gate-concurrent-'));
  manifest = join(workDir, 'schema-manifest.json');
  writeFileSync(manifest, JSON.stringify(MANIFEST));
  // The revisions live in their own directory, which both Alembic and the gate read.
  versions = join(workDir, 'versions');
  mkdirSync(versions);
  for (const [file, source] of Object.entries(REVISIONS)) writeFileSync(join(versions, file), source);
  project = createStandardAlembicProject(versions);
});
afterAll(() => {
  project.remove();
  rmSync(workDir, { recursive: true, force: true });
});

/** The environment the deploy runs with: Alembic's env.py reads DATABASE_URL. */
function deployEnv(database: TestDatabase): Record<string, string> {
  return { DATABASE_URL: sqlalchemyUrl(database.url), PYTHONDONTWRITEBYTECODE: '1', LANG: 'C.UTF-8' };
}

/** How often each revision ran, from the rows they insert. */
async function appliedCounts(database: TestDatabase): Promise<Record<string, number>> {
  const { rows } = await database.sql('SELECT revision, count(*)::int AS n FROM applied_log GROUP BY revision ORDER BY revision');
  return Object.fromEntries(rows.map((row: { revision: string; n: number }) => [row.revision, row.n]));
}

async function stampedRevisions(database: TestDatabase): Promise<string[]> {
  const { rows } = await database.sql('SELECT version_num FROM alembic_version');
  return rows.map((row: { version_num: string }) => row.version_num);
}

/** The `pending` revisions the gate's JSON report listed. */
function pendingInReport(result: CliResult): string[] {
  const report = JSON.parse(result.stdout) as { migrations: { pending: { revision: string }[] } };
  return report.migrations.pending.map((entry) => entry.revision);
}

describe(`${CONCURRENT_DEPLOYS} deploys started at once on one fresh database`, () => {
  it('race and fail without the gate: plain alembic upgrade head has no lock', async () => {
    const database = await createTestDatabase();
    try {
      const runs = await Promise.all(Array.from({ length: CONCURRENT_DEPLOYS }, () => runAlembic(project, ['upgrade', 'head'], deployEnv(database))));
      const failed = runs.filter((run) => run.code !== 0);
      expect(failed.length).toBeGreaterThanOrEqual(1);
      // They fail on what another run created meanwhile: the version table or the types.
      for (const run of failed) expect(run.stderr).toMatch(/already exists|duplicate key value violates unique constraint/);
    } finally {
      await database.drop();
    }
  });

  for (let round = 1; round <= ROUNDS; round += 1) {
    it(`all succeed under schema-gate run, each revision applied exactly once (round ${round} of ${ROUNDS})`, async () => {
      const database = await createTestDatabase();
      try {
        const deploys = await Promise.all(
          Array.from({ length: CONCURRENT_DEPLOYS }, () =>
            runGate(
              ['run', '--manifest', manifest, '--migrations', versions, '--database-url', database.url, '--format', 'json', '--', ALEMBIC_PYTHON, '-m', 'alembic', '-c', 'alembic.ini', 'upgrade', 'head'],
              deployEnv(database),
              project.directory,
            ),
          ),
        );
        // Compared with its stderr alongside, so that a failure shows what that deploy said.
        for (const deploy of deploys) expect({ code: deploy.code, stderr: deploy.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
        expect(await appliedCounts(database)).toEqual({ r1_mood: 1, r2_weather: 1 });
        expect(await stampedRevisions(database)).toEqual(['r2_weather']);

        // One deploy migrated; every other one checked the migrated database and had nothing to do.
        const applied = deploys.map((deploy) => parseRunningUpgrades(deploy.stderr));
        expect(applied.filter((revisions) => revisions.length > 0)).toEqual([['r1_mood', 'r2_weather']]);
        const pending = deploys.map(pendingInReport);
        expect(pending.filter((revisions) => revisions.length > 0)).toEqual([['r1_mood', 'r2_weather']]);
        expect(pending.filter((revisions) => revisions.length === 0)).toHaveLength(CONCURRENT_DEPLOYS - 1);
        // The one that migrated is the one that saw the fresh database.
        expect(applied.findIndex((revisions) => revisions.length > 0)).toBe(pending.findIndex((revisions) => revisions.length > 0));
        // At least one of them found the lock taken and said by whom.
        expect(deploys.some((deploy) => /waiting for the deploy lock "[^"]+" \(key -?\d+\): held by pid \d+ \(application_name "schema-gate run"/.test(deploy.stderr))).toBe(true);
      } finally {
        await database.drop();
      }
    });
  }
});
