/**
 * The Store interface on both backends: every test below runs the same assertions against SQLite and PostgreSQL
 * (PostgreSQL when PALIMPSEST_TEST_PG names a test cluster: bash scripts/pg-test-cluster.sh), plus what only
 * PostgreSQL has to get right (several processes at once, dropped connections, connection errors). A parity test
 * runs one scenario on both and compares every answer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from '@jest/globals';
import { openStore, parseSearch, type NewVersion, type SearchHit, type Store } from '../src/store/index.js';
import { migratedPostgresTarget, migratedSqliteTarget } from './helpers/tmp.js';

/**
 * A constraint violation's message on either backend. Matched by message, not with a bare toThrow(): better-sqlite3's
 * native addon keeps the SqliteError class of the first test file that loaded it, so in a later file of the same
 * jest worker its errors are not instances of that file's Error.
 */
const CONSTRAINT = /unique|duplicate|check constraint/i;

type Backend = 'sqlite' | 'postgres';
const PG = process.env.PALIMPSEST_TEST_PG;
/** jest's "postgres" project runs every file again; this one already covers both backends from the "sqlite" project. */
const suite = process.env.PALIMPSEST_TEST_BACKEND === 'postgres' ? describe.skip : describe;
if (process.env.PALIMPSEST_TEST_BACKEND === 'postgres') {
  describe('store backends', () => it.skip('runs in the sqlite project, which tests both backends', () => undefined));
}
const NOW = '2026-03-01T12:00:00.000Z';
const at = (minutes: number): string => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// --- fresh databases ------------------------------------------------------------------------------------------

