/**
 * The SQLite backend of the Store interface: one better-sqlite3 connection (WAL), the query functions of this
 * folder behind asynchronous methods.
 *
 * better-sqlite3 is synchronous and a connection has one transaction at a time, while a Store transaction spans
 * awaits (compressing a body, say). So a transaction holds a gate: other callers of the same store wait at the gate
 * until it commits, instead of slipping their statements into it. Transactions BEGIN IMMEDIATE: they take SQLite's
 * write lock at the start, so a writer in another process makes them wait (busy_timeout) rather than fail halfway.
 */
import type { Db } from './db.js';
import { migrate, openDb, schemaVersion, type OpenOptions } from './db.js';
import * as articles from './articles.js';
import * as versions from './versions.js';
import * as responses from './responses.js';
import * as delta from './delta.js';
import type { PreparedBody } from '../body-codec.js';
import type { CompactKind } from '../delta-store.js';
import * as renders from './renders.js';
import * as checks from './checks.js';
import * as web from './web-queries.js';
import * as sources from './sources.js';
import * as exp from './export-queries.js';
import * as sched from './scheduler-queries.js';
import * as search from './search.js';
import * as searchQuery from './search-query.js';
import * as claims from './claims.js';
import * as hosts from './hosts.js';
import * as listings from './listings.js';
import * as notify from './notify.js';
import * as health from './health.js';
import * as ev from './article-events.js';
import * as vdiffs from './version-diffs.js';
import * as feedHead from './feed-head.js';
import { checkConsistency } from './consistency.js';
import type { Backend, ClaimRequest, HostSlot, HostSlotRequest, SingletonLock, Store } from '../store.js';
import type { ActivityQuery, ArticleQuery, ArticleStatus, ChangeQuery, CheckOutcome, NewResponse, NewVersion, SourceInput, SourceUrlState, StoredVersionDiff, FeedHeadQuery, Validators, VersionContentUpdate } from '../types.js';
import type { ArticleEventKind } from '../types.js';
import type { ExportSelection, NewArticleRow, NewSourceRow, NewVersionRow } from '../export-types.js';
import type { SearchQuery } from '../search-terms.js';
import type { AttemptResult, DeliveryClaim, NewDelivery, NewSubscription, NotifyStream } from '../notify-types.js';
import type { NewRenderedPage, NewScreenshot } from '../render-types.js';
import type { CaptureHealthKind, NewCaptureHealth } from '../health-types.js';

/** An async mutex: one transaction at a time; everyone else queues. */
class Gate {
  private tail: Promise<void> = Promise.resolve();
  busy = false;

  /** Resolves with a release function once the gate is ours. */
  async acquire(): Promise<() => void> {
    const prev = this.tail;
    let open!: () => void;
    this.tail = new Promise<void>((r) => { open = r; });
    await prev;
    this.busy = true;
    return () => {
      this.busy = false;
      open();
    };
  }

  /** Resolves when no transaction holds the gate (one may start right after). */
  async idle(): Promise<void> {
    while (this.busy) await this.tail;
  }
}

/** The SQLite store (see the module comment). */
export class SqliteStore implements Store {
  readonly backend: Backend = 'sqlite';

  constructor(
    private readonly db: Db,
    readonly location: string,
    private readonly gate: Gate = new Gate(),
    private readonly depth = 0,
  ) {}

  /** Runs a synchronous query, after any running transaction unless this is that transaction's store. */
  private run<T>(f: (db: Db) => T): Promise<T> {
    if (this.depth === 0 && this.gate.busy) return this.gate.idle().then(() => this.run(f));
    try {
      return Promise.resolve(f(this.db));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  async close(): Promise<void> {
    if (this.depth > 0) throw new Error('store: close() called on a transaction');
    await this.gate.idle();
    if (this.db.open) this.db.close();
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.depth > 0) {
      const name = `sp_${this.depth}`;
      this.db.exec(`SAVEPOINT ${name}`);
      try {
        const r = await fn(new SqliteStore(this.db, this.location, this.gate, this.depth + 1));
        this.db.exec(`RELEASE ${name}`);
        return r;
      } catch (err) {
        this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
        throw err;
      }
    }
    const release = await this.gate.acquire();
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const r = await fn(new SqliteStore(this.db, this.location, this.gate, 1));
        this.db.exec('COMMIT');
        return r;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      release();
    }
  }

