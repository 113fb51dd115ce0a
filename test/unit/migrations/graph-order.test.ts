import { describe, expect, it } from '@jest/globals';
import {
  ancestorsOf,
  buildRevisionGraph,
  historyOrder,
  isFatalHistoryProblem,
  pendingRevisions,
  type GraphRevision,
  type RevisionDeclaration,
  type RevisionGraph,
} from '../../../src/migrations/graph.js';

/**
 * Alembic's `_topological_sort` as Alembic writes it: one explicit ancestor set per line, recomputed
 * at every merge. The graph module answers the same questions without the sets; this is the
 * yardstick it must match on any history.
 */
function referenceWalk(graph: RevisionGraph, todo: Set<string>, targets: readonly string[]): string[] {
  const { revisions } = graph;
  const upgradeParents = (revision: GraphRevision): string[] =>
    [...new Set([...revision.downRevisions, ...revision.normalizedDependsOn])].filter((id) => revisions.has(id));
  const heads = [...new Set(targets.filter((id) => todo.has(id)))].sort((a, b) => revisions.get(a)!.loadIndex - revisions.get(b)!.loadIndex);
  const sets = heads.map((id) => ancestorsOf(graph, [id]));
  const output: string[] = [];
  let index = 0;
  let steps = 0;
  while (heads.length > 0 && steps++ < 100_000) {
    const candidate = heads[index]!;
    const elsewhere = sets.findIndex((set, other) => other !== index && set.has(candidate));
    if (elsewhere >= 0) {
      index = elsewhere;
      continue;
    }
    if (todo.delete(candidate)) output.push(candidate);
    const revision = revisions.get(candidate)!;
    const toAdd = upgradeParents(revision).filter((id) => todo.has(id) && !heads.includes(id));
    if (toAdd.length === 0) {
      heads.splice(index, 1);
      sets.splice(index, 1);
      index = Math.max(index - 1, 0);
    } else if (revision.normalizedDependsOn.length === 0 && revision.downRevisions.length === 1) {
      heads[index] = toAdd[0]!;
      sets[index]!.delete(candidate);
    } else {
      heads[index] = toAdd[0]!;
      sets[index] = ancestorsOf(graph, [toAdd[0]!]);
      for (const parent of toAdd.slice(1)) {
        heads.push(parent);
        sets.push(ancestorsOf(graph, [parent]));
      }
    }
  }
  return output;
}

/** A small deterministic generator, so that a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A history of `size` revisions in a shuffled load order: branches off recent revisions, merges of
 * two or three lines, several bases, `depends_on` on revisions or labels, and (rarely) an edge
 * pointing forward, which may close a cycle.
 */
function randomHistory(seed: number, size: number): RevisionDeclaration[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const ids = Array.from({ length: size }, (_, index) => `r${index}`);
  const declarations = ids.map((id, index): RevisionDeclaration => {
    const earlier = ids.slice(Math.max(0, index - 6), index);
    let down: string[] = [];
    if (index > 0 && next() > 0.08) {
      down = [pick(earlier)];
      const roll = next();
      if (roll < 0.25 && earlier.length > 1) down.push(pick(earlier));
      if (roll < 0.05 && earlier.length > 2) down.push(pick(earlier));
    }
    if (next() < 0.01) down.push(pick(ids));
    const dependsOn = index > 0 && next() < 0.12 ? [next() < 0.3 ? `label${Math.floor(next() * 3)}` : pick(ids.slice(0, index))] : [];
    return {
      id,
      downRevisions: [...new Set(down)],
      dependsOn,
      branchLabels: index < 3 ? [`label${index}`] : [],
      file: `/versions/${id}.py`,
      line: 1,
    };
  });
  for (let index = declarations.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [declarations[index], declarations[other]] = [declarations[other]!, declarations[index]!];
  }
  return declarations;
}

/** Dependencies a versioned ancestor already declares, by a walk from each revision (Alembic's own way). */
function referenceNormalizedDependsOn(graph: RevisionGraph, revision: GraphRevision): string[] {
  const declared = new Set<string>();
  const seen = new Set<string>();
  const todo = [...revision.downRevisions];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const ancestor = graph.revisions.get(id);
    if (!ancestor) continue;
    if (id !== revision.id) for (const dependency of ancestor.dependsOnIds) declared.add(dependency);
    todo.push(...ancestor.downRevisions);
  }
  return revision.dependsOnIds.filter((dependency) => !declared.has(dependency));
}

