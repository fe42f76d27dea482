/** Queries on the articles table. */
import { stmt, type Db } from './db.js';
import type { Article, ArticleQuery, ArticleStatus, Validators } from '../types.js';
import { toArticle, type ArticleRecord } from '../rows.js';
import { articlesMatchingQ, prepareQ, qConditionSql, type QShape } from './article-search.js';

/** Inserts an article if its URL is new. Returns the article and whether it was created. */
export function insertArticle(db: Db, url: string, now: string, sourceId: number | null = null): { article: Article; created: boolean } {
  const info = stmt(db, `INSERT INTO articles (url, source_id, first_seen, next_check) VALUES (?, ?, ?, ?)
    ON CONFLICT (url) DO NOTHING`).run(url, sourceId, now, now);
  const article = getArticleByUrl(db, url);
  if (!article) throw new Error(`store: article ${url} vanished after insert`);
  return { article, created: info.changes > 0 };
}

/** The article with this id, or null. */
export function getArticle(db: Db, id: number): Article | null {
  const r = stmt(db, 'SELECT * FROM articles WHERE id = ?').get(id) as ArticleRecord | undefined;
  return r ? toArticle(r) : null;
}

/** The article with this exact URL, or null. */
export function getArticleByUrl(db: Db, url: string): Article | null {
  const r = stmt(db, 'SELECT * FROM articles WHERE url = ?').get(url) as ArticleRecord | undefined;
  return r ? toArticle(r) : null;
}

/** Articles to check whose next check is at or before `now`, earliest first (blocked ones are retried daily). */
export function listDueArticles(db: Db, now: string, limit: number): Article[] {
  const rows = stmt(db, `SELECT * FROM articles WHERE status IN ('active', 'blocked') AND next_check <= ?
    ORDER BY next_check, id LIMIT ?`).all(now, limit) as ArticleRecord[];
  return rows.map(toArticle);
}

/** Number of active articles due at `now`. */
export function countDueArticles(db: Db, now: string): number {
  const r = stmt(db, `SELECT count(*) AS n FROM articles WHERE status IN ('active', 'blocked') AND next_check <= ?`).get(now) as { n: number };
  return r.n;
}

/** Every article, in id order. */
export function listAllArticles(db: Db): Article[] {
  return (stmt(db, 'SELECT * FROM articles ORDER BY id').all() as ArticleRecord[]).map(toArticle);
}


const HEADLINE_CHANGED = `EXISTS (SELECT 1 FROM versions v WHERE v.article_id = articles.id
  AND (CASE WHEN json_valid(v.stats) THEN json_extract(v.stats, '$.titleChanged') END) = 1)`;

/**
 * The statement of queryArticles for this combination of filters, from fixed fragments (no user text in it), so that
 * each shape's plan can use an index (articles_source for a source, the rowid range for a `beforeId` page) where
 * `(@p IS NULL OR ...)` tests would read every article. `search` and `textSearch` widen each other: either matches
 * (their condition: ./article-search.ts).
 */
