/**
 * Names of schema objects. PostgreSQL names are exact strings once parsed: `PlatformType` and
 * `platformtype` are different types. Only unquoted SQL identifiers fold to lower case, and that
 * folding belongs to the SQL parser, never to this module.
 */

/** A schema-qualified object name, exactly as stored in pg_catalog. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

export const DEFAULT_SCHEMA = 'public';

/** PostgreSQL's limit on names and enum labels, in bytes (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * Whether a name or label is longer than PostgreSQL's limit. UTF-8 takes at most 3 bytes per UTF-16
 * code unit, so short strings (nearly all) are never measured.
 */
export function exceedsIdentifierLimit(text: string): boolean {
  return text.length * 3 > MAX_IDENTIFIER_BYTES && Buffer.byteLength(text, 'utf8') > MAX_IDENTIFIER_BYTES;
}

/**
 * A name as PostgreSQL stores it: its first 63 bytes, never splitting a character, as PostgreSQL's
 * scanner truncates an identifier (for names that reach it through Python rather than SQL text).
 */
export function storedIdentifier(name: string): string {
  if (!exceedsIdentifierLimit(name)) return name;
  let bytes = 0;
  let end = 0;
  for (const character of name) {
    bytes += Buffer.byteLength(character, 'utf8');
    if (bytes > MAX_IDENTIFIER_BYTES) break;
    end += character.length;
  }
  return name.slice(0, end);
}

/**
 * Parses a manifest name: `name` (schema `public`) or `schema.name`. A part that itself contains
 * a dot or a double quote is written double-quoted, with `""` for a quote: `"my.schema".items`.
 * Returns undefined for a malformed name (empty part, unbalanced quote, more than two parts).
 */
export function parseQualifiedName(text: string): QualifiedName | undefined {
  const parts: string[] = [];
  let index = 0;
  while (index <= text.length) {
    let part = '';
    if (text[index] === '"') {
      index += 1;
      for (;;) {
        if (index >= text.length) return undefined;
        if (text[index] === '"') {
          if (text[index + 1] === '"') {
            part += '"';
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        part += text[index];
        index += 1;
      }
      if (index < text.length && text[index] !== '.') return undefined;
    } else {
      const end = text.indexOf('.', index);
      part = text.slice(index, end === -1 ? text.length : end);
      if (part.includes('"')) return undefined;
      index = end === -1 ? text.length : end;
    }
    if (part === '') return undefined;
    parts.push(part);
    if (index >= text.length) break;
    index += 1; // the dot
    if (index >= text.length) return undefined; // trailing dot
  }
  if (parts.length === 1) return { schema: DEFAULT_SCHEMA, name: parts[0]! };
  if (parts.length === 2) return { schema: parts[0]!, name: parts[1]! };
  return undefined;
}

function quotePartIfNeeded(part: string): string {
  return /[."]/.test(part) ? `"${part.replace(/"/g, '""')}"` : part;
}

/**
 * Formats a name the way the manifest writes it: unqualified in `public`, `schema.name` elsewhere.
 * `parseQualifiedName(formatQualifiedName(n))` always gives `n` back.
 */
export function formatQualifiedName(name: QualifiedName): string {
  const local = quotePartIfNeeded(name.name);
  return name.schema === DEFAULT_SCHEMA ? local : `${quotePartIfNeeded(name.schema)}.${local}`;
}

/**
 * A key that is equal exactly when two names denote the same object: opaque, never shown. The
 * schema's length leads, so that no two (schema, name) pairs share a key whatever they hold.
 */
export function nameKey(name: QualifiedName): string {
  return `${name.schema.length}:${name.schema}.${name.name}`;
}

/** Orders names by schema, then name, with `public` first. */
export function compareNames(a: QualifiedName, b: QualifiedName): number {
  if (a.schema !== b.schema) {
    if (a.schema === DEFAULT_SCHEMA) return -1;
    if (b.schema === DEFAULT_SCHEMA) return 1;
    return a.schema < b.schema ? -1 : 1;
  }
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}
