/** The newest entry of a site-wide or source feed, read at the cost of a few index steps whatever the archive's size. */
import { row, type Db } from './db.js';
import type { FeedHead, FeedHeadQuery } from '../types.js';

/**
 * The newest matching version by id and the newest capture time: each statement walks an index backwards (the
 * primary key, versions_captured) and stops at the first matching row, where max()/count() over a filter read them all.
 */
export async function getFeedHead(db: Db, q: FeedHeadQuery): Promise<FeedHead> {
  const params: unknown[] = [];
  const w: string[] = [];
  if (q.sourceId !== undefined) w.push(`a.source_id = $${params.push(q.sourceId)}`);
  if (q.changesOnly) w.push('v.number > 1');
  if (!q.includeMinor) w.push(`v.change_kind <> 'minor'`);
  const from = `FROM versions v ${q.sourceId !== undefined ? 'JOIN articles a ON a.id = v.article_id' : ''}
    ${w.length > 0 ? `WHERE ${w.join(' AND ')}` : ''}`;
  const byId = await row<{ id: string | number }>(db, `SELECT v.id ${from} ORDER BY v.id DESC LIMIT 1`, params);
  const byTime = await row<{ captured_at: string }>(db, `SELECT v.captured_at ${from} ORDER BY v.captured_at DESC LIMIT 1`, params);
  return { maxVersionId: byId ? Number(byId.id) : null, newestCapturedAt: byTime?.captured_at ?? null };
}
