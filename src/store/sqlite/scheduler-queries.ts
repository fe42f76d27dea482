/** Queries of the scheduler beyond "what is due": spreading a backlog of overdue articles over later ticks. */
import { stmt, type Db } from './db.js';

/**
 * Ids of the articles due at `now` in the order the scheduler takes them (the same filter and order as
 * listDueArticles), without a limit: after downtime this is the whole backlog.
 */
export function listOverdueArticleIds(db: Db, now: string): number[] {
  return (stmt(db, `SELECT id FROM articles WHERE status IN ('active', 'blocked') AND next_check <= ?
    ORDER BY next_check, id`).pluck().all(now) as number[]);
}

/** Sets the next check of many articles in one transaction. */
export function rescheduleArticles(db: Db, moves: ReadonlyArray<{ id: number; nextCheck: string }>, ifDueBy: string | null = null): void {
  const update = stmt(db, 'UPDATE articles SET next_check = ? WHERE id = ? AND (? IS NULL OR next_check <= ?)');
  db.transaction(() => {
    for (const m of moves) update.run(m.nextCheck, m.id, ifDueBy, ifDueBy);
  })();
}
