/**
 * A database that is not Palimpsest's, refused before anything is written to it: a mistyped --db must never alter
 * another application's data (SQLite: sqlite/foreign.ts; PostgreSQL: postgres/foreign.ts).
 */

/** Thrown for a database that is not a Palimpsest database; it has not been touched. */
export class ForeignDatabaseError extends Error {
  constructor(location: string, why: string) {
    super(`store: ${location} is not a Palimpsest database (${why}); check --db`);
    this.name = 'ForeignDatabaseError';
  }
}

/** "it has tables a, b, c" for a message, at most 8 names (sorted) and how many more. */
export function describeTables(tables: readonly string[]): string {
  const sorted = [...tables].sort();
  return `it has tables ${sorted.slice(0, 8).join(', ')}${sorted.length > 8 ? `, and ${sorted.length - 8} more` : ''}`;
}
