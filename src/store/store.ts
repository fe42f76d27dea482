/**
 * The one storage interface of Palimpsest. Every part above the store (web, feeds, API, exports, import, tracker,
 * scheduler, sources, metrics) talks to a `Store` and never learns which backend is behind it: SQLite
 * (better-sqlite3, WAL; the embedded default, one machine) or PostgreSQL (shared by any number of processes on any
 * number of hosts). Dialect differences stay in src/store/sqlite and src/store/postgres.
 *
 * Every method is asynchronous. Inside `transaction(fn)`, use the `tx` store given to `fn` for every query of the
 * transaction: on SQLite the outer store waits for the transaction to finish, so calling it from inside would never
 * return.
 */
import type { ExportSelection, ArticleRow, CheckRow, NewArticleRow, NewSourceRow, NewVersionRow, ResponseHead, ResponseRow, SourceRow, VersionRow } from './export-types.js';
import type { SearchHit, SearchQuery } from './search-terms.js';
import type { PreparedBody } from './body-codec.js';
import type { DeltaBase } from './delta-codec.js';
import type { CompactKind, CompactStep, LegacyCounts, StoredBytes } from './delta-store.js';
import type { NotifyStore } from './notify-types.js';
import type { NewRenderedPage, NewScreenshot, ScreenshotInfo, StoredRenderedPage } from './render-types.js';
import type { CaptureHealthCounts, CaptureHealthKind, HeldCapture, NewCaptureHealth, SourceHealthEvent, SourceHealthState } from './health-types.js';
import type {
  ActivityQuery, ArticleActivity, DayCount, VersionLength,
  Article, ArticleQuery, ArticleStatus, Change, ChangeQuery, CheckEntry, CheckOutcome, FeedHead, FeedHeadQuery, FeedState, NewResponse, NewVersion, RecentArticle, StoredVersionDiff,
  Source, SourceInput, SourceSummary, SourceUrlState, StoredResponse, Validators, Version, VersionContentUpdate, VersionSummary,
} from './types.js';
import type { ArticleEvent, ArticleEventKind, SightingSummary, VersionCorrection, VersionSighting } from './types.js';

/** Which backend a store is; for messages and diagnostics only (callers never branch on it). */
export type Backend = 'sqlite' | 'postgres';

/** Claiming due work: who claims, until when the claim holds. */
export interface ClaimRequest {
  /** ISO time: work due at or before it is claimed. */
  now: string;
  limit: number;
  /** Who claims (a worker id: host, pid and a random part). */
  owner: string;
  /** How long the claim holds unless renewed; after it, another worker may take the work. */
  leaseS: number;
}

/** A fleet-wide request slot for one host (politeness across every process sharing the database). */
export interface HostSlotRequest {
  host: string;
  owner: string;
  /** Requests open to the host at once across the fleet. */
  limit: number;
  /** Least time between the starts of two requests to the host, across the fleet (robots.txt Crawl-delay raises it). */
  delayMs: number;
  /** A slot not released within this time (a dead worker) is free again. */
  holdS: number;
}

/** The answer to a host slot request: a slot to release after the request, or how long to wait before asking again. */
export type HostSlot = { granted: true; id: string } | { granted: false; waitMs: number; deferredUntil: string | null };

/** A lock that only one process of the fleet holds at a time (leader work: backlog spreading, housekeeping). */
export interface SingletonLock {
  /** Whether the lock is still held (false once the connection that held it is gone). */
  held(): Promise<boolean>;
  release(): Promise<void>;
}

/** A host that asked to be left alone (Retry-After), as recorded by deferHost. */
export interface DeferredHost {
  host: string;
  /** ISO time until which nobody fetches from it. */
  until: string;
  /** Why (e.g. "Retry-After"). */
  reason: string;
}

/** One problem found by a consistency check, in words. */
export type ConsistencyProblem = string;

