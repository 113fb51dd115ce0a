/**
 * The revision graph of a migration history, with Alembic's semantics: which revisions are heads
 * and bases, which problems make `alembic upgrade` refuse to run, and which revisions an upgrade
 * would apply, in the order Alembic applies them.
 *
 * Alembic keeps two notions apart and so do we: the *versioned* graph (`down_revision` only), which
 * decides heads, branch points and `upgrade head`; and the *full* graph (`down_revision` plus
 * `depends_on`), which decides what an upgrade must apply and in which order.
 */
import type { SourceLocation } from './source.js';

/** One revision as its script declares it; the input of the graph. */
export interface RevisionDeclaration {
  readonly id: string;
  /** The parents named by `down_revision`, in declaration order; empty for a base. */
  readonly downRevisions: readonly string[];
  /** `depends_on` as written: revision ids or branch labels. */
  readonly dependsOn: readonly string[];
  readonly branchLabels: readonly string[];
  readonly file: string;
  /** The line that declares the revision id (1-based). */
  readonly line: number;
  readonly downRevisionLine?: number;
  readonly dependsOnLine?: number;
  readonly branchLabelsLine?: number;
}

/** A revision in the graph, with the edges computed from every declaration. */
export interface GraphRevision extends RevisionDeclaration {
  /** `dependsOn` resolved to revision ids (branch labels replaced by the revision that carries them). */
  readonly dependsOnIds: readonly string[];
  /**
   * The dependencies that no versioned ancestor already declares. These, not `dependsOnIds`, shape
   * the upgrade order, as in Alembic.
   */
  readonly normalizedDependsOn: readonly string[];
  /** Revisions naming this one as `down_revision`, in load order. */
  readonly children: readonly string[];
  /** Revisions naming this one in `depends_on` (and not as `down_revision`), in load order. */
  readonly dependents: readonly string[];
  /** Position in the order the scripts were loaded; Alembic breaks ties with it. */
  readonly loadIndex: number;
}

/** One independent history: revisions joined by `down_revision` edges. */
export interface HistoryComponent {
  /** In load order. */
  readonly revisions: readonly string[];
  readonly heads: readonly string[];
  readonly bases: readonly string[];
}

/** Several versioned heads: `alembic upgrade head` refuses to run ("Multiple head revisions are present"). */
export interface MultipleHeadsProblem {
  readonly kind: 'multiple-heads';
  /** The heads, in Alembic's order. */
  readonly revisions: readonly string[];
  /**
   * Where the heads' lines parted: the nearest revisions that two of the heads share. Empty when
   * the heads belong to independent histories (or join only through `depends_on`).
   */
  readonly forkPoints: readonly string[];
  /** Set when the ambiguity is within `<branch>@head`, not the whole graph. */
  readonly branch?: string;
  readonly locations: readonly SourceLocation[];
}

/** A `down_revision` or `depends_on` naming no revision; Alembic fails on every command. */
export interface MissingRevisionProblem {
  readonly kind: 'missing-revision';
  /** The revision whose script names the missing one. */
  readonly revisions: readonly string[];
  readonly missing: string;
  readonly via: 'down_revision' | 'depends_on';
  readonly locations: readonly SourceLocation[];
}

/** Several scripts declare the same revision id; Alembic warns and keeps the one loaded last. */
export interface DuplicateRevisionProblem {
  readonly kind: 'duplicate-revision';
  readonly revisions: readonly string[];
  /** The script Alembic uses (the last one loaded). */
  readonly usedFile: string;
  /** Every script declaring the id, in load order. */
  readonly locations: readonly SourceLocation[];
}

/** Revisions that are their own ancestors. */
export interface CycleProblem {
  readonly kind: 'cycle';
  /** The revisions on the cycle, in load order. */
  readonly revisions: readonly string[];
  /** The cycle needs a `depends_on` edge; through `down_revision` alone there is none. */
  readonly viaDependencies: boolean;
  /**
   * Whether Alembic notices (and then refuses every command). It does not when every revision still
   * lies below a head and above a base, e.g. a cycle through a merge whose other parent reaches a
   * base: it then applies the revisions in an order that breaks the declared one.
   */
  readonly detectedByAlembic: boolean;
  readonly locations: readonly SourceLocation[];
}

/** A revision id with a character Alembic forbids (`@`, `-`, `+`); Alembic fails on every command. */
export interface InvalidRevisionIdProblem {
  readonly kind: 'invalid-revision-id';
  readonly revisions: readonly string[];
  readonly characters: readonly string[];
  readonly locations: readonly SourceLocation[];
}

/** A branch label used twice, or equal to a revision id; Alembic fails on every command. */
export interface DuplicateBranchLabelProblem {
  readonly kind: 'duplicate-branch-label';
  readonly label: string;
  readonly revisions: readonly string[];
  readonly locations: readonly SourceLocation[];
}

