/**
 * Rows as both backends return them (snake_case, one field per column) and their camelCase views of types.ts.
 * better-sqlite3 and pg give these columns the same JavaScript types: times and JSON are text on both (see
 * migrations/postgres/0001_init.sql), bigint ids and counts come back as numbers (pg through the type parsers of
 * postgres/db.ts), and BLOB and bytea as Buffers. This module imports neither driver.
 */
import type { ChainLink } from './delta-chain.js';
import type {
  Article, ArticleStatus, Change, ChangeKind, CheckEntry, CheckOutcome, RecentArticle, Source, SourceKind, SourceUrlState,
  StoredResponse, Version, VersionSummary,
} from './types.js';

/** An articles row (the lease columns, when selected, are left out of the mapping). */
export interface ArticleRecord {
  id: number;
  url: string;
  source_id: number | null;
  title: string | null;
  status: ArticleStatus;
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
  version_count: number;
  etag: string | null;
  last_modified: string | null;
  last_body_sha256: string | null;
}

/** The camelCase view of an articles row. */
export function toArticle(r: ArticleRecord): Article {
  return {
    id: r.id,
    url: r.url,
    sourceId: r.source_id,
    title: r.title,
    status: r.status,
    firstSeen: r.first_seen,
    lastChecked: r.last_checked,
    lastChanged: r.last_changed,
    nextCheck: r.next_check,
    checkIntervalS: r.check_interval_s,
    checkCount: r.check_count,
    errorCount: r.error_count,
    totalErrors: r.total_errors,
    lastError: r.last_error,
    lastErrorAt: r.last_error_at,
    versionCount: r.version_count,
    etag: r.etag,
    lastModified: r.last_modified,
    lastBodySha256: r.last_body_sha256,
  };
}

/** A versions row; `text` is missing when only VERSION_SUMMARY_COLS were selected. */
export interface VersionRecord {
  id: number;
  article_id: number;
  number: number;
  title: string;
  byline: string | null;
  published_at: string | null;
  text?: string;
  content_hash: string;
  captured_at: string;
  response_id: number | null;
  extractor_version: string;
  words_added: number;
  words_removed: number;
  stats: string | null;
  metadata: string;
  change_kind: ChangeKind;
  minor_reason: string | null;
  /** Delta storage (migration 0014): 'plain' (the text is in `text`) or 'zstd' (in `text_zstd`); when selected. */
  text_codec?: string;
  text_zstd?: Buffer | null;
  text_base_id?: number | null;
}

/** A version row's text columns as stored (migration 0014), in any read that selects them. */
export interface EncodedText {
  id: number;
  text?: string;
  text_codec?: string;
  text_zstd?: Buffer | null;
  text_base_id?: number | null;
}

/** A version row's stored text as a link of its delta chain (delta-chain.ts). */
export function textLink(r: EncodedText): ChainLink {
  return { id: r.id, codec: r.text_codec ?? 'plain', data: r.text_zstd ?? null, text: r.text ?? null, baseId: r.text_base_id ?? null };
}

/** Whether a version row read with its text columns still needs its text decoded. */
export function textEncoded(r: EncodedText): boolean {
  return (r.text_codec ?? 'plain') !== 'plain';
}

/** A row without its stored-text columns (once its text is decoded), as exports carry it. */
export function withoutStoredText<R extends EncodedText>(r: R): Omit<R, 'text_codec' | 'text_zstd' | 'text_base_id'> {
  const out: Partial<R> = { ...r };
  delete out.text_codec;
  delete out.text_zstd;
  delete out.text_base_id;
  return out as Omit<R, 'text_codec' | 'text_zstd' | 'text_base_id'>;
}

/** The columns of a VersionRecord without the text, for a SELECT on `versions v` (same SQL on both backends). */
export const VERSION_SUMMARY_COLS = `v.id, v.article_id, v.number, v.title, v.byline, v.published_at, v.content_hash, v.captured_at,
  v.response_id, v.extractor_version, v.words_added, v.words_removed, v.stats, v.metadata, v.change_kind, v.minor_reason`;

/** The camelCase view of a versions row without its text (stats and metadata parsed from their JSON). */
export function toVersionSummary(r: VersionRecord): VersionSummary {
  return {
    id: r.id,
    articleId: r.article_id,
    number: r.number,
    title: r.title,
    byline: r.byline,
    publishedAt: r.published_at,
    contentHash: r.content_hash,
    capturedAt: r.captured_at,
    responseId: r.response_id,
    extractorVersion: r.extractor_version,
    wordsAdded: r.words_added,
    wordsRemoved: r.words_removed,
    stats: r.stats ? (JSON.parse(r.stats) as Record<string, unknown>) : null,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    changeKind: r.change_kind,
    minorReason: r.minor_reason,
  };
}

