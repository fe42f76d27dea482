/**
 * The Store interface as every caller sees it, on the test's backend (SQLite, or PostgreSQL in the "postgres"
 * project): migrations, articles, versions, responses, the error record and transactions.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { openStore, type Store } from '../src/store/index.js';
import { testBackend, tmpStore, tmpTarget, type TmpStore } from './helpers/tmp.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

async function fresh(): Promise<TmpStore> {
  const t = await tmpStore();
  cleanups.push(t.cleanup);
  return t;
}

const base = (articleId: number, now: string) => ({
  articleId, byline: null, publishedAt: null, capturedAt: now, responseId: null, extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {},
});

describe('migrations', () => {
  it('applies every migration once, in order, records the version, and opens migrated by default', async () => {
    const t = await tmpTarget();
    const store = await openStore(t.target, { migrate: false });
    cleanups.push(async () => { await store.close(); await t.cleanup(); });
    expect(await store.schemaVersion()).toBe(0);
    const applied = await store.migrate();
    expect(applied.length).toBeGreaterThan(0);
    expect(applied).toEqual(Array.from({ length: applied.length }, (_, i) => i + 1));
    expect(await store.schemaVersion()).toBe(applied.length);
    expect(await store.migrate()).toEqual([]);
    const { store: other } = await fresh();
    expect(await other.schemaVersion()).toBe(applied.length);
    expect(await other.ping()).toEqual({ articles: 0 });
  });

  // WAL is a property of the SQLite file: the write-ahead log sits beside it while the database is open.
  (testBackend() === 'sqlite' ? it : it.skip)('uses WAL (SQLite only: a file property)', async () => {
    const { store, target } = await fresh();
    await store.insertArticle('https://example.org/wal', new Date().toISOString());
    expect(fs.existsSync(`${target}-wal`)).toBe(true);
  });
});

describe('articles and versions', () => {
  it('inserts an article once and numbers versions', async () => {
    const { store } = await fresh();
    const now = new Date().toISOString();
    const a = await store.insertArticle('https://example.org/a', now);
    expect(a.created).toBe(true);
    expect((await store.insertArticle('https://example.org/a', now)).created).toBe(false);
    expect((await store.listDueArticles(now, 10)).map((x) => x.id)).toEqual([a.article.id]);
    await store.insertVersion({ ...base(a.article.id, now), title: 'T1', text: 'one', contentHash: 'h1' });
    const v2 = await store.insertVersion({ ...base(a.article.id, now), title: 'T2', text: 'two', contentHash: 'h2' });
    expect(v2.number).toBe(2);
    expect((await store.getLatestVersion(a.article.id))?.text).toBe('two');
    expect((await store.listVersionSummaries(a.article.id)).map((v) => v.number)).toEqual([1, 2]);
  });

  it('stores a response body compressed and returns it byte for byte', async () => {
    const { store } = await fresh();
    const a = (await store.insertArticle('https://example.org/b', new Date().toISOString())).article;
    const body = Buffer.from('<html>é'.repeat(1000));
    const id = await store.insertResponse({ articleId: a.id, requestedUrl: a.url, url: a.url, fetchedAt: 'now', status: 200, statusText: 'OK', httpVersion: '1.1', headers: [['Content-Type', 'text/html']], requestHeaders: [['User-Agent', 'x']], body });
    const r = (await store.getResponse(id))!;
    expect(r.body.equals(body)).toBe(true);
    expect(r.headers).toEqual([['Content-Type', 'text/html']]);
    expect(r.bodyLength).toBe(body.length);
  });

  it('records errors on the article row', async () => {
    const { store } = await fresh();
    const a = (await store.insertArticle('https://example.org/c', '2026-01-01T00:00:00.000Z')).article;
    await store.recordError(a.id, '2026-01-01T00:01:00.000Z', 'fetcher: timeout', '2026-01-01T00:10:00.000Z', 'active');
    await store.recordError(a.id, '2026-01-01T00:10:00.000Z', 'HTTP 500', '2026-01-01T00:30:00.000Z', 'paused');
    const b = (await store.getArticle(a.id))!;
    expect([b.errorCount, b.totalErrors, b.lastError, b.status]).toEqual([2, 2, 'HTTP 500', 'paused']);
  });
});

describe('transactions', () => {
  const noValidators = { etag: null, lastModified: null, bodySha256: null };

  /** A version and the article's record of it, written through `tx`, then a failure. */
  async function halfCapture(tx: Store, articleId: number, now: string): Promise<never> {
    await tx.insertVersion({ ...base(articleId, now), title: 'half-written', text: 'one', contentHash: 'h1' });
    await tx.recordChanged(articleId, now, 'half-written', now, 1800, noValidators);
    throw new Error('crash halfway');
  }

  it('leaves nothing half-written when a transaction fails, and keeps what was committed', async () => {
    const { store, target } = await fresh();
    const now = new Date().toISOString();
    const a = (await store.insertArticle('https://example.org/d', now)).article;
    await expect(store.transaction((tx) => halfCapture(tx, a.id, now))).rejects.toThrow('crash halfway');
    const after = (await store.getArticle(a.id))!;
    expect([after.title, after.versionCount]).toEqual([null, 0]);
    expect(await store.getLatestVersion(a.id)).toBeNull();
    await store.close();
    const reopened = await openStore(target);
    try {
      expect((await reopened.getArticle(a.id))?.url).toBe('https://example.org/d');
      expect(await reopened.countVersions()).toBe(0);
    } finally {
      await reopened.close();
    }
  });

  it('commits what the transaction wrote, and a nested one undoes only its own part', async () => {
    const { store } = await fresh();
    const now = new Date().toISOString();
    const a = (await store.insertArticle('https://example.org/e', now)).article;
    const n = await store.transaction(async (tx) => {
      await tx.lockArticle(a.id);
      await tx.insertVersion({ ...base(a.id, now), title: 'kept', text: 'one', contentHash: 'h1' });
      await expect(tx.transaction((inner) => halfCapture(inner, a.id, now))).rejects.toThrow('crash halfway');
      await tx.recordChanged(a.id, now, 'kept', now, 1800, noValidators);
      return (await tx.listVersionSummaries(a.id)).length;
    });
    expect(n).toBe(1);
    const after = (await store.getArticle(a.id))!;
    expect([after.title, after.versionCount]).toEqual(['kept', 1]);
  });

  it('makes other callers of the store wait until the transaction ends', async () => {
    const { store } = await fresh();
    const now = new Date().toISOString();
    const a = (await store.insertArticle('https://example.org/f', now)).article;
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let wrote!: () => void;
    const written = new Promise<void>((r) => { wrote = r; });
    const tx = store.transaction(async (t) => {
      await t.setArticleStatus(a.id, 'paused');
      wrote();
      await gate;
    });
    await written;
    // A write from outside waits for the transaction (SQLite) or for the row's lock (PostgreSQL).
    let outsideDone = false;
    const outside = store.setArticleStatus(a.id, 'stopped').then(() => { outsideDone = true; });
    await new Promise((r) => setTimeout(r, 100));
    expect(outsideDone).toBe(false);
    release();
    await Promise.all([tx, outside]);
    expect((await store.getArticle(a.id))?.status).toBe('stopped');
  });
});
