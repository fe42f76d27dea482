/** Small read-only queries used by the web layer (health check, feed validators). */
import { stmt, type Db } from './db.js';
import type { FeedState, RecentArticle } from '../types.js';
import { toRecentArticle, type RecentArticleRecord } from '../rows.js';

/**
 * Counts the articles and reads the newest rows of the tables the pages read, as they read them (text included);
 * throws if the database does not answer or those rows cannot be read. The count alone would not do: SQLite
 * answers count(*) from the smallest index, so it succeeds over a damaged table whose pages answer 500.
 */
export function pingDb(db: Db): { articles: number } {
  const r = stmt(db, 'SELECT count(*) AS n FROM articles').get() as { n: number };
  for (const sql of PING_READS) stmt(db, sql).all();
  return { articles: r.n };
}

/** The reads of pingDb: a few of the newest rows of each table a page shows, every column the pages use. */
const PING_READS = [
  `SELECT id, url, source_id, title, status, first_seen, last_checked, last_changed, next_check, version_count, last_error
    FROM articles ORDER BY id DESC LIMIT 20`,
  `SELECT v.id, v.article_id, v.number, v.title, v.byline, v.captured_at, length(v.text) AS text_length, v.stats, v.metadata,
      v.change_kind, a.url FROM versions v JOIN articles a ON a.id = v.article_id ORDER BY v.id DESC LIMIT 20`,
  'SELECT id, article_id, checked_at, outcome, http_status, error FROM checks ORDER BY id DESC LIMIT 20',
  'SELECT id, slug, name, kind, config, last_polled, last_error FROM sources ORDER BY id DESC LIMIT 20',
];


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
