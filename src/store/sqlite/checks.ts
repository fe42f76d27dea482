/** Queries on the check log. */
import { stmt, type Db } from './db.js';
import type { CheckEntry, CheckOutcome } from '../types.js';
import { toCheckEntry, type CheckRecord } from '../rows.js';

/** Appends one check to the log. */
export function insertCheck(db: Db, articleId: number, checkedAt: string, outcome: CheckOutcome, httpStatus: number | null,
  error: string | null, durationMs: number | null, contentHash: string | null = null): void {
  stmt(db, 'INSERT INTO checks (article_id, checked_at, outcome, http_status, error, duration_ms, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(articleId, checkedAt, outcome, httpStatus, error, durationMs, contentHash);
}

/** The most recent checks of an article, newest first. */
export function listChecks(db: Db, articleId: number, limit: number): CheckEntry[] {
  const rows = stmt(db, `SELECT id, article_id, checked_at, outcome, http_status, error, duration_ms FROM checks
    WHERE article_id = ? ORDER BY id DESC LIMIT ?`).all(articleId, limit) as CheckRecord[];
  return rows.map(toCheckEntry);
}