  schemaVersion() { return this.run((db) => schemaVersion(db)); }
  migrate() { return this.run((db) => migrate(db)); }
  ping() { return this.run((db) => web.pingDb(db)); }
  checkConsistency() { return this.run((db) => checkConsistency(db)); }

  insertArticle(url: string, now: string, sourceId: number | null = null) { return this.run((db) => articles.insertArticle(db, url, now, sourceId)); }
  getArticle(id: number) { return this.run((db) => articles.getArticle(db, id)); }
  getArticleByUrl(url: string) { return this.run((db) => articles.getArticleByUrl(db, url)); }
  listDueArticles(now: string, limit: number) { return this.run((db) => articles.listDueArticles(db, now, limit)); }
  countDueArticles(now: string) { return this.run((db) => articles.countDueArticles(db, now)); }
  listAllArticles() { return this.run((db) => articles.listAllArticles(db)); }
  queryArticles(q: ArticleQuery) { return this.run((db) => articles.queryArticles(db, q)); }
  recordUnchanged(id: number, now: string, nextCheck: string, intervalS: number, v: Validators) {
    return this.run((db) => articles.recordUnchanged(db, id, now, nextCheck, intervalS, v));
  }
  recordChanged(id: number, now: string, title: string, nextCheck: string, intervalS: number, v: Validators) {
    return this.run((db) => articles.recordChanged(db, id, now, title, nextCheck, intervalS, v));
  }
  recordError(id: number, now: string, message: string, nextCheck: string, status: ArticleStatus) {
    return this.run((db) => articles.recordError(db, id, now, message, nextCheck, status));
  }
  recordDeferred(id: number, now: string, message: string, nextCheck: string) {
    return this.run((db) => articles.recordDeferred(db, id, now, message, nextCheck));
  }
  setArticleStatus(id: number, status: ArticleStatus) { return this.run((db) => articles.setArticleStatus(db, id, status)); }
  setNextCheck(id: number, nextCheck: string) { return this.run((db) => articles.setNextCheck(db, id, nextCheck)); }
  refreshArticleSummary(id: number) { return this.run((db) => articles.refreshArticleSummary(db, id)); }
  countArticlesByStatus() { return this.run((db) => articles.countArticlesByStatus(db)); }
  setArticleUrl(id: number, url: string) { return this.run((db) => articles.setArticleUrl(db, id, url)); }
  // An IMMEDIATE transaction already excludes every other writer.
  lockArticle(_id: number) { return Promise.resolve(); }

  claimDueArticles(c: ClaimRequest) { return this.transaction((tx) => (tx as SqliteStore).run((db) => claims.claimDueArticles(db, c))); }
  renewArticleLeases(owner: string, ids: readonly number[], leaseS: number) { return this.run((db) => claims.renewArticleLeases(db, owner, ids, leaseS)); }
  releaseArticleLease(owner: string, id: number) { return this.run((db) => claims.releaseArticleLease(db, owner, id)); }
  claimDueSources(c: ClaimRequest) { return this.transaction((tx) => (tx as SqliteStore).run((db) => claims.claimDueSources(db, c))); }
  releaseSourceLease(owner: string, id: number) { return this.run((db) => claims.releaseSourceLease(db, owner, id)); }
  tryLock(name: string, owner: string): Promise<SingletonLock | null> { return this.run((db) => claims.tryLock(db, name, owner)); }
  // One machine, one process: the process's own host limiter (src/fetcher) is the whole of politeness, so the
  // fleet-wide slots are always granted and cost no writes.
  acquireHostSlot(_r: HostSlotRequest): Promise<HostSlot> { return Promise.resolve({ granted: true, id: '' }); }
  releaseHostSlot(_id: string) { return Promise.resolve(); }
  // Recorded for `palimpsest doctor` (the process's own limiter does the waiting); one small write per Retry-After.
  deferHost(host: string, until: string, reason: string) { return this.run((db) => hosts.deferHost(db, host, until, reason)); }
  listDeferredHosts() { return this.run((db) => hosts.listDeferredHosts(db, new Date().toISOString())); }
  setHostCrawlDelay(_host: string, _delayMs: number) { return Promise.resolve(); }
  listOverdueArticleIds(now: string) { return this.run((db) => sched.listOverdueArticleIds(db, now)); }
  rescheduleArticles(moves: ReadonlyArray<{ id: number; nextCheck: string }>, ifDueBy?: string) {
    return this.run((db) => sched.rescheduleArticles(db, moves, ifDueBy ?? null));
  }