/** The storage interface (see the module comment); the notification methods are in notify-types.ts. */
export interface Store extends NotifyStore {
  /** Which backend this is. */
  readonly backend: Backend;
  /** Where the data is, for messages: a file path, or a PostgreSQL URL without its password. */
  readonly location: string;
  /** Closes the connection(s); pending transactions are rolled back. */
  close(): Promise<void>;
  /**
   * Runs `fn` in a transaction that holds the write lock from the start (SQLite BEGIN IMMEDIATE; PostgreSQL BEGIN),
   * committing when it resolves and rolling back when it throws. Called on a transaction's `tx`, it nests as a
   * savepoint: a throw undoes only the nested part.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  // --- schema ---------------------------------------------------------------------------------------------------
  /** The schema version recorded in the database (0 for an empty one). */
  schemaVersion(): Promise<number>;
  /** Applies the pending migrations, each in its own transaction recording the version; returns those applied. */
  migrate(): Promise<number[]>;
  /** Runs a trivial query; throws if the database does not answer. Returns the number of articles. */
  ping(): Promise<{ articles: number }>;
  /** Problems in the stored data (version numbering, counters, references, search index); empty when consistent. */
  checkConsistency(): Promise<ConsistencyProblem[]>;

  // --- articles -------------------------------------------------------------------------------------------------
  /** Inserts an article if its URL is new. Returns the article and whether it was created. */
  insertArticle(url: string, now: string, sourceId?: number | null): Promise<{ article: Article; created: boolean }>;
  /** The article with this id, or null. */
  getArticle(id: number): Promise<Article | null>;
  /** The article with this exact URL, or null. */
  getArticleByUrl(url: string): Promise<Article | null>;
  /** Articles to check whose next check is at or before `now`, earliest first, leased or not. */
  listDueArticles(now: string, limit: number): Promise<Article[]>;
  /** Number of articles due at `now`. */
  countDueArticles(now: string): Promise<number>;
  /** Every article, in id order. */
  listAllArticles(): Promise<Article[]>;
  /** Articles matching the filters, newest id first (stable keyset order). */
  queryArticles(q: ArticleQuery): Promise<Article[]>;
  /** Records a check that found no new version (unchanged or 304), sets the next check and frees the lease. */
  recordUnchanged(id: number, now: string, nextCheck: string, intervalS: number, validators: Validators): Promise<void>;
  /** Records a check that stored a new version and frees the lease. */
  recordChanged(id: number, now: string, title: string, nextCheck: string, intervalS: number, validators: Validators): Promise<void>;
  /** Records a failed check (error counts, message, next attempt, status) and frees the lease. */
  recordError(id: number, now: string, message: string, nextCheck: string, status: ArticleStatus): Promise<void>;
  /**
   * Records a check that did not happen because the article's host asked to be left alone (Retry-After): the
   * message (as the last error, at `now`) and the next check, and frees the lease. Check and error counts and the
   * status stay as they were: a deferral is not a failure of the article and never pauses it.
   */
  recordDeferred(id: number, now: string, message: string, nextCheck: string): Promise<void>;
  /** Sets an article's status. */
  setArticleStatus(id: number, status: ArticleStatus): Promise<void>;
  /** Sets an article's next check (now, to check it on demand). */
  setNextCheck(id: number, nextCheck: string): Promise<void>;
  /** Recomputes version_count, title and last_changed from the versions (after re-extraction or import). */
  refreshArticleSummary(id: number): Promise<void>;
  /** Counts of articles by status. */
  countArticlesByStatus(): Promise<Record<string, number>>;
  /** Changes an article's URL (to its canonical form); false when another article already has that URL. */
  setArticleUrl(id: number, url: string): Promise<boolean>;
  /**
   * Inside a transaction: locks the article's row until the transaction ends, so that two writers deciding on a
   * capture of the same article take turns (a no-op where the transaction already excludes other writers).
   */
  lockArticle(id: number): Promise<void>;

