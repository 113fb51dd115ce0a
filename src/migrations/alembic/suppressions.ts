/**
 * Reads `# schema-gate: ignore …` directives from a revision script. Only real comments count — the
 * Python parser tells a comment from a string that merely contains the marker — and only files that
 * contain the marker at all are looked at, so that histories without directives pay one substring
 * search per file. A caller that already holds the file's syntax tree passes it, so that no file is
 * parsed twice.
 */
import { parser } from '@lezer/python';
import type { SuppressionComment } from '../source.js';

type Tree = ReturnType<typeof parser.parse>;

/** What a directive comment starts with (after `#` and spaces). */
export const SUPPRESSION_MARKER = 'schema-gate:';

/** Whether a file may hold directives; cheap enough to run on every file. */
export function mayHoldSuppressions(text: string): boolean {
  return text.includes(SUPPRESSION_MARKER);
}

/** Counts lines forward through increasing offsets, so that reading several directives stays linear. */
function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let position = 0;
  return (offset) => {
    for (let newline = text.indexOf('\n', position); newline >= 0 && newline < offset; newline = text.indexOf('\n', position)) {
      line++;
      position = newline + 1;
    }
    return line;
  };
}

/** The directive of one comment's text (after the marker), in the file's terms. */
function parseDirective(body: string): Pick<SuppressionComment, 'scope' | 'rules' | 'reason' | 'malformed'> {
  const separator = body.indexOf('--');
  const head = (separator < 0 ? body : body.slice(0, separator)).trim();
  const reason = separator < 0 ? undefined : body.slice(separator + 2).trim();
  const withReason = reason ? { reason } : {};
  const verb = /^\S+/.exec(head)?.[0] ?? '';
  if (verb !== 'ignore' && verb !== 'ignore-file') {
    return { scope: 'line', rules: [], ...withReason, malformed: verb ? `"${verb}" is not a directive (use "ignore" or "ignore-file")` : 'no directive after "schema-gate:" (use "ignore" or "ignore-file")' };
  }
  const rules = head
    .slice(verb.length)
    .split(/[\s,]+/)
    .filter((id) => id.length > 0);
  const scope = verb === 'ignore' ? 'line' : 'file';
  if (rules.length === 0) return { scope, rules, ...withReason, malformed: `"${verb}" names no rule id (rules are named one by one, comma-separated)` };
  return { scope, rules, ...withReason };
}

/**
 * The directives in a script's comments, in file order. A comment is a directive when its text,
 * after `#` and spaces, starts with `schema-gate:`.
 */
export function readSuppressionComments(text: string, file: string, tree?: Tree): SuppressionComment[] {
  if (!mayHoldSuppressions(text)) return [];
  const syntaxTree = tree ?? parser.parse(text);
  const lineAt = lineCounter(text);
  const directives: SuppressionComment[] = [];
  let lastComment = -1;
  for (let index = text.indexOf(SUPPRESSION_MARKER); index >= 0; index = text.indexOf(SUPPRESSION_MARKER, index + SUPPRESSION_MARKER.length)) {
    const node = syntaxTree.resolveInner(index, 1);
    if (node.name !== 'Comment' || node.from === lastComment) continue;
    lastComment = node.from;
    const comment = text.slice(node.from, node.to);
    const start = comment.slice(1).trimStart();
    if (!start.startsWith(SUPPRESSION_MARKER)) continue;
    const line = lineAt(node.from);
    const lineStart = text.lastIndexOf('\n', node.from - 1) + 1;
    const followsCode = text.slice(lineStart, node.from).trim().length > 0;
    directives.push({ file, line, coveredLine: followsCode ? line : line + 1, ...parseDirective(start.slice(SUPPRESSION_MARKER.length)) });
  }
  return directives;
}
