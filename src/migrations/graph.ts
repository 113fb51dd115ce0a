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
  /**
   * The branch labels that name each head's line alone (`<label>@head` reaches that head and no
   * other), by head; present when every head has one: the histories are kept apart on purpose.
   */
  readonly headLabels?: Readonly<Record<string, readonly string[]>>;
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

/** The branch labels on each head's line and on no other head's; undefined unless every head has one. */
function labelsOfEachHead(revisions: ReadonlyMap<string, GraphRevision>, heads: readonly string[]): Record<string, string[]> | undefined {
  const lines = heads.map((head) => ancestorsOf({ revisions }, [head], { versionedOnly: true }));
  const labelsOf = (line: Set<string>): Set<string> => new Set([...line].flatMap((id) => revisions.get(id)?.branchLabels ?? []));
  const labels = lines.map(labelsOf);
  const result: Record<string, string[]> = {};
  for (const [index, head] of heads.entries()) {
    const own = [...labels[index]!].filter((label) => labels.every((other, otherIndex) => otherIndex === index || !other.has(label)));
    if (own.length === 0) return undefined;
    result[head] = own.sort();
  }
  return result;
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
    const headLabels = labelsOfEachHead(revisions, unique(heads));
    problems.push({
      kind: 'multiple-heads',
      revisions: heads,
      forkPoints: forkPoints(revisions, heads),
      ...(headLabels ? { headLabels } : {}),
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
  const dependents = [...byId.values()].filter((entry) => entry.dependsOnIds.length > 0);
  if (dependents.length === 0) return;
  const declaredAbove = dependenciesDeclaredAbove(byId);
  for (const entry of dependents) {
    let declaredByAncestors = declaredAbove?.get(entry.declaration.id);
    if (!declaredByAncestors) {
      // A cycle through down_revision: walk from the revision itself, which the walk may meet again.
      const walked = new Set<string>();
      for (const ancestor of walk([entry.declaration.id], (id) => byId.get(id)?.declaration.downRevisions ?? [])) {
        if (ancestor === entry.declaration.id) continue;
        for (const dependency of byId.get(ancestor)?.dependsOnIds ?? []) walked.add(dependency);
      }
      declaredByAncestors = walked;
    }
    entry.normalizedDependsOn = entry.dependsOnIds.filter((dependency) => !declaredByAncestors.has(dependency));
  }
}

const NO_DEPENDENCIES: ReadonlySet<string> = new Set();

/**
 * For each revision, the dependencies its versioned ancestors declare, computed parents first so
 * that a revision reuses its parent's set unless the parent declares some or it is a merge: about
 * linear, where a walk per revision with `depends_on` is not. Undefined when `down_revision`
 * edges form a cycle (there is no parents-first order).
 */
function dependenciesDeclaredAbove(byId: ReadonlyMap<string, MutableRevision>): Map<string, ReadonlySet<string>> | undefined {
  const parentsOf = new Map<string, string[]>();
  const childrenOf = new Map<string, string[]>();
  for (const [id, entry] of byId) {
    const parents = unique(entry.declaration.downRevisions).filter((parent) => byId.has(parent));
    parentsOf.set(id, parents);
    for (const parent of parents) {
      const siblings = childrenOf.get(parent);
      if (siblings) siblings.push(id);
      else childrenOf.set(parent, [id]);
    }
  }
  const unordered = new Map([...parentsOf].map(([id, parents]) => [id, parents.length]));
  const ready = [...byId.keys()].filter((id) => unordered.get(id) === 0);
  const declaredAbove = new Map<string, ReadonlySet<string>>();
  while (ready.length > 0) {
    const id = ready.pop()!;
    const parents = parentsOf.get(id)!;
    const only = parents.length === 1 ? parents[0]! : undefined;
    if (parents.length === 0) {
      declaredAbove.set(id, NO_DEPENDENCIES);
    } else if (only !== undefined && byId.get(only)!.dependsOnIds.length === 0) {
      declaredAbove.set(id, declaredAbove.get(only)!);
    } else {
      const declared = new Set<string>();
      for (const parent of parents) {
        for (const dependency of declaredAbove.get(parent)!) declared.add(dependency);
        for (const dependency of byId.get(parent)!.dependsOnIds) declared.add(dependency);
      }
      declaredAbove.set(id, declared);
    }
    for (const child of childrenOf.get(id) ?? []) {
      const left = unordered.get(child)! - 1;
      unordered.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return declaredAbove.size === byId.size ? declaredAbove : undefined;
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

/** A graph's revisions by position (load order), with their parent lists as positions. */
interface IndexedGraph {
  readonly ids: readonly string[];
  readonly position: ReadonlyMap<string, number>;
  readonly upgradeParents: readonly (readonly number[])[];
  readonly versionedParents: readonly (readonly number[])[];
}

const indexedGraphs = new WeakMap<ReadonlyMap<string, GraphRevision>, IndexedGraph>();

/** Built once per graph: ancestor walks over positions avoid hashing ids at every step. */
function indexedGraph(revisions: ReadonlyMap<string, GraphRevision>): IndexedGraph {
  let indexed = indexedGraphs.get(revisions);
  if (!indexed) {
    const ids = [...revisions.keys()];
    const position = new Map<string, number>();
    ids.forEach((id, index) => position.set(id, index));
    const upgradeParents: number[][] = [];
    const versionedParents: number[][] = [];
    for (const revision of revisions.values()) {
      const parents = parentsIn(revisions, revision);
      upgradeParents.push(parents.upgrade.map((id) => position.get(id)!));
      versionedParents.push(parents.versioned.map((id) => position.get(id)!));
    }
    indexed = { ids, position, upgradeParents, versionedParents };
    indexedGraphs.set(revisions, indexed);
  }
  return indexed;
}

/**
 * The revisions an upgrade to `ids` needs: the ids and all their ancestors through `down_revision`
 * and `depends_on`. With `versionedOnly`, through `down_revision` alone. Ids not in the graph are
 * kept as given.
 */
export function ancestorsOf(graph: Pick<RevisionGraph, 'revisions'>, ids: Iterable<string>, options: { versionedOnly?: boolean } = {}): Set<string> {
  const { ids: names, position, upgradeParents, versionedParents } = indexedGraph(graph.revisions);
  const parents = options.versionedOnly ? versionedParents : upgradeParents;
  // The same depth-first order as `walk`, over positions; -1 stands for an id outside the graph.
  const seen = new Set<string>();
  const visited = new Uint8Array(names.length);
  const todo: number[] = [];
  const outside: string[] = [];
  for (const id of ids) {
    const index = position.get(id);
    if (index === undefined) {
      todo.push(-1 - outside.length);
      outside.push(id);
    } else {
      todo.push(index);
    }
  }
  while (todo.length > 0) {
    const index = todo.pop()!;
    if (index < 0) {
      seen.add(outside[-1 - index]!);
      continue;
    }
    if (visited[index]) continue;
    visited[index] = 1;
    seen.add(names[index]!);
    for (const parent of parents[index]!) if (!visited[parent]) todo.push(parent);
  }
  return seen;
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
  let count = 0;
  for (const id of revisions.keys()) {
    if (componentOf.has(id)) continue;
    const component = count++;
    componentOf.set(id, component);
    const todo = [id];
    while (todo.length > 0) {
      const revision = revisions.get(todo.pop()!)!;
      for (const neighbour of revision.downRevisions) {
        if (revisions.has(neighbour) && !componentOf.has(neighbour)) {
          componentOf.set(neighbour, component);
          todo.push(neighbour);
        }
      }
      for (const neighbour of revision.children) {
        if (!componentOf.has(neighbour)) {
          componentOf.set(neighbour, component);
          todo.push(neighbour);
        }
      }
    }
  }
  // The map is in load order, so each component's members come out in load order too.
  const components = Array.from({ length: count }, (): { revisions: string[]; heads: string[]; bases: string[] } => ({ revisions: [], heads: [], bases: [] }));
  for (const revision of revisions.values()) {
    const component = components[componentOf.get(revision.id)!]!;
    component.revisions.push(revision.id);
    if (revision.children.length === 0) component.heads.push(revision.id);
    if (revision.downRevisions.length === 0) component.bases.push(revision.id);
  }
  return components;
}

/**
 * Whether no revision is its own ancestor through `down_revision` and `depends_on`: Kahn's
 * algorithm over the edges the graph already lists from parent to child (`children` and
 * `dependents`), linear in their number. Without a cycle there, there is none through
 * `down_revision` alone either.
 */
function hasNoCycle(revisions: ReadonlyMap<string, GraphRevision>): boolean {
  const position = new Map<string, number>();
  for (const id of revisions.keys()) position.set(id, position.size);
  const unorderedParents = new Int32Array(position.size);
  for (const revision of revisions.values()) {
    for (const child of [...revision.children, ...revision.dependents]) {
      const index = position.get(child)!;
      unorderedParents[index] = unorderedParents[index]! + 1;
    }
  }
  const ready: GraphRevision[] = [];
  for (const revision of revisions.values()) if (unorderedParents[position.get(revision.id)!] === 0) ready.push(revision);
  let ordered = 0;
  while (ready.length > 0) {
    const revision = ready.pop()!;
    ordered++;
    for (const next of [revision.children, revision.dependents]) {
      for (const child of next) {
        const index = position.get(child)!;
        unorderedParents[index] = unorderedParents[index]! - 1;
        if (unorderedParents[index] === 0) ready.push(revisions.get(child)!);
      }
    }
  }
  return ordered === position.size;
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
  if (hasNoCycle(revisions)) return [];
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
      const headLabels = labelsOfEachHead(graph.revisions, unique(heads));
      const problem: MultipleHeadsProblem = {
        kind: 'multiple-heads',
        revisions: heads,
        forkPoints: forkPoints(graph.revisions, heads),
        ...(branch ? { branch } : {}),
        ...(headLabels ? { headLabels } : {}),
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
  if (distinct.length < 2) return [];
  const covers = new Map(
    distinct.map((id) => {
      const ancestors = ancestorsOf(graph, [id]);
      return [id, distinct.filter((other) => other !== id && ancestors.has(other))];
    }),
  );
  const coveredByAnother = new Set([...covers.values()].flat());
  return distinct.filter((id) => covers.get(id)!.length > 0 && !coveredByAnother.has(id)).map((id) => [id, ...covers.get(id)!]);
}

/** The set of revisions a line of the walk still needs: the line's head and its ancestors. */
interface LineAncestry {
  has(id: string): boolean;
  /** The ancestry of the head's only parent, after a plain step down the line (may reuse this one). */
  stepDown(head: string, parent: string): LineAncestry;
}

/** Ancestries as explicit sets, exactly as Alembic keeps them; used when the graph has a cycle. */
class ExplicitAncestry implements LineAncestry {
  private readonly members: Set<string>;

  constructor(graph: RevisionGraph, head: string) {
    this.members = ancestorsOf(graph, [head]);
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  stepDown(head: string): LineAncestry {
    this.members.delete(head);
    return this;
  }
}

/**
 * The upgrade graph with integer positions and a level per revision, every revision standing
 * above all of its upgrade parents; undefined when the graph has a cycle (levels then do not exist).
 */
interface LeveledGraph {
  readonly position: ReadonlyMap<string, number>;
  readonly parents: readonly (readonly number[])[];
  readonly level: Int32Array;
}

const leveledGraphs = new WeakMap<ReadonlyMap<string, GraphRevision>, LeveledGraph | null>();

function leveledGraph(revisions: ReadonlyMap<string, GraphRevision>): LeveledGraph | undefined {
  const cached = leveledGraphs.get(revisions);
  if (cached !== undefined) return cached ?? undefined;
  const { position, upgradeParents: parents } = indexedGraph(revisions);
  const children: number[][] = parents.map(() => []);
  const unorderedParents = new Int32Array(parents.length);
  parents.forEach((own, index) => {
    unorderedParents[index] = own.length;
    for (const parent of own) children[parent]!.push(index);
  });
  // Kahn's algorithm: a revision gets its level once all of its parents have theirs.
  const level = new Int32Array(parents.length);
  const ready: number[] = [];
  unorderedParents.forEach((count, index) => {
    if (count === 0) ready.push(index);
  });
  let leveled = 0;
  while (ready.length > 0) {
    const index = ready.pop()!;
    leveled++;
    for (const child of children[index]!) {
      if (level[child]! <= level[index]!) level[child] = level[index]! + 1;
      unorderedParents[child] = unorderedParents[child]! - 1;
      if (unorderedParents[child] === 0) ready.push(child);
    }
  }
  const result = leveled === parents.length ? { position, parents, level } : undefined;
  leveledGraphs.set(revisions, result ?? null);
  return result;
}

/**
 * The same sets as ExplicitAncestry, explored only as far down as the questions asked of them: to
 * know whether x is an ancestor of the head, only revisions above x's level need expanding. The
 * walk asks about revisions near the lines it is on, so each line is explored about once, instead
 * of once per merge as explicit sets are.
 */
class LazyAncestry implements LineAncestry {
  private readonly discovered = new Set<number>();
  private readonly expanded = new Set<number>();
  /** Discovered revisions not expanded yet: a binary heap, highest level first. */
  private readonly frontier: number[] = [];

  constructor(
    private readonly graph: LeveledGraph,
    head: number,
  ) {
    this.discover(head);
  }

  has(id: string): boolean {
    const target = this.graph.position.get(id);
    if (target === undefined) return false;
    if (this.discovered.has(target)) return true;
    const { level, parents } = this.graph;
    const floor = level[target]!;
    // A path from the head down to the target only passes through revisions above its level.
    while (this.frontier.length > 0 && level[this.frontier[0]!]! > floor) {
      const next = this.popHighest();
      this.expanded.add(next);
      for (const parent of parents[next]!) if (!this.discovered.has(parent)) this.discover(parent);
    }
    return this.discovered.has(target);
  }

  stepDown(head: string, parent: string): LineAncestry {
    const headPosition = this.graph.position.get(head)!;
    // The head's only parent was discovered when the head was expanded; everything else
    // discovered lies below that parent, so only the head leaves the set.
    if (!this.expanded.has(headPosition)) return new LazyAncestry(this.graph, this.graph.position.get(parent)!);
    this.discovered.delete(headPosition);
    this.expanded.delete(headPosition);
    return this;
  }

  private discover(position: number): void {
    this.discovered.add(position);
    const { level } = this.graph;
    const heap = this.frontier;
    let index = heap.length;
    heap.push(position);
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      if (level[heap[parentIndex]!]! >= level[position]!) break;
      heap[index] = heap[parentIndex]!;
      index = parentIndex;
    }
    heap[index] = position;
  }

  private popHighest(): number {
    const { level } = this.graph;
    const heap = this.frontier;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const higher = right < heap.length && level[heap[right]!]! > level[heap[left]!]! ? right : left;
        if (level[heap[higher]!]! <= level[last]!) break;
        heap[index] = heap[higher]!;
        index = higher;
      }
      heap[index] = last;
    }
    return top;
  }
}

/**
 * Alembic's upgrade order. It walks down from the targets, finishing one line before the next and
 * moving to another line whenever the current revision is still needed by it, then reverses the
 * walk. So each branch is applied back to its branch point before the next starts, and a merge's
 * parents are applied in reverse order of its `down_revision` tuple. Returns the walk itself
 * (newest first); callers reverse it.
 *
 * Alembic recomputes a line's whole ancestor set at every merge, which makes long histories with
 * many merges quadratic; the sets here are explored lazily (when the graph has no cycle) and
 * answer the same questions.
 */
function walkDownOrder(graph: RevisionGraph, todo: Set<string>, targets: readonly string[]): string[] {
  const { revisions } = graph;
  const leveled = leveledGraph(revisions);
  const ancestors = (id: string): LineAncestry => (leveled ? new LazyAncestry(leveled, leveled.position.get(id)!) : new ExplicitAncestry(graph, id));
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
      ancestorsByHead[candidateIndex] = ancestorsByHead[candidateIndex]!.stepDown(candidate, parentsToVisit[0]!);
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