  // --- claiming work (any number of workers) ------------------------------------------------------------------
  /**
   * Claims up to `limit` due articles that nobody holds (or whose lease ran out), earliest due first, and leases
   * them to `owner`. Two workers never get the same article while its lease holds.
   */
  claimDueArticles(c: ClaimRequest): Promise<Article[]>;
  /** Extends `owner`'s leases on these articles (a long check keeps its claim). */
  renewArticleLeases(owner: string, ids: readonly number[], leaseS: number): Promise<void>;
  /** Frees `owner`'s lease on an article without recording a check (shutdown). */
  releaseArticleLease(owner: string, id: number): Promise<void>;
  /** Claims up to `limit` due sources (other than 'manual') that nobody holds, most overdue first. */
  claimDueSources(c: ClaimRequest): Promise<Source[]>;
  /** Frees `owner`'s lease on a source. */
  releaseSourceLease(owner: string, id: number): Promise<void>;
  /**
   * Tries to take the fleet-wide lock `name` for this process (PostgreSQL: an advisory lock on a connection of its
   * own, released when the process dies). Null when another process holds it.
   */
  tryLock(name: string, owner: string): Promise<SingletonLock | null>;
  /** Takes a request slot for a host, fleet-wide, or says how long to wait. */
  acquireHostSlot(r: HostSlotRequest): Promise<HostSlot>;
  /** Frees a host slot. */
  releaseHostSlot(id: string): Promise<void>;
  /** Leaves a host alone until `until` (ISO time; Retry-After), fleet-wide. */
  deferHost(host: string, until: string, reason: string): Promise<void>;
  /**
   * Hosts deferred now (deferHost with a time still ahead), longest deferral first: for `palimpsest doctor`. On
   * PostgreSQL by the database's clock, fleet-wide; on SQLite as recorded by the process that fetches.
   */
  listDeferredHosts(): Promise<DeferredHost[]>;
  /** Records a host's robots.txt Crawl-delay (milliseconds), fleet-wide. */
  setHostCrawlDelay(host: string, delayMs: number): Promise<void>;
  /** Ids of the articles due at `now`, in claim order, without a limit (a backlog after downtime). */
  listOverdueArticleIds(now: string): Promise<number[]>;
  /**
   * Sets the next check of many articles in one transaction; with `ifDueBy`, only of those still due by then (an
   * article checked meanwhile keeps the next check its check gave it).
   */
  rescheduleArticles(moves: ReadonlyArray<{ id: number; nextCheck: string }>, ifDueBy?: string): Promise<void>;

  // --- versions -------------------------------------------------------------------------------------------------
  /** Inserts the next version of an article (number = last + 1) and returns it. */
  insertVersion(v: NewVersion): Promise<Version>;
  /** Version `number` of an article, with its text, or null. */
  getVersion(articleId: number, number: number): Promise<Version | null>;
  /** The newest version of an article, with its text, or null. */
  getLatestVersion(articleId: number): Promise<Version | null>;
  /** All versions of an article without their texts, oldest first. */
  listVersionSummaries(articleId: number): Promise<VersionSummary[]>;
  /** All versions of an article with their texts, oldest first. */
  listVersions(articleId: number): Promise<Version[]>;
  /** Versions joined with their articles, newest first. */
  listChanges(q: ChangeQuery): Promise<Change[]>;
  /** Total number of versions stored. */
  countVersions(): Promise<number>;
  /** The lowest version number of an article with this content hash, or null. */
  firstVersionWithHash(articleId: number, contentHash: string): Promise<number | null>;
  /** Replaces a version's derived content (re-extraction). */
  updateVersionContent(id: number, u: VersionContentUpdate): Promise<void>;
  /** Deletes one version (its response is deleted separately). */
  deleteVersion(id: number): Promise<void>;
  /** Sets a version's number (renumber in two passes to respect UNIQUE(article_id, number)). */
  setVersionNumber(id: number, number: number): Promise<void>;

  // --- responses and the check log ------------------------------------------------------------------------------
  /**
   * Stores a captured response and returns its id. The body is stored as a delta against the article's newest body;
   * `prepared` is that encoding when already computed (encodeBody of body-codec.ts against bodyBase's answer).
   */
  insertResponse(r: NewResponse, prepared?: PreparedBody): Promise<number>;
  /** The article's newest body, decoded, with its id and chain depth: what its next body is encoded against. */
  bodyBase(articleId: number): Promise<DeltaBase | null>;
  /** The stored response with this id, body decompressed, or null. */
  getResponse(id: number): Promise<StoredResponse | null>;
  /** Deletes a stored response. */
  deleteResponse(id: number): Promise<void>;
  /** Stores the rendered HTML of a version (a page rendered in a browser), replacing any earlier one. */
  insertRenderedPage(r: NewRenderedPage): Promise<void>;
  /** The rendered page of a version, HTML decompressed, or null when it was fetched without a browser. */
  getRenderedPage(versionId: number): Promise<StoredRenderedPage | null>;
  /** Stores the screenshot of a version, replacing any earlier one. */
  insertScreenshot(s: NewScreenshot): Promise<void>;
  /** The screenshot of a version with its bytes, or null. */
  getScreenshot(versionId: number): Promise<NewScreenshot | null>;
  /** What is known of a version's screenshot without its bytes, or null when it has none. */
  getScreenshotInfo(versionId: number): Promise<ScreenshotInfo | null>;
  /** Appends one check to the log. */
  insertCheck(articleId: number, checkedAt: string, outcome: CheckOutcome, httpStatus: number | null, error: string | null,
    durationMs: number | null, contentHash?: string | null): Promise<void>;
  /** The most recent checks of an article, newest first. */
  listChecks(articleId: number, limit: number): Promise<CheckEntry[]>;

