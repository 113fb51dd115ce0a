import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFatalSourceProblem, openAlembicSource, scanRevisionFiles } from '../../../src/migrations/alembic/scan.js';
import { pendingRevisions } from '../../../src/migrations/graph.js';
import { fixtureVersions } from '../../support/alembic.js';

const temporaryDirectories: string[] = [];
afterAll(() => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

/** A versions directory with the given files. */
function versionsDirectory(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'schema-gate-scan-'));
  temporaryDirectories.push(directory);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(directory, name, '..'), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

describe('scanRevisionFiles', () => {
  const untidy = fixtureVersions('untidy');

  it('skips __init__.py, editor lock files and non-Python files, and stays out of subdirectories', () => {
    const scan = scanRevisionFiles({ versionLocations: [untidy] });
    expect(scan.scripts.map((script) => script.relativePath)).toEqual(['0001_initial.py', '0002_add_users.py', '20240615_1200_refunds.py', '4b5c6d7e.py']);
  });

  it('enters subdirectories with recursive_version_locations, after the directory own files', () => {
    const scan = scanRevisionFiles({ versionLocations: [untidy], recursive: true });
    expect(scan.scripts.map((script) => script.relativePath)).toEqual([
      '0001_initial.py',
      '0002_add_users.py',
      '20240615_1200_refunds.py',
      '4b5c6d7e.py',
      '2024/0003_orders.py',
      '2024/0004_order_notes.py',
    ]);
    expect(scan.problems).toEqual([]);
  });

  it('finds the same scripts as listing each subdirectory as a version location', () => {
    const recursive = scanRevisionFiles({ versionLocations: [untidy], recursive: true });
    const listed = scanRevisionFiles({ versionLocations: [untidy, join(untidy, '2024')], order: 'filesystem' });
    expect(listed.scripts.map((script) => script.file).sort()).toEqual(recursive.scripts.map((script) => script.file).sort());
  });

  it('reads every untidy script of the fixture into one history', () => {
    const source = openAlembicSource({ versionLocations: [untidy], recursive: true });
    expect(source.problems).toEqual([]);
    expect(source.graph.heads).toEqual(['4b5c6d7e']);
    expect(pendingRevisions(source.graph).revisions).toEqual(['0001_initial', '0002_add_users', '0003_orders', '0004_notes', '20240615_1200_refunds', '4b5c6d7e']);
    expect(source.graph.branchLabels.get('core')).toBe('0003_orders');
  });

  it('reports a location that does not exist', () => {
    const scan = scanRevisionFiles({ versionLocations: ['/nonexistent/versions'] });
    expect(scan.problems).toEqual([{ kind: 'missing-versions-directory', revisions: [], locations: [{ file: '/nonexistent/versions' }] }]);
  });

  it('loads a file reached through two locations once', () => {
    const scan = scanRevisionFiles({ versionLocations: [untidy, untidy] });
    expect(scan.scripts).toHaveLength(4);
  });

  it('reports a compiled script without source only in sourceless mode', () => {
    const directory = versionsDirectory({ 'a.py': 'revision = "a"\ndown_revision = None\n', 'b.pyc': '', 'a.pyc': '' });
    expect(scanRevisionFiles({ versionLocations: [directory], sourceless: true }).problems).toEqual([{ kind: 'bytecode-only-script', revisions: [], locations: [{ file: join(directory, 'b.pyc') }] }]);
    expect(scanRevisionFiles({ versionLocations: [directory] }).problems).toEqual([]);
  });
});

describe('openAlembicSource', () => {
  it('reports a helper module that Alembic refuses, and still builds the graph of the real scripts', () => {
    const source = openAlembicSource({ versionLocations: [fixtureVersions('helper-module')] });
    expect(source.problems).toEqual([{ kind: 'missing-revision-variable', revisions: [], locations: [{ file: join(fixtureVersions('helper-module'), 'helpers.py') }] }]);
    expect(source.graph.heads).toEqual(['9c1e3a5b7d42']);
    expect(source.problems.filter(isFatalSourceProblem)).toHaveLength(1);
  });

  it('reports ids reused by two version locations, and none for each alone', () => {
    const app = fixtureVersions('reused-ids-app');
    const audit = fixtureVersions('reused-ids-audit');
    expect(openAlembicSource({ versionLocations: [app] }).problems).toEqual([]);
    expect(openAlembicSource({ versionLocations: [audit] }).problems).toEqual([]);
    const both = openAlembicSource({ versionLocations: [app, audit] });
    expect(both.problems.filter((problem) => problem.kind === 'duplicate-revision')).toEqual([
      { kind: 'duplicate-revision', revisions: ['0001'], usedFile: join(audit, '0001_initial.py'), locations: [{ file: join(app, '0001_initial.py'), line: 15 }, { file: join(audit, '0001_initial.py'), line: 15 }] },
      { kind: 'duplicate-revision', revisions: ['0002'], usedFile: join(audit, '0002_second.py'), locations: [{ file: join(app, '0002_second.py'), line: 15 }, { file: join(audit, '0002_second.py'), line: 15 }] },
    ]);
  });

  it('gives each revision its script, its text and its upgrade body', () => {
    const source = openAlembicSource({ versionLocations: [fixtureVersions('linear')] });
    const script = source.scriptFor('8a4e6b2c1f03')!;
    expect(script).toMatchObject({ relativePath: '8a4e6b2c1f03_add_orders_table.py', message: 'add orders table', line: 13 });
    const body = source.upgradeBody(script)!;
    expect(script.text.slice(body.startOffset, body.endOffset)).toContain("op.create_table('orders',");
    expect(source.scriptFor('nothing')).toBeUndefined();
  });

  it('does not call a parent missing when its own script could not be read', () => {
    const directory = versionsDirectory({
      'a.py': 'revision = "a"\ndown_revision = None\n',
      'b.py': 'from elsewhere import PARENT\nrevision = "b"\ndown_revision = PARENT\n',
      'c.py': 'revision = "c"\ndown_revision = "b"\n',
    });
    const source = openAlembicSource({ versionLocations: [directory] });
    expect(source.problems.map((problem) => problem.kind)).toEqual(['unresolvable-value']);
    expect(source.problems.filter(isFatalSourceProblem)).toEqual([]);
    expect(source.unreadableScripts.map((script) => script.revision)).toEqual(['b']);
  });

  it('does call a parent missing, and several heads several, when every script could be read', () => {
    const directory = versionsDirectory({ 'a.py': 'revision = "a"\ndown_revision = None\n', 'c.py': 'revision = "c"\ndown_revision = "b"\n' });
    const source = openAlembicSource({ versionLocations: [directory] });
    expect(source.problems).toContainEqual(expect.objectContaining({ kind: 'missing-revision', missing: 'b', locations: [{ file: join(directory, 'c.py'), line: 2 }] }));
    expect(source.problems).toContainEqual(expect.objectContaining({ kind: 'multiple-heads', revisions: ['a', 'c'] }));
    expect(source.unreadableScripts).toEqual([]);
  });
});
