/**
 * Queries of the export and import module (src/export) on PostgreSQL. Reads are keyset-paged like SQLite's, so no
 * cursor stays open between pages; rows carry exactly the fields of the export row types (not the leases, not the
 * search vector).
 */
import { row, rows, run, type Db } from './db.js';
import { decode } from './delta.js';
import { encodedTextParams, withTexts } from './versions.js';
import { bodyLink, withoutStoredText, type EncodedText } from '../rows.js';
import type {
  ArticleRow, CheckRow, ExportSelection, NewArticleRow, NewSourceRow, NewVersionRow, ResponseHead, ResponseRow, SourceRow, VersionRow,
} from '../export-types.js';

const SCOPE = '($1::bigint IS NULL OR a.id = $1) AND ($2::bigint IS NULL OR a.source_id = $2)';

function scopeParams(s: ExportSelection): [number | null, number | null] {
  return [s.articleId ?? null, s.sourceId ?? null];
}

const SOURCE_ROW_COLS = 's.id, s.slug, s.name, s.kind, s.config, s.created_at, s.last_polled, s.next_poll, s.poll_count, s.error_count, s.last_error';

/** Number of articles and versions an export covers (for progress bars). */
export async function countExport(db: Db, s: ExportSelection): Promise<{ articles: number; versions: number }> {
  const r = await row<{ articles: number; versions: number }>(db, `SELECT count(*)::int AS articles,
      coalesce(sum((SELECT count(*) FROM versions v WHERE v.article_id = a.id)), 0)::int AS versions
    FROM articles a WHERE ${SCOPE}`, scopeParams(s));
  return { articles: r?.articles ?? 0, versions: r?.versions ?? 0 };
}

/** Up to `limit` articles of the selection with id above `afterId`, in id order. */
export async function listArticlesPage(db: Db, s: ExportSelection, afterId: number, limit: number): Promise<ArticleRow[]> {
  return rows<ArticleRow>(db, `SELECT a.id, a.url, a.source_id, s.slug AS source_slug, a.title, a.status, a.first_seen, a.last_checked,
      a.last_changed, a.next_check, a.check_interval_s, a.check_count, a.error_count, a.total_errors, a.last_error, a.last_error_at,
      a.etag, a.last_modified, a.last_body_sha256
    FROM articles a LEFT JOIN sources s ON s.id = a.source_id
    WHERE ${SCOPE} AND a.id > $3 ORDER BY a.id LIMIT $4`, [...scopeParams(s), afterId, limit]);
}

/** The sources an export carries: all of them, the selected one, or the selected article's. */
export async function listSourcesForExport(db: Db, s: ExportSelection): Promise<SourceRow[]> {
  if (s.articleId !== undefined) {
    return rows<SourceRow>(db, `SELECT ${SOURCE_ROW_COLS} FROM sources s JOIN articles a ON a.source_id = s.id WHERE a.id = $1`, [s.articleId]);
  }
  return rows<SourceRow>(db, `SELECT ${SOURCE_ROW_COLS} FROM sources s WHERE ($1::bigint IS NULL OR s.id = $1) ORDER BY s.id`,
    [s.sourceId ?? null]);
}

/** The id of the source with this slug, or null. */
export async function findSourceId(db: Db, slug: string): Promise<number | null> {
  if (slug.includes('\0')) return null; // PostgreSQL text cannot hold NUL: no stored slug has one
  return (await row<{ id: number }>(db, 'SELECT id FROM sources WHERE slug = $1', [slug]))?.id ?? null;
}

/** Up to `limit` versions of an article with number above `afterNumber`, texts included, oldest first. */
export async function listVersionsPage(db: Db, articleId: number, afterNumber: number, limit: number): Promise<VersionRow[]> {
  const rs = await rows<VersionRow & EncodedText>(db, `SELECT v.id, v.number, v.title, v.byline, v.published_at, v.text, v.content_hash, v.captured_at,
      v.response_id, v.extractor_version, v.words_added, v.words_removed, v.stats, v.metadata, v.change_kind, v.minor_reason,
      r.status AS http_status, r.body_sha256, v.text_codec, v.text_zstd, v.text_base_id
    FROM versions v LEFT JOIN responses r ON r.id = v.response_id
    WHERE v.article_id = $1 AND v.number > $2 ORDER BY v.number LIMIT $3`, [articleId, afterNumber, limit]);
  return (await withTexts(db, rs)).map(withoutStoredText);
}

