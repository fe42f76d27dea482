/**
 * The PostgreSQL backend of the Store interface: a pg connection pool shared by any number of processes on any
 * number of hosts, the query functions of this folder behind the interface's methods.
 *
 * A transaction checks a client out of the pool and hands `fn` a store bound to that client; nested transactions
 * are savepoints on it. Outside a transaction every query takes whichever pooled connection is free.
 */
import pg from 'pg';
import { hasCode, loadMigrations, migrate, schemaVersion, type Db } from './db.js';
import { assertPalimpsestDatabase } from './foreign.js';
import { clientConfig, createPool, describeConnectError, parseTarget, type PgTarget } from './connect.js';
import * as articles from './articles.js';
import * as versions from './versions.js';
import * as responses from './responses.js';
import * as delta from './delta.js';
import { sameDatabase } from '../body-dicts.js';
import type { PreparedBody } from '../body-codec.js';
import type { CompactKind } from '../delta-store.js';
import * as renders from './renders.js';
import * as checks from './checks.js';
import * as web from './web-queries.js';
import * as sources from './sources.js';
import * as exp from './export-queries.js';
import * as sched from './scheduler-queries.js';
import * as search from './search.js';
import * as claims from './claims.js';
import * as fleet from './fleet.js';
import * as listings from './listings.js';
import * as notify from './notify.js';
import * as health from './health.js';
import * as ev from './article-events.js';
import * as vdiffs from './version-diffs.js';
import * as feedHead from './feed-head.js';
import { checkConsistency } from './consistency.js';
import type { Backend, ClaimRequest, HostSlot, HostSlotRequest, SingletonLock, Store } from '../store.js';
import type { OpenStoreOptions } from '../open.js';
import type { ActivityQuery, ArticleQuery, ArticleStatus, ChangeQuery, CheckOutcome, NewResponse, NewVersion, SourceInput, SourceUrlState, StoredVersionDiff, FeedHeadQuery, Validators, VersionContentUpdate } from '../types.js';
import type { ArticleEventKind } from '../types.js';
import type { ExportSelection, NewArticleRow, NewSourceRow, NewVersionRow } from '../export-types.js';
import type { SearchQuery } from '../search-terms.js';
import type { AttemptResult, DeliveryClaim, NewDelivery, NewSubscription, NotifyStream } from '../notify-types.js';
import type { NewRenderedPage, NewScreenshot } from '../render-types.js';
import type { CaptureHealthKind, NewCaptureHealth } from '../health-types.js';

/** What a store and the stores of its transactions share. */
interface Shared {
  pool: pg.Pool;
  target: PgTarget;
  /** Connections holding singleton locks, ended with the store. */
  lockClients: Set<pg.Client>;
  closed: boolean;
}

/** Whether a transaction's store may still be used (false once its transaction or savepoint has ended). */
interface Scope {
  open: boolean;
}

/** Where a store's queries go once its transaction has ended: a clear error rather than a stray query on a pooled client. */
const ENDED: Db = {
  query: () => Promise.reject(new Error('store: this transaction has ended; use the store it was started from')),
};

/** The PostgreSQL store (see the module comment). */
export class PostgresStore implements Store {
  readonly backend: Backend = 'postgres';
  readonly location: string;

  private constructor(
    private readonly shared: Shared,
    private readonly conn: Db,
    private readonly depth: number,
    private readonly scope: Scope = { open: true },
  ) {
    this.location = shared.target.location;
  }

  /** A store on a new pool for `target` (connected and migrated by openPostgresStore). */
  static create(pool: pg.Pool, target: PgTarget): PostgresStore {
    return new PostgresStore({ pool, target, lockClients: new Set(), closed: false }, pool, 0);
  }

  private get db(): Db {
    return this.scope.open ? this.conn : ENDED;
  }

  /**
   * Runs `f` in a transaction: this store's when it is one (its locks then last until it ends), else a new one.
   * For statements that must not run alone (a lock, then what it protects).
   */
  private inTransaction<T>(f: (db: Db) => Promise<T>): Promise<T> {
    if (this.depth > 0) return f(this.db);
    return this.transaction((tx) => f((tx as PostgresStore).db));
  }

