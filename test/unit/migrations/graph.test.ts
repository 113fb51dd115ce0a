import { describe, expect, it } from '@jest/globals';
import {
  ancestorsOf,
  buildRevisionGraph,
  historyOrder,
  pendingRevisions,
  resolveRevision,
  type GraphProblem,
  type RevisionDeclaration,
} from '../../../src/migrations/graph.js';

/** A declaration as a script would make it; the file is named after the id. */
function revision(id: string, down: string | readonly string[] | null, options: { dependsOn?: readonly string[]; labels?: readonly string[] } = {}): RevisionDeclaration {
  return {
    id,
    downRevisions: down === null ? [] : typeof down === 'string' ? [down] : down,
    dependsOn: options.dependsOn ?? [],
    branchLabels: options.labels ?? [],
    file: `/versions/${id}.py`,
    line: 10,
    downRevisionLine: 11,
    dependsOnLine: 13,
    branchLabelsLine: 12,
  };
}

function kinds(problems: readonly GraphProblem[]): string[] {
  return problems.map((problem) => problem.kind);
}

/** base -> a1 -> b1, base -> a2 -> b2, merge (b1, b2), then after. */
const mergedHistory = [
  revision('base', null),
  revision('a1', 'base'),
  revision('b1', 'a1'),
  revision('a2', 'base'),
  revision('b2', 'a2'),
  revision('merge', ['b1', 'b2']),
  revision('after', 'merge'),
];

describe('heads and bases', () => {
  it('finds the one head of a linear history', () => {
    const graph = buildRevisionGraph([revision('a', null), revision('b', 'a'), revision('c', 'b')]);
    expect(graph.heads).toEqual(['c']);
    expect(graph.bases).toEqual(['a']);
    expect(graph.problems).toEqual([]);
  });

  it('reports several heads with the revision they branched from', () => {
    const graph = buildRevisionGraph([revision('a', null), revision('b', 'a'), revision('c1', 'b'), revision('c2', 'b')]);
    expect(graph.heads).toEqual(['c1', 'c2']);
    expect(graph.branchPoints).toEqual(['b']);
    expect(graph.problems).toEqual([
      { kind: 'multiple-heads', revisions: ['c1', 'c2'], forkPoints: ['b'], locations: [{ file: '/versions/c1.py', line: 10 }, { file: '/versions/c2.py', line: 10 }] },
    ]);
  });

  it('reports no heads problem once a merge joins the branches', () => {
    const graph = buildRevisionGraph(mergedHistory);
    expect(graph.heads).toEqual(['after']);
    expect(graph.merges).toEqual(['merge']);
    expect(graph.branchPoints).toEqual(['base']);
    expect(graph.problems).toEqual([]);
  });

  it('keeps a root that is only depended on as a head', () => {
    const graph = buildRevisionGraph([revision('seed', null), revision('main', null), revision('next', 'main', { dependsOn: ['seed'] })]);
    expect(graph.heads).toEqual(['seed', 'next']);
    expect(graph.resolvedHeads).toEqual(['next']);
    expect(kinds(graph.problems)).toEqual(['multiple-heads']);
    expect(graph.problems[0]).toMatchObject({ forkPoints: [] });
  });

  it('has one head when the same root is a down_revision instead', () => {
    const graph = buildRevisionGraph([revision('seed', null), revision('main', 'seed'), revision('next', 'main')]);
    expect(graph.heads).toEqual(['next']);
    expect(graph.resolvedHeads).toEqual(['next']);
  });

  it('lists independent histories as separate components', () => {
    const graph = buildRevisionGraph([revision('app1', null), revision('audit1', null), revision('app2', 'app1'), revision('audit2', 'audit1')]);
    expect(graph.components).toEqual([
      { revisions: ['app1', 'app2'], heads: ['app2'], bases: ['app1'] },
      { revisions: ['audit1', 'audit2'], heads: ['audit2'], bases: ['audit1'] },
    ]);
    expect(graph.problems[0]).toMatchObject({ kind: 'multiple-heads', forkPoints: [] });
  });

  it('names the branch labels of each head when every head has one of its own (histories kept apart on purpose)', () => {
    const labelled = buildRevisionGraph([revision('app1', null, { labels: ['app'] }), revision('audit1', null, { labels: ['audit'] }), revision('app2', 'app1'), revision('audit2', 'audit1')]);
    expect(labelled.problems[0]).toMatchObject({ kind: 'multiple-heads', headLabels: { app2: ['app'], audit2: ['audit'] } });
    // A label on the shared base names both lines: it tells them apart from nothing.
    const shared = buildRevisionGraph([revision('base', null, { labels: ['core'] }), revision('b1', 'base'), revision('b2', 'base', { labels: ['reports'] })]);
    expect(shared.problems[0]).not.toHaveProperty('headLabels');
  });

  it('keeps a root that is linked only through depends_on in a component of its own', () => {
    const graph = buildRevisionGraph([revision('seed', null), revision('a', null), revision('b', 'a', { dependsOn: ['seed'] })]);
    expect(graph.components.map((component) => component.revisions)).toEqual([['seed'], ['a', 'b']]);
  });

  it('joins the same root into one component when it is a down_revision', () => {
    const graph = buildRevisionGraph([revision('seed', null), revision('a', 'seed'), revision('b', 'a')]);
    expect(graph.components.map((component) => component.revisions)).toEqual([['seed', 'a', 'b']]);
  });
});