/** A row of `alembic_version` that resolves to no revision ("Can't locate revision identified by ..."). */
export interface UnknownDbRevisionProblem {
  readonly kind: 'unknown-db-revision';
  readonly revisions: readonly string[];
  /** When the row is a prefix of several ids or labels ("Multiple revisions start with ..."). */
  readonly candidates: readonly string[];
  readonly locations: readonly SourceLocation[];
}

/** Rows of `alembic_version` where one is an ancestor of another ("Requested revision ... overlaps ..."). */
export interface OverlappingDbRevisionsProblem {
  readonly kind: 'overlapping-db-revisions';
  /** The descendant first, then the stamped ancestors it overlaps with. */
  readonly revisions: readonly string[];
  readonly locations: readonly SourceLocation[];
}

/** An upgrade target that resolves to no revision, to several, or to one outside the named branch. */
export interface UnknownTargetProblem {
  readonly kind: 'unknown-target';
  readonly target: string;
  readonly reason: 'no-such-revision' | 'ambiguous-prefix' | 'not-in-branch';
  readonly revisions: readonly string[];
  readonly candidates: readonly string[];
  readonly locations: readonly SourceLocation[];
}

/** A target form this library does not evaluate (relative targets such as `+2` or `head-1`). */
export interface UnsupportedTargetProblem {
  readonly kind: 'unsupported-target';
  readonly target: string;
  readonly revisions: readonly string[];
  readonly locations: readonly SourceLocation[];
}

/** Upgrade targets where one is an ancestor of another ("Requested revision ... overlaps ..."). */
export interface OverlappingTargetsProblem {
  readonly kind: 'overlapping-targets';
  readonly target: string;
  readonly revisions: readonly string[];
  readonly locations: readonly SourceLocation[];
}

/** A problem of the scripts themselves: each makes Alembic refuse or misbehave whatever the database holds. */
export type HistoryProblem =
  | MultipleHeadsProblem
  | MissingRevisionProblem
  | DuplicateRevisionProblem
  | CycleProblem
  | InvalidRevisionIdProblem
  | DuplicateBranchLabelProblem;

/** A reason why one particular `alembic upgrade` would refuse to run. */
export type UpgradeProblem =
  | HistoryProblem
  | UnknownDbRevisionProblem
  | OverlappingDbRevisionsProblem
  | UnknownTargetProblem
  | UnsupportedTargetProblem
  | OverlappingTargetsProblem;

/** Every problem the graph layer reports. */
export type GraphProblem = UpgradeProblem;

/** The revision graph. Built once by `buildRevisionGraph`, then only read. */
export interface RevisionGraph {
  /** Each revision id once, in load order; for a duplicate id, the script Alembic uses. */
  readonly revisions: ReadonlyMap<string, GraphRevision>;
  /**
   * The versioned heads, as `alembic heads` lists them: revisions no other revision names as
   * `down_revision`. A revision that is only named in `depends_on` stays a head. Like Alembic, the
   * list repeats the id of a duplicate revision whose shadowed script would be a head.
   */
  readonly heads: readonly string[];
  /** The heads once `depends_on` counts too (`alembic heads --resolve-dependencies`; what `upgrade heads` targets). */
  readonly resolvedHeads: readonly string[];
  /** Revisions without `down_revision`, in load order. */
  readonly bases: readonly string[];
  /** Revisions with several `down_revision` parents. */
  readonly merges: readonly string[];
  /** Revisions that several revisions name as `down_revision`. */
  readonly branchPoints: readonly string[];
  /** Each declared branch label and the revision that declares it. */
  readonly branchLabels: ReadonlyMap<string, string>;
  /** Independent histories sharing the directory (joined by `down_revision`; `depends_on` does not join). */
  readonly components: readonly HistoryComponent[];
  /** Problems of the scripts, whatever the database holds. */
  readonly problems: readonly HistoryProblem[];
}

/** Characters Alembic refuses in a revision id. */
const ILLEGAL_REVISION_CHARACTERS = ['@', '-', '+'] as const;

/** Whether a history problem makes every Alembic command fail, so that no upgrade can run. */
export function isFatalHistoryProblem(problem: HistoryProblem): boolean {
  switch (problem.kind) {
    case 'missing-revision':
    case 'invalid-revision-id':
    case 'duplicate-branch-label':
      return true;
    case 'cycle':
      return problem.detectedByAlembic;
    case 'multiple-heads':
    case 'duplicate-revision':
      // Only `upgrade head` refuses several heads; a duplicate id is a warning (it may add a head).
      return false;
  }
}

function locationOf(declaration: RevisionDeclaration, line: number | undefined = declaration.line): SourceLocation {
  return { file: declaration.file, line };
}

/** Removes repeated entries, keeping the first of each. */
function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

interface MutableRevision {
  declaration: RevisionDeclaration;
  dependsOnIds: string[];
  normalizedDependsOn: string[];
  children: string[];
  dependents: string[];
  loadIndex: number;
}