  async close(): Promise<void> {
    if (this.depth > 0) throw new Error('store: close() called on a transaction');
    if (this.shared.closed) return;
    this.shared.closed = true;
    await Promise.all([...this.shared.lockClients].map((c) => c.end().catch(() => undefined)));
    this.shared.lockClients.clear();
    await this.shared.pool.end();
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.depth > 0) return this.savepoint(fn);
    const client = await this.shared.pool.connect();
    // The transaction reads the pool's database: the dictionaries cached for one serve the other.
    sameDatabase(client, this.shared.pool);
    let broken: Error | undefined;
    // A lent client has no listener of the pool's: a connection cut while the transaction waits on other work (a
    // webhook, a decode) would emit 'error' with no one listening and end the process. The next query fails instead.
    const onError = (err: Error): void => { broken = err; };
    client.on('error', onError);
    const scope: Scope = { open: true };
    try {
      await client.query('BEGIN');
      try {
        const r = await fn(new PostgresStore(this.shared, client, 1, scope));
        await client.query('COMMIT');
        return r;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => { broken = e; });
        throw err;
      }
    } finally {
      scope.open = false;
      client.off('error', onError);
      // A client whose ROLLBACK failed (or whose connection was cut) is in an unknown state: the pool discards it
      // instead of lending it again.
      client.release(broken);
    }
  }

  private async savepoint<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    const db = this.db;
    const name = `sp_${this.depth}`;
    const scope: Scope = { open: true };
    await db.query(`SAVEPOINT ${name}`);
    try {
      const r = await fn(new PostgresStore(this.shared, this.conn, this.depth + 1, scope));
      scope.open = false;
      await db.query(`RELEASE SAVEPOINT ${name}`);
      return r;
    } catch (err) {
      scope.open = false;
      // If this fails too, the outer transaction is broken and fails at its end; the cause to report is `err`.
      await db.query(`ROLLBACK TO SAVEPOINT ${name}`).then(() => db.query(`RELEASE SAVEPOINT ${name}`)).catch(() => undefined);
      throw err;
    }
  }

  schemaVersion() { return schemaVersion(this.db); }
  async migrate() {
    await assertPalimpsestDatabase(this.shared.pool, this.location, firstMigrationName());
    return migrate(this.shared.pool);
  }
  ping() { return web.pingDb(this.db); }
  checkConsistency() { return checkConsistency(this.db); }

  insertArticle(url: string, now: string, sourceId: number | null = null) { return articles.insertArticle(this.db, url, now, sourceId); }
  getArticle(id: number) { return articles.getArticle(this.db, id); }
  getArticleByUrl(url: string) { return articles.getArticleByUrl(this.db, url); }
  listDueArticles(now: string, limit: number) { return articles.listDueArticles(this.db, now, limit); }
  countDueArticles(now: string) { return articles.countDueArticles(this.db, now); }
  listAllArticles() { return articles.listAllArticles(this.db); }
  queryArticles(q: ArticleQuery) { return articles.queryArticles(this.db, q); }
  recordUnchanged(id: number, now: string, nextCheck: string, intervalS: number, v: Validators) {
    return articles.recordUnchanged(this.db, id, now, nextCheck, intervalS, v);
  }
  recordChanged(id: number, now: string, title: string, nextCheck: string, intervalS: number, v: Validators) {
    return articles.recordChanged(this.db, id, now, title, nextCheck, intervalS, v);
  }
  recordError(id: number, now: string, message: string, nextCheck: string, status: ArticleStatus) {
    return articles.recordError(this.db, id, now, message, nextCheck, status);
  }
  recordDeferred(id: number, now: string, message: string, nextCheck: string) {
    return articles.recordDeferred(this.db, id, now, message, nextCheck);
  }
  setArticleStatus(id: number, status: ArticleStatus) { return articles.setArticleStatus(this.db, id, status); }
  setNextCheck(id: number, nextCheck: string) { return articles.setNextCheck(this.db, id, nextCheck); }
  refreshArticleSummary(id: number) { return articles.refreshArticleSummary(this.db, id); }
  countArticlesByStatus() { return articles.countArticlesByStatus(this.db); }
  async setArticleUrl(id: number, url: string) {
    // In a savepoint: a URL taken by a concurrent writer fails the statement, which must not abort the caller's
    // transaction (SQLite's UPDATE OR IGNORE never fails).
    try {
      return await this.transaction((tx) => articles.setArticleUrl((tx as PostgresStore).db, id, url));
    } catch (err) {
      if (hasCode(err, '23505')) return false;
      throw err;
    }
  }
  lockArticle(id: number) { return articles.lockArticle(this.db, id); }

  claimDueArticles(c: ClaimRequest) { return claims.claimDueArticles(this.db, c); }
  renewArticleLeases(owner: string, ids: readonly number[], leaseS: number) { return claims.renewArticleLeases(this.db, owner, ids, leaseS); }
  releaseArticleLease(owner: string, id: number) { return claims.releaseArticleLease(this.db, owner, id); }
  claimDueSources(c: ClaimRequest) { return claims.claimDueSources(this.db, c); }
  releaseSourceLease(owner: string, id: number) { return claims.releaseSourceLease(this.db, owner, id); }
  tryLock(name: string, owner: string): Promise<SingletonLock | null> {
    const { target, lockClients } = this.shared;
    return fleet.tryLock(async (extra) => {
      const client = new pg.Client({ ...clientConfig(target), ...extra });
      // Until fleet.tryLock adds its own: an error event without a listener would crash the process.
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (err) {
        throw describeConnectError(err, target);
      }
      return client;
    }, name, owner, lockClients);
  }
  acquireHostSlot(r: HostSlotRequest): Promise<HostSlot> { return this.inTransaction((db) => fleet.acquireHostSlot(db, r)); }
  releaseHostSlot(id: string) { return fleet.releaseHostSlot(this.db, id); }
  deferHost(host: string, until: string, reason: string) { return fleet.deferHost(this.db, host, until, reason); }
  listDeferredHosts() { return fleet.listDeferredHosts(this.db); }
  setHostCrawlDelay(host: string, delayMs: number) { return fleet.setHostCrawlDelay(this.db, host, delayMs); }
  listOverdueArticleIds(now: string) { return sched.listOverdueArticleIds(this.db, now); }
  rescheduleArticles(moves: ReadonlyArray<{ id: number; nextCheck: string }>, ifDueBy?: string) { return sched.rescheduleArticles(this.db, moves, ifDueBy ?? null); }

  insertVersion(v: NewVersion) {
    return this.inTransaction(async (db) => search.indexInserted(db, await versions.insertVersion(db, v)));
  }
  getVersion(articleId: number, number: number) { return versions.getVersion(this.db, articleId, number); }
  getLatestVersion(articleId: number) { return versions.getLatestVersion(this.db, articleId); }
  listVersionSummaries(articleId: number) { return versions.listVersionSummaries(this.db, articleId); }
  listVersions(articleId: number) { return versions.listVersions(this.db, articleId); }
  listChanges(q: ChangeQuery) { return versions.listChanges(this.db, q); }
  countVersions() { return versions.countVersions(this.db); }
  firstVersionWithHash(articleId: number, hash: string) { return versions.firstVersionWithHash(this.db, articleId, hash); }
  updateVersionContent(id: number, u: VersionContentUpdate) {
    return this.inTransaction(async (db) => { await vdiffs.invalidateVersionDiffs(db, id); await versions.updateVersionContent(db, id, u); await search.indexAround(db, id); });
  }
  deleteVersion(id: number) {
    return this.inTransaction(async (db) => { await vdiffs.invalidateVersionDiffs(db, id); await search.deleteIndexed(db, id, () => versions.deleteVersion(db, id)); });
  }
  setVersionNumber(id: number, number: number) { return versions.setVersionNumber(this.db, id, number); }

  insertResponse(r: NewResponse, prepared?: PreparedBody) { return responses.insertResponse(this.db, r, prepared); }
  bodyBase(articleId: number) { return responses.bodyBase(this.db, articleId); }
  getResponse(id: number) { return responses.getResponse(this.db, id); }
  deleteResponse(id: number) { return this.inTransaction((db) => responses.deleteResponse(db, id)); }
  insertRenderedPage(r: NewRenderedPage) { return renders.insertRenderedPage(this.db, r); }
  getRenderedPage(versionId: number) { return renders.getRenderedPage(this.db, versionId); }
  insertScreenshot(s: NewScreenshot) { return renders.insertScreenshot(this.db, s); }
  getScreenshot(versionId: number) { return renders.getScreenshot(this.db, versionId); }
  getScreenshotInfo(versionId: number) { return renders.getScreenshotInfo(this.db, versionId); }
  insertCheck(articleId: number, checkedAt: string, outcome: CheckOutcome, httpStatus: number | null, error: string | null,
    durationMs: number | null, contentHash: string | null = null) {
    return checks.insertCheck(this.db, articleId, checkedAt, outcome, httpStatus, error, durationMs, contentHash);
  }
  listChecks(articleId: number, limit: number) { return checks.listChecks(this.db, articleId, limit); }

  getFeedState(q: { articleId?: number; sourceId?: number; changesOnly: boolean; includeMinor?: boolean }) { return web.getFeedState(this.db, q); }
  listRecentArticles(limit: number) { return web.listRecentArticles(this.db, limit); }
  getFeedHead(q: FeedHeadQuery) { return feedHead.getFeedHead(this.db, q); }
  getWriteStamp() { return web.getWriteStamp(this.db); }
  getVersionDiffs(versionIds: readonly number[]) { return vdiffs.getVersionDiffs(this.db, versionIds); }
  putVersionDiff(d: StoredVersionDiff, signal = false) { return vdiffs.putVersionDiff(this.db, d, signal); }
  getVersionDiffsSeq() { return vdiffs.getVersionDiffsSeq(this.db); }
  searchVersions(q: SearchQuery) { return search.searchVersions(this.db, q); }
  checkSearchIndex() { return search.checkSearchIndex(this.db); }
  rebuildSearchIndex() { return this.inTransaction((db) => search.rebuildSearchIndex(db)); }
  searchIndexSize() { return search.searchIndexSize(this.db); }
  listArticleActivity(q: ActivityQuery) { return listings.listArticleActivity(this.db, q); }
  countChangesPerDay(q: { sourceId?: number; from: string; to: string; includeMinor?: boolean }) { return listings.countChangesPerDay(this.db, q); }
  listVersionLengths(articleId: number) { return listings.listVersionLengths(this.db, articleId); }

  insertSource(input: SourceInput, now: string) { return sources.insertSource(this.db, input, now); }
  updateSource(id: number, input: Omit<SourceInput, 'slug'>) { return sources.updateSource(this.db, id, input); }
  getSource(id: number) { return sources.getSource(this.db, id); }
  getSourceBySlug(slug: string) { return sources.getSourceBySlug(this.db, slug); }
  listSources() { return sources.listSources(this.db); }
  listDueSources(now: string, limit: number) { return sources.listDueSources(this.db, now, limit); }
  deleteSource(id: number) { return sources.deleteSource(this.db, id); }
  setSourceNextPoll(id: number, nextPoll: string) { return sources.setSourceNextPoll(this.db, id, nextPoll); }
  recordSourcePoll(id: number, now: string, nextPoll: string, error: string | null) { return sources.recordSourcePoll(this.db, id, now, nextPoll, error); }
  countSourceArticles(id: number) { return sources.countSourceArticles(this.db, id); }
  getSourceUrlState(sourceId: number, url: string) { return sources.getSourceUrlState(this.db, sourceId, url); }
  saveSourceUrlState(sourceId: number, url: string, s: SourceUrlState) { return sources.saveSourceUrlState(this.db, sourceId, url, s); }
  pruneSourceUrls(sourceId: number, keep: readonly string[]) { return sources.pruneSourceUrls(this.db, sourceId, keep); }
  listSourceSummaries(now: Date, days?: number) { return sources.listSourceSummaries(this.db, now, days); }
  listSourceSummariesPage(now: Date, q: { afterSlug?: string; limit: number }, days?: number) {
    return sources.listSourceSummariesPage(this.db, now, q, days);
  }
  getSourceSummary(slug: string, now: Date, days?: number) { return sources.getSourceSummary(this.db, slug, now, days); }

  insertCaptureHealth(c: NewCaptureHealth, pruneBefore: string) {
    return this.inTransaction(async (db) => {
      const id = await health.insertCaptureHealth(db, c);
      await health.pruneCaptureHealth(db, c.sourceId, pruneBefore);
      return id;
    });
  }
  holdCapture(id: number, responseId: number) { return health.holdCapture(this.db, id, responseId); }
  countCaptureHealth(sourceId: number, from: string, to: string) { return health.countCaptureHealth(this.db, sourceId, from, to); }
  listRecentCaptureKinds(sourceId: number, since: string, limit: number) { return health.listRecentCaptureKinds(this.db, sourceId, since, limit); }
  listHeldCaptures(articleId: number) { return health.listHeldCaptures(this.db, articleId); }
  releaseHeldCapture(id: number, kind: CaptureHealthKind) { return health.releaseHeldCapture(this.db, id, kind); }
  countHeldCaptures() { return health.countHeldCaptures(this.db); }
  setSourceDegraded(sourceId: number, at: string, reason: string) { return health.setSourceDegraded(this.db, sourceId, at, reason); }
  clearSourceDegraded(sourceId: number, at: string, reason: string) { return health.clearSourceDegraded(this.db, sourceId, at, reason); }
  getSourceHealthState(sourceId: number) { return health.getSourceHealthState(this.db, sourceId); }
  listDegradedSources() { return health.listDegradedSources(this.db); }
  listSourceHealthEvents(sourceId: number, limit: number) { return health.listSourceHealthEvents(this.db, sourceId, limit); }
  listSourceHealthEventsAfter(afterId: number, limit: number) { return health.listSourceHealthEventsAfter(this.db, afterId, limit); }

  countExport(s: ExportSelection) { return exp.countExport(this.db, s); }
  listArticlesPage(s: ExportSelection, afterId: number, limit: number) { return exp.listArticlesPage(this.db, s, afterId, limit); }
  listSourcesForExport(s: ExportSelection) { return exp.listSourcesForExport(this.db, s); }
  findSourceId(slug: string) { return exp.findSourceId(this.db, slug); }
  listVersionsPage(articleId: number, afterNumber: number, limit: number) { return exp.listVersionsPage(this.db, articleId, afterNumber, limit); }
  listResponseIds(articleId: number) { return exp.listResponseIds(this.db, articleId); }
  getResponseRow(id: number) { return exp.getResponseRow(this.db, id); }
  getResponseHead(id: number) { return exp.getResponseHead(this.db, id); }
  listChecksPage(articleId: number, afterId: number, limit: number) { return exp.listChecksPage(this.db, articleId, afterId, limit); }
  insertSourceRow(s: NewSourceRow) { return exp.insertSourceRow(this.db, s); }
  insertArticleRow(a: NewArticleRow) { return exp.insertArticleRow(this.db, a); }
  articleUrlExists(url: string) { return exp.articleUrlExists(this.db, url); }
  async countLegacyRows() { return { bodies: await delta.countLegacy(this.db, 'body'), texts: await delta.countLegacy(this.db, 'text') }; }
  compactBatch(kind: CompactKind, limit: number) { return this.inTransaction((db) => delta.compactBatch(db, kind, limit)); }
  storedBytes() { return delta.storedBytes(this.db); }
  // VACUUM cannot run inside a transaction: outside one, this.db is the pool (autocommit).
  async reclaimSpace() { await this.db.query('VACUUM (ANALYZE) responses, versions'); }
  insertVersionRow(v: NewVersionRow) {
    return this.inTransaction(async (db) => {
      await exp.insertVersionRow(db, v);
      await search.indexVersionAt(db, v.article_id, v.number);
    });
  }

  insertSubscription(sub: NewSubscription) { return notify.insertSubscription(this.db, sub); }
  getSubscription(id: number) { return notify.getSubscription(this.db, id); }
  listSubscriptions() { return notify.listSubscriptions(this.db); }
  deleteSubscription(id: number) { return notify.deleteSubscription(this.db, id); }
  async notifyHighWater(stream: NotifyStream): Promise<number | null> {
    try {
      // Its own transaction even inside a caller's: the SHARE lock must end at once, and a timeout must not abort the caller.
      return await new PostgresStore(this.shared, this.shared.pool, 0).transaction((tx) => notify.notifyHighWater((tx as PostgresStore).db, stream));
    } catch (err) {
      if (notify.isLockTimeout(err)) return null;
      throw err;
    }
  }
  getNotifyCursor(stream: NotifyStream) { return notify.getNotifyCursor(this.db, stream); }
  advanceNotifyCursor(stream: NotifyStream, lastId: number) { return notify.advanceNotifyCursor(this.db, stream, lastId); }
  listVersionEvents(afterId: number, upToId: number, limit: number) { return notify.listVersionEvents(this.db, afterId, upToId, limit); }
  enqueueDeliveries(ds: readonly NewDelivery[]) { return notify.enqueueDeliveries(this.db, ds); }
  claimDeliveries(c: DeliveryClaim) { return notify.claimDeliveries(this.db, c); }
  recordDeliveryAttempt(r: AttemptResult) { return notify.recordDeliveryAttempt(this.db, r); }
  getDelivery(id: number) { return notify.getDelivery(this.db, id); }
  listDeliveries(q: { subscriptionId?: number; limit: number }) { return notify.listDeliveries(this.db, q); }
  listDeliveryAttempts(ids: readonly number[]) { return notify.listDeliveryAttempts(this.db, ids); }

  insertArticleEvent(articleId: number, kind: ArticleEventKind, at: string, detail: Record<string, unknown>) { return ev.insertArticleEvent(this.db, articleId, kind, at, detail); }
  getLastArticleEvent(articleId: number) { return ev.getLastArticleEvent(this.db, articleId); }
  listArticleEvents(articleId: number) { return ev.listArticleEvents(this.db, articleId); }
  listArticleEventsAfter(afterId: number, limit: number) { return ev.listArticleEventsAfter(this.db, afterId, limit); }
  insertVersionSighting(articleId: number, versionId: number, seenAt: string) { return ev.insertVersionSighting(this.db, articleId, versionId, seenAt); }
  hasVersionSightings(articleId: number) { return ev.hasVersionSightings(this.db, articleId); }
  listVersionSightings(articleId: number) { return ev.listVersionSightings(this.db, articleId); }
  summariseVersionSightings(articleId: number) { return ev.summariseVersionSightings(this.db, articleId); }
  countVariantArticlesBySource() { return ev.countVariantArticlesBySource(this.db); }
  setVersionCorrection(versionId: number, articleId: number, notice: string) { return ev.setVersionCorrection(this.db, versionId, articleId, notice); }
  clearVersionCorrection(versionId: number) { return ev.clearVersionCorrection(this.db, versionId); }
  listVersionCorrections(articleId: number) { return ev.listVersionCorrections(this.db, articleId); }
  listCorrectionsOf(versionIds: readonly number[]) { return ev.listCorrectionsOf(this.db, versionIds); }
}

/** The name of the first PostgreSQL migration: what a Palimpsest database records as version 1. */
function firstMigrationName(): string {
  return loadMigrations()[0]?.name ?? '0001_init.sql';
}

/**
 * Opens the PostgreSQL database at `url` as a Store: connects at once (so a wrong URL, password or database fails
 * here, with a message saying what to fix), refuses a database that has tables but is not Palimpsest's (before
 * anything is written to it), and applies pending migrations unless `migrate` is false. `readonly` skips
 * migrations and makes every transaction read-only.
 */
export async function openPostgresStore(url: string, opts: OpenStoreOptions = {}): Promise<PostgresStore> {
  const target = parseTarget(url);
  const pool = createPool(target, opts.readonly ?? false);
  try {
    (await pool.connect()).release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw describeConnectError(err, target);
  }
  try {
    await assertPalimpsestDatabase(pool, target.location, firstMigrationName());
    if (opts.migrate !== false && !opts.readonly) {
      await migrate(pool);
      await search.finishPendingIndex(pool);
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return PostgresStore.create(pool, target);
}