describe('problems of the scripts', () => {
  it('reports a down_revision that names no script, at its line', () => {
    const graph = buildRevisionGraph([revision('a', null), revision('b', 'gone')]);
    expect(graph.problems).toContainEqual({ kind: 'missing-revision', revisions: ['b'], missing: 'gone', via: 'down_revision', locations: [{ file: '/versions/b.py', line: 11 }] });
  });

  it('reports a depends_on that names no script or label', () => {
    const graph = buildRevisionGraph([revision('a', null), revision('b', 'a', { dependsOn: ['nowhere'] })]);
    expect(graph.problems).toContainEqual({ kind: 'missing-revision', revisions: ['b'], missing: 'nowhere', via: 'depends_on', locations: [{ file: '/versions/b.py', line: 13 }] });
  });

  it('resolves depends_on through a branch label', () => {
    const graph = buildRevisionGraph([revision('seed', null, { labels: ['reference'] }), revision('a', null), revision('b', 'a', { dependsOn: ['reference'] })]);
    expect(kinds(graph.problems)).not.toContain('missing-revision');
    expect(graph.revisions.get('b')!.dependsOnIds).toEqual(['seed']);
    expect(graph.revisions.get('seed')!.dependents).toEqual(['b']);
  });

  it('reports a duplicate id with both files, keeps the last, and lets the shadowed one stay a head', () => {
    const first = { ...revision('b', 'a'), file: '/versions/first.py' };
    const second = { ...revision('b', 'a'), file: '/versions/second.py' };
    const graph = buildRevisionGraph([revision('a', null), first, second, revision('c', 'b')]);
    expect(graph.problems).toContainEqual({
      kind: 'duplicate-revision',
      revisions: ['b'],
      usedFile: '/versions/second.py',
      locations: [
        { file: '/versions/first.py', line: 10 },
        { file: '/versions/second.py', line: 10 },
      ],
    });
    expect(graph.revisions.get('b')!.file).toBe('/versions/second.py');
    expect(graph.heads).toEqual(['b', 'c']);
  });

  it('reports no duplicate when the ids differ', () => {
    const graph = buildRevisionGraph([revision('a', null), revision('b', 'a'), revision('c', 'b')]);
    expect(kinds(graph.problems)).toEqual([]);
  });

  it('reports a cycle that Alembic detects', () => {
    const graph = buildRevisionGraph([revision('a', 'b'), revision('b', 'a')]);
    expect(graph.problems).toContainEqual({
      kind: 'cycle',
      revisions: ['a', 'b'],
      viaDependencies: false,
      detectedByAlembic: true,
      locations: [
        { file: '/versions/a.py', line: 11 },
        { file: '/versions/b.py', line: 11 },
      ],
    });
    expect(pendingRevisions(graph).revisions).toEqual([]);
  });

  it('reports a cycle through a merge that Alembic misses, and plans what Alembic would run', () => {
    const graph = buildRevisionGraph([revision('base', null), revision('merge', ['item', 'base']), revision('item', 'merge'), revision('lock', 'item')]);
    expect(graph.problems).toContainEqual(expect.objectContaining({ kind: 'cycle', revisions: ['merge', 'item'], detectedByAlembic: false }));
    expect(pendingRevisions(graph)).toMatchObject({ revisions: ['base', 'merge', 'item', 'lock'], problems: [] });
  });

  it('reports a self-reference through depends_on', () => {
    const graph = buildRevisionGraph([revision('a', null, { dependsOn: ['a'] })]);
    expect(graph.problems).toContainEqual(expect.objectContaining({ kind: 'cycle', revisions: ['a'], viaDependencies: true, detectedByAlembic: true }));
  });

  it('reports no cycle in a merged history', () => {
    expect(kinds(buildRevisionGraph(mergedHistory).problems)).not.toContain('cycle');
  });

  it('reports revision ids with characters Alembic refuses', () => {
    const graph = buildRevisionGraph([revision('add-users', null)]);
    expect(graph.problems).toEqual([{ kind: 'invalid-revision-id', revisions: ['add-users'], characters: ['-'], locations: [{ file: '/versions/add-users.py', line: 10 }] }]);
  });

  it('accepts ids that are not hexadecimal', () => {
    expect(buildRevisionGraph([revision('0001_add_users', null), revision('2024.06.add_orders', '0001_add_users')]).problems).toEqual([]);
  });

  it('reports a branch label used twice, and one equal to a revision id', () => {
    const twice = buildRevisionGraph([revision('a', null, { labels: ['billing'] }), revision('b', null, { labels: ['billing'] })]);
    expect(twice.problems).toContainEqual({
      kind: 'duplicate-branch-label',
      label: 'billing',
      revisions: ['a', 'b'],
      locations: [
        { file: '/versions/a.py', line: 12 },
        { file: '/versions/b.py', line: 12 },
      ],
    });
    const clash = buildRevisionGraph([revision('a', null), revision('b', 'a', { labels: ['a'] })]);
    expect(clash.problems).toContainEqual(expect.objectContaining({ kind: 'duplicate-branch-label', label: 'a', revisions: ['a', 'b'] }));
  });

  it('maps distinct branch labels to their revisions', () => {
    const graph = buildRevisionGraph([revision('a', null, { labels: ['billing'] }), revision('b', null, { labels: ['search', 'shared'] })]);
    expect(graph.problems.filter((problem) => problem.kind === 'duplicate-branch-label')).toEqual([]);
    expect([...graph.branchLabels]).toEqual([
      ['billing', 'a'],
      ['search', 'b'],
      ['shared', 'b'],
    ]);
  });
});