let serial = 0;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function withDatabase(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

async function sql(url: string, text: string, params: unknown[] = []): Promise<pg.QueryResultRow[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** A database nothing has opened yet; removed after the test. */
async function newTarget(backend: Backend): Promise<string> {
  if (backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-backends-'));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    return path.join(dir, 'test.db');
  }
  const name = `sb_${process.pid}_${Date.now().toString(36)}_${++serial}`;
  await sql(PG!, `CREATE DATABASE ${name}`);
  cleanups.push(async () => { await sql(PG!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); });
  return withDatabase(PG!, name);
}

/** Opens `target`, closed after the test. */
async function open(target: string): Promise<Store> {
  const store = await openStore(target);
  cleanups.push(() => store.close().catch(() => undefined));
  return store;
}

/**
 * A fresh migrated store: a copy of the migrated template database of test/helpers/tmp.ts (the tests that open
 * newTarget() are the ones that run the migrations themselves).
 */
async function fresh(backend: Backend): Promise<Store> {
  const t = backend === 'sqlite' ? await migratedSqliteTarget() : await migratedPostgresTarget(PG!);
  cleanups.push(t.cleanup);
  return open(t.target);
}

function migrationCount(backend: Backend): number {
  const dir = backend === 'sqlite' ? 'migrations' : path.join('migrations', 'postgres');
  return fs.readdirSync(dir).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).length;
}

// --- seeds ----------------------------------------------------------------------------------------------------

function version(articleId: number, title: string, text: string, extra: Partial<NewVersion> = {}): NewVersion {
  return {
    articleId, title, byline: null, publishedAt: null, text, contentHash: `h:${text.length}:${title}`, capturedAt: NOW, responseId: null,
    extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {}, ...extra,
  };
}

const LONG = [...Array.from({ length: 120 }, (_, i) => `word${i}`), 'the', 'needle', 'is', 'here', ...Array.from({ length: 120 }, (_, i) => `later${i}`)].join(' ');
const CAFE_TEXT = 'Le café du coin: "Quoted," said the owner. 東京都庁で会見';

interface SearchSeed { a: number; b: number; c: number; d: number; daily: number; city: number }

/** Four articles with versions for the search tests; version ids are inserted in the order a1 a2 a3 b1 c1 d1. */
async function seedSearch(store: Store): Promise<SearchSeed> {
  const daily = (await store.insertSource({ slug: 'daily', name: 'Daily', kind: 'feed', config: { url: 'https://daily.example/feed' } }, NOW)).id;
  const city = (await store.insertSource({ slug: 'city', name: 'City', kind: 'page', config: {} }, NOW)).id;
  const a = (await store.insertArticle('https://daily.example/minister', NOW, daily)).article.id;
  const b = (await store.insertArticle('https://city.example/tram', NOW, city)).article.id;
  const c = (await store.insertArticle('https://cafe.example/', NOW)).article.id;
  const d = (await store.insertArticle('https://long.example/', NOW)).article.id;
  await store.insertVersion(version(a, 'Minister quits after inquiry', 'The minister resigned on Tuesday. Le résumé du ministre est publié.'));
  await store.insertVersion(version(a, 'Minister quits after inquiry', 'The minister resigned on Friday after a damning inquiry.'));
  await store.insertVersion(version(a, 'Minister quits after damning inquiry', 'On Friday, the minister resigned; the inquiry continues.'));
  await store.insertVersion(version(b, 'Tram line opens', 'The new tram line opens to the harbour. <script>alert(1)</script>'));
  await store.insertVersion(version(c, 'Café culture', CAFE_TEXT));
  await store.insertVersion(version(d, 'A long story', LONG));
  for (const id of [a, b, c, d]) await store.refreshArticleSummary(id);
  return { a, b, c, d, daily, city };
}

async function find(store: Store, q: string, more: { sourceId?: number; beforeVersionId?: number; limit?: number } = {}): Promise<SearchHit[]> {
  const terms = parseSearch(q);
  if (!terms) return [];
  return store.searchVersions({ terms, limit: 50, ...more });
}

const ids = (hits: SearchHit[]): number[] => hits.map((h) => h.articleId);
const marked = (h: { text: string; highlights: Array<[number, number]> }): string[] => h.highlights.map(([s, e]) => h.text.slice(s, e));

/** Garbage a user may type: operators of either dialect, unbalanced quotes and brackets, control characters. */
const GARBAGE = ['"', '***', 'OR OR', 'AND OR (', '(', ')', 'NOT', 'a"b', '"unterminated phrase', 'NEAR(a b)', '^minister', 'title:minister',
  "'", '\\', '%', 'minister OR', 'OR minister', '*minister', 'minister**', ':', '{a b}', 'a & b | !c', "a:* & 'b'", 'a <-> b', '!!minister',
  '"a" "b" OR OR', '()', '"*"', '\uFDD0minister\uFDD1', 'x'.repeat(250), 'mi\u0001nis\u0007ter\u001f', '\u0008\u001b[31m', 'ﬁ ½ ⅓ ²'];

// --- the tests, once per backend ------------------------------------------------------------------------------

for (const backend of ['sqlite', 'postgres'] as const) {
  suite(`Store on ${backend}`, () => {
    if (backend === 'postgres' && !PG) {
      it.skip('runs only when PALIMPSEST_TEST_PG names a test cluster (bash scripts/pg-test-cluster.sh starts one)', () => undefined);
      return;
    }

    it('migrates once, records the version, reopens without migrating and refuses a newer database', async () => {
      const target = await newTarget(backend);
      const [s1, s2] = await Promise.all([open(target), open(target)]); // two processes starting at once
      const n = migrationCount(backend);
      expect(await s1.schemaVersion()).toBe(n);
      expect(await s2.migrate()).toEqual([]);
      expect(await s1.checkConsistency()).toEqual([]);
      expect(await s1.ping()).toEqual({ articles: 0 });
      await s1.close();
      await s2.close();
      const s3 = await open(target);
      expect(await s3.migrate()).toEqual([]);
      expect(await s3.schemaVersion()).toBe(n);
      await s3.close();
      if (backend === 'sqlite') {
        const db = new Database(target);
        db.pragma('user_version = 999');
        db.close();
      } else {
        await sql(target, "INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')");
        expect((await sql(target, 'SELECT count(*)::int AS n FROM schema_migrations'))[0]).toEqual({ n: n + 1 });
      }
      await expect(openStore(target)).rejects.toThrow(`store: the database is at schema version 999, newer than this Palimpsest (${n}); upgrade Palimpsest`);
    });

    it('inserts, finds, records checks on and queries articles', async () => {
      const store = await fresh(backend);
      const first = await store.insertArticle('https://example.org/A', at(0));
      expect(first.created).toBe(true);
      expect(first.article).toMatchObject({ url: 'https://example.org/A', sourceId: null, status: 'active', firstSeen: at(0), nextCheck: at(0), versionCount: 0, checkIntervalS: 0 });
      expect((await store.insertArticle('https://example.org/A', at(5))).created).toBe(false);
      const b = (await store.insertArticle('https://example.org/b', at(1))).article;
      expect(await store.getArticle(first.article.id)).toEqual(first.article);
      expect(await store.getArticleByUrl('https://example.org/b')).toEqual(b);
      expect(await store.getArticle(9999)).toBeNull();
      expect((await store.listDueArticles(at(0), 10)).map((a) => a.id)).toEqual([first.article.id]);
      expect(await store.countDueArticles(at(1))).toBe(2);
      await store.recordError(b.id, at(2), 'boom', at(10), 'blocked');
      expect(await store.getArticle(b.id)).toMatchObject({ errorCount: 1, totalErrors: 1, lastError: 'boom', lastErrorAt: at(2), status: 'blocked', nextCheck: at(10) });
      await store.recordUnchanged(b.id, at(3), at(20), 1.5, { etag: '"e"', lastModified: null, bodySha256: 'sha' });
      expect(await store.getArticle(b.id)).toMatchObject({ errorCount: 0, totalErrors: 1, status: 'active', checkIntervalS: 1.5, etag: '"e"', lastBodySha256: 'sha', checkCount: 2 });
      await store.recordChanged(first.article.id, at(4), 'Title A', at(30), 60, { etag: null, lastModified: 'LM', bodySha256: null });
      expect(await store.getArticle(first.article.id)).toMatchObject({ title: 'Title A', lastChanged: at(4), versionCount: 1, lastModified: 'LM', etag: null });
      await store.setArticleStatus(b.id, 'paused');
      expect(await store.countArticlesByStatus()).toEqual({ active: 1, paused: 1 });
      await store.setNextCheck(first.article.id, at(-1));
      expect((await store.listDueArticles(at(0), 10)).map((a) => a.id)).toEqual([first.article.id]);
      expect((await store.listAllArticles()).map((a) => a.id)).toEqual([first.article.id, b.id]);
      expect(await store.setArticleUrl(b.id, 'https://example.org/A')).toBe(false);
      expect(await store.setArticleUrl(b.id, 'https://example.org/b2')).toBe(true);
      expect(await store.setArticleUrl(b.id, 'https://example.org/b2')).toBe(true);
      // LIKE folds ASCII case only, on both backends; % and _ are literal.
      expect((await store.queryArticles({ search: 'EXAMPLE.ORG/a', limit: 10 })).map((a) => a.id)).toEqual([first.article.id]);
      expect((await store.queryArticles({ search: 'title', limit: 10 })).map((a) => a.id)).toEqual([first.article.id]);
      expect(await store.queryArticles({ search: '%', limit: 10 })).toEqual([]);
      expect((await store.queryArticles({ limit: 10 })).map((a) => a.id)).toEqual([b.id, first.article.id]);
      expect((await store.queryArticles({ limit: 10, beforeId: b.id })).map((a) => a.id)).toEqual([first.article.id]);
      expect((await store.queryArticles({ limit: 10, minVersions: 1 })).map((a) => a.id)).toEqual([first.article.id]);
      expect((await store.queryArticles({ limit: 10, changedSince: at(5) }))).toEqual([]);
      expect((await store.listRecentArticles(10)).map((a) => a.id)).toEqual([first.article.id, b.id]);
    });

    it('numbers versions, keeps responses byte for byte and logs checks', async () => {
      const store = await fresh(backend);
      const a = (await store.insertArticle('https://example.org/v', NOW)).article;
      const body = Buffer.from('<html>é\u0000'.repeat(500));
      const responseId = await store.insertResponse({
        articleId: a.id, requestedUrl: a.url, url: `${a.url}?x`, fetchedAt: NOW, status: 200, statusText: 'OK', httpVersion: '1.1',
        headers: [['Content-Type', 'text/html']], requestHeaders: [['User-Agent', 'x']], body,
      });
      const r = await store.getResponse(responseId);
      expect(r?.body.equals(body)).toBe(true);
      expect(r).toMatchObject({ articleId: a.id, headers: [['Content-Type', 'text/html']], bodyLength: body.length, status: 200 });
      const v1 = await store.insertVersion(version(a.id, 'One', 'one', { responseId, stats: { titleChanged: true, n: 1 }, metadata: { lang: 'en' } }));
      const v2 = await store.insertVersion(version(a.id, 'Two', 'two'));
      const v3 = await store.insertVersion(version(a.id, 'Three', 'three', { changeKind: 'minor', minorReason: 'punctuation' }));
      expect([v1.number, v2.number, v3.number]).toEqual([1, 2, 3]);
      expect([v1.changeKind, v2.changeKind, v3.changeKind]).toEqual(['initial', 'substantive', 'minor']);
      expect(v1).toMatchObject({ stats: { titleChanged: true, n: 1 }, metadata: { lang: 'en' }, responseId, text: 'one' });
      expect(await store.getVersion(a.id, 2)).toEqual(v2);
      expect(await store.getLatestVersion(a.id)).toEqual(v3);
      expect((await store.listVersionSummaries(a.id)).map((v) => [v.number, 'text' in v])).toEqual([[1, false], [2, false], [3, false]]);
      expect((await store.listVersions(a.id)).map((v) => v.text)).toEqual(['one', 'two', 'three']);
      expect(await store.countVersions()).toBe(3);
      expect(await store.firstVersionWithHash(a.id, v2.contentHash)).toBe(2);
      expect(await store.firstVersionWithHash(a.id, 'nope')).toBeNull();
      await store.refreshArticleSummary(a.id);
      expect(await store.getArticle(a.id)).toMatchObject({ versionCount: 3, title: 'Three', lastChanged: NOW });
      expect((await store.queryArticles({ limit: 10, headlineChanged: true })).map((x) => x.id)).toEqual([a.id]);
      expect(await store.queryArticles({ limit: 10, headlineChanged: false })).toEqual([]);
      await store.updateVersionContent(v2.id, {
        title: 'Two b', byline: 'B', publishedAt: NOW, text: 'two b', contentHash: 'h2b', extractorVersion: 'u', wordsAdded: 1, wordsRemoved: 2,
        stats: null, metadata: { k: [1] }, changeKind: 'minor', minorReason: 'timestamp',
      });
      expect(await store.getVersion(a.id, 2)).toMatchObject({ title: 'Two b', byline: 'B', text: 'two b', metadata: { k: [1] }, changeKind: 'minor', stats: null });
      // Renumber in two passes, as re-extraction does after deleting a version.
      await store.deleteVersion(v2.id);
      await store.setVersionNumber(v3.id, 1003);
      await store.setVersionNumber(v3.id, 2);
      expect((await store.listVersionSummaries(a.id)).map((v) => v.number)).toEqual([1, 2]);
      await store.deleteResponse(responseId);
      expect(await store.getResponse(responseId)).toBeNull();
      expect((await store.getVersion(a.id, 1))?.responseId).toBeNull(); // ON DELETE SET NULL
      await store.refreshArticleSummary(a.id);
      expect(await store.checkConsistency()).toEqual([]);
      await store.insertCheck(a.id, at(1), 'unchanged', 200, null, 12);
      await store.insertCheck(a.id, at(2), 'error', null, 'timeout', null, 'hash');
      expect((await store.listChecks(a.id, 10)).map((c) => [c.outcome, c.httpStatus, c.error, c.durationMs])).toEqual([['error', null, 'timeout', null], ['unchanged', 200, null, 12]]);
      expect((await store.listChecks(a.id, 1)).length).toBe(1);
      await expect(store.insertVersionRow({ ...row(a.id), number: 1 })).rejects.toHaveProperty('message', expect.stringMatching(CONSTRAINT));
    });

    it('searches words, phrases, prefixes, OR and accents, one hit per article with its newest matching version', async () => {
      const store = await fresh(backend);
      const s = await seedSearch(store);
      const minister = await find(store, 'minister');
      expect(ids(minister)).toEqual([s.a]);
      expect(minister[0]).toMatchObject({ versionNumber: 3, matchingVersions: 3, firstMatchingVersion: 1, lastMatchingVersion: 3, articleUrl: 'https://daily.example/minister', articleTitle: 'Minister quits after damning inquiry', capturedAt: NOW });
      expect(marked(minister[0]!.title)).toEqual(['Minister']);
      expect(minister[0]!.title.text).toBe('Minister quits after damning inquiry');
      expect(marked(minister[0]!.snippet).map((w) => w.toLowerCase())).toEqual(['minister']);
      expect(minister[0]!.snippet.text).toBe('On Friday, the minister resigned; the inquiry continues.');
      expect(await find(store, 'minister tram')).toEqual([]);
      expect(ids(await find(store, 'minister OR tram'))).toEqual([s.b, s.a]);
      expect(ids(await find(store, 'MINISTER'))).toEqual([s.a]);
      const phrase = await find(store, '"on Friday"');
      expect(ids(phrase)).toEqual([s.a]);
      expect(phrase[0]).toMatchObject({ matchingVersions: 2, firstMatchingVersion: 2, lastMatchingVersion: 3 });
      expect(marked(phrase[0]!.snippet)).toEqual(['On Friday']); // a phrase is one mark
      expect(marked((await find(store, 'on friday'))[0]!.snippet)).toEqual(['On', 'Friday']); // separate words are not
      expect(await find(store, '"Friday on"')).toEqual([]);
      expect(ids(await find(store, 'minist*'))).toEqual([s.a]);
      expect(await find(store, 'minist')).toEqual([]);
      const tuesday = await find(store, 'Tuesday');
      expect(tuesday[0]).toMatchObject({ articleId: s.a, versionNumber: 1, matchingVersions: 1 });
      for (const q of ['resume', 'RÉSUMÉ', 'résumé']) {
        const hits = await find(store, q);
        expect(ids(hits)).toEqual([s.a]);
        expect(marked(hits[0]!.snippet)).toEqual(['résumé']);
      }
      const cafe = await find(store, 'cafe');
      expect(ids(cafe)).toEqual([s.c]);
      expect(marked(cafe[0]!.title)).toEqual(['Café']);
      expect(cafe[0]!.snippet.text).toBe(CAFE_TEXT); // a short text whole, punctuation and all
      expect(marked(cafe[0]!.snippet)).toEqual(['café']);
      const alert = await find(store, 'alert');
      expect(ids(alert)).toEqual([s.b]);
      expect(alert[0]!.snippet.text).toContain('<script>alert(1)</script>');
      expect(marked(alert[0]!.snippet)).toEqual(['alert']);
      expect(ids(await find(store, 'script'))).toEqual([s.b]);
      expect(ids(await find(store, '東京都庁で会見'))).toEqual([s.c]);
      expect(ids(await find(store, '東京*'))).toEqual([s.c]);
      const needle = await find(store, 'needle');
      expect(ids(needle)).toEqual([s.d]);
      const snip = needle[0]!.snippet;
      expect(marked(snip)).toEqual(['needle']);
      expect(snip.text.startsWith('…') && snip.text.endsWith('…')).toBe(true);
      expect(snip.text.split(/\s+/).length).toBeLessThanOrEqual(26);
      expect((await store.searchVersions({ terms: parseSearch('needle')!, limit: 5, snippetWords: 6 }))[0]!.snippet.text.split(/\s+/).length).toBeLessThanOrEqual(8);
      expect(ids(await find(store, 'minister OR tram', { sourceId: s.city }))).toEqual([s.b]);
      expect(await find(store, 'minister', { sourceId: s.city })).toEqual([]);
      // 32 terms, the most a query takes.
      const many = [...Array.from({ length: 31 }, (_, i) => `absent${i}`), 'harbour'].join(' OR ');
      expect(parseSearch(many)!.groups[0]).toHaveLength(32);
      expect(ids(await find(store, many))).toEqual([s.b]);
      for (const q of GARBAGE) {
        const terms = parseSearch(q);
        if (!terms) continue;
        expect(Array.isArray(await store.searchVersions({ terms, limit: 5 }))).toBe(true);
        expect(Array.isArray(await store.queryArticles({ textSearch: terms, search: q, limit: 5 }))).toBe(true);
      }
      // Terms built by hand, control characters and all, are accepted too (SQLite's FTS5 rejects a NUL in them:
      // "unterminated string"; parseSearch removes control characters before either backend sees them).
      if (backend === 'postgres') expect(Array.isArray(await store.searchVersions({ terms: { groups: [[{ text: 'mini\u0000ster\u0007', prefix: true }]] }, limit: 5 }))).toBe(true);
      expect(ids(await find(store, 'mi\u0001nister'))).toEqual([]);
    });

    it('pages search results by cursor, follows edits and feeds the article list', async () => {
      const store = await fresh(backend);
      const s = await seedSearch(store);
      const all = ids(await find(store, 'the'));
      expect(all).toEqual([s.d, s.c, s.b, s.a]);
      const seen: number[] = [];
      let before: number | undefined;
      for (let page = 0; page < 10; page++) {
        const hits = await find(store, 'the', { limit: 1, ...(before ? { beforeVersionId: before } : {}) });
        if (hits.length === 0) break;
        seen.push(...ids(hits));
        before = hits[hits.length - 1]!.versionId;
      }
      expect(seen).toEqual(all);
      expect((await store.queryArticles({ textSearch: parseSearch('tuesday')!, limit: 10 })).map((a) => a.id)).toEqual([s.a]);
      expect((await store.queryArticles({ textSearch: parseSearch('tuesday')!, search: 'tram', limit: 10 })).map((a) => a.id)).toEqual([s.b, s.a]);
      expect((await store.queryArticles({ textSearch: parseSearch('tuesday')!, sourceId: s.city, limit: 10 }))).toEqual([]);
      const c1 = (await store.getVersion(s.c, 1))!;
      await store.updateVersionContent(c1.id, {
        title: 'Airship sighted', byline: null, publishedAt: null, text: 'An airship floated over the jam factory.', contentHash: 'z', extractorVersion: 't',
        wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {}, changeKind: 'initial', minorReason: null,
      });
      expect(await find(store, 'cafe')).toEqual([]);
      expect(ids(await find(store, 'airship jam'))).toEqual([s.c]);
      await store.deleteVersion(c1.id);
      expect(await find(store, 'airship')).toEqual([]);
      await store.refreshArticleSummary(s.c);
      await expect(store.checkSearchIndex()).resolves.toBeUndefined();
      await store.rebuildSearchIndex();
      expect(ids(await find(store, 'minister'))).toEqual([s.a]);
      expect(await store.checkConsistency()).toEqual([]);
    });

    it('computes feed state and lists changes with every filter', async () => {
      const store = await fresh(backend);
      const src = (await store.insertSource({ slug: 's', name: 'S', kind: 'feed', config: {} }, NOW)).id;
      const a = (await store.insertArticle('https://a.example/', NOW, src)).article.id;
      const b = (await store.insertArticle('https://b.example/', NOW)).article.id;
      expect(await store.getFeedState({ changesOnly: false })).toEqual({ maxVersionId: null, count: 0, newestCapturedAt: null });
      const a1 = await store.insertVersion(version(a, 'A1', 'a1', { capturedAt: at(1) }));
      const a2 = await store.insertVersion(version(a, 'A2', 'a2', { capturedAt: at(2), changeKind: 'minor', minorReason: 'counter' }));
      const b1 = await store.insertVersion(version(b, 'B1', 'b1', { capturedAt: at(3) }));
      const b2 = await store.insertVersion(version(b, 'B2', 'b2', { capturedAt: at(4) }));
      await store.recordChanged(a, at(2), 'A2', at(9), 60, { etag: null, lastModified: null, bodySha256: null });
      expect(await store.getFeedState({ changesOnly: false })).toEqual({ maxVersionId: b2.id, count: 3, newestCapturedAt: at(4) });
      expect(await store.getFeedState({ changesOnly: false, includeMinor: true })).toEqual({ maxVersionId: b2.id, count: 4, newestCapturedAt: at(4) });
      expect(await store.getFeedState({ changesOnly: true })).toEqual({ maxVersionId: b2.id, count: 1, newestCapturedAt: at(4) });
      expect(await store.getFeedState({ articleId: a, changesOnly: false, includeMinor: true })).toEqual({ maxVersionId: a2.id, count: 2, newestCapturedAt: at(2) });
      expect(await store.getFeedState({ sourceId: src, changesOnly: true })).toEqual({ maxVersionId: null, count: 0, newestCapturedAt: null });
      const list = async (q: Parameters<Store['listChanges']>[0]): Promise<number[]> => (await store.listChanges(q)).map((c) => c.id);
      expect(await list({ changesOnly: false, limit: 10 })).toEqual([b2.id, b1.id, a1.id]);
      expect(await list({ changesOnly: false, includeMinor: true, limit: 10 })).toEqual([b2.id, b1.id, a2.id, a1.id]);
      expect(await list({ changesOnly: true, includeMinor: true, limit: 10 })).toEqual([b2.id, a2.id]);
      expect(await list({ changesOnly: false, sourceId: src, includeMinor: true, limit: 10 })).toEqual([a2.id, a1.id]);
      expect(await list({ changesOnly: false, articleId: b, limit: 10 })).toEqual([b2.id, b1.id]);
      expect(await list({ changesOnly: false, includeMinor: true, beforeId: b1.id, limit: 1 })).toEqual([a2.id]);
      const [change] = await store.listChanges({ changesOnly: false, sourceId: src, limit: 1 });
      expect(change).toMatchObject({ id: a1.id, articleUrl: 'https://a.example/', articleTitle: 'A2', number: 1 });
      expect(change && 'text' in change).toBe(false);
    });

    it('keeps sources, their URL states and summaries', async () => {
      const store = await fresh(backend);
      const s = await store.insertSource({ slug: 'b-feed', name: 'B', kind: 'feed', config: { url: 'https://b.example/feed', n: [1, 2] } }, at(0));
      expect(s).toMatchObject({ slug: 'b-feed', kind: 'feed', config: { url: 'https://b.example/feed', n: [1, 2] }, createdAt: at(0), nextPoll: at(0), pollCount: 0, lastPolled: null });
      await expect(store.insertSource({ slug: 'b-feed', name: 'again', kind: 'feed', config: {} }, NOW)).rejects.toHaveProperty('message', expect.stringMatching(CONSTRAINT));
      const manual = await store.insertSource({ slug: 'A-manual', name: 'Manual', kind: 'manual', config: {} }, at(0));
      const page = await store.insertSource({ slug: 'c', name: 'C', kind: 'page', config: {} }, at(0));
      expect((await store.listSources()).map((x) => x.slug)).toEqual(['A-manual', 'b-feed', 'c']); // bytewise: capitals first
      await store.updateSource(page.id, { name: 'C2', kind: 'sitemap', config: { x: 1 } });
      expect(await store.getSource(page.id)).toMatchObject({ name: 'C2', kind: 'sitemap', config: { x: 1 } });
      expect((await store.getSourceBySlug('c'))?.id).toBe(page.id);
      expect(await store.getSourceBySlug('nope')).toBeNull();
      await store.setSourceNextPoll(s.id, at(5));
      expect((await store.listDueSources(at(1), 10)).map((x) => x.slug)).toEqual(['c']);
      expect((await store.listDueSources(at(6), 10)).map((x) => x.slug)).toEqual(['c', 'b-feed']);
      await store.recordSourcePoll(s.id, at(6), at(60), 'HTTP 500');
      await store.recordSourcePoll(s.id, at(7), at(60), 'HTTP 502');
      expect(await store.getSource(s.id)).toMatchObject({ pollCount: 2, errorCount: 2, lastError: 'HTTP 502', lastPolled: at(7), nextPoll: at(60) });
      await store.recordSourcePoll(s.id, at(8), at(60), null);
      expect(await store.getSource(s.id)).toMatchObject({ pollCount: 3, errorCount: 0, lastError: null });
      const state = { etag: '"x"', lastModified: 'LM', lastFetched: at(8), lastStatus: 200, children: ['https://b.example/1.xml'] };
      await store.saveSourceUrlState(s.id, 'https://b.example/feed', state);
      await store.saveSourceUrlState(s.id, 'https://b.example/old', { ...state, children: [] });
      expect(await store.getSourceUrlState(s.id, 'https://b.example/feed')).toEqual(state);
      await store.saveSourceUrlState(s.id, 'https://b.example/feed', { ...state, lastStatus: 304 });
      expect((await store.getSourceUrlState(s.id, 'https://b.example/feed'))?.lastStatus).toBe(304);
      await store.pruneSourceUrls(s.id, ['https://b.example/feed']);
      expect(await store.getSourceUrlState(s.id, 'https://b.example/old')).toBeNull();
      await store.pruneSourceUrls(s.id, []);
      expect(await store.getSourceUrlState(s.id, 'https://b.example/feed')).toBeNull();
      const now = new Date(at(60 * 24 * 2));
      await store.insertArticle('https://b.example/1', at(0), s.id);
      await store.insertArticle('https://b.example/2', at(60 * 24), s.id);
      await store.insertArticle('https://b.example/3', at(60 * 24 + 1), s.id);
      await store.insertArticle('https://b.example/4', at(-60 * 24 * 10), s.id);
      expect(await store.countSourceArticles(s.id)).toBe(4);
      const summaries = await store.listSourceSummaries(now, 3);
      expect(summaries.map((x) => [x.slug, x.articleCount])).toEqual([['A-manual', 0], ['b-feed', 4], ['c', 0]]);
      expect(summaries[1]!.newPerDay).toEqual([{ day: '2026-03-01', count: 1 }, { day: '2026-03-02', count: 2 }, { day: '2026-03-03', count: 0 }]);
      expect((await store.listSourceSummariesPage(now, { afterSlug: 'A-manual', limit: 1 })).map((x) => x.slug)).toEqual(['b-feed']);
      expect((await store.getSourceSummary('b-feed', now, 3))?.newPerDay.map((d) => d.count)).toEqual([1, 2, 0]);
      expect(await store.getSourceSummary('nope', now)).toBeNull();
      expect(await store.deleteSource(s.id)).toBe(true);
      expect(await store.deleteSource(s.id)).toBe(false);
      expect((await store.getArticleByUrl('https://b.example/1'))?.sourceId).toBeNull(); // ON DELETE SET NULL
      expect(manual.kind).toBe('manual');
    });

    it('exports rows and imports them into another store unchanged', async () => {
      const store = await fresh(backend);
      const src = (await store.insertSource({ slug: 'feed', name: 'Feed', kind: 'feed', config: { b: 1, a: 2 } }, NOW)).id;
      const a = (await store.insertArticle('https://x.example/a', NOW, src)).article.id;
      await store.insertArticle('https://x.example/b', NOW);
      const body = Buffer.from('body é');
      const rid = await store.insertResponse({ articleId: a, requestedUrl: 'https://x.example/a', url: 'https://x.example/a', fetchedAt: NOW, status: 203, statusText: 'Non-Authoritative', httpVersion: '2', headers: [['a', 'b']], requestHeaders: [], body });
      await store.insertVersion(version(a, 'T', 'text', { responseId: rid, stats: { z: 1, a: [true] }, metadata: { z: 'last', a: 'first' } }));
      await store.insertVersion(version(a, 'T2', 'text 2'));
      await store.refreshArticleSummary(a);
      await store.insertCheck(a, NOW, 'new_version', 203, null, 5, 'hash');
      expect(await store.countExport({})).toEqual({ articles: 2, versions: 2 });
      expect(await store.countExport({ sourceId: src })).toEqual({ articles: 1, versions: 2 });
      expect(await store.countExport({ articleId: 9999 })).toEqual({ articles: 0, versions: 0 });
      const articles = await store.listArticlesPage({}, 0, 10);
      expect(articles.map((r) => [r.url, r.source_slug])).toEqual([['https://x.example/a', 'feed'], ['https://x.example/b', null]]);
      expect(await store.listArticlesPage({}, articles[0]!.id, 10)).toHaveLength(1);
      const sources = await store.listSourcesForExport({});
      expect(sources).toEqual(await store.listSourcesForExport({ articleId: a }));
      expect(sources[0]!.config).toBe('{"b":1,"a":2}');
      expect(await store.listSourcesForExport({ articleId: articles[1]!.id })).toEqual([]);
      expect(await store.findSourceId('feed')).toBe(src);
      expect(await store.findSourceId('nope')).toBeNull();
      const versions = await store.listVersionsPage(a, 0, 10);
      expect(versions.map((v) => [v.number, v.http_status, v.body_sha256 !== null, v.stats, v.metadata])).toEqual([
        [1, 203, true, '{"z":1,"a":[true]}', '{"z":"last","a":"first"}'], [2, null, false, null, '{}'],
      ]);
      expect(await store.listVersionsPage(a, 1, 10)).toHaveLength(1);
      expect(await store.listResponseIds(a)).toEqual([rid]);
      const response = (await store.getResponseRow(rid))!;
      expect(Buffer.isBuffer(response.body_gzip)).toBe(true);
      expect(response).toMatchObject({ status: 203, status_text: 'Non-Authoritative', http_version: '2', headers: '[["a","b"]]', body_length: body.length });
      expect(await store.getResponseHead(rid)).toEqual({ id: rid, url: 'https://x.example/a', fetched_at: NOW, body_sha256: response.body_sha256 });
      expect(await store.getResponseRow(9999)).toBeNull();
      const checks = await store.listChecksPage(a, 0, 10);
      expect(checks.map((c) => [c.outcome, c.http_status, c.duration_ms, c.content_hash])).toEqual([['new_version', 203, 5, 'hash']]);

      // Import into a fresh store, row by row, in a transaction with a savepoint per article (as src/export does).
      const other = await fresh(backend);
      await other.transaction(async (tx) => {
        const { id: _id, ...source } = sources[0]!;
        const newSrc = await tx.insertSourceRow(source);
        for (const r of articles) {
          await tx.transaction(async (line) => {
            const { id: _aid, source_slug, ...fields } = r;
            expect(await line.articleUrlExists(r.url)).toBe(false);
            const id = await line.insertArticleRow({ ...fields, source_id: source_slug ? newSrc : null, version_count: r.url.endsWith('/a') ? 2 : 0 });
            if (r.url.endsWith('/a')) {
              for (const { id: _vid, http_status: _s, body_sha256: _h, ...v } of versions) await line.insertVersionRow({ ...v, article_id: id, response_id: null });
            }
          });
        }
        // A failing line rolls back to its savepoint and the import goes on.
        await expect(tx.transaction((line) => line.insertArticleRow({ ...articles[0]!, source_id: null, version_count: 0 }))).rejects.toHaveProperty('message', expect.stringMatching(CONSTRAINT));
      });
      const strip = <T extends { id: number }>(rs: T[]): Array<Omit<T, 'id'>> => rs.map(({ id: _id, ...rest }) => rest);
      expect(strip(await other.listSourcesForExport({}))).toEqual(strip(sources));
      expect(strip(await other.listArticlesPage({}, 0, 10))).toEqual(strip(articles).map((r) => ({ ...r, source_id: r.source_id === null ? null : expect.any(Number) })));
      const otherA = (await other.getArticleByUrl('https://x.example/a'))!.id;
      expect(strip(await other.listVersionsPage(otherA, 0, 10))).toEqual(strip(versions).map((v) => ({ ...v, response_id: null, http_status: null, body_sha256: null })));
      expect(await other.articleUrlExists('https://x.example/b')).toBe(true);
      expect(await other.checkConsistency()).toEqual([]);
    });

    it('commits, rolls back on a throw and nests savepoints', async () => {
      const store = await fresh(backend);
      const r = await store.transaction(async (tx) => {
        await tx.insertArticle('https://t.example/1', NOW);
        return 42;
      });
      expect(r).toBe(42);
      await expect(store.transaction(async (tx) => {
        await tx.insertArticle('https://t.example/2', NOW);
        throw new Error('nope');
      })).rejects.toThrow('nope');
      expect(await store.getArticleByUrl('https://t.example/2')).toBeNull();
      await store.transaction(async (tx) => {
        await tx.insertArticle('https://t.example/3', NOW);
        await expect(tx.transaction(async (inner) => {
          await inner.insertArticle('https://t.example/4', NOW);
          await inner.transaction(async (innermost) => { await innermost.insertArticle('https://t.example/5', NOW); });
          throw new Error('inner');
        })).rejects.toThrow('inner');
        // A failed statement inside a savepoint leaves the transaction usable.
        await expect(tx.transaction((inner) => inner.insertSourceRow({ slug: 'x', name: 'x', kind: 'bogus', config: '{}', created_at: NOW, last_polled: null, next_poll: null, poll_count: 0, error_count: 0, last_error: null }))).rejects.toHaveProperty('message', expect.stringMatching(CONSTRAINT));
        await tx.transaction(async (inner) => { await inner.insertArticle('https://t.example/6', NOW); });
      });
      expect((await store.listAllArticles()).map((a) => a.url)).toEqual(['https://t.example/1', 'https://t.example/3', 'https://t.example/6']);
    });

    it('leases due work to one owner at a time and frees it on record', async () => {
      const target = await newTarget(backend);
      const store = await open(target);
      const other = backend === 'postgres' ? await open(target) : store;
      for (let i = 0; i < 30; i++) await store.insertArticle(`https://c.example/${String(i).padStart(2, '0')}`, at(i % 7));
      const claim = (s: Store, owner: string, limit = 4) => s.claimDueArticles({ now: at(100), limit, owner, leaseS: 60 });
      const got: number[][] = [];
      for (let round = 0; round < 10; round++) {
        const [x, y] = await Promise.all([claim(store, 'w1'), claim(other, 'w2')]);
        got.push(x.map((a) => a.id), y.map((a) => a.id));
        for (const list of [x, y]) expect(list.map((a) => a.nextCheck)).toEqual([...list.map((a) => a.nextCheck)].sort());
      }
      const all = got.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(30);
      expect(await claim(store, 'w3', 100)).toEqual([]);
      const [first] = await store.listDueArticles(at(100), 1);
      await store.recordUnchanged(first!.id, at(100), at(100), 60, { etag: null, lastModified: null, bodySha256: null });
      expect((await claim(other, 'w3', 100)).map((a) => a.id)).toEqual([first!.id]); // the record freed its lease
      await store.releaseArticleLease('someone-else', first!.id);
      expect(await claim(store, 'w4', 100)).toEqual([]);
      await store.releaseArticleLease('w3', first!.id);
      expect((await claim(store, 'w4', 100)).map((a) => a.id)).toEqual([first!.id]);
      // An expired lease is claimable again; a renewed one is not.
      const z = (await store.insertArticle('https://c.example/z', at(0))).article.id;
      const y = (await store.insertArticle('https://c.example/y', at(0))).article.id;
      expect((await store.claimDueArticles({ now: at(100), limit: 10, owner: 'short', leaseS: 0.001 })).map((a) => a.id).sort()).toEqual([z, y].sort());
      await sleep(20);
      await store.renewArticleLeases('short', [y], 60);
      await store.renewArticleLeases('short', [], 60);
      expect((await claim(other, 'late', 10)).map((a) => a.id)).toEqual([z]);
      await store.recordError(z, at(101), 'x', at(100), 'active');
      await store.recordChanged(y, at(101), 'T', at(100), 60, { etag: null, lastModified: null, bodySha256: null });
      expect((await claim(other, 'again', 10)).map((a) => a.id).sort()).toEqual([z, y].sort());
      // Sources: never polled first, then most overdue; 'manual' never.
      await store.insertSource({ slug: 'm', name: 'm', kind: 'manual', config: {} }, at(0));
      const s1 = await store.insertSource({ slug: 's1', name: 's1', kind: 'feed', config: {} }, at(5));
      const s2 = await store.insertSource({ slug: 's2', name: 's2', kind: 'feed', config: {} }, at(1));
      const [sa, sb] = await Promise.all([
        store.claimDueSources({ now: at(100), limit: 1, owner: 'w1', leaseS: 60 }),
        other.claimDueSources({ now: at(100), limit: 1, owner: 'w2', leaseS: 60 }),
      ]);
      expect([...sa!, ...sb!].map((s) => s.id).sort()).toEqual([s1.id, s2.id].sort());
      expect(await store.claimDueSources({ now: at(100), limit: 5, owner: 'w3', leaseS: 60 })).toEqual([]);
      await store.recordSourcePoll(s1.id, at(100), at(100), null);
      await store.releaseSourceLease(sa![0]!.id === s1.id ? 'w2' : 'w1', s2.id);
      expect((await store.claimDueSources({ now: at(100), limit: 5, owner: 'w3', leaseS: 60 })).map((s) => s.id)).toEqual([s2.id, s1.id]);
    });

    it('gives a singleton lock to one owner at a time', async () => {
      const store = await fresh(backend);
      const lock = await store.tryLock('leader', 'p1');
      expect(lock).not.toBeNull();
      expect(await lock!.held()).toBe(true);
      expect(await store.tryLock('leader', 'p2')).toBeNull();
      const other = await store.tryLock('housekeeping', 'p2');
      expect(other).not.toBeNull();
      await other!.release();
      await lock!.release();
      expect(await lock!.held()).toBe(false);
      const again = await store.tryLock('leader', 'p2');
      expect(again).not.toBeNull();
      expect(await store.tryLock('leader', 'p3')).toBeNull();
      await again!.release();
      await again!.release(); // twice is harmless
    });

    it('grants host slots within the limit, the delay and deferrals', async () => {
      const store = await fresh(backend);
      const req = { host: 'news.example', owner: 'w1', limit: 2, delayMs: 0, holdS: 60 };
      const s1 = await store.acquireHostSlot(req);
      const s2 = await store.acquireHostSlot(req);
      expect(s1.granted && s2.granted).toBe(true);
      const s3 = await store.acquireHostSlot(req);
      if (backend === 'sqlite') {
        // One process: its own host limiter is the whole of politeness; the store grants everything.
        expect(s3).toEqual({ granted: true, id: '' });
        await store.deferHost('news.example', at(100_000), 'Retry-After');
        await store.setHostCrawlDelay('news.example', 5000);
        expect((await store.acquireHostSlot(req)).granted).toBe(true);
        await store.releaseHostSlot('');
        return;
      }
      expect(s3.granted).toBe(false);
      if (!s3.granted) {
        expect(s3.waitMs).toBeGreaterThanOrEqual(100);
        expect(s3.waitMs).toBeLessThanOrEqual(250);
        expect(s3.deferredUntil).toBeNull();
      }
      if (s1.granted) await store.releaseHostSlot(s1.id);
      expect((await store.acquireHostSlot(req)).granted).toBe(true);
      // The delay between starts, raised by a Crawl-delay.
      const slow = { host: 'slow.example', owner: 'w1', limit: 5, delayMs: 300, holdS: 60 };
      expect((await store.acquireHostSlot(slow)).granted).toBe(true);
      const wait = await store.acquireHostSlot(slow);
      expect(wait.granted).toBe(false);
      if (!wait.granted) {
        expect(wait.waitMs).toBeGreaterThan(0);
        expect(wait.waitMs).toBeLessThanOrEqual(300);
        await sleep(wait.waitMs + 20);
      }
      await store.setHostCrawlDelay('slow.example', 600);
      expect((await store.acquireHostSlot(slow)).granted).toBe(true);
      const crawl = await store.acquireHostSlot(slow);
      expect(!crawl.granted && crawl.waitMs > 300 && crawl.waitMs <= 600).toBe(true);
      // A slot whose worker died expires.
      const dead = { host: 'dead.example', owner: 'w1', limit: 1, delayMs: 0, holdS: 0.05 };
      expect((await store.acquireHostSlot(dead)).granted).toBe(true);
      expect((await store.acquireHostSlot(dead)).granted).toBe(false);
      await sleep(80);
      expect((await store.acquireHostSlot(dead)).granted).toBe(true);
      // Retry-After: nobody until then; a shorter deferral later does not shorten it.
      const until = new Date(Date.now() + 2000).toISOString();
      await store.deferHost('news.example', until, 'Retry-After');
      await store.deferHost('news.example', new Date(Date.now() + 500).toISOString(), 'shorter');
      const deferred = await store.acquireHostSlot({ ...req, limit: 100 });
      expect(deferred.granted).toBe(false);
      if (!deferred.granted) {
        expect(deferred.waitMs).toBeGreaterThan(1500);
        expect(deferred.waitMs).toBeLessThanOrEqual(2100);
        expect(Math.abs(Date.parse(deferred.deferredUntil!) - Date.parse(until))).toBeLessThan(500);
      }
      await store.releaseHostSlot('not-a-slot');
      // Inside a transaction the slot is taken with the caller's transaction.
      expect((await store.transaction((tx) => tx.acquireHostSlot({ ...req, host: 'tx.example' }))).granted).toBe(true);
    });

    it('never numbers two versions alike when writers capture the same article at once', async () => {
      const target = await newTarget(backend);
      const s1 = await open(target);
      const s2 = backend === 'postgres' ? await open(target) : s1;
      const a = (await s1.insertArticle('https://race.example/', NOW)).article.id;
      const capture = (s: Store, i: number) => s.transaction(async (tx) => {
        await tx.lockArticle(a);
        const latest = await tx.getLatestVersion(a);
        const v = await tx.insertVersion(version(a, `v${i}`, `text ${i} after ${latest?.number ?? 0}`));
        await tx.recordChanged(a, NOW, `v${i}`, NOW, 60, { etag: null, lastModified: null, bodySha256: null });
        return v.number;
      });
      const numbers = await Promise.all(Array.from({ length: 24 }, (_, i) => capture(i % 2 ? s1 : s2, i)));
      // Without lockArticle and without a transaction, insertVersion still numbers one after the other.
      numbers.push(...(await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? s1 : s2).insertVersion(version(a, `w${i}`, `w${i}`)))))
        .map((v) => v.number));
      expect([...numbers].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      await s1.refreshArticleSummary(a);
      expect(await s1.checkConsistency()).toEqual([]);
    });
  });
}

