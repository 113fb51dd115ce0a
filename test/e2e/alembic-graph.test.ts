/**
 * The revision graph against real Alembic: for every fixture history, our heads, history order
 * and upgrade plans must be Alembic's, and where Alembic refuses, we must report why. Then the
 * same for databases stamped in interesting states, on the test PostgreSQL server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readAlembicIni } from '../../src/migrations/alembic/ini.js';
import { isFatalSourceProblem, openAlembicSource, scanOptionsFromConfig, type AlembicSource } from '../../src/migrations/alembic/scan.js';
import { historyOrder, pendingRevisions } from '../../src/migrations/graph.js';
import {
  alembicFailure,
  createAlembicProject,
  directoryTree,
  fixtureNames,
  fixtureVersions,
  parseHeads,
  parseHistory,
  parseRunningUpgrades,
  runAlembic,
  sqlalchemyUrl,
  type AlembicProject,
  type AlembicRun,
} from '../support/alembic.js';
import { createTestDatabase } from '../support/database.js';

/** Targets worth trying on some histories, besides `head` and `heads`. */
const EXTRA_TARGETS: Readonly<Record<string, readonly string[]>> = {
  linear: ['c7d9e1f2a4b5', 'base'],
  'merge-two': ['9e2f4a6b8c0d', 'no-such-revision'],
  'branch-labels': ['billing@head', 'search@head', 'search@heads', 'search', '7788', 'billing@ff44aa55bb66'],
  'two-roots': ['app@head', 'reporting@head'],
  'multiple-heads': ['8d9e0f1a2b3c', '6f7a'],
  'depends-on': ['c0e2a4b6d835', 'seed@head'],
};

/** The problem kind that matches how Alembic stopped. */
function refusalKind(failure: string): string {
  if (failure.includes('Multiple head revisions are present')) return 'multiple-heads';
  if (failure.startsWith('KeyError')) return 'missing-revision';
  if (failure.includes('Could not determine revision id from filename')) return 'missing-revision-variable';
  if (failure.includes('Cycle is detected')) return 'cycle';
  if (failure.includes("Can't locate revision identified by")) return 'unknown';
  if (failure.includes('overlaps with other requested revisions')) return 'overlapping';
  return failure;
}

/** Our kinds, coarsened to what Alembic's message tells apart. */
function comparableKind(kind: string): string {
  if (kind === 'unknown-db-revision' || kind === 'unknown-target') return 'unknown';
  if (kind === 'overlapping-db-revisions' || kind === 'overlapping-targets') return 'overlapping';
  return kind;
}

/** The problems that make Alembic fail before it looks at any target: loading the scripts. */
function loadRefusals(source: AlembicSource): string[] {
  return source.problems.filter(isFatalSourceProblem).map((problem) => comparableKind(problem.kind));
}

/** Opens the fixture exactly as the generated alembic.ini describes it, in the directory order Alembic 1.8 loads. */
function openSource(project: AlembicProject): AlembicSource {
  return openAlembicSource(scanOptionsFromConfig(readAlembicIni(project.ini, { cwd: project.directory }), 'filesystem'));
}