describe('pendingRevisions from a fresh database', () => {
  it('applies a merge parent branches in reverse order of its down_revision tuple', () => {
    expect(pendingRevisions(buildRevisionGraph(mergedHistory)).revisions).toEqual(['base', 'a2', 'b2', 'a1', 'b1', 'merge', 'after']);
  });

  it('applies the first parent branch first when the tuple is reversed', () => {
    const swapped = mergedHistory.map((declaration) => (declaration.id === 'merge' ? revision('merge', ['b2', 'b1']) : declaration));
    expect(pendingRevisions(buildRevisionGraph(swapped)).revisions).toEqual(['base', 'a1', 'b1', 'a2', 'b2', 'merge', 'after']);
  });

  it('does not depend on the order the scripts were loaded in', () => {
    const reversed = [...mergedHistory].reverse();
    expect(pendingRevisions(buildRevisionGraph(reversed)).revisions).toEqual(['base', 'a2', 'b2', 'a1', 'b1', 'merge', 'after']);
  });

  it('orders a merge of three parents', () => {
    const graph = buildRevisionGraph([
      revision('root', null),
      revision('x1', 'root'),
      revision('x2', 'x1'),
      revision('y1', 'root'),
      revision('z1', 'root'),
      revision('z2', 'z1'),
      revision('merge', ['x2', 'y1', 'z2']),
    ]);
    expect(pendingRevisions(graph).revisions).toEqual(['root', 'z1', 'z2', 'y1', 'x1', 'x2', 'merge']);
  });

  it('applies what a revision depends on, though it lies on another root', () => {
    const graph = buildRevisionGraph([
      revision('seed', null, { labels: ['reference'] }),
      revision('seed2', 'seed'),
      revision('main', null),
      revision('main2', 'main', { dependsOn: ['reference'] }),
      revision('main3', 'main2', { dependsOn: ['seed2'] }),
    ]);
    expect(graph.revisions.get('main3')!.normalizedDependsOn).toEqual(['seed2']);
    expect(pendingRevisions(graph, { target: 'heads' }).revisions).toEqual(['seed', 'seed2', 'main', 'main2', 'main3']);
    expect(pendingRevisions(graph, { target: 'main2' }).revisions).toEqual(['seed', 'main', 'main2']);
  });

  it('refuses `head` with several heads and names them', () => {
    const graph = buildRevisionGraph([revision('a', null), revision('b1', 'a'), revision('b2', 'a')]);
    const pending = pendingRevisions(graph);
    expect(pending.revisions).toEqual([]);
    expect(pending.problems).toEqual([expect.objectContaining({ kind: 'multiple-heads', revisions: ['b1', 'b2'], forkPoints: ['a'] })]);
  });

  it('applies every branch for `heads`, the first-loaded head last', () => {
    const graph = buildRevisionGraph([revision('a', null), revision('b1', 'a'), revision('b2', 'a')]);
    expect(pendingRevisions(graph, { target: 'heads' })).toMatchObject({ revisions: ['a', 'b2', 'b1'], problems: [] });
  });

  it('walks the history the way `alembic history` prints it', () => {
    const graph = buildRevisionGraph(mergedHistory);
    expect(historyOrder(graph)).toEqual([...pendingRevisions(graph, { target: 'heads' }).revisions].reverse());
  });
});

