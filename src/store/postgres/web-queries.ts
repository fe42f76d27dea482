/** Small read-only queries used by the web layer (health check, feed validators, home page), on PostgreSQL. */
import { row, rows, type Db } from './db.js';
import type { FeedState, RecentArticle } from '../types.js';
import { toRecentArticle, type RecentArticleRecord } from '../rows.js';
import { PING_READS } from '../ping-reads.js';

/**
 * Counts the articles and reads the newest rows of the tables the pages read, as they read them (text included);
 * throws if the database does not answer or those rows cannot be read (a count may be answered from an index alone).
 */
export async function pingDb(db: Db): Promise<{ articles: number }> {
  const n = (await row<{ n: number }>(db, 'SELECT count(*)::int AS n FROM articles'))?.n ?? 0;
  for (const sql of PING_READS) await rows(db, sql);
  return { articles: n };
}

/**
 * The statement of getFeedState for this combination of filters and its parameters, from fixed fragments (no
 * `$n IS NULL OR ...` tests), so that each shape's plan can use an index (versions_article_id for one article).
 */
export function feedStateQuery(q: { articleId?: number; sourceId?: number; changesOnly: boolean; includeMinor?: boolean }): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  if (q.articleId !== undefined) where.push(`v.article_id = $${params.push(q.articleId)}`);
  if (q.sourceId !== undefined) where.push(`a.source_id = $${params.push(q.sourceId)}`);
  if (q.changesOnly) where.push('v.number > 1');
  if (!q.includeMinor) where.push(`v.change_kind <> 'minor'`);
  const sql = `SELECT max(v.id) AS max_id, count(*)::int AS n, max(v.captured_at) AS newest
    FROM versions v ${q.sourceId !== undefined ? 'JOIN articles a ON a.id = v.article_id' : ''}
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
  return { sql, params };
}

/**
 * The feed validators' inputs for one article (`articleId` set), one source's articles (`sourceId` set) or for all
 * articles, counting every version or only changes (versions after the first).
 */
export async function getFeedState(db: Db, q: { articleId?: number; sourceId?: number; changesOnly: boolean; includeMinor?: boolean }): Promise<FeedState> {
  const { sql, params } = feedStateQuery(q);
  const r = await row<{ max_id: number | null; n: number; newest: string | null }>(db, sql, params);
  return { maxVersionId: r?.max_id ?? null, count: r?.n ?? 0, newestCapturedAt: r?.newest ?? null };
}

/**
 * The statement of listRecentArticles. Its ORDER BY is the expression of the index articles_recent (migration 0004),
 * so that PostgreSQL reads the index backwards instead of sorting every article.
 */
export const RECENT_ARTICLES_SQL = `SELECT id, url, title, status, version_count, first_seen, last_changed FROM articles
    ORDER BY coalesce(last_changed, first_seen) DESC, id DESC LIMIT $1`;

/** Tracked articles, most recently changed (or, if never captured, added) first. */
export async function listRecentArticles(db: Db, limit: number): Promise<RecentArticle[]> {
  const r = await rows<RecentArticleRecord>(db, RECENT_ARTICLES_SQL, [limit]);
  return r.map(toRecentArticle);
}

/**
 * The write stamp (Store.getWriteStamp): the current transaction snapshot. Its upper bound moves when any
 * transaction takes an id (every write does) and its list of transactions in progress changes when one commits or
 * aborts, so an equal snapshot means the same committed data. A counter moved by triggers would not do: a reader
 * could see it moved before the writing transaction committed, and keep a page of the data before it for good.
 */
export async function getWriteStamp(db: Db): Promise<string> {
  const r = await row<{ s: string }>(db, 'SELECT pg_current_snapshot()::text AS s');
  return r?.s ?? '';
}