  insertVersion(v: NewVersion) {
    return this.run((db) => db.transaction(() => search.indexInserted(db, versions.insertVersion(db, v)))());
  }
  getVersion(articleId: number, number: number) { return this.run((db) => versions.getVersion(db, articleId, number)); }
  getLatestVersion(articleId: number) { return this.run((db) => versions.getLatestVersion(db, articleId)); }
  listVersionSummaries(articleId: number) { return this.run((db) => versions.listVersionSummaries(db, articleId)); }
  listVersions(articleId: number) { return this.run((db) => versions.listVersions(db, articleId)); }
  listChanges(q: ChangeQuery) { return this.run((db) => versions.listChanges(db, q)); }
  countVersions() { return this.run((db) => versions.countVersions(db)); }
  firstVersionWithHash(articleId: number, hash: string) { return this.run((db) => versions.firstVersionWithHash(db, articleId, hash)); }
  updateVersionContent(id: number, u: VersionContentUpdate) {
    return this.run((db) => db.transaction(() => { vdiffs.invalidateVersionDiffs(db, id); versions.updateVersionContent(db, id, u); search.indexAround(db, id); })());
  }
  deleteVersion(id: number) { return this.run((db) => db.transaction(() => { vdiffs.invalidateVersionDiffs(db, id); search.deleteIndexed(db, id, () => versions.deleteVersion(db, id)); })()); }
  setVersionNumber(id: number, number: number) { return this.run((db) => versions.setVersionNumber(db, id, number)); }

  insertResponse(r: NewResponse, prepared?: PreparedBody) { return this.run((db) => responses.insertResponse(db, r, prepared)); }
  bodyBase(articleId: number) { return this.run((db) => responses.bodyBase(db, articleId)); }
  getResponse(id: number) { return this.run((db) => responses.getResponse(db, id)); }
  deleteResponse(id: number) { return this.run((db) => db.transaction(() => responses.deleteResponse(db, id))()); }
  insertRenderedPage(r: NewRenderedPage) { return this.run((db) => renders.insertRenderedPage(db, r)); }
  getRenderedPage(versionId: number) { return this.run((db) => renders.getRenderedPage(db, versionId)); }
  insertScreenshot(s: NewScreenshot) { return this.run((db) => renders.insertScreenshot(db, s)); }
  getScreenshot(versionId: number) { return this.run((db) => renders.getScreenshot(db, versionId)); }
  getScreenshotInfo(versionId: number) { return this.run((db) => renders.getScreenshotInfo(db, versionId)); }
  insertCheck(articleId: number, checkedAt: string, outcome: CheckOutcome, httpStatus: number | null, error: string | null,
    durationMs: number | null, contentHash: string | null = null) {
    return this.run((db) => checks.insertCheck(db, articleId, checkedAt, outcome, httpStatus, error, durationMs, contentHash));
  }
  listChecks(articleId: number, limit: number) { return this.run((db) => checks.listChecks(db, articleId, limit)); }