describe('pendingRevisions from a stamped database', () => {
  const graph = buildRevisionGraph(mergedHistory);

  it('applies only what a middle revision does not imply', () => {
    expect(pendingRevisions(graph, { stamped: ['a1'] })).toMatchObject({ revisions: ['a2', 'b2', 'b1', 'merge', 'after'], problems: [] });
  });

  it('applies the merge for a database stamped at both branch heads, whatever the row order', () => {
    expect(pendingRevisions(graph, { stamped: ['b1', 'b2'] }).revisions).toEqual(['merge', 'after']);
    expect(pendingRevisions(graph, { stamped: ['b2', 'b1'] }).revisions).toEqual(['merge', 'after']);
  });

  it('applies nothing at the head', () => {
    expect(pendingRevisions(graph, { stamped: ['after'] })).toMatchObject({ revisions: [], problems: [] });
  });

  it('treats everything a stamped revision depends on as applied', () => {
    const withDependency = buildRevisionGraph([revision('seed', null), revision('main', null), revision('main2', 'main', { dependsOn: ['seed'] }), revision('main3', 'main2')]);
    const pending = pendingRevisions(withDependency, { stamped: ['main2'], target: 'heads' });
    expect([...pending.applied].sort()).toEqual(['main', 'main2', 'seed']);
    expect(pending.revisions).toEqual(['main3']);
  });

  it('refuses a stamped revision that no script defines', () => {
    const pending = pendingRevisions(graph, { stamped: ['deadbeef0000'] });
    expect(pending.revisions).toEqual([]);
    expect(pending.problems).toEqual([{ kind: 'unknown-db-revision', revisions: ['deadbeef0000'], candidates: [], locations: [] }]);
  });

  it('resolves a stamped prefix the way Alembic does', () => {
    const hexGraph = buildRevisionGraph([revision('3f1c2a9b7d10', null), revision('8a4e6b2c1f03', '3f1c2a9b7d10'), revision('8a4f00000000', '8a4e6b2c1f03')]);
    expect(pendingRevisions(hexGraph, { stamped: ['3f1c'] })).toMatchObject({
      revisions: ['8a4e6b2c1f03', '8a4f00000000'],
      warnings: [{ kind: 'abbreviated-db-revision', revisions: ['3f1c', '3f1c2a9b7d10'] }],
    });
    expect(pendingRevisions(hexGraph, { stamped: ['3f1c2a9b7d10'] }).warnings).toEqual([]);
    expect(pendingRevisions(hexGraph, { stamped: ['8a4'] }).problems).toEqual([expect.objectContaining({ kind: 'unknown-db-revision', candidates: ['8a4e6b2c1f03', '8a4f00000000'] })]);
  });

  it('refuses stamped rows where one is an ancestor of another', () => {
    const pending = pendingRevisions(graph, { stamped: ['base', 'b1'] });
    expect(pending.problems).toEqual([expect.objectContaining({ kind: 'overlapping-db-revisions', revisions: ['b1', 'base'] })]);
  });

  it('accepts stamped rows on separate branches', () => {
    expect(pendingRevisions(graph, { stamped: ['a1', 'a2'] })).toMatchObject({ revisions: ['b2', 'b1', 'merge', 'after'], problems: [] });
  });

  it('accepts a database stamped at two unmerged heads for `heads`, and refuses it for `head`', () => {
    const branched = buildRevisionGraph([revision('a', null), revision('b1', 'a'), revision('b2', 'a')]);
    expect(pendingRevisions(branched, { stamped: ['b1', 'b2'], target: 'heads' })).toMatchObject({ revisions: [], problems: [] });
    expect(kinds(pendingRevisions(branched, { stamped: ['b1', 'b2'] }).problems)).toEqual(['multiple-heads']);
  });
});