describe('upgrade order on random histories', () => {
  it('drops exactly the dependencies that a versioned ancestor declares', () => {
    let withDependencies = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const graph = buildRevisionGraph(randomHistory(seed, 5 + (seed % 40)));
      for (const revision of graph.revisions.values()) {
        expect({ seed, id: revision.id, normalized: revision.normalizedDependsOn }).toEqual({ seed, id: revision.id, normalized: referenceNormalizedDependsOn(graph, revision) });
        if (revision.dependsOnIds.length > 0) withDependencies++;
      }
    }
    expect(withDependencies).toBeGreaterThan(300);
  });

  it('matches the explicit-set walk for every target and stamped state', () => {
    let compared = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const graph = buildRevisionGraph(randomHistory(seed, 5 + (seed % 40)));
      if (graph.problems.some(isFatalHistoryProblem)) continue;
      const ids = [...graph.revisions.keys()];
      expect(historyOrder(graph)).toEqual(referenceWalk(graph, new Set(ids), graph.resolvedHeads));
      const next = random(seed * 7919);
      const targets = ['heads', ...graph.heads.slice(0, 3), ids[Math.floor(next() * ids.length)]!];
      const stampings = [[], [ids[Math.floor(next() * ids.length)]!]];
      for (const target of targets) {
        for (const stamped of stampings) {
          const pending = pendingRevisions(graph, { target, stamped });
          if (pending.problems.length > 0) continue;
          const todo = new Set([...ancestorsOf(graph, pending.targetRevisions)].filter((id) => !pending.applied.has(id)));
          expect({ seed, target, stamped, order: pending.revisions }).toEqual({ seed, target, stamped, order: referenceWalk(graph, todo, pending.targetRevisions).reverse() });
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('keeps Alembic order through a cycle that Alembic does not notice', () => {
    const graph = buildRevisionGraph([
      { id: 'base', downRevisions: [], dependsOn: [], branchLabels: [], file: '/v/base.py', line: 1 },
      { id: 'merge', downRevisions: ['item', 'base'], dependsOn: [], branchLabels: [], file: '/v/merge.py', line: 1 },
      { id: 'item', downRevisions: ['merge'], dependsOn: [], branchLabels: [], file: '/v/item.py', line: 1 },
      { id: 'lock', downRevisions: ['item'], dependsOn: [], branchLabels: [], file: '/v/lock.py', line: 1 },
    ]);
    const ids = [...graph.revisions.keys()];
    expect(pendingRevisions(graph).revisions).toEqual(referenceWalk(graph, new Set(ids), graph.heads).reverse());
  });
});

describe('cost on long histories', () => {
  /**
   * A main line with a two-revision side branch merged back every 50 revisions, as the benchmark
   * writes it; every 20th revision also depends on a separate reference-data root.
   */
  function longHistory(size: number): RevisionDeclaration[] {
    const declarations: RevisionDeclaration[] = [];
    const add = (id: string, down: string[], dependsOn: string[] = []): string => {
      declarations.push({ id, downRevisions: down, dependsOn, branchLabels: [], file: `/v/${id}.py`, line: 1 });
      return id;
    };
    add('seed', []);
    let head = add('r0', []);
    for (let index = 1; index < size; index++) {
      if (index % 50 === 25) {
        const main = add(`r${index}`, [head]);
        const side = add(`s${index}`, [add(`t${index}`, [head])]);
        head = add(`m${index}`, [main, side]);
      } else {
        head = add(`r${index}`, [head], index % 20 === 0 ? ['seed'] : []);
      }
    }
    return declarations;
  }

  it('grows linearly: four times the revisions take well under sixteen times as long', () => {
    // The fastest of a few rounds, so that a busy machine does not decide the ratio.
    const time = (size: number): number => {
      const declarations = longHistory(size);
      let fastest = Infinity;
      for (let round = 0; round < 3; round++) {
        const start = performance.now();
        pendingRevisions(buildRevisionGraph(declarations), { target: 'heads' });
        fastest = Math.min(fastest, performance.now() - start);
      }
      return fastest;
    };
    time(1000); // warm up
    const small = time(2500);
    const large = time(10_000);
    const pending = pendingRevisions(buildRevisionGraph(longHistory(10_000)), { target: 'heads' });
    expect(pending.revisions).toHaveLength(1 + 10_000 + 3 * 200);
    expect(large / small).toBeLessThan(10);
  });
});
