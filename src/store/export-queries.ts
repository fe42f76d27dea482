/**
 * Queries of the export and import module (src/export). Reads are keyset-paged with `.all()` rather than held open
 * with `.iterate()`: an open better-sqlite3 iterator makes the connection refuse every write ("busy executing a
 * query"), and an export streamed to a slow HTTP client would then block the scheduler sharing the connection.
 * Pages keep memory bounded all the same.
 */
import { stmt, type Db } from './db.js';

/** What an export covers: everything, one source (by id) or one article (by id). */
export interface ExportSelection {
  articleId?: number;
  sourceId?: number;
}

/** A source row as exported (config kept as its JSON text). */
export interface SourceRow {
  id: number;
  slug: string;
  name: string;
  kind: string;
  config: string;
  created_at: string;
  last_polled: string | null;
  next_poll: string | null;
  poll_count: number;
  error_count: number;
  last_error: string | null;
}

/** An article row with its source's slug. */
export interface ArticleRow {
  id: number;
  url: string;
  source_id: number | null;
  source_slug: string | null;
  title: string | null;
  status: string;
  first_seen: string;
  last_checked: string | null;
  last_changed: string | null;
  next_check: string;
  check_interval_s: number;
  check_count: number;
  error_count: number;
  total_errors: number;
  last_error: string | null;
  last_error_at: string | null;
  etag: string | null;
  last_modified: string | null;
  last_body_sha256: string | null;
}

/** A version row, with the status and body hash of its response when it has one (for CSV and WARC). */
export interface VersionRow {
  id: number;
  number: number;
  title: string;
  byline: string | null;
  published_at: string | null;
  text: string;
  content_hash: string;
  captured_at: string;
  response_id: number | null;
  extractor_version: string;
  words_added: number;
  words_removed: number;
  stats: string | null;
  metadata: string;
  change_kind: 'initial' | 'substantive' | 'minor';
  minor_reason: string | null;
  http_status: number | null;
  body_sha256: string | null;
}

/** A response row, body still gzip-compressed as stored. */
export interface ResponseRow {
  id: number;
  requested_url: string;
  url: string;
  fetched_at: string;
  status: number;
  status_text: string;
  http_version: string;
  headers: string;
  request_headers: string;
  body_gzip: Buffer;
  body_length: number;
  body_sha256: string;
}

/** A response's identity without its body (for revisit records). */
export type ResponseHead = Pick<ResponseRow, 'id' | 'url' | 'fetched_at' | 'body_sha256'>;

/** A check-log row. */
export interface CheckRow {
  id: number;
  checked_at: string;
  outcome: string;
  http_status: number | null;
  error: string | null;
  duration_ms: number | null;
  content_hash: string | null;
}

const SCOPE = '(@articleId IS NULL OR a.id = @articleId) AND (@sourceId IS NULL OR a.source_id = @sourceId)';

function scopeParams(s: ExportSelection): { articleId: number | null; sourceId: number | null } {
  return { articleId: s.articleId ?? null, sourceId: s.sourceId ?? null };
}

/** Number of articles and versions an export covers (for progress bars). */
export function countExport(db: Db, s: ExportSelection): { articles: number; versions: number } {
  const r = stmt(db, `SELECT count(*) AS articles, coalesce(sum((SELECT count(*) FROM versions v WHERE v.article_id = a.id)), 0) AS versions
    FROM articles a WHERE ${SCOPE}`).get(scopeParams(s)) as { articles: number; versions: number };
  return r;
}

/** Up to `limit` articles of the selection with id above `afterId`, in id order. */
export function listArticlesPage(db: Db, s: ExportSelection, afterId: number, limit: number): ArticleRow[] {
  return stmt(db, `SELECT a.*, s.slug AS source_slug FROM articles a LEFT JOIN sources s ON s.id = a.source_id
    WHERE ${SCOPE} AND a.id > @afterId ORDER BY a.id LIMIT @limit`).all({ ...scopeParams(s), afterId, limit }) as ArticleRow[];
}

/** The sources an export carries: all of them, the selected one, or the selected article's. */
export function listSourcesForExport(db: Db, s: ExportSelection): SourceRow[] {
  if (s.articleId !== undefined) {
    return stmt(db, 'SELECT s.* FROM sources s JOIN articles a ON a.source_id = s.id WHERE a.id = ?').all(s.articleId) as SourceRow[];
  }
  return stmt(db, 'SELECT * FROM sources WHERE (@sourceId IS NULL OR id = @sourceId) ORDER BY id')
    .all({ sourceId: s.sourceId ?? null }) as SourceRow[];
}

/** The id of the source with this slug, or null. */
export function findSourceId(db: Db, slug: string): number | null {
  const r = stmt(db, 'SELECT id FROM sources WHERE slug = ?').get(slug) as { id: number } | undefined;
  return r ? r.id : null;
}

/** Up to `limit` versions of an article with number above `afterNumber`, texts included, oldest first. */
export function listVersionsPage(db: Db, articleId: number, afterNumber: number, limit: number): VersionRow[] {
  return stmt(db, `SELECT v.id, v.number, v.title, v.byline, v.published_at, v.text, v.content_hash, v.captured_at, v.response_id,
      v.extractor_version, v.words_added, v.words_removed, v.stats, v.metadata, v.change_kind, v.minor_reason,
      r.status AS http_status, r.body_sha256
    FROM versions v LEFT JOIN responses r ON r.id = v.response_id
    WHERE v.article_id = ? AND v.number > ? ORDER BY v.number LIMIT ?`).all(articleId, afterNumber, limit) as VersionRow[];
}

