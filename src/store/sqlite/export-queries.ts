/**
 * Queries of the export and import module (src/export). Reads are keyset-paged with `.all()` rather than held open
 * with `.iterate()`: an open better-sqlite3 iterator makes the connection refuse every write ("busy executing a
 * query"), and an export streamed to a slow HTTP client would then block the scheduler sharing the connection.
 * Pages keep memory bounded all the same.
 */
import { stmt, type Db } from './db.js';
import { decode } from './delta.js';
import { encodedTextColumns, withTexts } from './versions.js';
import { bodyLink, withoutStoredText, type EncodedText } from '../rows.js';
import type {
  ArticleRow, CheckRow, ExportSelection, NewArticleRow, NewSourceRow, NewVersionRow, ResponseHead, ResponseRow, SourceRow, VersionRow,
} from '../export-types.js';








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
  return stmt(db, `SELECT a.id, a.url, a.source_id, a.title, a.status, a.first_seen, a.last_checked, a.last_changed, a.next_check,
    a.check_interval_s, a.check_count, a.error_count, a.total_errors, a.last_error, a.last_error_at, a.etag, a.last_modified,
    a.last_body_sha256, s.slug AS source_slug FROM articles a LEFT JOIN sources s ON s.id = a.source_id
    WHERE ${SCOPE} AND a.id > @afterId ORDER BY a.id LIMIT @limit`).all({ ...scopeParams(s), afterId, limit }) as ArticleRow[];
}

/** The sources an export carries: all of them, the selected one, or the selected article's. */
export function listSourcesForExport(db: Db, s: ExportSelection): SourceRow[] {
  if (s.articleId !== undefined) {
    return stmt(db, 'SELECT s.id, s.slug, s.name, s.kind, s.config, s.created_at, s.last_polled, s.next_poll, s.poll_count, s.error_count, s.last_error FROM sources s JOIN articles a ON a.source_id = s.id WHERE a.id = ?').all(s.articleId) as SourceRow[];
  }
  return stmt(db, `SELECT s.id, s.slug, s.name, s.kind, s.config, s.created_at, s.last_polled, s.next_poll, s.poll_count, s.error_count, s.last_error FROM sources s WHERE (@sourceId IS NULL OR s.id = @sourceId) ORDER BY s.id`)
    .all({ sourceId: s.sourceId ?? null }) as SourceRow[];
}

/** The id of the source with this slug, or null. */
export function findSourceId(db: Db, slug: string): number | null {
  const r = stmt(db, 'SELECT id FROM sources WHERE slug = ?').get(slug) as { id: number } | undefined;
  return r ? r.id : null;
}

/** Up to `limit` versions of an article with number above `afterNumber`, texts included, oldest first. */
export function listVersionsPage(db: Db, articleId: number, afterNumber: number, limit: number): VersionRow[] {
  const rows = stmt(db, `SELECT v.id, v.number, v.title, v.byline, v.published_at, v.text, v.content_hash, v.captured_at, v.response_id,
      v.extractor_version, v.words_added, v.words_removed, v.stats, v.metadata, v.change_kind, v.minor_reason,
      r.status AS http_status, r.body_sha256, v.text_codec, v.text_zstd, v.text_base_id
    FROM versions v LEFT JOIN responses r ON r.id = v.response_id
    WHERE v.article_id = ? AND v.number > ? ORDER BY v.number LIMIT ?`).all(articleId, afterNumber, limit) as Array<VersionRow & EncodedText>;
  return withTexts(db, rows).map(withoutStoredText);
}

/** Ids of every response of an article, in id order (an article has few; bodies are read one at a time). */
export function listResponseIds(db: Db, articleId: number): number[] {
  return (stmt(db, 'SELECT id FROM responses WHERE article_id = ? ORDER BY id').pluck().all(articleId) as number[]);
}

/** One response row with its stored and its decoded body, or null. */
export function getResponseRow(db: Db, id: number): ResponseRow | null {
  const r = stmt(db, `SELECT id, requested_url, url, fetched_at, status, status_text, http_version, headers, request_headers, body_gzip,
    body_length, body_sha256, body_codec, body_base_id, body_depth, body_dict_id FROM responses WHERE id = ?`).get(id) as Omit<ResponseRow, 'body'> | undefined;
  return r ? { ...r, body: decode(db, 'body', bodyLink(r)) } : null;
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


/** Inserts a source row as given; returns its id. */
export function insertSourceRow(db: Db, s: NewSourceRow): number {
  const info = stmt(db, `INSERT INTO sources (slug, name, kind, config, created_at, last_polled, next_poll, poll_count, error_count, last_error)
    VALUES (@slug, @name, @kind, @config, @created_at, @last_polled, @next_poll, @poll_count, @error_count, @last_error)`).run(s);
  return Number(info.lastInsertRowid);
}


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


/** Inserts a version with an explicit number (the store's insertVersion numbers them itself). */
export function insertVersionRow(db: Db, v: NewVersionRow): void {
  stmt(db, `INSERT INTO versions (article_id, number, title, byline, published_at, text, content_hash, captured_at, response_id,
      extractor_version, words_added, words_removed, stats, metadata, change_kind, minor_reason,
      text_codec, text_zstd, text_base_id, text_depth, text_length)
    VALUES (@article_id, @number, @title, @byline, @published_at, '', @content_hash, @captured_at, @response_id,
      @extractor_version, @words_added, @words_removed, @stats, @metadata, @change_kind, @minor_reason,
      'zstd', @textZstd, @textBaseId, @textDepth, @textLength)`).run({ ...v, ...encodedTextColumns(db, v.article_id, v.text) });
}

