/** Queries of the scheduler beyond "what is due" on PostgreSQL: spreading a backlog of overdue articles. */
import { rows, run, type Db } from './db.js';

/**
 * Ids of the articles due at `now` in the order the scheduler takes them (the same filter and order as
 * listDueArticles), without a limit: after downtime this is the whole backlog.
 */
export async function listOverdueArticleIds(db: Db, now: string): Promise<number[]> {
  return (await rows<{ id: number }>(db, `SELECT id FROM articles WHERE status IN ('active', 'blocked') AND next_check <= $1
    ORDER BY next_check, id`, [now])).map((r) => r.id);
}

/** Sets the next check of many articles in one statement (atomic, like SQLite's one transaction). */
export async function rescheduleArticles(db: Db, moves: ReadonlyArray<{ id: number; nextCheck: string }>, ifDueBy: string | null = null): Promise<void> {
  if (moves.length === 0) return;
  // One row per article, the last move winning as on SQLite (UPDATE ... FROM would pick any of several).
  const last = new Map(moves.map((m) => [m.id, m.nextCheck]));
  await run(db, `UPDATE articles a SET next_check = m.next_check
    FROM unnest($1::bigint[], $2::text[]) AS m (id, next_check) WHERE a.id = m.id AND ($3::text IS NULL OR a.next_check <= $3)`,
  [[...last.keys()], [...last.values()], ifDueBy]);
}
