/**
 * Writing names and values into SQL text, for hints and generated DDL. PostgreSQL folds unquoted
 * identifiers to lower case, so a name is quoted exactly when folding would change it.
 */

/** A string as an SQL literal (standard_conforming_strings is on, so backslashes are plain characters). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Quotes a name for SQL the way SQLAlchemy does: only where folding would change it. */
export function sqlName(name: { schema: string; name: string }): string {
  const quote = (identifier: string): string => (/^[a-z_][a-z0-9_$]*$/.test(identifier) ? identifier : `"${identifier.replace(/"/g, '""')}"`);
  return name.schema === 'public' ? quote(name.name) : `${quote(name.schema)}.${quote(name.name)}`;
}