/**
 * Builds the graph of a history from its declarations, given in the order the scripts are loaded
 * (that order decides which of two scripts with one id wins, and the order of heads). Collects
 * every problem instead of failing on the first.
 */
export function buildRevisionGraph(declarations: readonly RevisionDeclaration[]): RevisionGraph {
  const problems: HistoryProblem[] = [];

  // Alembic checks each id while loading its script, before any graph exists.
  for (const declaration of declarations) {
    const illegal = ILLEGAL_REVISION_CHARACTERS.filter((character) => declaration.id.includes(character));
    if (illegal.length > 0) {
      problems.push({ kind: 'invalid-revision-id', revisions: [declaration.id], characters: illegal, locations: [locationOf(declaration)] });
    }
  }

  // The last script of an id wins, but keeps the position of the first one in the load order.
  const byId = new Map<string, MutableRevision>();
  const scriptsById = new Map<string, RevisionDeclaration[]>();
  declarations.forEach((declaration, index) => {
    const existing = byId.get(declaration.id);
    const entry: MutableRevision = {
      declaration,
      dependsOnIds: [],
      normalizedDependsOn: [],
      children: [],
      dependents: [],
      loadIndex: existing?.loadIndex ?? index,
    };
    byId.set(declaration.id, entry);
    scriptsById.set(declaration.id, [...(scriptsById.get(declaration.id) ?? []), declaration]);
  });
  for (const [id, scripts] of scriptsById) {
    if (scripts.length > 1) {
      problems.push({
        kind: 'duplicate-revision',
        revisions: [id],
        usedFile: scripts[scripts.length - 1]!.file,
        locations: scripts.map((script) => locationOf(script)),
      });
    }
  }

  const branchLabels = collectBranchLabels(declarations, byId, problems);

  // depends_on may name a revision id or a branch label; resolution is by exact name only.
  for (const entry of byId.values()) {
    const { declaration } = entry;
    for (const dependency of declaration.dependsOn) {
      const resolved = byId.has(dependency) ? dependency : branchLabels.get(dependency);
      if (resolved === undefined) {
        problems.push({
          kind: 'missing-revision',
          revisions: [declaration.id],
          missing: dependency,
          via: 'depends_on',
          locations: [locationOf(declaration, declaration.dependsOnLine)],
        });
      } else {
        entry.dependsOnIds.push(resolved);
      }
    }
    entry.dependsOnIds = unique(entry.dependsOnIds);
  }

  const versionedParents = new Set<string>();
  const allParents = new Set<string>();
  for (const entry of byId.values()) {
    const { declaration } = entry;
    for (const parent of unique(declaration.downRevisions)) {
      const parentEntry = byId.get(parent);
      if (!parentEntry) {
        problems.push({
          kind: 'missing-revision',
          revisions: [declaration.id],
          missing: parent,
          via: 'down_revision',
          locations: [locationOf(declaration, declaration.downRevisionLine)],
        });
        continue;
      }
      parentEntry.children.push(declaration.id);
      versionedParents.add(parent);
      allParents.add(parent);
    }
    for (const dependency of entry.dependsOnIds) {
      if (declaration.downRevisions.includes(dependency)) continue;
      byId.get(dependency)!.dependents.push(declaration.id);
      allParents.add(dependency);
    }
  }
  // Children were pushed in map order, which is load order already.

  normalizeDependencies(byId);

  const revisions = new Map<string, GraphRevision>(
    [...byId.entries()].map(([id, entry]) => [
      id,
      Object.freeze({
        ...entry.declaration,
        dependsOnIds: Object.freeze(entry.dependsOnIds),
        normalizedDependsOn: Object.freeze(entry.normalizedDependsOn),
        children: Object.freeze(entry.children),
        dependents: Object.freeze(entry.dependents),
        loadIndex: entry.loadIndex,
      }),
    ]),
  );

  // A shadowed duplicate never loses its head status in Alembic: edges always reach the winner.
  const shadowed = (declaration: RevisionDeclaration): boolean => byId.get(declaration.id)!.declaration !== declaration;
  const heads = declarations.filter((d) => shadowed(d) || !versionedParents.has(d.id)).map((d) => d.id);
  const resolvedHeads = declarations.filter((d) => shadowed(d) || !allParents.has(d.id)).map((d) => d.id);
  const winners = [...revisions.values()];
  const bases = winners.filter((revision) => revision.downRevisions.length === 0).map((revision) => revision.id);

  problems.push(...findCycles(revisions, heads, resolvedHeads, bases));

  if (heads.length > 1) {
    problems.push({
      kind: 'multiple-heads',
      revisions: heads,
      forkPoints: forkPoints(revisions, heads),
      locations: unique(heads).map((head) => locationOf(revisions.get(head)!)),
    });
  }

  return Object.freeze({
    revisions,
    heads: Object.freeze(heads),
    resolvedHeads: Object.freeze(resolvedHeads),
    bases: Object.freeze(bases),
    merges: Object.freeze(winners.filter((revision) => revision.downRevisions.length > 1).map((revision) => revision.id)),
    branchPoints: Object.freeze(winners.filter((revision) => revision.children.length > 1).map((revision) => revision.id)),
    branchLabels,
    components: Object.freeze(findComponents(revisions)),
    problems: Object.freeze(problems),
  });
}

