/** Small read-only queries used by the web layer (health check, feed validators). */
import { stmt, type Db } from './db.js';
import type { FeedState, RecentArticle } from '../types.js';
import { toRecentArticle, type RecentArticleRecord } from '../rows.js';
import { PING_READS } from '../ping-reads.js';

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


/** The filters of a feed's validators (see getFeedState). */
export interface FeedStateQuery { articleId?: number; sourceId?: number; changesOnly: boolean; includeMinor?: boolean }

/**
 * The statement of getFeedState for this combination of filters, from fixed fragments (no user text in it): each
 * shape is its own prepared statement whose plan can use an index (versions_article_id for one article, articles_source
 * for one source), where one statement of `(@p IS NULL OR ...)` tests would scan every version for each of them. A
 * source joins its articles (not `IN (subquery)`) so that their versions are read through versions_article_id; the
 * unary + keeps SQLite from preferring (article_id, number), whose range probes cost more than reading the few rows.
 */
export function feedStateSql(q: FeedStateQuery): string {
  const where: string[] = [];
  if (q.articleId !== undefined) where.push('v.article_id = @articleId');
  if (q.sourceId !== undefined) where.push('a.source_id = @sourceId');
  if (q.changesOnly) where.push('+v.number > 1');
  if (!q.includeMinor) where.push(`v.change_kind <> 'minor'`);
  return `SELECT max(v.id) AS max_id, count(*) AS n, max(v.captured_at) AS newest FROM versions v
    ${q.sourceId !== undefined ? 'JOIN articles a ON a.id = v.article_id' : ''}
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
}

/**
 * The feed validators' inputs for one article (`articleId` set), one source's articles (`sourceId` set) or for all
 * articles, counting every version or only changes (versions after the first).
 */
export function getFeedState(db: Db, q: FeedStateQuery): FeedState {
  const params: Record<string, unknown> = {};
  if (q.articleId !== undefined) params.articleId = q.articleId;
  if (q.sourceId !== undefined) params.sourceId = q.sourceId;
  const r = stmt(db, feedStateSql(q)).get(params) as { max_id: number | null; n: number; newest: string | null };
  return { maxVersionId: r.max_id, count: r.n, newestCapturedAt: r.newest };
}

/**
 * The statement of listRecentArticles. Its ORDER BY is the expression of the index articles_recent (migration 0007),
 * written the same way so that SQLite reads the index backwards instead of sorting every article.
 */
export const RECENT_ARTICLES_SQL = `SELECT id, url, title, status, version_count, first_seen, last_changed FROM articles
    ORDER BY coalesce(last_changed, first_seen) DESC, id DESC LIMIT ?`;

/** Tracked articles, most recently changed (or, if never captured, added) first. */
export function listRecentArticles(db: Db, limit: number): RecentArticle[] {
  const rows = stmt(db, RECENT_ARTICLES_SQL).all(limit) as RecentArticleRecord[];
  return rows.map(toRecentArticle);
}

/**
 * The write stamp (Store.getWriteStamp): the rows this connection changed since it opened (total_changes, every
 * write of this process, the scheduler's included) and the data_version pragma, which moves when another
 * connection commits (a CLI command or a second process on the same file). Both only grow.
 */
export function getWriteStamp(db: Db): string {
  const r = stmt(db, 'SELECT total_changes() AS t, (SELECT data_version FROM pragma_data_version) AS v').get() as { t: number; v: number };
  return `${r.v}.${r.t}`;
}