  getFeedState(q: { articleId?: number; sourceId?: number; changesOnly: boolean; includeMinor?: boolean }) { return this.run((db) => web.getFeedState(db, q)); }
  listRecentArticles(limit: number) { return this.run((db) => web.listRecentArticles(db, limit)); }
  getFeedHead(q: FeedHeadQuery) { return this.run((db) => feedHead.getFeedHead(db, q)); }
  getWriteStamp() { return this.run((db) => web.getWriteStamp(db)); }
  getVersionDiffs(versionIds: readonly number[]) { return this.run((db) => vdiffs.getVersionDiffs(db, versionIds)); }
  putVersionDiff(d: StoredVersionDiff, signal = false) { return this.run((db) => vdiffs.putVersionDiff(db, d, signal)); }
  getVersionDiffsSeq() { return this.run((db) => vdiffs.getVersionDiffsSeq(db)); }
  searchVersions(q: SearchQuery) { return this.run((db) => searchQuery.searchVersions(db, q)); }
  checkSearchIndex() { return this.run((db) => search.checkSearchIndex(db)); }
  rebuildSearchIndex() { return this.run((db) => search.rebuildSearchIndex(db)); }
  searchIndexSize() { return this.run((db) => search.searchIndexSize(db)); }
  listArticleActivity(q: ActivityQuery) { return this.run((db) => listings.listArticleActivity(db, q)); }
  countChangesPerDay(q: { sourceId?: number; from: string; to: string; includeMinor?: boolean }) { return this.run((db) => listings.countChangesPerDay(db, q)); }
  listVersionLengths(articleId: number) { return this.run((db) => listings.listVersionLengths(db, articleId)); }

  insertSource(input: SourceInput, now: string) { return this.run((db) => sources.insertSource(db, input, now)); }
  updateSource(id: number, input: Omit<SourceInput, 'slug'>) { return this.run((db) => sources.updateSource(db, id, input)); }
  getSource(id: number) { return this.run((db) => sources.getSource(db, id)); }
  getSourceBySlug(slug: string) { return this.run((db) => sources.getSourceBySlug(db, slug)); }
  listSources() { return this.run((db) => sources.listSources(db)); }
  listDueSources(now: string, limit: number) { return this.run((db) => sources.listDueSources(db, now, limit)); }
  deleteSource(id: number) { return this.run((db) => sources.deleteSource(db, id)); }
  setSourceNextPoll(id: number, nextPoll: string) { return this.run((db) => sources.setSourceNextPoll(db, id, nextPoll)); }
  recordSourcePoll(id: number, now: string, nextPoll: string, error: string | null) { return this.run((db) => sources.recordSourcePoll(db, id, now, nextPoll, error)); }
  countSourceArticles(id: number) { return this.run((db) => sources.countSourceArticles(db, id)); }
  getSourceUrlState(sourceId: number, url: string) { return this.run((db) => sources.getSourceUrlState(db, sourceId, url)); }
  saveSourceUrlState(sourceId: number, url: string, s: SourceUrlState) { return this.run((db) => sources.saveSourceUrlState(db, sourceId, url, s)); }
  pruneSourceUrls(sourceId: number, keep: readonly string[]) { return this.run((db) => sources.pruneSourceUrls(db, sourceId, keep)); }
  listSourceSummaries(now: Date, days?: number) { return this.run((db) => sources.listSourceSummaries(db, now, days)); }
  listSourceSummariesPage(now: Date, q: { afterSlug?: string; limit: number }, days?: number) {
    return this.run((db) => sources.listSourceSummariesPage(db, now, q, days));
  }
  getSourceSummary(slug: string, now: Date, days?: number) { return this.run((db) => sources.getSourceSummary(db, slug, now, days)); }

