/** Queries on the check log (PostgreSQL). */
import { rows, run, type Db } from './db.js';
import type { CheckEntry, CheckOutcome } from '../types.js';
import { toCheckEntry, type CheckRecord } from '../rows.js';

/** Appends one check to the log. */
export async function insertCheck(db: Db, articleId: number, checkedAt: string, outcome: CheckOutcome, httpStatus: number | null,
  error: string | null, durationMs: number | null, contentHash: string | null): Promise<void> {
  await run(db, `INSERT INTO checks (article_id, checked_at, outcome, http_status, error, duration_ms, content_hash)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`, [articleId, checkedAt, outcome, httpStatus, error, durationMs, contentHash]);
}

/** The most recent checks of an article, newest first. */
export async function listChecks(db: Db, articleId: number, limit: number): Promise<CheckEntry[]> {
  const r = await rows<CheckRecord>(db, `SELECT id, article_id, checked_at, outcome, http_status, error, duration_ms FROM checks
    WHERE article_id = $1 ORDER BY id DESC LIMIT $2`, [articleId, limit]);
  return r.map(toCheckEntry);
}