/** Ids of every response of an article, in id order (an article has few; bodies are read one at a time). */
export async function listResponseIds(db: Db, articleId: number): Promise<number[]> {
  return (await rows<{ id: number }>(db, 'SELECT id FROM responses WHERE article_id = $1 ORDER BY id', [articleId])).map((r) => r.id);
}

/** One response row with its stored and its decoded body, or null. */
export async function getResponseRow(db: Db, id: number): Promise<ResponseRow | null> {
  const r = await row<Omit<ResponseRow, 'body'>>(db, `SELECT id, requested_url, url, fetched_at, status, status_text, http_version, headers,
      request_headers, body_gzip, body_length, body_sha256, body_codec, body_base_id, body_depth, body_dict_id FROM responses WHERE id = $1`, [id]);
  return r ? { ...r, body: await decode(db, 'body', bodyLink(r)) } : null;
}

/** A response's URL, time and body hash, or null. */
export async function getResponseHead(db: Db, id: number): Promise<ResponseHead | null> {
  return (await row<ResponseHead>(db, 'SELECT id, url, fetched_at, body_sha256 FROM responses WHERE id = $1', [id])) ?? null;
}

/** Up to `limit` checks of an article with id above `afterId`, oldest first. */
export async function listChecksPage(db: Db, articleId: number, afterId: number, limit: number): Promise<CheckRow[]> {
  return rows<CheckRow>(db, `SELECT id, checked_at, outcome, http_status, error, duration_ms, content_hash FROM checks
    WHERE article_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [articleId, afterId, limit]);
}

/** Inserts a source row as given; returns its id. */
export async function insertSourceRow(db: Db, s: NewSourceRow): Promise<number> {
  const r = await row<{ id: number }>(db, `INSERT INTO sources (slug, name, kind, config, created_at, last_polled, next_poll, poll_count,
      error_count, last_error)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
  [s.slug, s.name, s.kind, s.config, s.created_at, s.last_polled, s.next_poll, s.poll_count, s.error_count, s.last_error]);
  if (!r) throw new Error(`store: source ${s.slug} vanished after insert`);
  return r.id;
}

/** Inserts an article row as given (fails on a duplicate URL); returns its id. */
export async function insertArticleRow(db: Db, a: NewArticleRow): Promise<number> {
  const r = await row<{ id: number }>(db, `INSERT INTO articles (url, source_id, title, status, first_seen, last_checked, last_changed,
      next_check, check_interval_s, check_count, error_count, total_errors, last_error, last_error_at, version_count, etag,
      last_modified, last_body_sha256)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`, [
    a.url, a.source_id, a.title, a.status, a.first_seen, a.last_checked, a.last_changed, a.next_check, a.check_interval_s,
    a.check_count, a.error_count, a.total_errors, a.last_error, a.last_error_at, a.version_count, a.etag, a.last_modified,
    a.last_body_sha256,
  ]);
  if (!r) throw new Error(`store: article ${a.url} vanished after insert`);
  return r.id;
}

/** True when an article with this exact URL exists. */
export async function articleUrlExists(db: Db, url: string): Promise<boolean> {
  if (url.includes('\0')) return false; // PostgreSQL text cannot hold NUL: no stored URL has one
  return (await row(db, 'SELECT 1 FROM articles WHERE url = $1', [url])) !== undefined;
}

/** Inserts a version with an explicit number (the store's insertVersion numbers them itself). */
export async function insertVersionRow(db: Db, v: NewVersionRow): Promise<void> {
  await run(db, `INSERT INTO versions (article_id, number, title, byline, published_at, text, content_hash, captured_at, response_id,
      extractor_version, words_added, words_removed, stats, metadata, change_kind, minor_reason,
      text_codec, text_zstd, text_base_id, text_depth, text_length)
    VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'zstd', $16, $17, $18, $19)`, [
    v.article_id, v.number, v.title, v.byline, v.published_at, v.content_hash, v.captured_at, v.response_id,
    v.extractor_version, v.words_added, v.words_removed, v.stats, v.metadata, v.change_kind, v.minor_reason,
    ...await encodedTextParams(db, v.article_id, v.text),
  ]);
}