/** The camelCase view of a versions row with its text ('' when the row has none). */
export function toVersion(r: VersionRecord): Version {
  return { ...toVersionSummary(r), text: r.text ?? '' };
}

/** A versions row joined with its article's URL and title. */
export interface ChangeRecord extends VersionRecord {
  article_url: string;
  article_title: string | null;
}

/** The camelCase view of a version joined with its article. */
export function toChange(r: ChangeRecord): Change {
  return { ...toVersionSummary(r), articleUrl: r.article_url, articleTitle: r.article_title };
}

/** A responses row, body still in its stored form (body_codec: 'gzip', or 'zstd' with body_base_id; migration 0014). */
export interface ResponseRecord {
  id: number;
  article_id: number;
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
  body_codec: string;
  body_base_id: number | null;
  body_depth: number;
  /** The shared dictionary of a keyframe (migration 0015; absent when a query did not select it: none). */
  body_dict_id?: number | null;
}

/** A responses row's stored body as a link of its delta chain (delta-chain.ts). */
export function bodyLink(r: Pick<ResponseRecord, 'id' | 'body_codec' | 'body_gzip' | 'body_base_id' | 'body_dict_id'>): ChainLink {
  return { id: r.id, codec: r.body_codec, data: r.body_gzip, text: null, baseId: r.body_base_id, dictId: r.body_dict_id ?? null };
}

/** The camelCase view of a responses row with its decoded body: headers parsed from their JSON. */
export function toStoredResponse(r: ResponseRecord, body: Buffer): StoredResponse {
  return {
    id: r.id,
    articleId: r.article_id,
    requestedUrl: r.requested_url,
    url: r.url,
    fetchedAt: r.fetched_at,
    status: r.status,
    statusText: r.status_text,
    httpVersion: r.http_version,
    headers: JSON.parse(r.headers) as Array<[string, string]>,
    requestHeaders: JSON.parse(r.request_headers) as Array<[string, string]>,
    body,
    bodyLength: r.body_length,
    bodySha256: r.body_sha256,
  };
}

/** A sources row (the lease columns, when selected, are left out of the mapping). */
export interface SourceRecord {
  id: number;
  slug: string;
  name: string;
  kind: SourceKind;
  config: string;
  created_at: string;
  last_polled: string | null;
  next_poll: string | null;
  poll_count: number;
  error_count: number;
  last_error: string | null;
}

/** The value of a stored JSON text, or null when it does not parse (unlike the versions' JSON, never throws). */
function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null; // reported by the caller's validation as an invalid configuration
  }
}

/** The camelCase view of a sources row (a config that is not valid JSON becomes null). */
export function toSource(r: SourceRecord): Source {
  return {
    id: r.id, slug: r.slug, name: r.name, kind: r.kind, config: parseJsonOrNull(r.config), createdAt: r.created_at,
    lastPolled: r.last_polled, nextPoll: r.next_poll, pollCount: r.poll_count, errorCount: r.error_count, lastError: r.last_error,
  };
}

/** A source_urls row, the columns of a SourceUrlState. */
export interface SourceUrlRecord {
  etag: string | null;
  last_modified: string | null;
  last_fetched: string | null;
  last_status: number | null;
  children: string;
}

/** The camelCase view of a source_urls row (children: the strings of the stored JSON array, else none). */
export function toSourceUrlState(r: SourceUrlRecord): SourceUrlState {
  const children = parseJsonOrNull(r.children);
  return {
    etag: r.etag, lastModified: r.last_modified, lastFetched: r.last_fetched, lastStatus: r.last_status,
    children: Array.isArray(children) ? children.filter((c): c is string => typeof c === 'string') : [],
  };
}

/** A checks row, the columns of a CheckEntry. */
export interface CheckRecord {
  id: number;
  article_id: number;
  checked_at: string;
  outcome: CheckOutcome;
  http_status: number | null;
  error: string | null;
  duration_ms: number | null;
}

/** The camelCase view of a checks row. */
export function toCheckEntry(r: CheckRecord): CheckEntry {
  return {
    id: r.id, articleId: r.article_id, checkedAt: r.checked_at, outcome: r.outcome, httpStatus: r.http_status, error: r.error,
    durationMs: r.duration_ms,
  };
}

/** The articles columns of the home page's list. */
export interface RecentArticleRecord {
  id: number;
  url: string;
  title: string | null;
  status: string;
  version_count: number;
  first_seen: string;
  last_changed: string | null;
}

/** The camelCase view of an article in the home page's list. */
export function toRecentArticle(r: RecentArticleRecord): RecentArticle {
  return {
    id: r.id, url: r.url, title: r.title, status: r.status, versionCount: r.version_count, firstSeen: r.first_seen, lastChanged: r.last_changed,
  };
}
