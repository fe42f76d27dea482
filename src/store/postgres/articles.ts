/** Queries on the articles table (PostgreSQL). */
import { row, rows, run, type Db } from './db.js';
import { tsQuerySql } from './search.js';
import type { Article, ArticleQuery, ArticleStatus, Validators } from '../types.js';
import type { SearchTerms } from '../search-terms.js';
import { toArticle, type ArticleRecord } from '../rows.js';

/** The columns of an Article, for SELECT and RETURNING (the leases stay in the database). */
export const ARTICLE_COLS = `id, url, source_id, title, status, first_seen, last_checked, last_changed, next_check, check_interval_s,
  check_count, error_count, total_errors, last_error, last_error_at, version_count, etag, last_modified, last_body_sha256`;

/** Inserts an article if its URL is new. Returns the article and whether it was created. */
export async function insertArticle(db: Db, url: string, now: string, sourceId: number | null): Promise<{ article: Article; created: boolean }> {
  const inserted = await row<ArticleRecord>(db, `INSERT INTO articles (url, source_id, first_seen, next_check) VALUES ($1, $2, $3, $3)
    ON CONFLICT (url) DO NOTHING RETURNING ${ARTICLE_COLS}`, [url, sourceId, now]);
  if (inserted) return { article: toArticle(inserted), created: true };
  const article = await getArticleByUrl(db, url);
  if (!article) throw new Error(`store: article ${url} vanished after insert`);
  return { article, created: false };
}

/** The article with this id, or null. */
export async function getArticle(db: Db, id: number): Promise<Article | null> {
  const r = await row<ArticleRecord>(db, `SELECT ${ARTICLE_COLS} FROM articles WHERE id = $1`, [id]);
  return r ? toArticle(r) : null;
}

/** The article with this exact URL, or null. */
export async function getArticleByUrl(db: Db, url: string): Promise<Article | null> {
  if (url.includes('\0')) return null; // PostgreSQL text cannot hold NUL: no stored URL has one
  const r = await row<ArticleRecord>(db, `SELECT ${ARTICLE_COLS} FROM articles WHERE url = $1`, [url]);
  return r ? toArticle(r) : null;
}

/** Articles to check whose next check is at or before `now`, earliest first (blocked ones are retried daily). */
export async function listDueArticles(db: Db, now: string, limit: number): Promise<Article[]> {
  return (await rows<ArticleRecord>(db, `SELECT ${ARTICLE_COLS} FROM articles WHERE status IN ('active', 'blocked') AND next_check <= $1
    ORDER BY next_check, id LIMIT $2`, [now, limit])).map(toArticle);
}

/** Number of articles due at `now`. */
export async function countDueArticles(db: Db, now: string): Promise<number> {
  const r = await row<{ n: number }>(db, `SELECT count(*)::int AS n FROM articles WHERE status IN ('active', 'blocked') AND next_check <= $1`, [now]);
  return r?.n ?? 0;
}

/** Every article, in id order. */
export async function listAllArticles(db: Db): Promise<Article[]> {
  return (await rows<ArticleRecord>(db, `SELECT ${ARTICLE_COLS} FROM articles ORDER BY id`)).map(toArticle);
}

// SQLite's json_extract gives 1 for both true and 1, and the filter compares with 1.
const HEADLINE_CHANGED = `EXISTS (SELECT 1 FROM versions v WHERE v.article_id = articles.id
  AND palimpsest_jsonb(v.stats) -> 'titleChanged' IN ('true'::jsonb, '1'::jsonb))`;

/**
 * The statement and parameters of queryArticles for these filters. `textShape`: how any version's words are found
 * (Q_MATCHES_CAP): 'lists' joins the word index's matches (few), 'scan' walks the articles newest first and looks
 * each one's versions up in search_index by key (a common word, met early; the LIMIT stops the walk).
 */
