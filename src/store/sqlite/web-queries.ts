/** Small read-only queries used by the web layer (health check, feed validators). */
import { stmt, type Db } from './db.js';
import type { FeedState, RecentArticle } from '../types.js';
import { toRecentArticle, type RecentArticleRecord } from '../rows.js';

/** Runs a trivial query; throws if the database does not answer. Returns the number of articles. */
export function pingDb(db: Db): { articles: number } {
  const r = stmt(db, 'SELECT count(*) AS n FROM articles').get() as { n: number };
  return { articles: r.n };
}


/**
 * The feed validators' inputs for one article (`articleId` set), one source's articles (`sourceId` set) or for all
 * articles, counting every version or only changes (versions after the first).
 */
export function getFeedState(db: Db, q: { articleId?: number; sourceId?: number; changesOnly: boolean; includeMinor?: boolean }): FeedState {
  const r = stmt(db, `SELECT max(id) AS max_id, count(*) AS n, max(captured_at) AS newest FROM versions
    WHERE (@articleId IS NULL OR article_id = @articleId) AND (@changesOnly = 0 OR number > 1)
      AND (@sourceId IS NULL OR article_id IN (SELECT id FROM articles WHERE source_id = @sourceId))
      AND (@includeMinor = 1 OR change_kind <> 'minor')`).get({
    articleId: q.articleId ?? null,
    sourceId: q.sourceId ?? null,
    changesOnly: q.changesOnly ? 1 : 0,
    includeMinor: q.includeMinor ? 1 : 0,
  }) as { max_id: number | null; n: number; newest: string | null };
  return { maxVersionId: r.max_id, count: r.n, newestCapturedAt: r.newest };
}


/** Tracked articles, most recently changed (or, if never captured, added) first. */
export function listRecentArticles(db: Db, limit: number): RecentArticle[] {
  const rows = stmt(db, `SELECT id, url, title, status, version_count, first_seen, last_changed FROM articles
    ORDER BY coalesce(last_changed, first_seen) DESC, id DESC LIMIT ?`).all(limit) as RecentArticleRecord[];
  return rows.map(toRecentArticle);
}
