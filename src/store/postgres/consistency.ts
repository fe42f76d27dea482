/**
 * Consistency checks of a PostgreSQL database: Palimpsest's invariants (the same SQL as SQLite's) and the search
 * index. PostgreSQL enforces foreign keys itself and has no integrity_check pragma (amcheck is an optional extension).
 */
import { rows, type Db } from './db.js';
import { checkSearchIndexShape } from './search.js';
import { INVARIANTS } from '../invariants.js';

/** Problems found, in words (empty when the database is consistent). A check that fails outright is a problem too. */
export async function checkConsistency(db: Db): Promise<string[]> {
  const problems: string[] = [];
  for (const inv of INVARIANTS) {
    try {
      const ids = (await rows<{ id: number }>(db, inv.sql)).map((r) => r.id);
      if (ids.length > 0) problems.push(`${inv.problem}: article${ids.length > 1 ? 's' : ''} ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`);
    } catch (err) {
      problems.push(`${inv.problem}: ${(err as Error).message}`);
    }
  }
  try {
    await checkSearchIndexShape(db);
  } catch (err) {
    problems.push(`search index: ${(err as Error).message}`);
  }
  return problems;
}