  // --- web ------------------------------------------------------------------------------------------------------
  /** The feed validators' inputs for one article, one source's articles, or all. */
  getFeedState(q: { articleId?: number; sourceId?: number; changesOnly: boolean; includeMinor?: boolean }): Promise<FeedState>;
  /** Tracked articles, most recently changed (or, if never captured, added) first. */
  listRecentArticles(limit: number): Promise<RecentArticle[]>;
  /**
   * The newest version id and capture time of the versions of all articles (or of one source's) that pass the
   * filters: a few index steps at any size, where getFeedState's count reads every matching version.
   */
  getFeedHead(q: FeedHeadQuery): Promise<FeedHead>;
  /**
   * A token that changes whenever anything is written to the database, by this process or another, and stays equal
   * while nothing is: the web layer keeps rendered pages under it. One cheap read, whatever the archive's size.
   */
  getWriteStamp(): Promise<string>;
  /** The stored diff results of these versions (any format version; versions without one are left out). */
  getVersionDiffs(versionIds: readonly number[]): Promise<StoredVersionDiff[]>;
  /**
   * Writes (or replaces) a version's stored diff result. `signal`: move the sequence number of getVersionDiffsSeq,
   * for a result that replaces what readers may have cached (re-extraction); false for one computed for content that
   * did not change or is new (a first fill, a capture, an import), so that caches and validators stay.
   */
  putVersionDiff(d: StoredVersionDiff, signal?: boolean): Promise<void>;
  /**
   * A number that grows whenever stored diff results are made stale (updateVersionContent and deleteVersion make
   * stale those of the version and of the one after it) or replaced with `signal`: caches built from them compare it.
   */
  getVersionDiffsSeq(): Promise<number>;
  /** Full-text search over every version: one hit per article, newest matching version first. */
  searchVersions(q: SearchQuery): Promise<SearchHit[]>;
  /** Checks that the search index matches the versions (reads every text: for doctor); throws when it does not. */
  checkSearchIndex(): Promise<void>;
  /** Rebuilds the search index from the versions' texts. */
  rebuildSearchIndex(): Promise<void>;
  /** The search index's size: its rows (versions that brought text) and the words (positions) it indexes. */
  searchIndexSize(): Promise<{ rows: number; words: number }>;
  /** One row per article with the figures of its changes that pass the filters, in the asked order (offset paging). */
  listArticleActivity(q: ActivityQuery): Promise<ArticleActivity[]>;
  /** Changes (versions after the first) per UTC day captured in [from, to), days without any left out, oldest first. */
  countChangesPerDay(q: { sourceId?: number; from: string; to: string; includeMinor?: boolean }): Promise<DayCount[]>;
  /** The text length of every version of an article, oldest first. */
  listVersionLengths(articleId: number): Promise<VersionLength[]>;