export function articleQuerySql(q: Omit<ArticleQuery, 'limit'>, qShape: QShape = q.search || q.textSearch !== undefined ? 'lists' : 'none'): string {
  const where: string[] = [];
  if (q.sourceId !== undefined) where.push('source_id = @sourceId');
  if (q.changedSince !== undefined) where.push('last_changed >= @changedSince');
  if ((q.minVersions ?? 0) > 0) where.push('version_count >= @minVersions');
  const matchQ = qConditionSql(qShape);
  if (matchQ !== null) where.push(matchQ);
  if (q.headlineChanged !== undefined) where.push(q.headlineChanged ? HEADLINE_CHANGED : `NOT ${HEADLINE_CHANGED}`);
  if (q.beforeId !== undefined) where.push('id < @beforeId');
  return `SELECT * FROM articles ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
}

/** Articles matching the filters, newest id first (stable keyset order). */
export function queryArticles(db: Db, q: ArticleQuery): Article[] {
  const params: Record<string, unknown> = { limit: q.limit };
  if (q.sourceId !== undefined) params.sourceId = q.sourceId;
  if (q.changedSince !== undefined) params.changedSince = q.changedSince;
  if ((q.minVersions ?? 0) > 0) params.minVersions = q.minVersions;
  const shape = prepareQ(db, q, params);
  const page = (beforeId: number | undefined, limit: number): ArticleRecord[] =>
    stmt(db, articleQuerySql({ ...q, beforeId }, shape)).all({ ...params, limit, ...(beforeId === undefined ? {} : { beforeId }) }) as ArticleRecord[];
  return articlesMatchingQ(db, q, shape, q.limit, page).map(toArticle);
}

/** Records a check that found no new version (unchanged or 304) and sets the next check. */
export function recordUnchanged(db: Db, id: number, now: string, nextCheck: string, intervalS: number, validators: Validators): void {
  stmt(db, `UPDATE articles SET last_checked = ?, next_check = ?, check_interval_s = ?, check_count = check_count + 1,
    error_count = 0, lease_owner = NULL, lease_until = NULL, status = CASE WHEN status = 'blocked' THEN 'active' ELSE status END, etag = coalesce(?, etag), last_modified = coalesce(?, last_modified),
    last_body_sha256 = coalesce(?, last_body_sha256) WHERE id = ?`)
    .run(now, nextCheck, intervalS, validators.etag, validators.lastModified, validators.bodySha256, id);
}


/** Records a check that stored a new version. */
export function recordChanged(db: Db, id: number, now: string, title: string, nextCheck: string, intervalS: number, validators: Validators): void {
  stmt(db, `UPDATE articles SET last_checked = ?, last_changed = ?, title = ?, next_check = ?, check_interval_s = ?,
    check_count = check_count + 1, error_count = 0, version_count = version_count + 1, lease_owner = NULL, lease_until = NULL,
    status = CASE WHEN status = 'blocked' THEN 'active' ELSE status END,
    etag = ?, last_modified = ?, last_body_sha256 = ? WHERE id = ?`)
    .run(now, now, title, nextCheck, intervalS, validators.etag, validators.lastModified, validators.bodySha256, id);
}

/** Records a failed check: error counts, the message, the next attempt, and optionally a new status. */
export function recordError(db: Db, id: number, now: string, message: string, nextCheck: string, status: ArticleStatus): void {
  stmt(db, `UPDATE articles SET last_checked = ?, check_count = check_count + 1, error_count = error_count + 1,
    total_errors = total_errors + 1, last_error = ?, last_error_at = ?, next_check = ?, status = ?, lease_owner = NULL, lease_until = NULL
    WHERE id = ?`)
    .run(now, message, now, nextCheck, status, id);
}

/** Records a check deferred by the host (see Store.recordDeferred): message and next check; counts untouched. */
export function recordDeferred(db: Db, id: number, now: string, message: string, nextCheck: string): void {
  stmt(db, `UPDATE articles SET last_error = ?, last_error_at = ?, next_check = ?, lease_owner = NULL, lease_until = NULL
    WHERE id = ?`).run(message, now, nextCheck, id);
}

/** Sets an article's status (e.g. 'stopped' when its interval passes the limit, 'active' to resume). */
export function setArticleStatus(db: Db, id: number, status: ArticleStatus): void {
  stmt(db, 'UPDATE articles SET status = ? WHERE id = ?').run(status, id);
}

/** Makes an article due now (used by `check` on demand and when resuming). */
export function setNextCheck(db: Db, id: number, nextCheck: string): void {
  stmt(db, 'UPDATE articles SET next_check = ? WHERE id = ?').run(nextCheck, id);
}

/** Recomputes version_count, title and last_changed from the versions table (after re-extraction or import). */
export function refreshArticleSummary(db: Db, id: number): void {
  stmt(db, `UPDATE articles SET
      version_count = (SELECT count(*) FROM versions WHERE article_id = @id),
      title = coalesce((SELECT title FROM versions WHERE article_id = @id ORDER BY number DESC LIMIT 1), title),
      last_changed = (SELECT max(captured_at) FROM versions WHERE article_id = @id)
    WHERE id = @id`).run({ id });
}

/** Counts of articles by status. */
export function countArticlesByStatus(db: Db): Record<string, number> {
  const rows = stmt(db, 'SELECT status, count(*) AS n FROM articles GROUP BY status').all() as Array<{ status: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Changes an article's URL (to its canonical form); false when another article already has that URL. */
export function setArticleUrl(db: Db, id: number, url: string): boolean {
  const info = stmt(db, 'UPDATE OR IGNORE articles SET url = ? WHERE id = ?').run(url, id);
  return info.changes > 0;
}
