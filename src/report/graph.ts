import type { RevisionGraph } from '../migrations/graph.js';

/** What to mark on a drawn graph besides its shape. */
export interface GraphMarks {
  /** The database's stamped revisions. */
  readonly current: readonly string[];
  /** The revisions the upgrade would apply. */
  readonly pending: readonly string[];
}

function shortLabel(graph: RevisionGraph, id: string, marks: GraphMarks): string[] {
  const revision = graph.revisions.get(id)!;
  const parts = [id];
  if (revision.branchLabels.length > 0) parts.push(`[${revision.branchLabels.join(', ')}]`);
  if (graph.heads.includes(id)) parts.push('head');
  if (revision.downRevisions.length > 1) parts.push('merge');
  if (marks.current.includes(id)) parts.push('current');
  if (marks.pending.includes(id)) parts.push('pending');
  return parts;
}

/** Mermaid `flowchart` of the graph: parent --> child, depends_on dotted. */
export function formatMermaid(graph: RevisionGraph, marks: GraphMarks): string {
  const node = (id: string): string => `r_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines = ['flowchart BT'];
  for (const id of graph.revisions.keys()) {
    const label = shortLabel(graph, id, marks).join(' · ').replace(/"/g, "'");
    lines.push(`  ${node(id)}["${label}"]`);
  }
  for (const [id, revision] of graph.revisions) {
    for (const parent of revision.downRevisions) if (graph.revisions.has(parent)) lines.push(`  ${node(parent)} --> ${node(id)}`);
    for (const dependency of revision.dependsOnIds) if (graph.revisions.has(dependency)) lines.push(`  ${node(dependency)} -.->|depends_on| ${node(id)}`);
  }
  const classes: [string, readonly string[], string][] = [
    ['current', marks.current, 'stroke:#2563eb,stroke-width:3px'],
    ['pending', marks.pending, 'fill:#fef3c7'],
    ['head', graph.heads, 'font-weight:bold'],
  ];
  for (const [name, ids, style] of classes) {
    const present = ids.filter((id) => graph.revisions.has(id));
    if (present.length === 0) continue;
    lines.push(`  classDef ${name} ${style}`);
    lines.push(`  class ${present.map(node).join(',')} ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Graphviz DOT of the graph: parent -> child, depends_on dashed. */
export function formatDot(graph: RevisionGraph, marks: GraphMarks): string {
  const quote = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph alembic {', '  rankdir=BT;', '  node [shape=box, fontname="monospace"];'];
  for (const id of graph.revisions.keys()) {
    const attributes = [`label=${quote(shortLabel(graph, id, marks).join('\n'))}`];
    if (marks.pending.includes(id)) attributes.push('style=filled', 'fillcolor="#fef3c7"');
    if (marks.current.includes(id)) attributes.push('penwidth=3', 'color="#2563eb"');
    if (graph.heads.includes(id)) attributes.push('peripheries=2');
    lines.push(`  ${quote(id)} [${attributes.join(', ')}];`);
  }
  for (const [id, revision] of graph.revisions) {
    for (const parent of revision.downRevisions) if (graph.revisions.has(parent)) lines.push(`  ${quote(parent)} -> ${quote(id)};`);
    for (const dependency of revision.dependsOnIds) if (graph.revisions.has(dependency)) lines.push(`  ${quote(dependency)} -> ${quote(id)} [style=dashed, label="depends_on"];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
