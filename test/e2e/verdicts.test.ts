/**
 * The end-to-end proof that the gate's verdict is what real Alembic does. For every situation
 * (test/fixtures/verdicts/<name>/: a starting database, a history, a manifest) two identical
 * databases are made; the built CLI checks one, `alembic upgrade head` (Alembic 1.8, SQLAlchemy
 * 1.4, the standard one-transaction env.py) runs on the other. Then:
 *   - real Alembic does what the situation claims (this proves the facts the analysis relies on);
 *   - the gate wrote nothing to its copy;
 *   - Alembic failed, or succeeded with drift from the manifest ⇔ the gate exits 1, and Alembic
 *     succeeded without drift ⇔ the gate exits 0;
 *   - the gate names the cause with the expected rule ids.
 * Situations come in near-twin pairs where one detail flips the outcome.
 *
 * Set SCHEMA_GATE_VERDICTS_TABLE=<file> to get a Markdown table of every verdict written there.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import {
  concurrencyLimit,
  expectedGateExitCode,
  formatVerdictTable,
  installedSqlalchemyVersion,
  observeSituation,
  type Situation,
  type Verdict,
} from '../support/verdicts.js';

const ALREADY_EXISTS = (type: string) => `type "${type}" already exists`;
const DOES_NOT_EXIST = (type: string) => `type "${type}" does not exist`;
const UNSAFE_NEW_VALUE = 'unsafe use of new value "google_ads" of enum type platformtype';

const SITUATIONS: readonly Situation[] = [
  // The incident: two revisions both create platformtype through op.create_table.
  {
    name: 'incident-pending-together',
    title: 'the incident, both revisions pending together on a fresh database: one CREATE TYPE per run',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'incident-pending-together-labels-differ',
    title: 'the incident pending together, the second revision with more labels: the first definition wins',
    alembic: { outcome: 'drifts', drift: ['enum-labels-differ public.platformtype'] },
    rules: ['enum-created-twice', 'enum-labels-differ'],
  },
  {
    name: 'incident-first-applied',
    title: 'the incident after the first revision was applied and stamped by an earlier deploy',
    history: 'incident-pending-together',
    alembic: { outcome: 'fails', error: ALREADY_EXISTS('platformtype') },
    rules: ['enum-already-exists'],
  },
  {
    name: 'early-return-guard',
    title: 'upgrade() returns early when a table exists, else creates it and another: both are created on a fresh database',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'early-return-guard-users-exist',
    title: 'the same on a database that has the first table only: nothing is created, and the next revision misses the other',
    history: 'early-return-guard',
    alembic: { outcome: 'fails', error: 'relation "groups" does not exist' },
    rules: ['object-does-not-exist'],
  },
  {
    name: 'inspector-guard-tables-exist',
    title: 'create_table guarded by inspector.get_table_names(), every table already there: nothing runs',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'inspector-guard-one-table-missing',
    title: 'the same guards with one table missing: its create_table emits CREATE TYPE for an existing type',
    history: 'inspector-guard-tables-exist',
    alembic: { outcome: 'fails', error: ALREADY_EXISTS('platformtype') },
    rules: ['enum-already-exists'],
  },

  // Raw CREATE TYPE, which the per-run memo of op.create_table does not know.
  {
    name: 'raw-create-type-then-create-table',
    title: 'raw CREATE TYPE, then op.create_table with sa.Enum of the same name in the same run',
    alembic: { outcome: 'fails', error: ALREADY_EXISTS('platformtype') },
    rules: ['enum-created-twice'],
  },
  {
    name: 'raw-create-type-then-create-type-false',
    title: 'raw CREATE TYPE, then op.create_table with postgresql.ENUM(create_type=False)',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'raw-create-type-existing',
    title: 'raw CREATE TYPE of a type that already exists',
    history: 'raw-create-type-then-create-type-false',
    alembic: { outcome: 'fails', error: ALREADY_EXISTS('platformtype') },
    rules: ['enum-already-exists'],
  },

  // Guards compare names, never labels, and the usual pg_type guard ignores the schema.
  {
    name: 'do-exception-guard-labels-differ',
    title: 'DO block with EXCEPTION WHEN duplicate_object over an existing type with other labels',
    alembic: { outcome: 'drifts', drift: ['enum-labels-differ public.platformtype'] },
    rules: ['guarded-create-drift', 'enum-labels-differ'],
  },
  {
    name: 'do-exception-guard-same-labels',
    title: 'the same DO block over an existing type with the same labels',
    history: 'do-exception-guard-labels-differ',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'pg-type-guard-other-schema',
    title: "IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'platformtype') with that type in another schema",
    alembic: { outcome: 'drifts', drift: ['enum-missing public.platformtype'] },
    rules: ['guard-ignores-schema', 'enum-missing'],
  },
  {
    name: 'pg-type-guard-fresh',
    title: 'the same pg_type guard with no type of that name anywhere',
    history: 'pg-type-guard-other-schema',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'checkfirst-create-labels-differ',
    title: 'postgresql.ENUM(...).create(bind, checkfirst=True) over an existing type with fewer labels',
    alembic: { outcome: 'drifts', drift: ['enum-labels-differ public.platformtype'] },
    rules: ['guarded-create-drift', 'enum-labels-differ'],
  },
  {
    name: 'checkfirst-create-fresh',
    title: 'the same checkfirst create where the type does not exist yet',
    history: 'checkfirst-create-labels-differ',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },

  // create_type=False and .create() defaults on SQLAlchemy 1.4.
  {
    name: 'postgresql-enum-create-type-false',
    title: 'op.create_table with postgresql.ENUM(create_type=False) of an existing type',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'sa-enum-create-type-false',
    title: 'op.create_table with sa.Enum(create_type=False) of an existing type: ignored, the type is created',
    alembic: { outcome: 'fails', error: ALREADY_EXISTS('platformtype') },
    rules: ['enum-already-exists'],
  },
  {
    name: 'sa-enum-create-without-checkfirst',
    title: 'sa.Enum(...).create(bind) of an existing type: checkfirst defaults to False',
    alembic: { outcome: 'fails', error: ALREADY_EXISTS('platformtype') },
    rules: ['enum-already-exists'],
  },

  // op.add_column never creates the type.
  {
    name: 'add-column-type-missing',
    title: 'op.add_column with an sa.Enum whose type does not exist',
    alembic: { outcome: 'fails', error: DOES_NOT_EXIST('platformtype') },
    rules: ['object-does-not-exist'],
  },
  {
    name: 'add-column-after-create',
    title: 'op.add_column after sa.Enum(...).create(bind)',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },

  // ALTER TYPE ... ADD VALUE.
  {
    name: 'syntax-error-in-downgrade',
    title: 'a pending revision whose downgrade() is not valid Python: Alembic cannot even load the history',
    alembic: { outcome: 'fails', error: 'SyntaxError' },
    rules: ['unreadable-revision-file'],
  },
  {
    name: 'syntax-error-in-applied-downgrade',
    title: 'the same file already applied, nothing pending: Alembic still imports every revision, and fails',
    history: 'syntax-error-in-downgrade',
    alembic: { outcome: 'fails', error: 'SyntaxError' },
    rules: ['unreadable-revision-file'],
  },
  {
    name: 'python-pg-type-guard-other-schema',
    title: 'a pg_type query run from Python guards CREATE TYPE, and a same-named type in another schema satisfies it: the type is never created',
    alembic: { outcome: 'fails', error: 'type "orderstatus" does not exist' },
    rules: ['guard-ignores-schema', 'object-does-not-exist'],
  },
  {
    name: 'python-pg-type-guard-schema-aware',
    title: 'the same query limited to its schema: the type is created',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'add-value-then-column-default',
    title: 'ADD VALUE, then op.add_column with that label as server_default in the same transaction (55P04)',
    alembic: { outcome: 'fails', error: 'unsafe use of new value "shipped"' },
    rules: ['enum-label-used-before-commit'],
  },
  {
    name: 'add-value-autocommit-then-column-default',
    title: 'the same with ADD VALUE in autocommit_block(): committed first, the default is safe',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'enum-conversion-column-default',
    title: 'a VARCHAR column with a default changed to an enum type: the default cannot be cast (42804)',
    alembic: { outcome: 'fails', error: 'cannot be cast automatically to type orderstatus' },
    rules: ['enum-conversion-blocked-by-default'],
  },
  {
    name: 'enum-conversion-default-dropped-first',
    title: 'the same with the default dropped first and set again after: it passes',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'add-value-existing-label',
    title: 'ADD VALUE of a label that was already added by hand',
    alembic: { outcome: 'fails', error: 'enum label "google_ads" already exists' },
    rules: ['enum-label-already-exists'],
  },
  {
    name: 'add-value-if-not-exists',
    title: 'ADD VALUE IF NOT EXISTS of a label that was already added by hand',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'add-value-then-insert-same-run',
    title: 'ADD VALUE, then an INSERT of the new label in a later revision of the same run (55P04)',
    alembic: { outcome: 'fails', error: UNSAFE_NEW_VALUE },
    rules: ['enum-label-used-before-commit'],
  },
  {
    name: 'bind-parameters',
    title: "bound values in text() (':name'), in op.execute and in psycopg2's %s / %(name)s / %% at driver level: all of it runs",
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'add-value-then-update-same-run',
    title: 'ADD VALUE, then an UPDATE to the new label in a later revision of the same run (55P04)',
    alembic: { outcome: 'fails', error: UNSAFE_NEW_VALUE },
    rules: ['enum-label-used-before-commit'],
  },
  {
    name: 'add-value-autocommit-block-then-insert',
    title: 'ADD VALUE inside autocommit_block(), then the same INSERT in a later revision',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'add-value-committed-by-earlier-deploy',
    title: 'the INSERT revision alone, the ADD VALUE applied by an earlier deploy',
    history: 'add-value-then-insert-same-run',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },

  // DROP TYPE.
  {
    name: 'drop-type-in-use',
    title: 'DROP TYPE of a type a column still uses',
    alembic: { outcome: 'fails', error: 'cannot drop type campaignstatus because other objects depend on it' },
    rules: ['drop-enum-in-use'],
  },
  {
    name: 'drop-type-after-drop-column',
    title: 'DROP TYPE after op.drop_column of the column that used it',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },

  // CREATE TABLE.
  {
    name: 'create-table-existing',
    title: 'CREATE TABLE of a table created by hand',
    alembic: { outcome: 'fails', error: 'relation "webhook_events" already exists' },
    rules: ['table-already-exists'],
  },
  {
    name: 'create-table-if-not-exists',
    title: 'CREATE TABLE IF NOT EXISTS of a table created by hand (with other columns)',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },

  // Renames.
  {
    name: 'rename-type',
    title: 'ALTER TYPE ... RENAME TO',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'rename-type-onto-existing',
    title: 'ALTER TYPE ... RENAME TO a name another type has',
    history: 'rename-type',
    alembic: { outcome: 'fails', error: ALREADY_EXISTS('platformtype') },
    rules: ['enum-already-exists'],
  },
  {
    name: 'rename-value',
    title: 'ALTER TYPE ... RENAME VALUE',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'rename-value-already-renamed',
    title: 'ALTER TYPE ... RENAME VALUE of a label renamed by hand already',
    history: 'rename-value',
    alembic: { outcome: 'fails', error: '"facebook_ads" is not an existing enum label' },
    rules: ['enum-label-does-not-exist'],
  },

  // SQL that PostgreSQL cannot parse.
  {
    name: 'invalid-sql',
    title: 'op.execute of CREATE TYPE with a trailing comma',
    alembic: { outcome: 'fails', error: 'syntax error at or near ")"' },
    rules: ['invalid-sql'],
  },
  {
    name: 'valid-sql',
    title: 'the same CREATE TYPE without the trailing comma',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },

  // The revision graph.
  {
    name: 'multiple-heads',
    title: 'two branches without a merge revision',
    alembic: { outcome: 'fails', error: 'Multiple head revisions are present' },
    rules: ['multiple-heads'],
  },
  {
    name: 'merge-revision',
    title: "a merge revision ('b1', 'b2'): the b2 branch (which creates the type) runs first",
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'merge-revision-parents-swapped',
    title: "the same merge with its parents swapped: the add_column branch runs before the type exists",
    alembic: { outcome: 'fails', error: DOES_NOT_EXIST('platformtype') },
    rules: ['object-does-not-exist'],
  },
  {
    name: 'unknown-db-revision',
    title: 'a database stamped at a revision no file defines',
    history: 'valid-sql',
    alembic: { outcome: 'fails', error: "Can't locate revision identified by 'd15ea5e0b00b'" },
    rules: ['unknown-db-revision'],
  },

  // Nothing pending: only the live schema against the manifest.
  {
    name: 'up-to-date',
    title: 'nothing pending and the schema is the manifest',
    history: 'incident-pending-together',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'up-to-date-labels-drifted',
    title: 'nothing pending, but an enum was recreated by hand with fewer labels',
    history: 'incident-pending-together',
    alembic: { outcome: 'drifts', drift: ['enum-labels-differ public.platformtype'] },
    rules: ['enum-labels-differ'],
  },
  {
    name: 'up-to-date-table-missing',
    title: 'nothing pending, but a table was dropped by hand',
    history: 'incident-pending-together',
    alembic: { outcome: 'drifts', drift: ['table-missing public.webhook_events'] },
    rules: ['table-missing'],
  },

  // Statements that need a table: indexes, constraints, rows.
  {
    name: 'create-index-table-missing',
    title: 'op.create_index on a table no revision created',
    alembic: { outcome: 'fails', error: 'relation "campaigns" does not exist' },
    rules: ['object-does-not-exist'],
  },
  {
    name: 'create-index-after-create-table',
    title: 'the same index, constraints, rows and a batch alter_column after create_table',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'insert-into-view-and-temp-table',
    title: 'INSERT into a view and a temporary table, an index on a materialized view: relations that are no tables of the schema',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },

  // Indexes by name: relations of their table's schema.
  {
    name: 'index-created-twice',
    title: 'two revisions create the same index on a fresh database',
    alembic: { outcome: 'fails', error: 'relation "ix_campaigns_name" already exists' },
    rules: ['index-already-exists'],
  },
  {
    name: 'index-made-by-hand',
    title: 'the pending revision creates an index a hotfix already made by hand on the live database',
    alembic: { outcome: 'fails', error: 'relation "ix_campaigns_name" already exists' },
    rules: ['index-already-exists'],
  },
  {
    name: 'index-recreated-after-drop',
    title: 'the same database; the revision drops the index first and creates it again',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'index-if-not-exists',
    title: 'the same database; the revision creates the index with CREATE INDEX IF NOT EXISTS',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },

  {
    name: 'index-do-block-guard',
    title: 'the same database; a DO block creates the index only IF NOT EXISTS in pg_indexes',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'drop-index-missing',
    title: 'the pending revision drops an index the live database never had (autogenerate saw it elsewhere)',
    alembic: { outcome: 'fails', error: 'index "ix_campaigns_legacy" does not exist' },
    rules: ['object-does-not-exist'],
  },
  {
    name: 'drop-index-made-by-hand',
    title: 'the pending revision drops the index a hotfix made by hand: it exists',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },

  {
    name: 'matview-recreated-with-index',
    title: 'a materialized view dropped and built again with its index of the same name: the index went with the view',
    alembic: { outcome: 'succeeds' },
    rules: [],
  },

  // Names: SQLAlchemy quotes upper case, SQL folds it; schemas.
  {
    name: 'mixed-case-enum-name',
    title: "sa.Enum(name='PlatformType') beside an existing platformtype: a distinct type \"PlatformType\"",
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'unquoted-mixed-case-create-type',
    title: 'raw CREATE TYPE PlatformType beside an existing platformtype: folded to the same name',
    alembic: { outcome: 'fails', error: ALREADY_EXISTS('platformtype') },
    rules: ['enum-already-exists'],
  },
  {
    name: 'analytics-schema-enum',
    title: "create_table(schema='analytics') with sa.Enum(schema='analytics') beside public.granularity",
    alembic: { outcome: 'succeeds' },
    rules: [],
  },
  {
    name: 'analytics-schema-enum-existing',
    title: 'the same where analytics.granularity already exists',
    history: 'analytics-schema-enum',
    alembic: { outcome: 'fails', error: ALREADY_EXISTS('granularity') },
    rules: ['enum-already-exists'],
  },
  {
    name: 'analytics-table-enum-without-schema',
    title: "create_table(schema='analytics') with an sa.Enum without schema=: the type lands in public",
    alembic: { outcome: 'drifts', drift: ['enum-missing analytics.granularity'] },
    rules: ['enum-missing'],
  },
];

// Each situation runs two child processes (the gate on Node, Alembic on Python) and a few database
// copies; three at a time keep two cores busy.
const queue = concurrencyLimit(3);
const verdicts = new Map<string, Promise<Verdict>>();

/**
 * SCHEMA_GATE_SITUATIONS=<name>,<name> observes only those situations (with `-t` to run only their
 * tests): `-t` alone filters the tests, not this hook, which would still start every situation.
 */
