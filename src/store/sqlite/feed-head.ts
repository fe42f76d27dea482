/** The newest entry of a site-wide or source feed, read at the cost of a few index steps whatever the archive's size. */
import { stmt, type Db } from './db.js';
import type { FeedHead, FeedHeadQuery } from '../types.js';

/** The filters of one feed head statement, from fixed fragments (no user text). */
function where(q: FeedHeadQuery): string {
  const w: string[] = [];
  if (q.sourceId !== undefined) w.push('a.source_id = @sourceId');
  // The unary + keeps (article_id, number) from being chosen: the order's index is the one to walk.
  if (q.changesOnly) w.push('+v.number > 1');
  if (!q.includeMinor) w.push(`v.change_kind <> 'minor'`);
  return w.length > 0 ? `WHERE ${w.join(' AND ')}` : '';
}

/**
 * The newest matching version by id and the newest capture time: each statement walks an index backwards (the
 * rowid, versions_captured) and stops at the first matching row, where max()/count() over a filter read them all.
 * CROSS JOIN keeps versions the outer loop, as in listChanges.
 */
export function getFeedHead(db: Db, q: FeedHeadQuery): FeedHead {
  const params: Record<string, unknown> = {};
  if (q.sourceId !== undefined) params.sourceId = q.sourceId;
  const from = `FROM versions v ${q.sourceId !== undefined ? 'CROSS JOIN articles a ON a.id = v.article_id' : ''} ${where(q)}`;
  const byId = stmt(db, `SELECT v.id ${from} ORDER BY v.id DESC LIMIT 1`).get(params) as { id: number } | undefined;
  const byTime = stmt(db, `SELECT v.captured_at ${from} ORDER BY v.captured_at DESC LIMIT 1`).get(params) as { captured_at: string } | undefined;
  return { maxVersionId: byId?.id ?? null, newestCapturedAt: byTime?.captured_at ?? null };
}
