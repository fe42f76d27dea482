/** Row shapes returned by the storage layer (camelCase views of the tables in migrations/). */
import type { SearchTerms } from './search-terms.js';

/** An article's tracking state. */
export type ArticleStatus = 'active' | 'stopped' | 'paused' | 'blocked';

/** One tracked article. Times are ISO 8601 strings. */
export interface Article {
  id: number;
  url: string;
  sourceId: number | null;
  title: string | null;
  status: ArticleStatus;
  firstSeen: string;
  lastChecked: string | null;
  lastChanged: string | null;
  nextCheck: string;
  checkIntervalS: number;
  checkCount: number;
  errorCount: number;
  totalErrors: number;
  lastError: string | null;
  lastErrorAt: string | null;
  versionCount: number;
  etag: string | null;
  lastModified: string | null;
  lastBodySha256: string | null;
}

/** One stored version of an article. `stats` is the differ's DiffStats against the previous version (JSON). */
export interface Version {
  id: number;
  articleId: number;
  number: number;
  title: string;
  byline: string | null;
  publishedAt: string | null;
  text: string;
  contentHash: string;
  capturedAt: string;
  responseId: number | null;
  extractorVersion: string;
  wordsAdded: number;
  wordsRemoved: number;
  stats: Record<string, unknown> | null;
  metadata: Record<string, unknown>;
  /** 'initial' for version 1; 'minor' for punctuation-, timestamp- or counter-only changes; else 'substantive'. */
  changeKind: ChangeKind;
  /** Why a minor version is minor ('punctuation', 'timestamp', 'counter'), or null. */
  minorReason: string | null;
}

/** How a version differs from the one before it. */
export type ChangeKind = 'initial' | 'substantive' | 'minor';

/** A version without its text, for listings. */
export type VersionSummary = Omit<Version, 'text'>;

/** A captured HTTP response, body decompressed. */
export interface StoredResponse {
  id: number;
  articleId: number;
  requestedUrl: string;
  url: string;
  fetchedAt: string;
  status: number;
  statusText: string;
  httpVersion: string;
  headers: Array<[string, string]>;
  requestHeaders: Array<[string, string]>;
  body: Buffer;
  bodyLength: number;
  bodySha256: string;
}

/** Outcome of one check of an article. */
export type CheckOutcome = 'new_version' | 'unchanged' | 'not_modified' | 'error' | 'blocked' | 'flipflop' | 'rejected'
  /** A suspect capture of a degraded source: its raw response is kept, no version was made (src/health). */
  | 'held_back';

/** One entry of the check log. */
export interface CheckEntry {
  id: number;
  articleId: number;
  checkedAt: string;
  outcome: CheckOutcome;
  httpStatus: number | null;
  error: string | null;
  durationMs: number | null;
}

/** A version joined with its article, for the "latest changes" listings and global feeds. */
export interface Change extends VersionSummary {
  articleUrl: string;
  articleTitle: string | null;
}

/** Filters for listing articles. */
export interface ArticleQuery {
  sourceId?: number;
  changedSince?: string;
  minVersions?: number;
  /** Substring of the URL or the current title (LIKE). */
  search?: string;
  /**
   * A full-text query (`parseSearch` of src/store/search-terms.ts) over every version's title and text; with
   * `search`, an article matching either is listed.
   */
  textSearch?: SearchTerms;
  /** true: only articles with a version whose stats say the headline changed; false: only the others. */
  headlineChanged?: boolean;
  /** Keyset cursor: only articles with id below this. */
  beforeId?: number;
  limit: number;
}

/** HTTP validators and the last body's hash, remembered for conditional requests. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
  bodySha256: string | null;
}

/** Fields of a version to insert; `number` is assigned by the store. */
export interface NewVersion {
  articleId: number;
  title: string;
  byline: string | null;
  publishedAt: string | null;
  text: string;
  contentHash: string;
  capturedAt: string;
  responseId: number | null;
  extractorVersion: string;
  wordsAdded: number;
  wordsRemoved: number;
  stats: object | null;
  metadata: object;
  /** Defaults to 'initial' for a first version and 'substantive' otherwise. */
  changeKind?: ChangeKind;
  minorReason?: string | null;
}

/** Filters for the latest changes across articles. */
export interface ChangeQuery {
  sourceId?: number;
  articleId?: number;
  /** Only versions after the first (real changes, not first captures). */
  changesOnly: boolean;
  /** Include minor versions (punctuation, timestamps, counters); default false. */
  includeMinor?: boolean;
  limit: number;
  /** Keyset cursor: only versions with id below this. */
  beforeId?: number;
}

/** New content for an existing version (re-extraction). */
export interface VersionContentUpdate {
  title: string;
  byline: string | null;
  publishedAt: string | null;
  text: string;
  contentHash: string;
  extractorVersion: string;
  wordsAdded: number;
  wordsRemoved: number;
  stats: object | null;
  metadata: object;
  changeKind: ChangeKind;
  minorReason: string | null;
}

/** A response to store; the body is the document bytes (content-encoding undone). */
export type NewResponse = Omit<StoredResponse, 'id' | 'bodyLength' | 'bodySha256'>;

/**
 * A version's stored diff result (table version_diffs): what the feeds need of its diff to its predecessor, as an
 * opaque compressed payload whose layout `formatVersion` names (src/precompute/version-result.ts reads it).
 */
export interface StoredVersionDiff {
  versionId: number;
  formatVersion: number;
  payload: Buffer;
}