/**
 * Maps each branch label to its revision. Alembic refuses a label that is already a key of its
 * revision map: a revision id, or a label declared before (even by the same script).
 */
function collectBranchLabels(declarations: readonly RevisionDeclaration[], byId: ReadonlyMap<string, MutableRevision>, problems: HistoryProblem[]): ReadonlyMap<string, string> {
  const labels = new Map<string, string>();
  const declaredBy = new Map<string, RevisionDeclaration[]>();
  for (const declaration of declarations) {
    for (const label of declaration.branchLabels) {
      declaredBy.set(label, [...(declaredBy.get(label) ?? []), declaration]);
      if (!labels.has(label)) labels.set(label, declaration.id);
    }
  }
  for (const [label, owners] of declaredBy) {
    const clashingRevision = byId.get(label);
    if (owners.length > 1 || clashingRevision) {
      const involved = clashingRevision ? [clashingRevision.declaration, ...owners] : owners;
      problems.push({
        kind: 'duplicate-branch-label',
        label,
        revisions: unique(involved.map((declaration) => declaration.id)),
        locations: involved.map((declaration) => locationOf(declaration, declaration === clashingRevision?.declaration ? declaration.line : declaration.branchLabelsLine)),
      });
    }
  }
  for (const label of labels.keys()) {
    if (byId.has(label)) labels.delete(label);
  }
  return labels;
}

/**
 * Drops the dependencies that a versioned ancestor already declares. Alembic keeps the result in a
 * set, so with two or more remaining dependencies its order varies between runs; we keep the
 * declared order.
 */
function normalizeDependencies(byId: ReadonlyMap<string, MutableRevision>): void {
  for (const entry of byId.values()) {
    if (entry.dependsOnIds.length === 0) continue;
    const declaredByAncestors = new Set<string>();
    for (const ancestor of walk([entry.declaration.id], (id) => byId.get(id)?.declaration.downRevisions ?? [])) {
      if (ancestor === entry.declaration.id) continue;
      for (const dependency of byId.get(ancestor)?.dependsOnIds ?? []) declaredByAncestors.add(dependency);
    }
    entry.normalizedDependsOn = entry.dependsOnIds.filter((dependency) => !declaredByAncestors.has(dependency));
  }
}

/** Every id reachable from `starts` through `next`, starts included; ids `next` cannot expand are still yielded. */
function walk(starts: Iterable<string>, next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...starts];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const following of next(id)) if (!seen.has(following)) todo.push(following);
  }
  return seen;
}

/** The parents that shape upgrades: `down_revision` then the normalized dependencies, without repeats. */
function upgradeParents(revision: GraphRevision): string[] {
  return unique([...revision.downRevisions, ...revision.normalizedDependsOn]);
}

function existingOnly(revisions: ReadonlyMap<string, GraphRevision>, ids: readonly string[]): string[] {
  return ids.filter((id) => revisions.has(id));
}

/** Parent lists of each revision that exist in its graph, computed once: ancestor walks are the hot path. */
const parentCache = new WeakMap<GraphRevision, { readonly versioned: readonly string[]; readonly upgrade: readonly string[] }>();

function parentsIn(revisions: ReadonlyMap<string, GraphRevision>, revision: GraphRevision): { readonly versioned: readonly string[]; readonly upgrade: readonly string[] } {
  let parents = parentCache.get(revision);
  if (!parents) {
    parents = { versioned: existingOnly(revisions, revision.downRevisions), upgrade: existingOnly(revisions, upgradeParents(revision)) };
    parentCache.set(revision, parents);
  }
  return parents;
}

/**
 * The revisions an upgrade to `ids` needs: the ids and all their ancestors through `down_revision`
 * and `depends_on`. With `versionedOnly`, through `down_revision` alone.
 */
export function ancestorsOf(graph: Pick<RevisionGraph, 'revisions'>, ids: Iterable<string>, options: { versionedOnly?: boolean } = {}): Set<string> {
  const { revisions } = graph;
  return walk(ids, (id) => {
    const revision = revisions.get(id);
    if (!revision) return [];
    const parents = parentsIn(revisions, revision);
    return options.versionedOnly ? parents.versioned : parents.upgrade;
  });
}