  // --- sources --------------------------------------------------------------------------------------------------
  /** Inserts a source, due for polling at `now`; throws when the slug is taken. */
  insertSource(input: SourceInput, now: string): Promise<Source>;
  /** Replaces a source's name, kind and configuration (poll history is kept). */
  updateSource(id: number, input: Omit<SourceInput, 'slug'>): Promise<void>;
  /** The source with this id, or null. */
  getSource(id: number): Promise<Source | null>;
  /** The source with this slug, or null. */
  getSourceBySlug(slug: string): Promise<Source | null>;
  /** Every source, by slug. */
  listSources(): Promise<Source[]>;
  /** Sources (other than 'manual') due at `now` (or never polled), most overdue first. */
  listDueSources(now: string, limit: number): Promise<Source[]>;
  /** Deletes a source; its articles stay tracked without a source. */
  deleteSource(id: number): Promise<boolean>;
  /** Makes a source due at `nextPoll`. */
  setSourceNextPoll(id: number, nextPoll: string): Promise<void>;
  /** Records a finished poll (error null: a clean poll) and frees the source's lease. */
  recordSourcePoll(id: number, now: string, nextPoll: string, error: string | null): Promise<void>;
  /** Number of articles a source brought in. */
  countSourceArticles(id: number): Promise<number>;
  /** The remembered state of a source URL, or null. */
  getSourceUrlState(sourceId: number, url: string): Promise<SourceUrlState | null>;
  /** Stores the state of a source URL. */
  saveSourceUrlState(sourceId: number, url: string, s: SourceUrlState): Promise<void>;
  /** Forgets the URL states of a source except those in `keep`. */
  pruneSourceUrls(sourceId: number, keep: readonly string[]): Promise<void>;
  /** Every source with its article count and new articles per UTC day over `days` days ending with `now`. */
  listSourceSummaries(now: Date, days?: number): Promise<SourceSummary[]>;
  /** A page of sources in slug order after `afterSlug`, with their summaries. */
  listSourceSummariesPage(now: Date, q: { afterSlug?: string; limit: number }, days?: number): Promise<SourceSummary[]>;
  /** One source's summary by slug, or null. */
  getSourceSummary(slug: string, now: Date, days?: number): Promise<SourceSummary | null>;

  // --- extraction health per source (src/health) ------------------------------------------------------------------
  /** Records one capture as the health monitor judged it (returns its id), and prunes the source's unheld judgements before `pruneBefore`. */
  insertCaptureHealth(c: NewCaptureHealth, pruneBefore: string): Promise<number>;
  /** Marks a judged capture held back, its raw response kept as `responseId`. */
  holdCapture(id: number, responseId: number): Promise<void>;
  /** The source's judged captures with `from` <= time < `to`, counted by kind. */
  countCaptureHealth(sourceId: number, from: string, to: string): Promise<CaptureHealthCounts>;
  /** The kinds of the source's newest `limit` judged captures at or after `since`, newest first. */
  listRecentCaptureKinds(sourceId: number, since: string, limit: number): Promise<CaptureHealthKind[]>;
  /** An article's held-back captures that still have their raw response, oldest first. */
  listHeldCaptures(articleId: number): Promise<HeldCapture[]>;
  /** Marks a held-back capture as dealt with and judged anew as `kind` (a re-extraction made it a version, or found nothing new). */
  releaseHeldCapture(id: number, kind: CaptureHealthKind): Promise<void>;
  /** Held-back captures waiting for a re-extraction, per source slug. */
  countHeldCaptures(): Promise<Array<{ sourceSlug: string; count: number }>>;
  /** Marks a source degraded and records a 'degraded' event; null (nothing written) when it already was. */
  setSourceDegraded(sourceId: number, at: string, reason: string): Promise<SourceHealthEvent | null>;
  /** Clears a source's degraded state and records a 'recovered' event; null (nothing written) when it was not degraded. */
  clearSourceDegraded(sourceId: number, at: string, reason: string): Promise<SourceHealthEvent | null>;
  /** The source's degraded state, or null when it is healthy. */
  getSourceHealthState(sourceId: number): Promise<SourceHealthState | null>;
  /** Every degraded source, by slug. */
  listDegradedSources(): Promise<SourceHealthState[]>;
  /** The source's newest `limit` health events, newest first. */
  listSourceHealthEvents(sourceId: number, limit: number): Promise<SourceHealthEvent[]>;
  /** Health events of all sources with id above `afterId`, ascending id, at most `limit` (notifications read these). */
  listSourceHealthEventsAfter(afterId: number, limit: number): Promise<SourceHealthEvent[]>;