const onlySituations = process.env['SCHEMA_GATE_SITUATIONS']?.split(',').map((name) => name.trim()).filter((name) => name !== '');

beforeAll(() => {
  // Start every situation now, in order; each test awaits its own, so no hook waits for all.
  for (const situation of SITUATIONS) {
    if (onlySituations && !onlySituations.includes(situation.name)) continue;
    const verdict = queue(() => observeSituation(situation));
    // The rejection is reported by the tests that await it; this only keeps it from being unhandled meanwhile.
    verdict.catch(() => undefined);
    verdicts.set(situation.name, verdict);
  }
});

afterAll(async () => {
  const settled = await Promise.allSettled(verdicts.values());
  const table = process.env['SCHEMA_GATE_VERDICTS_TABLE'];
  if (table) {
    writeFileSync(table, formatVerdictTable(settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))));
  }
}, 120_000);

it('covers at least 30 distinct situations, each with its own fixture', () => {
  expect(new Set(SITUATIONS.map((situation) => situation.name)).size).toBe(SITUATIONS.length);
  expect(SITUATIONS.length).toBeGreaterThanOrEqual(30);
});

describe.each(SITUATIONS)('$name: $title', (situation) => {
  const verdict = (): Promise<Verdict> => verdicts.get(situation.name)!;
  const expectedExit = expectedGateExitCode(situation.alembic);

  const alembicClaim =
    situation.alembic.outcome === 'fails'
      ? `fails with "${situation.alembic.error}" and rolls everything back`
      : situation.alembic.outcome === 'drifts'
        ? `succeeds, but the schema drifts from the manifest (${situation.alembic.drift.join(', ')})`
        : 'succeeds, and the schema is the manifest';

  it(`real alembic upgrade head ${alembicClaim}`, async () => {
    const { alembic } = await verdict();
    const expected = situation.alembic;
    if (expected.outcome === 'fails') {
      expect({ outcome: alembic.outcome, failure: alembic.failure }).toEqual({ outcome: 'fails', failure: expect.stringContaining(expected.error) });
      // One transaction for the whole run: nothing of it stays, not even the version stamp.
      expect(alembic.catalogAfter).toEqual(alembic.catalogBefore);
    } else {
      expect({ outcome: alembic.outcome, failure: alembic.failure, drift: alembic.drift }).toEqual({
        outcome: expected.outcome,
        failure: undefined,
        drift: expected.outcome === 'drifts' ? expected.drift : [],
      });
    }
  });

  it('the gate writes nothing to the database it checks', async () => {
    const { gate } = await verdict();
    expect(gate.catalogAfter).toEqual(gate.catalogBefore);
  });

  it(`the gate exits ${expectedExit}, as Alembic's outcome calls for`, async () => {
    const { gate } = await verdict();
    // The findings come along so that a wrong exit code shows why.
    const findings = gate.findings.map((finding) => `${finding.severity} ${finding.rule}: ${finding.message}`);
    expect({ exitCode: gate.exitCode, stderr: gate.stderr, findings }).toEqual({ exitCode: expectedExit, stderr: '', findings: expect.anything() });
  });

  it(situation.rules.length > 0 ? `the gate names the cause: ${situation.rules.join(', ')}` : 'the gate reports no error', async () => {
    const { gate } = await verdict();
    if (situation.rules.length === 0) expect(gate.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    else expect(gate.errorRules).toEqual(expect.arrayContaining([...situation.rules]));
  });
});

it('the gate judges with the SQLAlchemy that real Alembic runs (the pin in the fixtures\' requirements.txt)', async () => {
  // Some facts differ between releases (create_type on sa.Enum from 2.1): a verdict for another
  // release would prove nothing about this one.
  const installed = installedSqlalchemyVersion();
  const assumed = (await Promise.all(verdicts.values())).flatMap((verdict) => (verdict.gate.sqlalchemyVersion === undefined ? [] : [verdict.gate.sqlalchemyVersion]));
  expect(assumed.length).toBeGreaterThan(0);
  expect(new Set(assumed)).toEqual(new Set([installed]));
}, 120_000);
