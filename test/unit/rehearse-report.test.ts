import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import type { CommandRun, RehearseResult, SituationResult } from '../../src/deploy/rehearse.js';
import { formatRehearseJson, formatRehearseText } from '../../src/report/rehearse.js';

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as object;
}

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(loadSchema('report.schema.json'));
ajv.addSchema(loadSchema('plan.schema.json'));
ajv.addSchema(loadSchema('rehearse.schema.json'));

/** The problems of a rehearse report against schemas/rehearse.schema.json; empty when valid. */
function rehearseSchemaErrors(document: unknown): string[] {
  const validate = ajv.getSchema('schema-gate/rehearse.schema.json')!;
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

function run(step: string, fields: Partial<CommandRun> = {}): CommandRun {
  return { step, command: 'alembic upgrade head', exitCode: 0, signal: null, timedOut: false, startError: null, durationMs: 1234, stderrTail: [], ...fields };
}

const NO_DRIFT = { summary: { errors: 0, warnings: 0, infos: 0 }, findings: [] };

const empty: SituationResult = {
  name: 'empty',
  status: 'passed',
  description: 'the upgrade on a fresh, empty database',
  database: 'schema_gate_rehearse_0a1b2c3d4e',
  runs: [run('upgrade', { stderrTail: ['INFO  [alembic.runtime.migration] Running upgrade  -> 0001_campaigns, campaigns'] })],
  problems: [],
  schemaChanges: null,
  drift: {
    summary: { errors: 0, warnings: 1, infos: 0 },
    findings: [
      {
        rule: 'table-not-in-manifest',
        severity: 'warning',
        message: 'table audit_log exists in the database after the upgrade but is not in the manifest',
        object: 'audit_log',
        hint: 'add "audit_log" to the manifest\'s "tables" if the team expects it',
      },
    ],
  },
  copy: null,
  notes: [],
};

const again: SituationResult = {
  name: 'again',
  status: 'failed',
  description: 'the same upgrade a second time on that database: it must change nothing',
  database: 'schema_gate_rehearse_0a1b2c3d4e',
  runs: [run('second upgrade', { durationMs: 800 })],
  problems: ['the second upgrade changed the schema (1 statement added, 0 removed): it is not a no-op'],
  schemaChanges: { added: ['CREATE TABLE "public"."run_1" ()'], removed: [] },
  drift: NO_DRIFT,
  copy: null,
  notes: [],
};

const concurrent: SituationResult = {
  name: 'concurrent',
  status: 'passed',
  description: '2 upgrades at once on a fresh database, each through schema-gate run (the deploy lock)',
  database: 'schema_gate_rehearse_5f6a7b8c9d',
  runs: [run('upgrade 1 of 2', { command: 'schema-gate run -- sh -c "alembic upgrade head"', durationMs: 2100 }), run('upgrade 2 of 2', { command: 'schema-gate run -- sh -c "alembic upgrade head"', durationMs: 1500 })],
  problems: [],
  schemaChanges: { added: [], removed: [] },
  drift: NO_DRIFT,
  copy: null,
  notes: [],
};

const roundTrip: SituationResult = {
  name: 'round-trip',
  status: 'failed',
  description: 'upgrade, downgrade, upgrade again on a fresh database: the schema must come back the same',
  database: 'schema_gate_rehearse_aa11bb22cc',
  runs: [
    run('upgrade'),
    run('downgrade', { command: 'alembic downgrade base' }),
    run('upgrade after the downgrade', {
      exitCode: 1,
      stderrTail: [
        'sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type "platformtype" already exists',
        '',
        "[SQL: CREATE TYPE platformtype AS ENUM ('meta_ads', 'tiktok_ads')]",
      ],
    }),
  ],
  problems: ['the upgrade after the downgrade exited with 1: sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type "platformtype" already exists'],
  schemaChanges: null,
  drift: null,
  copy: null,
  notes: ['the upgrade ran cleanly before the downgrade: the downgrade probably left behind something the upgrade creates, or removed something it needs'],
};

const liveCopy: SituationResult = {
  name: 'live-copy',
  status: 'failed',
  description: 'the upgrade on a schema-only copy of the live database postgres://app:***@db.internal:5432/app',
  database: 'schema_gate_rehearse_dd33ee44ff',
  runs: [run('upgrade', { exitCode: 1, stderrTail: ['sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type "platformtype" already exists'] })],
  problems: ['the upgrade exited with 1: sqlalchemy.exc.ProgrammingError: (psycopg2.errors.DuplicateObject) type "platformtype" already exists'],
  schemaChanges: null,
  drift: null,
  copy: {
    statements: 14,
    applied: 13,
    failed: [{ object: 'default of public.campaigns.external_id', reason: 'function public.uuid_generate_v4() does not exist' }],
    notCopied: ['1 composite type: analytics.point', 'table data (only the rows of the version table are copied)'],
    differences: { added: [], removed: ['ALTER TABLE "public"."campaigns" ALTER COLUMN "external_id" SET DEFAULT public.uuid_generate_v4()'] },
  },
  notes: ['1 object of the live schema could not be copied; the rehearsal ran without them', 'the manifest was not compared: the upgrade failed'],
};

const failing: RehearseResult = {
  ok: false,
  interrupted: false,
  upgradeCommand: 'alembic upgrade head',
  downgradeCommand: 'alembic downgrade base',
  cwd: '/app',
  manifest: { file: 'schema-manifest.json' },
  scratch: { kind: 'embedded', url: 'postgres://postgres:***@127.0.0.1:41234/postgres', serverVersion: '15.13', binariesPackage: 'pg-bin-15' },
  live: { url: 'postgres://app:***@db.internal:5432/app', database: 'app', serverVersion: '15.13', revisions: ['0001_campaigns'] },
  situations: [empty, again, concurrent, roundTrip, liveCopy],
  summary: { passed: 2, failed: 3, skipped: 0 },
  notes: ["each command ran with DATABASE_URL set to its scratch database (postgresql://…), in /app: the project's env.py must read DATABASE_URL"],
};

const passing: RehearseResult = {
  ...failing,
  ok: true,
  downgradeCommand: null,
  scratch: { kind: 'server', url: 'postgres://ci:***@scratch.internal:5432/postgres', serverVersion: '18.1', binariesPackage: null },
  live: null,
  situations: [
    { ...empty, drift: NO_DRIFT },
    { ...again, status: 'passed', problems: [], schemaChanges: { added: [], removed: [] } },
    concurrent,
    { name: 'round-trip', status: 'skipped', description: 'upgrade, downgrade, upgrade again', database: null, runs: [], problems: [], schemaChanges: null, drift: null, copy: null, notes: ['no --downgrade command given'] },
    { name: 'live-copy', status: 'skipped', description: 'the upgrade on a schema-only copy of the live database', database: null, runs: [], problems: [], schemaChanges: null, drift: null, copy: null, notes: ['no --from URL of the live database given'] },
  ],
  summary: { passed: 3, failed: 0, skipped: 2 },
};

const interrupted: RehearseResult = { ...passing, ok: false, interrupted: true, situations: [passing.situations[0]!], summary: { passed: 1, failed: 0, skipped: 0 } };

describe('rehearse text report', () => {
  it('shows each situation, the failed commands with their stderr, the changes and the copy', () => {
    expect(formatRehearseText(failing, { color: false })).toMatchSnapshot();
  });

  it('says when every situation that ran passed, and why the others were skipped', () => {
    expect(formatRehearseText(passing, { color: false })).toMatchSnapshot();
  });

  it('says an interrupted rehearsal was cleaned up, not that it passed', () => {
    const text = formatRehearseText(interrupted, { color: false });
    expect(text).toContain('✖ interrupted after 1 situation: the running command was stopped and the scratch databases dropped');
    expect(text).not.toContain('rehearsed cleanly');
  });

  it('shows the stderr only of commands that failed', () => {
    const text = formatRehearseText(failing, { color: false });
    expect(text).not.toContain('Running upgrade  -> 0001_campaigns');
    expect(text).toContain('| sqlalchemy.exc.ProgrammingError');
  });

  it('colours only when asked', () => {
    expect(formatRehearseText(failing, { color: false })).not.toMatch(/\u001b\[/);
    expect(formatRehearseText(failing, { color: true })).toMatch(/\u001b\[31m/);
  });
});

describe('rehearse JSON report', () => {
  it.each([
    ['failing', failing],
    ['passing', passing],
    ['interrupted', interrupted],
  ])('is one document that the rehearse schema accepts (%s)', (_, result) => {
    const document = JSON.parse(formatRehearseJson(result)) as Record<string, unknown>;
    expect(rehearseSchemaErrors(document)).toEqual([]);
    expect(document['ok']).toBe(result.ok);
  });

  it('is stable', () => {
    expect(formatRehearseJson(failing).replace(/"version": "[^"]+"/, '"version": "<version>"')).toMatchSnapshot();
  });

  it('the schema rejects a run without its exit code, and an unknown situation', () => {
    const document = JSON.parse(formatRehearseJson(failing)) as { situations: { name: string; runs: Record<string, unknown>[] }[] };
    delete document.situations[0]!.runs[0]!['exitCode'];
    expect(rehearseSchemaErrors(document)).not.toEqual([]);
    const renamed = JSON.parse(formatRehearseJson(failing)) as { situations: { name: string }[] };
    renamed.situations[0]!.name = 'twice';
    expect(rehearseSchemaErrors(renamed)).not.toEqual([]);
  });
});