  insertCaptureHealth(c: NewCaptureHealth, pruneBefore: string) {
    return this.run((db) => {
      const id = health.insertCaptureHealth(db, c);
      health.pruneCaptureHealth(db, c.sourceId, pruneBefore);
      return id;
    });
  }
  holdCapture(id: number, responseId: number) { return this.run((db) => health.holdCapture(db, id, responseId)); }
  countCaptureHealth(sourceId: number, from: string, to: string) { return this.run((db) => health.countCaptureHealth(db, sourceId, from, to)); }
  listRecentCaptureKinds(sourceId: number, since: string, limit: number) { return this.run((db) => health.listRecentCaptureKinds(db, sourceId, since, limit)); }
  listHeldCaptures(articleId: number) { return this.run((db) => health.listHeldCaptures(db, articleId)); }
  releaseHeldCapture(id: number, kind: CaptureHealthKind) { return this.run((db) => health.releaseHeldCapture(db, id, kind)); }
  countHeldCaptures() { return this.run((db) => health.countHeldCaptures(db)); }
  setSourceDegraded(sourceId: number, at: string, reason: string) { return this.run((db) => health.setSourceDegraded(db, sourceId, at, reason)); }
  clearSourceDegraded(sourceId: number, at: string, reason: string) { return this.run((db) => health.clearSourceDegraded(db, sourceId, at, reason)); }
  getSourceHealthState(sourceId: number) { return this.run((db) => health.getSourceHealthState(db, sourceId)); }
  listDegradedSources() { return this.run((db) => health.listDegradedSources(db)); }
  listSourceHealthEvents(sourceId: number, limit: number) { return this.run((db) => health.listSourceHealthEvents(db, sourceId, limit)); }
  listSourceHealthEventsAfter(afterId: number, limit: number) { return this.run((db) => health.listSourceHealthEventsAfter(db, afterId, limit)); }

  countExport(s: ExportSelection) { return this.run((db) => exp.countExport(db, s)); }
  listArticlesPage(s: ExportSelection, afterId: number, limit: number) { return this.run((db) => exp.listArticlesPage(db, s, afterId, limit)); }
  listSourcesForExport(s: ExportSelection) { return this.run((db) => exp.listSourcesForExport(db, s)); }
  findSourceId(slug: string) { return this.run((db) => exp.findSourceId(db, slug)); }
  listVersionsPage(articleId: number, afterNumber: number, limit: number) { return this.run((db) => exp.listVersionsPage(db, articleId, afterNumber, limit)); }
  listResponseIds(articleId: number) { return this.run((db) => exp.listResponseIds(db, articleId)); }
  getResponseRow(id: number) { return this.run((db) => exp.getResponseRow(db, id)); }
  getResponseHead(id: number) { return this.run((db) => exp.getResponseHead(db, id)); }
  listChecksPage(articleId: number, afterId: number, limit: number) { return this.run((db) => exp.listChecksPage(db, articleId, afterId, limit)); }
  insertSourceRow(s: NewSourceRow) { return this.run((db) => exp.insertSourceRow(db, s)); }
  insertArticleRow(a: NewArticleRow) { return this.run((db) => exp.insertArticleRow(db, a)); }
  articleUrlExists(url: string) { return this.run((db) => exp.articleUrlExists(db, url)); }
  countLegacyRows() { return this.run((db) => ({ bodies: delta.countLegacy(db, 'body'), texts: delta.countLegacy(db, 'text') })); }
  compactBatch(kind: CompactKind, limit: number) {
    return this.transaction((tx) => (tx as SqliteStore).run((db) => delta.compactBatch(db, kind, limit)));
  }
  storedBytes() { return this.run((db) => delta.storedBytes(db)); }
  // In WAL mode the rewritten file sits in the WAL until a checkpoint: TRUNCATE moves it back and empties the WAL.
  reclaimSpace() { return this.run((db) => delta.reclaimSpace(db)); }
  insertVersionRow(v: NewVersionRow) {
    return this.run((db) => db.transaction(() => {
      exp.insertVersionRow(db, v);
      search.indexVersionAt(db, v.article_id, v.number);
    })());
  }

