/** Row shapes returned by the storage layer (camelCase views of the tables in migrations/). */

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
export type CheckOutcome = 'new_version' | 'unchanged' | 'not_modified' | 'error' | 'blocked' | 'flipflop' | 'rejected';

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
