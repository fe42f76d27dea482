/** Consistency checks of a SQLite database: SQLite's own, then Palimpsest's invariants. */
import { stmt, type Db } from './db.js';
import { checkSearchIndexShape } from './search.js';
import { INVARIANTS } from '../invariants.js';

/**
 * Problems found, in words (empty when the database is consistent). Each check runs on its own: on a damaged file
 * a query may fail outright ("database disk image is malformed"), and that failure is reported as the check's
 * problem without hiding what the other checks found.
 */
export function checkConsistency(db: Db): string[] {
  const problems: string[] = [];
  const attempt = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  attempt('integrity', () => {
    const integrity = db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
    for (const r of integrity) if (r.integrity_check !== 'ok') problems.push(`integrity: ${r.integrity_check}`);
  });
  attempt('foreign keys', () => {
    const fk = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>;
    for (const r of fk) problems.push(`foreign key: ${r.table} row ${r.rowid} refers to a missing ${r.parent} row`);
  });
  for (const inv of INVARIANTS) {
    attempt(inv.problem, () => {
      const ids = (stmt(db, inv.sql).all() as Array<{ id: number }>).map((r) => r.id);
      if (ids.length > 0) problems.push(`${inv.problem}: article${ids.length > 1 ? 's' : ''} ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`);
    });
  }
  attempt('search index', () => checkSearchIndexShape(db));
  return problems;
}
