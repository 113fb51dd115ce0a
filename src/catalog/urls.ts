/**
 * A database URL in the `postgresql://` spelling SQLAlchemy 1.4 and later accept (they refuse
 * `postgres://`), for the DATABASE_URL of a command the gate runs. Kept apart from the connection
 * code so that the CLI can use it without loading the PostgreSQL client.
 */
export function sqlalchemyUrl(url: string): string {
  return url.replace(/^postgres:\/\//i, 'postgresql://');
}