export function articleQuery(q: ArticleQuery, textShape: 'lists' | 'scan' = 'lists'): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (q.sourceId !== undefined) where.push(`source_id = ${p(q.sourceId)}`);
  if (q.changedSince !== undefined) where.push(`last_changed >= ${p(q.changedSince)}`);
  where.push(`version_count >= ${p(q.minVersions ?? 0)}`);
  // `search` (a substring of the URL or current title) and `textSearch` (any version) widen each other: either matches.
  const either: string[] = [];
  if (q.search?.includes('\0')) {
    // PostgreSQL text never holds NUL (nor may a parameter), so no URL or title can contain this substring.
    either.push('FALSE');
  } else if (q.search) {
    // ILIKE on COLLATE "C" columns folds ASCII case only, as SQLite's LIKE does.
    const like = p(`%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    either.push(`url ILIKE ${like} ESCAPE '\\'`, `title ILIKE ${like} ESCAPE '\\'`);
  }
  if (q.textSearch !== undefined && textShape === 'lists') {
    either.push(`id IN (SELECT v.article_id FROM search_index s JOIN versions v ON v.id = s.version_id WHERE s.vector @@ (${tsQuerySql(q.textSearch, p)}))`);
  } else if (q.textSearch !== undefined) {
    // A scalar subquery, evaluated for each article walked: an EXISTS would be turned into a hashed subplan that
    // reads every version first.
    either.push(`coalesce((SELECT true FROM versions v WHERE v.article_id = articles.id
      AND (SELECT s.vector FROM search_index s WHERE s.version_id = v.id) @@ (${tsQuerySql(q.textSearch, p)}) LIMIT 1), false)`);
  }
  if (either.length > 0) where.push(`(${either.join(' OR ')})`);
  if (q.headlineChanged !== undefined) where.push(q.headlineChanged ? HEADLINE_CHANGED : `NOT ${HEADLINE_CHANGED}`);
  if (q.beforeId !== undefined) where.push(`id < ${p(q.beforeId)}`);
  const sql = `SELECT ${ARTICLE_COLS} FROM articles WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${p(q.limit)}`;
  return { sql, params };
}

/** Most matching rows of the word index joined whole by /api/articles?q=; beyond it the articles are walked. */
export const Q_MATCHES_CAP = 2000;

/** The text shape of articleQuery for these terms: whether the word index holds more than Q_MATCHES_CAP matches. */
async function textShape(db: Db, terms: SearchTerms): Promise<'lists' | 'scan'> {
  const params: unknown[] = [Q_MATCHES_CAP + 1];
  const tsq = tsQuerySql(terms, (v) => {
    params.push(v);
    return `$${params.length}`;
  });
  const r = await row<{ n: number }>(db, `SELECT count(*)::int AS n FROM (SELECT 1 FROM search_index s WHERE s.vector @@ (${tsq}) LIMIT $1) m`, params);
  return (r?.n ?? 0) > Q_MATCHES_CAP ? 'scan' : 'lists';
}

/**
 * Articles matching the filters, newest id first (stable keyset order). A part of the URL or title is found through
 * the trigram indexes of migration 0010, any version's words through search_index.
 */
export async function queryArticles(db: Db, q: ArticleQuery): Promise<Article[]> {
  const { sql, params } = articleQuery(q, q.textSearch === undefined ? 'lists' : await textShape(db, q.textSearch));
  return (await rows<ArticleRecord>(db, sql, params)).map(toArticle);
}

/** Records a check that found no new version (unchanged or 304), sets the next check and frees the lease. */
export async function recordUnchanged(db: Db, id: number, now: string, nextCheck: string, intervalS: number, v: Validators): Promise<void> {
  await run(db, `UPDATE articles SET last_checked = $1, next_check = $2, check_interval_s = $3, check_count = check_count + 1,
    error_count = 0, lease_owner = NULL, lease_until = NULL, status = CASE WHEN status = 'blocked' THEN 'active' ELSE status END,
    etag = coalesce($4, etag), last_modified = coalesce($5, last_modified), last_body_sha256 = coalesce($6, last_body_sha256)
    WHERE id = $7`, [now, nextCheck, intervalS, v.etag, v.lastModified, v.bodySha256, id]);
}

/** Records a check that stored a new version and frees the lease. */
export async function recordChanged(db: Db, id: number, now: string, title: string, nextCheck: string, intervalS: number, v: Validators): Promise<void> {
  await run(db, `UPDATE articles SET last_checked = $1, last_changed = $1, title = $2, next_check = $3, check_interval_s = $4,
    check_count = check_count + 1, error_count = 0, version_count = version_count + 1, lease_owner = NULL, lease_until = NULL,
    status = CASE WHEN status = 'blocked' THEN 'active' ELSE status END,
    etag = $5, last_modified = $6, last_body_sha256 = $7 WHERE id = $8`,
  [now, title, nextCheck, intervalS, v.etag, v.lastModified, v.bodySha256, id]);
}

/** Records a failed check: error counts, the message, the next attempt and the status; frees the lease. */
export async function recordError(db: Db, id: number, now: string, message: string, nextCheck: string, status: ArticleStatus): Promise<void> {
  await run(db, `UPDATE articles SET last_checked = $1, check_count = check_count + 1, error_count = error_count + 1,
    total_errors = total_errors + 1, last_error = $2, last_error_at = $1, next_check = $3, status = $4,
    lease_owner = NULL, lease_until = NULL WHERE id = $5`, [now, message, nextCheck, status, id]);
}

/** Records a check deferred by the host (see Store.recordDeferred): message and next check; counts untouched. */
export async function recordDeferred(db: Db, id: number, now: string, message: string, nextCheck: string): Promise<void> {
  await run(db, `UPDATE articles SET last_error = $1, last_error_at = $2, next_check = $3, lease_owner = NULL, lease_until = NULL
    WHERE id = $4`, [message, now, nextCheck, id]);
}

/** Sets an article's status. */
export async function setArticleStatus(db: Db, id: number, status: ArticleStatus): Promise<void> {
  await run(db, 'UPDATE articles SET status = $1 WHERE id = $2', [status, id]);
}

/** Sets an article's next check (now, to check it on demand). */
export async function setNextCheck(db: Db, id: number, nextCheck: string): Promise<void> {
  await run(db, 'UPDATE articles SET next_check = $1 WHERE id = $2', [nextCheck, id]);
}

/** Recomputes version_count, title and last_changed from the versions table (after re-extraction or import). */
export async function refreshArticleSummary(db: Db, id: number): Promise<void> {
  await run(db, `UPDATE articles SET
      version_count = (SELECT count(*) FROM versions WHERE article_id = $1),
      title = coalesce((SELECT title FROM versions WHERE article_id = $1 ORDER BY number DESC LIMIT 1), title),
      last_changed = (SELECT max(captured_at) FROM versions WHERE article_id = $1)
    WHERE id = $1`, [id]);
}

/** Counts of articles by status. */
export async function countArticlesByStatus(db: Db): Promise<Record<string, number>> {
  const r = await rows<{ status: string; n: number }>(db, 'SELECT status, count(*)::int AS n FROM articles GROUP BY status');
  return Object.fromEntries(r.map((x) => [x.status, x.n]));
}

/**
 * Changes an article's URL; false when another article already has it. Throws a unique violation when a
 * concurrent writer takes the URL between the test and the update: run it in a savepoint and take that as false.
 */
export async function setArticleUrl(db: Db, id: number, url: string): Promise<boolean> {
  return (await run(db, `UPDATE articles SET url = $1 WHERE id = $2
    AND NOT EXISTS (SELECT 1 FROM articles WHERE url = $1 AND id <> $2)`, [url, id])) > 0;
}

/**
 * Locks the article's row until the transaction ends, so that two writers deciding on a capture take turns.
 * FOR NO KEY UPDATE, not FOR UPDATE: it excludes the other writers all the same, but not the foreign-key checks
 * of rows inserted for the article (a response), which would otherwise deadlock with a writer that inserted first.
 */
export async function lockArticle(db: Db, id: number): Promise<void> {
  await run(db, 'SELECT 1 FROM articles WHERE id = $1 FOR NO KEY UPDATE', [id]);
}