/** Ids of every response of an article, in id order (an article has few; bodies are read one at a time). */
export function listResponseIds(db: Db, articleId: number): number[] {
  return (stmt(db, 'SELECT id FROM responses WHERE article_id = ? ORDER BY id').pluck().all(articleId) as number[]);
}

/** One response row with its compressed body, or null. */
export function getResponseRow(db: Db, id: number): ResponseRow | null {
  return (stmt(db, 'SELECT * FROM responses WHERE id = ?').get(id) as ResponseRow | undefined) ?? null;
}

/** A response's URL, time and body hash, or null. */
export function getResponseHead(db: Db, id: number): ResponseHead | null {
  return (stmt(db, 'SELECT id, url, fetched_at, body_sha256 FROM responses WHERE id = ?').get(id) as ResponseHead | undefined) ?? null;
}

/** Up to `limit` checks of an article with id above `afterId`, oldest first. */
export function listChecksPage(db: Db, articleId: number, afterId: number, limit: number): CheckRow[] {
  return stmt(db, `SELECT id, checked_at, outcome, http_status, error, duration_ms, content_hash FROM checks
    WHERE article_id = ? AND id > ? ORDER BY id LIMIT ?`).all(articleId, afterId, limit) as CheckRow[];
}

/**
 * Opens the import's transaction. IMMEDIATE takes the write lock at once, so a concurrent writer makes the import
 * fail at the start rather than halfway.
 */
export function beginImport(db: Db): void {
  db.exec('BEGIN IMMEDIATE');
}

/** Commits the import's transaction. */
export function commitImport(db: Db): void {
  db.exec('COMMIT');
}

/** Rolls the import's transaction back, if one is open. */
export function rollbackImport(db: Db): void {
  if (db.inTransaction) db.exec('ROLLBACK');
}

/** A source to insert (import). */
export type NewSourceRow = Omit<SourceRow, 'id'>;

/** Inserts a source row as given; returns its id. */
export function insertSourceRow(db: Db, s: NewSourceRow): number {
  const info = stmt(db, `INSERT INTO sources (slug, name, kind, config, created_at, last_polled, next_poll, poll_count, error_count, last_error)
    VALUES (@slug, @name, @kind, @config, @created_at, @last_polled, @next_poll, @poll_count, @error_count, @last_error)`).run(s);
  return Number(info.lastInsertRowid);
}

/** An article to insert (import), every tracking field as exported. */
export type NewArticleRow = Omit<ArticleRow, 'id' | 'source_slug'> & { version_count: number };

/** Inserts an article row as given (fails on a duplicate URL); returns its id. */
export function insertArticleRow(db: Db, a: NewArticleRow): number {
  const info = stmt(db, `INSERT INTO articles (url, source_id, title, status, first_seen, last_checked, last_changed, next_check,
      check_interval_s, check_count, error_count, total_errors, last_error, last_error_at, version_count, etag, last_modified, last_body_sha256)
    VALUES (@url, @source_id, @title, @status, @first_seen, @last_checked, @last_changed, @next_check, @check_interval_s, @check_count,
      @error_count, @total_errors, @last_error, @last_error_at, @version_count, @etag, @last_modified, @last_body_sha256)`).run(a);
  return Number(info.lastInsertRowid);
}

/** True when an article with this exact URL exists. */
export function articleUrlExists(db: Db, url: string): boolean {
  return stmt(db, 'SELECT 1 FROM articles WHERE url = ?').get(url) !== undefined;
}

/** A version to insert (import) with its number as exported. */
export interface NewVersionRow {
  article_id: number;
  number: number;
  title: string;
  byline: string | null;
  published_at: string | null;
  text: string;
  content_hash: string;
  captured_at: string;
  response_id: number | null;
  extractor_version: string;
  words_added: number;
  words_removed: number;
  stats: string | null;
  metadata: string;
  change_kind: 'initial' | 'substantive' | 'minor';
  minor_reason: string | null;
}

/** Inserts a version with an explicit number (the store's insertVersion numbers them itself). */
export function insertVersionRow(db: Db, v: NewVersionRow): void {
  stmt(db, `INSERT INTO versions (article_id, number, title, byline, published_at, text, content_hash, captured_at, response_id,
      extractor_version, words_added, words_removed, stats, metadata, change_kind, minor_reason)
    VALUES (@article_id, @number, @title, @byline, @published_at, @text, @content_hash, @captured_at, @response_id,
      @extractor_version, @words_added, @words_removed, @stats, @metadata, @change_kind, @minor_reason)`).run(v);
}

/** Marks a point inside the import's transaction that one line's inserts can be rolled back to. */
export function savepointLine(db: Db): void {
  db.exec('SAVEPOINT import_line');
}

/** Keeps one line's inserts. */
export function releaseLine(db: Db): void {
  db.exec('RELEASE import_line');
}

/** Undoes one line's inserts (the rest of the import stays). */
export function rollbackLine(db: Db): void {
  db.exec('ROLLBACK TO import_line; RELEASE import_line');
}