// --- what only PostgreSQL has to get right --------------------------------------------------------------------

suite('Store on postgres: connections', () => {
  if (!PG) {
    it.skip('runs only when PALIMPSEST_TEST_PG names a test cluster (bash scripts/pg-test-cluster.sh starts one)', () => undefined);
    return;
  }
  const url = (change: (u: URL) => void): string => {
    const u = new URL(PG);
    change(u);
    return u.toString();
  };

  it('says what to fix when it cannot connect, without showing the password', async () => {
    const refused = openStore(url((u) => { u.hostname = '127.0.0.1'; u.port = '5999'; }));
    await expect(refused).rejects.toThrow(/^store: cannot connect to PostgreSQL at 127\.0\.0\.1:5999: connection refused — is the server running/);
    const wrong = url((u) => { u.password = 'wrong-secret-pw'; });
    const err = await openStore(wrong).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/^store: cannot connect to PostgreSQL at 127\.0\.0\.1:\d+: the server refused user "palimpsest" .*check the user name and password/);
    expect(err?.message).not.toContain('wrong-secret-pw');
    await expect(openStore(url((u) => { u.pathname = '/no_such_db_here'; })))
      .rejects.toThrow(/there is no database "no_such_db_here" — create it \(createdb no_such_db_here\) or fix the database name/);
    const bad = await openStore('postgres://palimpsest:sekrit@127.0.0.1:notaport/db').then(() => null, (e: Error) => e);
    expect(bad?.message).toMatch(/^store: invalid PostgreSQL URL postgres:\/\/palimpsest:\*\*\*@/);
    expect(bad?.message).not.toContain('sekrit');
    await expect(openStore(url((u) => { u.search = '?max=0'; }))).rejects.toThrow(/max must be a whole number/);
  });

  it('names its location without the password and survives connections dropped by the server', async () => {
    const target = await newTarget('postgres');
    const store = await open(`${target}?max=3`);
    expect(store.location).toBe(target.replace('palimpsest:palimpsest@', 'palimpsest@'));
    expect(store.location).not.toContain(':palimpsest@');
    await Promise.all(Array.from({ length: 6 }, () => store.ping())); // fill the pool with idle connections
    const name = new URL(target).pathname.slice(1);
    const killed = await sql(PG, `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
      WHERE datname = $1 AND application_name = 'palimpsest'`, [name]);
    expect(killed.length).toBeGreaterThan(0);
    await sleep(100);
    expect(await store.ping()).toEqual({ articles: 0 });
    const slots = await sql(target, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'palimpsest'");
    expect(slots[0]!.n).toBeLessThanOrEqual(3);
  });

  it('loses a singleton lock with its connection, and another process takes it', async () => {
    const target = await newTarget('postgres');
    const a = await open(target);
    const b = await open(target);
    const lock = await a.tryLock('leader', 'host-a');
    expect(lock).not.toBeNull();
    expect(await b.tryLock('leader', 'host-b')).toBeNull();
    const holders = await sql(PG, "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name LIKE 'palimpsest lock leader host-a%'");
    expect(holders).toEqual([{ ok: true }]);
    await sleep(100);
    expect(await lock!.held()).toBe(false);
    const taken = await b.tryLock('leader', 'host-b');
    expect(taken).not.toBeNull();
    expect(await taken!.held()).toBe(true);
    await lock!.release(); // releasing a lost lock neither throws nor frees the new holder's
    expect(await taken!.held()).toBe(true);
    await b.close(); // closing the store ends its lock connections
    expect(await taken!.held()).toBe(false);
    expect(await a.tryLock('leader', 'host-a')).not.toBeNull();
  });

  it('refuses to use a transaction store after its transaction, and detects and repairs a stale search index', async () => {
    const target = await newTarget('postgres');
    const store = await open(target);
    let leaked: Store | null = null;
    await store.transaction(async (tx) => { leaked = tx; });
    await expect(leaked!.ping()).rejects.toThrow(/this transaction has ended/);
    await seedSearch(store);
    await expect(store.checkSearchIndex()).resolves.toBeUndefined();
    await sql(target, 'ALTER TEXT SEARCH CONFIGURATION palimpsest DROP MAPPING FOR asciiword');
    await expect(store.checkSearchIndex()).rejects.toThrow(/search index of versions 1, 2, 3, 4, 5, 6 differs/);
    // The consistency check looks only at the index's shape (it reads no texts); a tokenizer change shows in the
    // full comparison above, which `palimpsest doctor` runs too.
    await store.rebuildSearchIndex();
    await expect(store.checkSearchIndex()).resolves.toBeUndefined();
    await sql(target, `ALTER TEXT SEARCH CONFIGURATION palimpsest ADD MAPPING FOR asciiword WITH ${await unaccentDict(target)}, simple`);
    await store.rebuildSearchIndex();
    expect(await store.checkConsistency()).toEqual([]);
    expect((await find(store, 'minister')).length).toBe(1);
  });
});