/** The ids and every revision built on them, through `down_revision` (and `depends_on` unless `versionedOnly`). */
export function descendantsOf(graph: Pick<RevisionGraph, 'revisions'>, ids: Iterable<string>, options: { versionedOnly?: boolean } = {}): Set<string> {
  const { revisions } = graph;
  return walk(ids, (id) => {
    const revision = revisions.get(id);
    if (!revision) return [];
    return options.versionedOnly ? revision.children : [...revision.children, ...revision.dependents];
  });
}

/**
 * For each pair of heads, the nearest revisions both descend from (through `down_revision`):
 * the branch points that a merge would join.
 */
function forkPoints(revisions: ReadonlyMap<string, GraphRevision>, heads: readonly string[]): string[] {
  const distinctHeads = unique(heads);
  const ancestorSets = distinctHeads.map((head) => ancestorsOf({ revisions }, [head], { versionedOnly: true }));
  const points = new Set<string>();
  for (let i = 0; i < distinctHeads.length; i++) {
    for (let j = i + 1; j < distinctHeads.length; j++) {
      const common = new Set([...ancestorSets[i]!].filter((id) => ancestorSets[j]!.has(id)));
      for (const id of common) {
        if (!revisions.get(id)!.children.some((child) => common.has(child))) points.add(id);
      }
    }
  }
  return [...points].sort((a, b) => revisions.get(a)!.loadIndex - revisions.get(b)!.loadIndex);
}

/** Independent histories: connected through `down_revision` edges, each listed in load order. */
function findComponents(revisions: ReadonlyMap<string, GraphRevision>): HistoryComponent[] {
  const componentOf = new Map<string, number>();
  const components: string[][] = [];
  for (const id of revisions.keys()) {
    if (componentOf.has(id)) continue;
    const members = walk([id], (member) => {
      const revision = revisions.get(member)!;
      return existingOnly(revisions, [...revision.downRevisions, ...revision.children]);
    });
    const index = components.length;
    for (const member of members) componentOf.set(member, index);
    components.push([...members].sort((a, b) => revisions.get(a)!.loadIndex - revisions.get(b)!.loadIndex));
  }
  return components.map((members) => ({
    revisions: members,
    heads: members.filter((id) => revisions.get(id)!.children.length === 0),
    bases: members.filter((id) => revisions.get(id)!.downRevisions.length === 0),
  }));
}