describe.each(fixtureNames())('the %s history', (name) => {
  const targets = ['head', 'heads', ...(EXTRA_TARGETS[name] ?? [])];
  let project: AlembicProject;
  let source: AlembicSource;
  let heads: AlembicRun;
  let history: AlembicRun;
  const upgrades = new Map<string, AlembicRun>();

  beforeAll(async () => {
    // Alembic 1.8 has no recursive_version_locations: list every subdirectory instead.
    project = createAlembicProject(directoryTree(fixtureVersions(name)));
    source = openSource(project);
    const runs = await Promise.all([runAlembic(project, ['heads']), runAlembic(project, ['history']), ...targets.map((target) => runAlembic(project, ['upgrade', target, '--sql']))]);
    [heads, history] = runs as [AlembicRun, AlembicRun];
    targets.forEach((target, index) => upgrades.set(target, runs[index + 2]!));
  });
  afterAll(() => project.remove());

  it('lists the heads `alembic heads` lists, or reports why Alembic cannot load the scripts', () => {
    const failure = alembicFailure(heads);
    if (failure === undefined) {
      expect(loadRefusals(source)).toEqual([]);
      expect(source.graph.heads).toEqual(parseHeads(heads.stdout));
    } else {
      expect(loadRefusals(source)).toContain(refusalKind(failure));
    }
  });

  it('walks the history in the order `alembic history` prints, with the same parents, dependencies and messages', () => {
    if (alembicFailure(history) !== undefined) {
      expect(loadRefusals(source).length).toBeGreaterThan(0);
      return;
    }
    const lines = parseHistory(history.stdout);
    expect(historyOrder(source.graph)).toEqual(lines.map((line) => line.revision));
    for (const line of lines) {
      const revision = source.graph.revisions.get(line.revision)!;
      expect({ revision: line.revision, downRevisions: revision.downRevisions, dependsOn: revision.dependsOn, message: source.scriptFor(line.revision)!.message }).toEqual(line);
    }
  });

  it.each(targets)('plans `alembic upgrade %s` from an empty database as Alembic runs it', (target) => {
    const run = upgrades.get(target)!;
    const pending = pendingRevisions(source.graph, { target });
    const failure = alembicFailure(run);
    if (failure === undefined) {
      expect(loadRefusals(source)).toEqual([]);
      expect(pending.problems).toEqual([]);
      expect(pending.revisions).toEqual(parseRunningUpgrades(run.stdout));
    } else {
      expect(pending.revisions.length === 0 || loadRefusals(source).length > 0).toBe(true);
      expect([...loadRefusals(source), ...pending.problems.map((problem) => comparableKind(problem.kind))]).toContain(refusalKind(failure));
    }
  });
});

describe('expectations that the fixtures encode', () => {
  // The generic comparisons above hold whatever Alembic does; these pin down what it does.
  const expectations: readonly [string, string, string][] = [
    ['merge-two', 'head', 'runs'],
    ['multiple-heads', 'head', 'multiple-heads'],
    ['multiple-heads', 'heads', 'runs'],
    ['depends-on', 'head', 'multiple-heads'],
    ['depends-on', 'heads', 'runs'],
    ['missing-parent', 'heads', 'missing-revision'],
    ['helper-module', 'head', 'missing-revision-variable'],
    ['cycle', 'heads', 'cycle'],
    ['cycle-through-merge', 'head', 'runs'],
    ['merge-two', 'no-such-revision', 'unknown'],
  ];

  it.each(expectations)('%s: `alembic upgrade %s` %s', async (fixture, target, outcome) => {
    const project = createAlembicProject(directoryTree(fixtureVersions(fixture)));
    try {
      const failure = alembicFailure(await runAlembic(project, ['upgrade', target, '--sql']));
      expect(failure === undefined ? 'runs' : refusalKind(failure)).toBe(outcome);
    } finally {
      project.remove();
    }
  });
});

describe('two histories that reuse ids, loaded together', () => {
  let project: AlembicProject;
  let source: AlembicSource;
  beforeAll(() => {
    project = createAlembicProject([fixtureVersions('reused-ids-app'), fixtureVersions('reused-ids-audit')]);
    source = openSource(project);
  });
  afterAll(() => project.remove());

  it('reports each duplicate id and lists the heads Alembic lists, the shadowed scripts included', async () => {
    expect(source.problems.filter((problem) => problem.kind === 'duplicate-revision').map((problem) => problem.revisions[0]).sort()).toEqual(['0001', '0002']);
    const heads = await runAlembic(project, ['heads']);
    expect(heads.stderr).toContain('is present more than once');
    expect(source.graph.heads).toEqual(parseHeads(heads.stdout));
  });

  it('refuses `upgrade head` and `upgrade heads` as Alembic does: shadowed scripts stay heads', async () => {
    // The shadowed ids count as heads; resolved, they name the scripts in use, which are ancestors
    // of the real head, so `heads` overlaps itself.
    const [head, heads] = await Promise.all([runAlembic(project, ['upgrade', 'head', '--sql']), runAlembic(project, ['upgrade', 'heads', '--sql'])]);
    expect(refusalKind(alembicFailure(head)!)).toBe('multiple-heads');
    expect(pendingRevisions(source.graph, { target: 'head' }).problems.map((problem) => problem.kind)).toEqual(['multiple-heads']);
    expect(refusalKind(alembicFailure(heads)!)).toBe('overlapping');
    expect(pendingRevisions(source.graph, { target: 'heads' }).problems.map((problem) => problem.kind)).toEqual(['overlapping-targets']);
  });
});