async function unaccentDict(target: string): Promise<string> {
  const r = await sql(target, "SELECT format('%I.%I', n.nspname, d.dictname) AS d FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace WHERE d.dictname = 'unaccent'");
  return String(r[0]!.d);
}

// --- parity: one scenario, every answer compared ----------------------------------------------------------------

/** Runs a scenario touching most of the interface and returns every answer (ids match: both count from 1). */
async function scenario(store: Store): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const s = await seedSearch(store);
  await store.insertCheck(s.a, at(1), 'new_version', 200, null, 10, 'h');
  await store.recordError(s.b, at(2), 'boom', at(3), 'blocked');
  await store.recordUnchanged(s.c, at(2), at(4), 2.25, { etag: 'e', lastModified: null, bodySha256: null });
  await store.saveSourceUrlState(s.daily, 'https://daily.example/feed', { etag: null, lastModified: 'x', lastFetched: NOW, lastStatus: 200, children: ['a'] });
  out.articles = await store.listAllArticles();
  out.due = await store.listDueArticles(at(3), 10);
  out.countDue = await store.countDueArticles(at(3));
  out.byStatus = await store.countArticlesByStatus();
  out.query = await store.queryArticles({ search: 'EXAMPLE', limit: 10 });
  out.queryText = await store.queryArticles({ textSearch: parseSearch('friday OR tram')!, limit: 10 });
  out.versions = await Promise.all([s.a, s.b, s.c, s.d].map((id) => store.listVersions(id)));
  out.summaries = await store.listVersionSummaries(s.a);
  out.changes = await store.listChanges({ changesOnly: false, includeMinor: true, limit: 10 });
  out.feed = await store.getFeedState({ changesOnly: true });
  out.recent = await store.listRecentArticles(10);
  out.checks = await store.listChecks(s.a, 10);
  out.sources = await store.listSources();
  out.dueSources = await store.listDueSources(at(1), 10);
  out.sourceSummaries = await store.listSourceSummaries(new Date(NOW), 3);
  out.urlState = await store.getSourceUrlState(s.daily, 'https://daily.example/feed');
  // SQLite's export rows (SELECT a.*) also carry columns outside their types (version_count, the leases).
  const typed = <T extends object>(rs: T[]): T[] => rs.map((r) => {
    const { lease_owner: _o, lease_until: _u, version_count: _v, ...rest } = r as T & { lease_owner?: unknown; lease_until?: unknown; version_count?: unknown };
    return rest as T;
  });
  out.export = {
    count: await store.countExport({}), articles: typed(await store.listArticlesPage({}, 0, 10)), sources: typed(await store.listSourcesForExport({})),
    versions: await store.listVersionsPage(s.a, 0, 10), checks: await store.listChecksPage(s.a, 0, 10),
  };
  // Which articles and versions match, and the words marked (snippets may cut the text at other words).
  out.search = await Promise.all(['minister', '"on friday"', 'minist*', 'resume', 'tram OR cafe', 'the', 'needle', '東京*', 'alert'].map(async (q) =>
    (await find(store, q)).map((h) => ({ ...h, title: h.title, snippet: marked(h.snippet).map((w) => w.toLowerCase()) }))));
  out.claims = (await store.claimDueArticles({ now: at(3), limit: 10, owner: 'w', leaseS: 60 })).map((a) => a.id);
  out.overdue = await store.listOverdueArticleIds(at(10));
  await store.rescheduleArticles([{ id: s.a, nextCheck: at(50) }, { id: s.a, nextCheck: at(60) }]);
  out.rescheduled = (await store.getArticle(s.a))?.nextCheck;
  out.consistency = await store.checkConsistency();
  return out;
}

suite('parity', () => {
  if (!PG) {
    it.skip('compares the backends only when PALIMPSEST_TEST_PG names a test cluster', () => undefined);
    return;
  }
  it('gives the same answers on SQLite and PostgreSQL', async () => {
    const [lite, post] = await Promise.all([fresh('sqlite'), fresh('postgres')]);
    const [a, b] = await Promise.all([scenario(lite), scenario(post)]);
    for (const key of Object.keys(a)) expect({ key, value: b[key] }).toEqual({ key, value: a[key] });
  });
});

/** A NewVersionRow for an article (number set by the caller). */
function row(articleId: number) {
  return {
    article_id: articleId, number: 0, title: 't', byline: null, published_at: null, text: 'x', content_hash: 'h', captured_at: NOW,
    response_id: null, extractor_version: 't', words_added: 0, words_removed: 0, stats: null, metadata: '{}', change_kind: 'initial' as const, minor_reason: null,
  };
}