/** The filters of a site-wide or source feed's head (see Store.getFeedHead). */
export interface FeedHeadQuery { sourceId?: number; changesOnly: boolean; includeMinor?: boolean }

/** The newest entry of a feed: its newest version id and newest capture time (null when the feed is empty). */
export interface FeedHead {
  maxVersionId: number | null;
  newestCapturedAt: string | null;
}

/** What a feed is built from, cheaply: the newest version id, how many versions, the newest capture time. */
export interface FeedState {
  maxVersionId: number | null;
  count: number;
  newestCapturedAt: string | null;
}

/** A tracked article in the home page's list. */
export interface RecentArticle {
  id: number;
  url: string;
  title: string | null;
  status: string;
  versionCount: number;
  firstSeen: string;
  lastChanged: string | null;
}

/** How a source finds articles ('manual' is reserved for articles tracked by hand). */
export type SourceKind = 'manual' | 'feed' | 'sitemap' | 'page';

/** One source. `config` is the stored JSON, validated by src/sources when used. Times are ISO 8601. */
export interface Source {
  id: number;
  slug: string;
  name: string;
  kind: SourceKind;
  config: unknown;
  createdAt: string;
  lastPolled: string | null;
  nextPoll: string | null;
  pollCount: number;
  errorCount: number;
  lastError: string | null;
}

/** Fields of a new or updated source. */
export interface SourceInput {
  slug: string;
  name: string;
  kind: SourceKind;
  config: unknown;
}

/** What polling remembers about one URL of a source. */
export interface SourceUrlState {
  etag: string | null;
  lastModified: string | null;
  lastFetched: string | null;
  lastStatus: number | null;
  /** Child sitemaps the document listed when it was last parsed (sitemap indexes). */
  children: string[];
}

/** A source with the figures the /sources page and API show. */
export interface SourceSummary extends Source {
  articleCount: number;
  /** New articles per UTC day over the last `days` days, oldest first, zero-filled. */
  newPerDay: Array<{ day: string; count: number }>;
}

/** How the grouped listings (home page, /articles) are ordered. */
export type ActivitySort = 'newest' | 'biggest' | 'versions' | 'changes';

/**
 * Filters and order of the grouped listings: one row per article, made of the article's changes (versions after the
 * first) that pass the change filters. Without a change filter and with `changedOnly` false, every article is listed
 * (those without a matching change too).
 */
export interface ActivityQuery {
  sourceId?: number;
  /** Only changes captured at or after this ISO time. */
  from?: string;
  /** Only changes captured before this ISO time. */
  to?: string;
  /** Only changes whose headline differs from the previous version's. */
  headlineChanged?: boolean;
  /** Only changes of at least this many words (added + removed). */
  minWords?: number;
  /** Count minor changes (punctuation, timestamps, counters) too; default false. */
  includeMinor?: boolean;
  /** Only articles with at least one matching change (always so when a change filter is set). */
  changedOnly: boolean;
  /** ISO time from which a change counts as "today" (changesToday). */
  todayFrom: string;
  sort: ActivitySort;
  limit: number;
  offset: number;
}

/** One article of a grouped listing with the figures of its matching changes (zeros and nulls when it has none). */
export interface ArticleActivity {
  id: number;
  url: string;
  title: string | null;
  sourceId: number | null;
  status: ArticleStatus;
  versionCount: number;
  firstSeen: string;
  lastChanged: string | null;
  /** Matching changes. */
  changes: number;
  /** Matching changes captured at or after `todayFrom`. */
  changesToday: number;
  /** Matching changes whose headline differs from the previous version's. */
  headlineChanges: number;
  /** The newest matching change: its version number, time, words, headline, the previous version's headline, its kind. */
  latest: {
    number: number; capturedAt: string; wordsAdded: number; wordsRemoved: number; title: string; previousTitle: string;
    changeKind: ChangeKind; minorReason: string | null;
  } | null;
  /** The matching change with the most words added + removed (the newer one on a tie). */
  biggest: { number: number; words: number } | null;
  /** The newest matching change that changed the headline: its version number, the headline before and after. */
  lastHeadlineChange: { number: number; from: string; to: string } | null;
}

/** Versions captured on one UTC day ("YYYY-MM-DD"). */
export interface DayCount {
  day: string;
  count: number;
}

/** A version's size: characters of its text, for the length-over-time line. */
export interface VersionLength {
  number: number;
  chars: number;
}

/** What happened to an article that was live: it answers 404/410, redirects elsewhere, or answers normally again. */
export type ArticleEventKind = 'absent' | 'returned' | 'redirected';

/**
 * One transition of an article (table article_events): `detail` is `{status}` for 'absent', `{location}` for
 * 'redirected', `{status}` for 'returned'. `at` is the check's ISO time.
 */
export interface ArticleEvent {
  id: number;
  articleId: number;
  kind: ArticleEventKind;
  at: string;
  detail: Record<string, unknown>;
}

/** One later sighting of an existing version's content (an alternating article: A/B test, CDN variant). */
export interface VersionSighting {
  id: number;
  articleId: number;
  versionId: number;
  /** The sighted version's number. */
  versionNumber: number;
  seenAt: string;
}

/** The sightings of one version taken together: how many and when the first and last were. */
export interface SightingSummary {
  versionId: number;
  versionNumber: number;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** A version flagged as carrying a correction or update notice in its added text, with the notice found. */
export interface VersionCorrection {
  versionId: number;
  versionNumber: number;
  notice: string;
}

export type { CaptureHealthCounts, CaptureHealthKind, HeldCapture, NewCaptureHealth, SourceHealthEvent, SourceHealthState } from './health-types.js';