  // --- export and import ----------------------------------------------------------------------------------------
  /** Number of articles and versions an export covers. */
  countExport(s: ExportSelection): Promise<{ articles: number; versions: number }>;
  /** Up to `limit` articles of the selection with id above `afterId`, in id order. */
  listArticlesPage(s: ExportSelection, afterId: number, limit: number): Promise<ArticleRow[]>;
  /** The sources an export carries. */
  listSourcesForExport(s: ExportSelection): Promise<SourceRow[]>;
  /** The id of the source with this slug, or null. */
  findSourceId(slug: string): Promise<number | null>;
  /** Up to `limit` versions of an article with number above `afterNumber`, texts included, oldest first. */
  listVersionsPage(articleId: number, afterNumber: number, limit: number): Promise<VersionRow[]>;
  /** Ids of every response of an article, in id order. */
  listResponseIds(articleId: number): Promise<number[]>;
  /** One response row with its stored (compressed) body, or null. */
  getResponseRow(id: number): Promise<ResponseRow | null>;
  /** A response's URL, time and body hash, or null. */
  getResponseHead(id: number): Promise<ResponseHead | null>;
  /** Up to `limit` checks of an article with id above `afterId`, oldest first. */
  listChecksPage(articleId: number, afterId: number, limit: number): Promise<CheckRow[]>;
  /** Inserts a source row as given; returns its id. */
  insertSourceRow(s: NewSourceRow): Promise<number>;
  /** Inserts an article row as given (fails on a duplicate URL); returns its id. */
  insertArticleRow(a: NewArticleRow): Promise<number>;
  /** True when an article with this exact URL exists. */
  articleUrlExists(url: string): Promise<boolean>;
  /** Inserts a version with an explicit number. */
  insertVersionRow(v: NewVersionRow): Promise<void>;

  // --- storage format (delta-compressed bodies and texts; `palimpsest compact`) -------------------------------------
  /** How many bodies and texts are still in the form written before delta storage (gzip bodies, plain texts). */
  countLegacyRows(): Promise<LegacyCounts>;
  /**
   * Converts up to `limit` such rows of one kind (lowest ids first) to delta storage in one transaction, so that it
   * can run beside other processes; readers see every row readable before, during and after.
   */
  compactBatch(kind: CompactKind, limit: number): Promise<CompactStep>;
  /** Stored bytes of bodies and texts. */
  storedBytes(): Promise<StoredBytes>;
  /** Gives the space of deleted or rewritten rows back (SQLite: VACUUM, which rewrites the file; PostgreSQL: VACUUM). */
  reclaimSpace(): Promise<void>;

  // --- article events, variants, corrections (issue 15.2, 15.3) ----------------------------------------------
  /** Appends an event (absent, redirected, returned) of an article and returns it. */
  insertArticleEvent(articleId: number, kind: ArticleEventKind, at: string, detail: Record<string, unknown>): Promise<ArticleEvent>;
  /** The newest event of an article, or null (none: it has always answered normally). */
  getLastArticleEvent(articleId: number): Promise<ArticleEvent | null>;
  /** Every event of an article, oldest first. */
  listArticleEvents(articleId: number): Promise<ArticleEvent[]>;
  /** Up to `limit` events of any article with id above `afterId`, ascending id (notifications read them in turn). */
  listArticleEventsAfter(afterId: number, limit: number): Promise<ArticleEvent[]>;
  /** Records that a version's content was seen again (a variant of an alternating article) at `seenAt`. */
  insertVersionSighting(articleId: number, versionId: number, seenAt: string): Promise<void>;
  /** True when the article has any sighting, that is, it alternates between variants. */
  hasVersionSightings(articleId: number): Promise<boolean>;
  /** Every sighting of an article's versions, in id order (exports). */
  listVersionSightings(articleId: number): Promise<VersionSighting[]>;
  /** Per sighted version of an article: the number of sightings, the first and the last; by version number. */
  summariseVersionSightings(articleId: number): Promise<SightingSummary[]>;
  /** Per source (null: no source), the number of articles with variants. */
  countVariantArticlesBySource(): Promise<Array<{ sourceId: number | null; articles: number }>>;
  /** Flags a version as carrying a correction notice (replaces an earlier flag). */
  setVersionCorrection(versionId: number, articleId: number, notice: string): Promise<void>;
  /** Removes a version's correction flag. */
  clearVersionCorrection(versionId: number): Promise<void>;
  /** The flagged versions of an article, by number. */
  listVersionCorrections(articleId: number): Promise<VersionCorrection[]>;
  /** The flags of the given versions; versions without one are left out. */
  listCorrectionsOf(versionIds: readonly number[]): Promise<VersionCorrection[]>;
}