describe('upgrade targets', () => {
  const graph = buildRevisionGraph([
    revision('11aa22bb33cc', null),
    revision('44dd55ee66ff', '11aa22bb33cc', { labels: ['billing'] }),
    revision('7788aa99bb00', '44dd55ee66ff'),
    revision('cc11dd22ee33', '11aa22bb33cc', { labels: ['search'] }),
    revision('ff44aa55bb66', 'cc11dd22ee33'),
  ]);

  it('follows one branch with `<label>@head`', () => {
    expect(pendingRevisions(graph, { target: 'billing@head' }).revisions).toEqual(['11aa22bb33cc', '44dd55ee66ff', '7788aa99bb00']);
    expect(pendingRevisions(graph, { target: 'search@heads' }).revisions).toEqual(['11aa22bb33cc', 'cc11dd22ee33', 'ff44aa55bb66']);
  });

  it('stops at the labelled revision for a bare label', () => {
    expect(pendingRevisions(graph, { target: 'search' }).revisions).toEqual(['11aa22bb33cc', 'cc11dd22ee33']);
  });

  it('accepts a unique prefix of four characters or more, and refuses an ambiguous one', () => {
    expect(pendingRevisions(graph, { target: '7788' }).targetRevisions).toEqual(['7788aa99bb00']);
    expect(resolveRevision(graph, 'c')).toEqual({ status: 'found', revision: 'cc11dd22ee33' });
    expect(pendingRevisions(graph, { target: 'zzzz' }).problems).toEqual([expect.objectContaining({ kind: 'unknown-target', reason: 'no-such-revision' })]);
  });

  it('refuses a revision outside the named branch', () => {
    expect(pendingRevisions(graph, { target: 'billing@ff44aa55bb66' }).problems).toEqual([expect.objectContaining({ kind: 'unknown-target', reason: 'not-in-branch' })]);
    expect(pendingRevisions(graph, { target: 'search@ff44aa55bb66' }).problems).toEqual([]);
  });

  it('does nothing for `base`, and reports relative targets as unsupported', () => {
    expect(pendingRevisions(graph, { target: 'base' })).toMatchObject({ revisions: [], problems: [] });
    expect(pendingRevisions(graph, { target: '+1' }).problems).toEqual([expect.objectContaining({ kind: 'unsupported-target' })]);
  });
});

describe('ancestorsOf', () => {
  it('follows depends_on unless asked for the versioned line only', () => {
    const graph = buildRevisionGraph([revision('seed', null), revision('a', null), revision('b', 'a', { dependsOn: ['seed'] })]);
    expect([...ancestorsOf(graph, ['b'])].sort()).toEqual(['a', 'b', 'seed']);
    expect([...ancestorsOf(graph, ['b'], { versionedOnly: true })].sort()).toEqual(['a', 'b']);
  });
});
