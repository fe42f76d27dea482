/** Row shapes of the export and import module (src/export): snake_case, as the JSON Lines format carries them. */
import type { ResponseRecord } from './rows.js';

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

/**
 * A response row (the responses table's row without its article id): the body as stored (`body_gzip`, encoded as
 * `body_codec` says) and decoded (`body`).
 */
export type ResponseRow = Omit<ResponseRecord, 'article_id'> & { body: Buffer };

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

/** A source to insert (import). */
export type NewSourceRow = Omit<SourceRow, 'id'>;

/** An article to insert (import), every tracking field as exported. */
export type NewArticleRow = Omit<ArticleRow, 'id' | 'source_slug'> & { version_count: number };

/** A version to insert (import) with its number as exported. */
export type NewVersionRow = Omit<VersionRow, 'id' | 'http_status' | 'body_sha256'> & { article_id: number };