describe('upgrading a stamped PostgreSQL database', () => {
  const projects = new Map<string, { project: AlembicProject; source: AlembicSource }>();
  const open = (fixture: string): { project: AlembicProject; source: AlembicSource } => {
    let opened = projects.get(fixture);
    if (!opened) {
      const project = createAlembicProject(directoryTree(fixtureVersions(fixture)));
      opened = { project, source: openSource(project) };
      projects.set(fixture, opened);
    }
    return opened;
  };
  afterAll(() => {
    for (const { project } of projects.values()) project.remove();
  });

  interface StampedCase {
    readonly title: string;
    readonly fixture: string;
    readonly stamped: readonly string[];
    readonly target: string;
    /** `runs`, or the kind of refusal. */
    readonly outcome: string;
  }
  const cases: readonly StampedCase[] = [
    { title: 'at a middle revision', fixture: 'merge-two', stamped: ['4c1e8f0a2b93'], target: 'head', outcome: 'runs' },
    { title: 'at both branch heads that a merge joins', fixture: 'merge-two', stamped: ['9e2f4a6b8c0d', 'a0b1c2d3e4f5'], target: 'head', outcome: 'runs' },
    { title: 'at the head', fixture: 'merge-two', stamped: ['2a9c8e7d6f51'], target: 'head', outcome: 'runs' },
    { title: 'at the two heads of a branched history, upgrading to head', fixture: 'multiple-heads', stamped: ['2e3f4a5b6c7d', '8d9e0f1a2b3c'], target: 'head', outcome: 'multiple-heads' },
    { title: 'at the two heads of a branched history, upgrading to heads', fixture: 'multiple-heads', stamped: ['2e3f4a5b6c7d', '8d9e0f1a2b3c'], target: 'heads', outcome: 'runs' },
    { title: 'at one of two heads, upgrading to heads', fixture: 'multiple-heads', stamped: ['2e3f4a5b6c7d'], target: 'heads', outcome: 'runs' },
    { title: 'at a prefix of a revision id, which Alembic resolves', fixture: 'merge-two', stamped: ['4c1e'], target: 'head', outcome: 'runs' },
    { title: 'at a revision that no file defines', fixture: 'linear', stamped: ['deadbeefcafe'], target: 'head', outcome: 'unknown' },
    { title: 'at a revision and its own ancestor', fixture: 'merge-two', stamped: ['4c1e8f0a2b93', '1b6d0c2e9a47'], target: 'head', outcome: 'overlapping' },
    { title: 'at a revision that depends on another root', fixture: 'depends-on', stamped: ['7b9d1f3a5c24'], target: 'heads', outcome: 'runs' },
  ];

  it.each(cases)('stamped $title', async ({ fixture, stamped, target, outcome }) => {
    const { project, source } = open(fixture);
    const database = await createTestDatabase();
    try {
      await database.sql('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))');
      for (const row of stamped) await database.sql('INSERT INTO alembic_version (version_num) VALUES ($1)', [row]);
      const run = await runAlembic(project, ['upgrade', target], { SCHEMA_GATE_ALEMBIC_URL: sqlalchemyUrl(database.url) });
      const failure = alembicFailure(run);
      expect(failure === undefined ? 'runs' : refusalKind(failure)).toBe(outcome);

      const pending = pendingRevisions(source.graph, { stamped, target });
      if (failure === undefined) {
        expect(pending.problems).toEqual([]);
        expect(pending.revisions).toEqual(parseRunningUpgrades(run.stderr));
        const rows = (await database.sql('SELECT version_num FROM alembic_version')).rows.map((row: { version_num: string }) => row.version_num);
        if (pending.warnings.length > 0) {
          // The abbreviated row stays beside the new head, and the next upgrade refuses to run.
          expect(pending.warnings.map((warning) => warning.kind)).toEqual(['abbreviated-db-revision']);
          expect(rows.sort()).toEqual([...stamped, ...pending.targetRevisions].sort());
          const again = await runAlembic(project, ['upgrade', target], { SCHEMA_GATE_ALEMBIC_URL: sqlalchemyUrl(database.url) });
          expect(refusalKind(alembicFailure(again)!)).toBe('overlapping');
          expect(pendingRevisions(source.graph, { stamped: rows, target }).problems.map((problem) => comparableKind(problem.kind))).toEqual(['overlapping']);
        } else if (target === 'head') {
          expect(rows).toEqual(pending.targetRevisions);
        }
      } else {
        expect(pending.revisions).toEqual([]);
        expect(pending.problems.map((problem) => comparableKind(problem.kind))).toContain(outcome);
      }
    } finally {
      await database.drop();
    }
  });
});
