/** JSON shapes of the API (snake_case field names, absolute links). */
import type { Article, Version, VersionSummary } from '../store/types.js';
import { articlePath, diffPath, feedPath, versionPath } from './paths.js';

/** An article as the API shows it. */
export interface ArticleJson {
  id: number;
  url: string;
  title: string | null;
  status: Article['status'];
  source_id: number | null;
  first_seen: string;
  last_checked: string | null;
  last_changed: string | null;
  next_check: string;
  check_count: number;
  version_count: number;
  error_count: number;
  total_errors: number;
  last_error: string | null;
  last_error_at: string | null;
  links: { self: string; html: string; feed_rss: string; feed_atom: string; feed_json: string };
}

/** The API representation of an article. */
export function articleJson(a: Article, base: string): ArticleJson {
  return {
    id: a.id,
    url: a.url,
    title: a.title,
    status: a.status,
    source_id: a.sourceId,
    first_seen: a.firstSeen,
    last_checked: a.lastChecked,
    last_changed: a.lastChanged,
    next_check: a.nextCheck,
    check_count: a.checkCount,
    version_count: a.versionCount,
    error_count: a.errorCount,
    total_errors: a.totalErrors,
    last_error: a.lastError,
    last_error_at: a.lastErrorAt,
    links: {
      self: `${base}/api/articles/${a.id}`,
      html: base + articlePath(a.id),
      feed_rss: base + feedPath(a.id, 'rss'),
      feed_atom: base + feedPath(a.id, 'atom'),
      feed_json: base + feedPath(a.id, 'json'),
    },
  };
}

/** A version without its text, as the API shows it. */
export interface VersionSummaryJson {
  number: number;
  title: string;
  byline: string | null;
  published_at: string | null;
  captured_at: string;
  content_hash: string;
  extractor_version: string;
  words_added: number;
  words_removed: number;
  /** 'initial', 'substantive' or 'minor' (punctuation, timestamps or counters only). */
  change_kind: string;
  /** Why a minor version is minor, or null. */
  minor_reason: string | null;
  /** The differ's DiffStats against the previous version (null for the first version). */
  stats: Record<string, unknown> | null;
  links: { self: string; html: string; diff_from_previous: string | null; diff_from_previous_html: string | null };
}

/** The API representation of a version summary. */
export function versionSummaryJson(v: VersionSummary, base: string): VersionSummaryJson {
  const prev = v.number > 1 ? v.number - 1 : null;
  return {
    number: v.number,
    title: v.title,
    byline: v.byline,
    published_at: v.publishedAt,
    captured_at: v.capturedAt,
    content_hash: v.contentHash,
    extractor_version: v.extractorVersion,
    words_added: v.wordsAdded,
    words_removed: v.wordsRemoved,
    change_kind: v.changeKind,
    minor_reason: v.minorReason,
    stats: v.stats,
    links: {
      self: `${base}/api/articles/${v.articleId}/versions/${v.number}`,
      html: base + versionPath(v.articleId, v.number),
      diff_from_previous: prev === null ? null : `${base}/api/articles/${v.articleId}/diff/${prev}/${v.number}`,
      diff_from_previous_html: prev === null ? null : base + diffPath(v.articleId, prev, v.number),
    },
  };
}

/** A version with its text and paragraphs, as the API shows it. */
export interface VersionJson extends VersionSummaryJson {
  text: string;
  paragraphs: string[];
  metadata: Record<string, unknown>;
}

/** The API representation of a full version. */
export function versionJson(v: Version, paragraphs: string[], base: string): VersionJson {
  return { ...versionSummaryJson(v, base), text: v.text, paragraphs, metadata: v.metadata };
}

/** Totals over an article's versions. */
export interface ArticleStatsJson {
  versions: number;
  changes: number;
  words_added: number;
  words_removed: number;
  checks: number;
  total_errors: number;
  first_captured_at: string | null;
  last_captured_at: string | null;
}

/** Totals for an article from its version summaries. */
export function articleStatsJson(a: Article, versions: VersionSummary[]): ArticleStatsJson {
  const changes = versions.filter((v) => v.number > 1);
  return {
    versions: versions.length,
    changes: changes.length,
    words_added: changes.reduce((n, v) => n + v.wordsAdded, 0),
    words_removed: changes.reduce((n, v) => n + v.wordsRemoved, 0),
    checks: a.checkCount,
    total_errors: a.totalErrors,
    first_captured_at: versions[0]?.capturedAt ?? null,
    last_captured_at: versions[versions.length - 1]?.capturedAt ?? null,
  };
}