  insertSubscription(sub: NewSubscription) { return this.run((db) => notify.insertSubscription(db, sub)); }
  getSubscription(id: number) { return this.run((db) => notify.getSubscription(db, id)); }
  listSubscriptions() { return this.run((db) => notify.listSubscriptions(db)); }
  deleteSubscription(id: number) { return this.run((db) => notify.deleteSubscription(db, id)); }
  notifyHighWater(stream: NotifyStream): Promise<number | null> { return this.run((db) => notify.notifyHighWater(db, stream)); }
  getNotifyCursor(stream: NotifyStream) { return this.run((db) => notify.getNotifyCursor(db, stream)); }
  advanceNotifyCursor(stream: NotifyStream, lastId: number) { return this.run((db) => notify.advanceNotifyCursor(db, stream, lastId)); }
  listVersionEvents(afterId: number, upToId: number, limit: number) { return this.run((db) => notify.listVersionEvents(db, afterId, upToId, limit)); }
  enqueueDeliveries(ds: readonly NewDelivery[]) { return this.transaction((tx) => (tx as SqliteStore).run((db) => notify.enqueueDeliveries(db, ds))); }
  claimDeliveries(c: DeliveryClaim) { return this.transaction((tx) => (tx as SqliteStore).run((db) => notify.claimDeliveries(db, c))); }
  recordDeliveryAttempt(r: AttemptResult) { return this.transaction((tx) => (tx as SqliteStore).run((db) => notify.recordDeliveryAttempt(db, r))); }
  getDelivery(id: number) { return this.run((db) => notify.getDelivery(db, id)); }
  listDeliveries(q: { subscriptionId?: number; limit: number }) { return this.run((db) => notify.listDeliveries(db, q)); }
  listDeliveryAttempts(ids: readonly number[]) { return this.run((db) => notify.listDeliveryAttempts(db, ids)); }

  insertArticleEvent(articleId: number, kind: ArticleEventKind, at: string, detail: Record<string, unknown>) { return this.run((db) => ev.insertArticleEvent(db, articleId, kind, at, detail)); }
  getLastArticleEvent(articleId: number) { return this.run((db) => ev.getLastArticleEvent(db, articleId)); }
  listArticleEvents(articleId: number) { return this.run((db) => ev.listArticleEvents(db, articleId)); }
  listArticleEventsAfter(afterId: number, limit: number) { return this.run((db) => ev.listArticleEventsAfter(db, afterId, limit)); }
  insertVersionSighting(articleId: number, versionId: number, seenAt: string) { return this.run((db) => ev.insertVersionSighting(db, articleId, versionId, seenAt)); }
  hasVersionSightings(articleId: number) { return this.run((db) => ev.hasVersionSightings(db, articleId)); }
  listVersionSightings(articleId: number) { return this.run((db) => ev.listVersionSightings(db, articleId)); }
  summariseVersionSightings(articleId: number) { return this.run((db) => ev.summariseVersionSightings(db, articleId)); }
  countVariantArticlesBySource() { return this.run((db) => ev.countVariantArticlesBySource(db)); }
  setVersionCorrection(versionId: number, articleId: number, notice: string) { return this.run((db) => ev.setVersionCorrection(db, versionId, articleId, notice)); }
  clearVersionCorrection(versionId: number) { return this.run((db) => ev.clearVersionCorrection(db, versionId)); }
  listVersionCorrections(articleId: number) { return this.run((db) => ev.listVersionCorrections(db, articleId)); }
  listCorrectionsOf(versionIds: readonly number[]) { return this.run((db) => ev.listCorrectionsOf(db, versionIds)); }
}

/** Opens (creating and migrating as needed) the SQLite database at `file` as a Store. */
export function openSqliteStore(file: string, opts: OpenOptions = {}): SqliteStore {
  const db = openDb(file, opts);
  if (opts.migrate !== false && !opts.readonly) search.finishPendingIndex(db);
  return new SqliteStore(db, file);
}