/** Strongly connected components with a cycle (size above one, or a self edge), by Tarjan's algorithm. */
function cyclicComponents(ids: readonly string[], next: (id: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  let counter = 0;

  // Iterative, so that a long linear history cannot overflow the call stack.
  for (const root of ids) {
    if (index.has(root)) continue;
    const frames: { id: string; edges: readonly string[]; position: number }[] = [];
    const open = (id: string): void => {
      index.set(id, counter);
      lowLink.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      frames.push({ id, edges: next(id), position: 0 });
    };
    open(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.position < frame.edges.length) {
        const target = frame.edges[frame.position++]!;
        if (!index.has(target)) open(target);
        else if (onStack.has(target)) lowLink.set(frame.id, Math.min(lowLink.get(frame.id)!, index.get(target)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) lowLink.set(parent.id, Math.min(lowLink.get(parent.id)!, lowLink.get(frame.id)!));
      if (lowLink.get(frame.id) === index.get(frame.id)) {
        const members: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          members.push(member);
        } while (member !== frame.id);
        if (members.length > 1 || next(frame.id).includes(frame.id)) result.push(members);
      }
    }
  }
  return result;
}

/**
 * Cycles through `down_revision`, then those that need `depends_on` as well, and whether Alembic
 * would notice each. Alembic's check keeps only revisions that lie both below a head and above a
 * base; a cycle hanging off a merge whose other parent reaches a base passes that check.
 */
function findCycles(revisions: ReadonlyMap<string, GraphRevision>, heads: readonly string[], resolvedHeads: readonly string[], bases: readonly string[]): CycleProblem[] {
  const ids = [...revisions.keys()];
  const byLoadOrder = (members: string[]): string[] => members.sort((a, b) => revisions.get(a)!.loadIndex - revisions.get(b)!.loadIndex);
  const versionedParents = (id: string): string[] => existingOnly(revisions, revisions.get(id)!.downRevisions);
  const allParents = (id: string): string[] => existingOnly(revisions, unique([...revisions.get(id)!.downRevisions, ...revisions.get(id)!.dependsOnIds]));

  const versionedCycles = cyclicComponents(ids, versionedParents).map(byLoadOrder);
  const inVersionedCycle = new Set(versionedCycles.flat());
  const dependencyCycles = cyclicComponents(ids, allParents)
    .map(byLoadOrder)
    .filter((members) => !members.every((member) => inVersionedCycle.has(member)));
  if (versionedCycles.length === 0 && dependencyCycles.length === 0) return [];

  const versionedChildren = (id: string): readonly string[] => revisions.get(id)!.children;
  const allChildren = (id: string): readonly string[] => [...revisions.get(id)!.children, ...revisions.get(id)!.dependents];
  const realBases = bases.filter((id) => revisions.get(id)!.dependsOn.length === 0);
  const unseenByAlembic = (topIds: readonly string[], bottomIds: readonly string[], down: (id: string) => readonly string[], up: (id: string) => readonly string[]): Set<string> => {
    if (topIds.length === 0 || bottomIds.length === 0) return new Set(ids);
    const belowHeads = walk(topIds.filter((id) => revisions.has(id)), down);
    const aboveBases = walk(bottomIds, up);
    return new Set(ids.filter((id) => !(belowHeads.has(id) && aboveBases.has(id))));
  };
  // Alembic raises on the first check that leaves revisions out, naming those, not the cycle.
  const detectedByAlembic =
    unseenByAlembic(heads, bases, versionedParents, versionedChildren).size > 0 || unseenByAlembic(resolvedHeads, realBases, allParents, allChildren).size > 0;
  const locations = (members: readonly string[]): SourceLocation[] => members.map((id) => locationOf(revisions.get(id)!, revisions.get(id)!.downRevisionLine));

  return [
    ...versionedCycles.map((members): CycleProblem => ({
      kind: 'cycle',
      revisions: members,
      viaDependencies: false,
      detectedByAlembic,
      locations: locations(members),
    })),
    ...dependencyCycles.map((members): CycleProblem => ({
      kind: 'cycle',
      revisions: members,
      viaDependencies: true,
      detectedByAlembic,
      locations: locations(members),
    })),
  ];
}

/** What an upgrade starts from and aims at. */
export interface UpgradeRequest {
  /** The rows of `alembic_version`: empty for a fresh database; several when several heads are applied. */
  readonly stamped?: readonly string[];
  /**
   * As given to `alembic upgrade`: `head` (the default), `heads`, a revision id or a unique prefix
   * of one, a branch label, `<branch>@head`, `<branch>@heads` or `<branch>@<revision>`.
   */
  readonly target?: string;
}

/**
 * A version-table row that names its revision by a prefix or a branch label. Alembic resolves it
 * and upgrades, but then inserts the new head beside the row instead of replacing it, so the
 * table ends with overlapping rows and the next upgrade refuses to run.
 */
export interface AbbreviatedDbRevisionWarning {
  readonly kind: 'abbreviated-db-revision';
  /** The row as stamped, then the revision it resolves to. */
  readonly revisions: readonly [string, string];
  readonly locations: readonly SourceLocation[];
}

/** Something that lets the upgrade run but leaves a problem behind. */
export type UpgradeWarning = AbbreviatedDbRevisionWarning;

/** The revisions an upgrade would apply, or why Alembic would refuse it. */
export interface PendingRevisions {
  readonly target: string;
  /** The revisions the target resolved to. */
  readonly targetRevisions: readonly string[];
  /** What the stamped rows imply is applied: the rows and all their ancestors. */
  readonly applied: ReadonlySet<string>;
  /** In the order Alembic runs them; empty when a problem makes it refuse. */
  readonly revisions: readonly string[];
  /** Why Alembic would refuse this upgrade; empty when it would run. */
  readonly problems: readonly UpgradeProblem[];
  /** What the upgrade would leave wrong although it runs; empty when it refuses. */
  readonly warnings: readonly UpgradeWarning[];
}

/** How an identifier resolves: to one revision, to none, or ambiguously. */
export type Resolution =
  | { readonly status: 'found'; readonly revision: string }
  | { readonly status: 'missing' }
  | { readonly status: 'ambiguous'; readonly candidates: readonly string[] };

/**
 * Resolves a revision id or branch label as Alembic does: an exact id or label first, else a
 * unique prefix of one. Alembic only considers ids and labels longer than three characters as
 * prefix candidates, but accepts a prefix of any length.
 */
export function resolveRevision(graph: RevisionGraph, identifier: string): Resolution {
  if (graph.revisions.has(identifier)) return { status: 'found', revision: identifier };
  const labelled = graph.branchLabels.get(identifier);
  if (labelled !== undefined) return { status: 'found', revision: labelled };
  const candidates = [...graph.revisions.keys(), ...graph.branchLabels.keys()].filter((key) => key.length > 3 && key.startsWith(identifier));
  if (candidates.length === 0 || identifier === '') return { status: 'missing' };
  if (candidates.length > 1) return { status: 'ambiguous', candidates };
  const only = candidates[0]!;
  return { status: 'found', revision: graph.branchLabels.get(only) ?? only };
}

/** Whether `revision` is on the same line as `other`: one descends from the other through `down_revision`. */
function sharesLineage(graph: RevisionGraph, revision: string, other: string): boolean {
  return descendantsOf(graph, [revision], { versionedOnly: true }).has(other) || ancestorsOf(graph, [revision], { versionedOnly: true }).has(other);
}

/** Relative targets (`+2`, `head-1`, `branch@abc+1`) have this shape in Alembic's grammar. */
const RELATIVE_TARGET = /^(?:(.+?)@)?(\w+)?([+-]\d+)/;

function locationsOf(graph: RevisionGraph, ids: readonly string[]): SourceLocation[] {
  return unique(ids)
    .map((id) => graph.revisions.get(id))
    .filter((revision): revision is GraphRevision => revision !== undefined)
    .map((revision) => locationOf(revision));
}

/** Resolves an upgrade target to revisions, or to the problem Alembic would report. */
function resolveTarget(graph: RevisionGraph, target: string): { revisions: string[]; problems: UpgradeProblem[] } {
  if (RELATIVE_TARGET.test(target)) return { revisions: [], problems: [{ kind: 'unsupported-target', target, revisions: [], locations: [] }] };
  const at = target.indexOf('@');
  const branch = at >= 0 ? target.slice(0, at) : undefined;
  const symbol = at >= 0 ? target.slice(at + 1) : target;

  const unknown = (reason: UnknownTargetProblem['reason'], candidates: readonly string[] = []): { revisions: string[]; problems: UpgradeProblem[] } => ({
    revisions: [],
    problems: [{ kind: 'unknown-target', target, reason, revisions: [], candidates, locations: [] }],
  });

  // The branch part may be a label or any revision identifier; the head lists are filtered to its lineage.
  let branchRevision: string | undefined;
  if (branch) {
    const resolved = resolveRevision(graph, branch);
    if (resolved.status === 'missing') return unknown('no-such-revision');
    if (resolved.status === 'ambiguous') return unknown('ambiguous-prefix', resolved.candidates);
    branchRevision = resolved.revision;
  }
  const inBranch = (ids: readonly string[]): string[] => (branchRevision === undefined ? [...ids] : ids.filter((id) => sharesLineage(graph, id, branchRevision!)));

  if (symbol === 'heads') return { revisions: branch ? inBranch(graph.heads) : [...graph.resolvedHeads], problems: [] };
  if (symbol === 'head') {
    const heads = inBranch(graph.heads);
    if (heads.length > 1) {
      const problem: MultipleHeadsProblem = {
        kind: 'multiple-heads',
        revisions: heads,
        forkPoints: forkPoints(graph.revisions, heads),
        ...(branch ? { branch } : {}),
        locations: locationsOf(graph, heads),
      };
      return { revisions: [], problems: [problem] };
    }
    return { revisions: heads, problems: [] };
  }
  if (symbol === 'base' || symbol === '') return { revisions: [], problems: [] };

  const resolved = resolveRevision(graph, symbol);
  if (resolved.status === 'missing') return unknown('no-such-revision');
  if (resolved.status === 'ambiguous') {
    const inLineage = branchRevision === undefined ? resolved.candidates : resolved.candidates.filter((candidate) => sharesLineage(graph, graph.branchLabels.get(candidate) ?? candidate, branchRevision!));
    if (inLineage.length !== 1) return unknown(inLineage.length === 0 ? 'no-such-revision' : 'ambiguous-prefix', inLineage);
    return { revisions: [graph.branchLabels.get(inLineage[0]!) ?? inLineage[0]!], problems: [] };
  }
  if (branchRevision !== undefined && !sharesLineage(graph, resolved.revision, branchRevision)) return unknown('not-in-branch');
  return { revisions: [resolved.revision], problems: [] };
}

/**
 * Ids of the list that are strict ancestors of others: for each newest such descendant, the
 * descendant followed by the listed ids it already implies.
 */
function overlaps(graph: RevisionGraph, ids: readonly string[]): string[][] {
  const distinct = unique(ids);
  const covers = new Map(
    distinct.map((id) => {
      const ancestors = ancestorsOf(graph, [id]);
      return [id, distinct.filter((other) => other !== id && ancestors.has(other))];
    }),
  );
  const coveredByAnother = new Set([...covers.values()].flat());
  return distinct.filter((id) => covers.get(id)!.length > 0 && !coveredByAnother.has(id)).map((id) => [id, ...covers.get(id)!]);
}

/**
 * Alembic's upgrade order. It walks down from the targets, finishing one line before the next and
 * moving to another line whenever the current revision is still needed by it, then reverses the
 * walk. So each branch is applied back to its branch point before the next starts, and a merge's
 * parents are applied in reverse order of its `down_revision` tuple. Returns the walk itself
 * (newest first); callers reverse it.
 */
function walkDownOrder(graph: RevisionGraph, todo: Set<string>, targets: readonly string[]): string[] {
  const { revisions } = graph;
  const ancestors = (id: string): Set<string> => ancestorsOf(graph, [id]);
  const currentHeads = unique(targets.filter((id) => todo.has(id))).sort((a, b) => revisions.get(a)!.loadIndex - revisions.get(b)!.loadIndex);
  const ancestorsByHead = currentHeads.map(ancestors);
  const output: string[] = [];
  let candidateIndex = 0;

  // Each step either emits a revision or moves to another line; the bound only guards against a
  // graph that lost its acyclicity, which callers exclude first.
  let steps = 0;
  const maxSteps = 4 * (revisions.size + 1) * (revisions.size + 1);
  while (currentHeads.length > 0 && steps++ < maxSteps) {
    const candidate = currentHeads[candidateIndex]!;
    const neededElsewhere = ancestorsByHead.findIndex((set, index) => index !== candidateIndex && set.has(candidate));
    if (neededElsewhere >= 0) {
      // Another line still needs this revision: walk that line down first.
      candidateIndex = neededElsewhere;
      continue;
    }
    if (todo.delete(candidate)) output.push(candidate);

    const revision = revisions.get(candidate)!;
    const parentsToVisit = parentsIn(revisions, revision).upgrade.filter((id) => todo.has(id) && !currentHeads.includes(id));
    if (parentsToVisit.length === 0) {
      currentHeads.splice(candidateIndex, 1);
      ancestorsByHead.splice(candidateIndex, 1);
      candidateIndex = Math.max(candidateIndex - 1, 0);
    } else if (revision.normalizedDependsOn.length === 0 && revision.downRevisions.length === 1) {
      // A plain step down one line: the line's ancestor set only loses the revision just emitted.
      currentHeads[candidateIndex] = parentsToVisit[0]!;
      ancestorsByHead[candidateIndex]!.delete(candidate);
    } else {
      currentHeads[candidateIndex] = parentsToVisit[0]!;
      ancestorsByHead[candidateIndex] = ancestors(parentsToVisit[0]!);
      for (const parent of parentsToVisit.slice(1)) {
        currentHeads.push(parent);
        ancestorsByHead.push(ancestors(parent));
      }
    }
  }
  return output;
}

/**
 * The revisions `alembic upgrade <target>` would apply to a database stamped with `stamped`, in
 * Alembic's order, or the problems that make it refuse. A stamped revision implies all of its
 * ancestors (through `down_revision` and `depends_on`); the order of the rows does not matter.
 */
export function pendingRevisions(graph: RevisionGraph, request: UpgradeRequest = {}): PendingRevisions {
  const target = request.target ?? 'head';
  const stamped = request.stamped ?? [];
  const problems: UpgradeProblem[] = graph.problems.filter(isFatalHistoryProblem);
  const refuse = (targetRevisions: readonly string[] = [], applied: ReadonlySet<string> = new Set()): PendingRevisions =>
    Object.freeze({ target, targetRevisions, applied, revisions: [], problems: Object.freeze([...problems]), warnings: [] });
  if (problems.length > 0) return refuse();

  const resolvedTarget = resolveTarget(graph, target);
  problems.push(...resolvedTarget.problems);
  for (const [descendant, ...ancestors] of overlaps(graph, resolvedTarget.revisions)) {
    problems.push({ kind: 'overlapping-targets', target, revisions: [descendant!, ...ancestors], locations: locationsOf(graph, [descendant!, ...ancestors]) });
  }

  const current: string[] = [];
  const abbreviated: AbbreviatedDbRevisionWarning[] = [];
  for (const row of stamped) {
    const resolved = resolveRevision(graph, row);
    if (resolved.status === 'found') {
      current.push(resolved.revision);
      if (resolved.revision !== row) abbreviated.push({ kind: 'abbreviated-db-revision', revisions: [row, resolved.revision], locations: locationsOf(graph, [resolved.revision]) });
    } else {
      problems.push({ kind: 'unknown-db-revision', revisions: [row], candidates: resolved.status === 'ambiguous' ? resolved.candidates : [], locations: [] });
    }
  }
  for (const [descendant, ...ancestors] of overlaps(graph, current)) {
    problems.push({ kind: 'overlapping-db-revisions', revisions: [descendant!, ...ancestors], locations: locationsOf(graph, [descendant!, ...ancestors]) });
  }

  const applied = ancestorsOf(graph, current);
  if (problems.length > 0) return refuse(resolvedTarget.revisions, applied);

  const needed = ancestorsOf(graph, resolvedTarget.revisions);
  const todo = new Set([...needed].filter((id) => !applied.has(id)));
  const order = walkDownOrder(graph, todo, resolvedTarget.revisions).reverse();
  // An abbreviated row only does harm once a step runs: it is never rewritten.
  const warnings = order.length > 0 ? abbreviated : [];
  return Object.freeze({ target, targetRevisions: resolvedTarget.revisions, applied, revisions: order, problems: [], warnings });
}

/**
 * Every revision in the order `alembic history` prints them (newest first): the walk Alembic
 * reverses to upgrade a fresh database to `heads`.
 */
export function historyOrder(graph: RevisionGraph): string[] {
  if (graph.problems.some(isFatalHistoryProblem)) return [];
  return walkDownOrder(graph, new Set(graph.revisions.keys()), graph.resolvedHeads);
}
