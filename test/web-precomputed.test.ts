/**
 * Per-version diff results stored when a version is stored (capture, reextract, import) and the feeds built from
 * them: the same documents as feeds built from fresh diffs, old databases filled on first need, caches invalidated
 * when a re-extraction changes a version. Real captures from a loopback news origin, real stores, real HTTP.
 */
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { loadConfig } from '../src/config/index.js';
import { exportJsonl, importJsonl } from '../src/export/index.js';
import { computeResult, decodeResult, RESULT_FORMAT, statsComplete } from '../src/precompute/version-result.js';
import type { Store, Version } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { reextractArticle } from '../src/tracker/reextract.js';
import { createApp } from '../src/web/app.js';
import { describeCorpus } from './helpers/corpus.js';
import { startNewsOrigin, type NewsOrigin, type OriginVersion } from './helpers/news-origin.js';
import { loadRevisions } from './helpers/revisions.js';
import { tmpStore } from './helpers/tmp.js';
import { wholePage } from './helpers/whole-page.js';
import { NOW, seed, testConfig } from './helpers/web-seed.js';

const captureConfig = loadConfig({ env: {}, flags: { allowPrivate: true } });
// A fixed base URL: each supertest request listens on a port of its own, which feeds would otherwise show.
const BASE = { baseUrl: 'https://palimpsest.example/' };
const NO_CACHES = { ...BASE, web: { feedCacheBytes: 0, diffCacheBytes: 0, pageCacheBytes: 0 } };

/** Two apps on one store: with the default caches, and with none. */
function apps(store: Store): { cached: express.Express; plain: express.Express } {
  return {
    cached: createApp({ store, config: testConfig(BASE), now: () => NOW }),
    plain: createApp({ store, config: testConfig(NO_CACHES), now: () => NOW }),
  };
}

/** Every stored result of `versions` is current and equal to one computed afresh from the texts. */
async function expectStoredResults(store: Store, versions: Version[]): Promise<void> {
  const rows = await store.getVersionDiffs(versions.map((v) => v.id));
  expect(rows.length).toBe(versions.length);
  const byId = new Map(rows.map((r) => [r.versionId, r]));
  versions.forEach((v, i) => {
    const row = byId.get(v.id)!;
    expect(row.formatVersion).toBe(RESULT_FORMAT);
    const fresh = computeResult(i === 0 ? null : versions[i - 1]!, v);
    // A change's statistics are stored only when the version's own are incomplete.
    expect(decodeResult(row, v.contentHash)).toEqual(fresh.kind === 'change' && statsComplete(v.stats) ? { ...fresh, stats: null } : fresh);
  });
}

/** Makes every stored result of `versions` unusable (an older format): the next feed computes each diff again. */
async function outdate(store: Store, versions: Version[]): Promise<void> {
  for (const v of versions) await store.putVersionDiff({ versionId: v.id, formatVersion: RESULT_FORMAT - 1, payload: Buffer.from('old') });
}

const FEEDS = ['rss', 'atom', 'json'];

/** The bodies of the feeds at `paths` in every format. */
async function feedBodies(app: express.Express, paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    for (const f of FEEDS) out.push((await request(app).get(`${p}.${f}`).expect(200)).text);
  }
  return out;
}

const A: OriginVersion = {
  title: 'Bridge repairs delayed', byline: 'Lee Columnist', paragraphs: [
    'Repairs to the old river bridge will not start before autumn, the council said on Tuesday.',
    'Engineers found more corrosion in the steel supports than the first survey had shown, and asked for a new budget.',
    'Cyclists will keep using the temporary crossing until the work is finished.'],
};
const B: OriginVersion = { ...A, paragraphs: [...A.paragraphs.slice(0, 2), 'Cyclists and pedestrians will keep using the temporary crossing until the work is finished next spring.'] };
const C: OriginVersion = { ...B, title: 'Bridge repairs delayed until autumn', paragraphs: ['The council will vote on the new budget next week.', ...B.paragraphs] };

let origin: NewsOrigin;
let store: Store;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  origin = await startNewsOrigin();
  ({ store, cleanup } = await tmpStore());
});
afterAll(async () => {
  await origin.close();
  await cleanup();
});

/** Tracks `versions` at `path` of the origin and captures each in turn; returns the article id. */
async function capture(path: string, versions: OriginVersion[], deps: Partial<Parameters<typeof checkArticle>[0]> = {}): Promise<number> {
  const url = origin.addArticle(path, versions);
  const id = (await store.insertArticle(url, new Date().toISOString())).article.id;
  for (let i = 0; i < versions.length; i++) {
    origin.publish(path, i);
    await checkArticle({ store, config: captureConfig, ...deps }, id);
  }
  return id;
}

describe('stored diff results', () => {
  it('are written at capture, and feeds built from them equal feeds built from fresh diffs', async () => {
    const id = await capture('/bridge', [A, B, C]);
    const versions = await store.listVersions(id);
    expect(versions.length).toBe(3);
    await expectStoredResults(store, versions);

    const { cached, plain } = apps(store);
    const paths = [`/articles/${id}/feed`, '/feed'];
    const fromStored = await feedBodies(cached, paths);
    expect(fromStored[0]).toContain('next spring');
    await outdate(store, versions);
    const fromFresh = await feedBodies(plain, paths);
    expect(fromFresh).toEqual(fromStored);
    // The fresh diffs were stored again for the next request.
    await expectStoredResults(store, versions);
  });

  it('are computed on first need for a database stored without them (and kept)', async () => {
    const t = await tmpStore();
    try {
      const ids = await seed(t.store);
      const versions = await t.store.listVersions(ids.story);
      expect(await t.store.getVersionDiffs(versions.map((v) => v.id))).toEqual([]);
      const { plain } = apps(t.store);
      const res = await request(plain).get(`/articles/${ids.story}/feed.rss`).expect(200);
      expect(res.text.match(/<item>/g)?.length).toBe(3);
      expect(res.text).toContain('Wednesday');
      await expectStoredResults(t.store, versions);
      // Served again from the stored results, the feed is the same document.
      expect((await request(plain).get(`/articles/${ids.story}/feed.rss`).expect(200)).text).toBe(res.text);
    } finally {
      await t.cleanup();
    }
  });

  it('are rewritten by reextract, and a cached feed changes with them (same validators, new content)', async () => {
    const weak = { extract: (html: string) => wholePage(html), extractorVersion: 'whole-page/0' };
    const id = await capture('/bridge-weak', [A, B], weak);
    const { cached, plain } = apps(store);
    const url = `/articles/${id}/feed.atom`;
    const siteBefore = await request(cached).get('/feed.atom').expect(200);
    const diffUrl = `/articles/${id}/diff/1/2`;
    const diffBefore = await request(cached).get(diffUrl).expect(200);
    const apiUrl = `/api/articles/${id}/diff/1/2`;
    const apiBefore = await request(cached).get(apiUrl).expect(200);
    const before = await request(cached).get(url).expect(200);
    expect((await request(cached).get(url).expect(200)).text).toBe(before.text);

    const report = await reextractArticle(store, id);
    expect([report.versionsBefore, report.versionsAfter, report.textsChanged]).toEqual([2, 2, 2]);
    const versions = await store.listVersions(id);
    await expectStoredResults(store, versions);

    const after = await request(cached).get(url).expect(200);
    // Same versions, same count: the validators stay, the content does not (the cache must not serve the old one).
    expect(after.headers.etag).toBe(before.headers.etag);
    expect(after.text).not.toBe(before.text);
    expect(after.text).toBe((await request(plain).get(url).expect(200)).text);
    // The diff page and the API diff (cached by the versions' content) show the re-extracted texts.
    const diffAfter = await request(cached).get(diffUrl).set('If-None-Match', diffBefore.headers.etag!).expect(200);
    expect(diffAfter.text).not.toBe(diffBefore.text);
    expect(diffAfter.text).toBe((await request(plain).get(diffUrl).expect(200)).text);
    const apiAfter = await request(cached).get(apiUrl).expect(200);
    expect(apiAfter.text).not.toBe(apiBefore.text);
    expect(apiAfter.text).toBe((await request(plain).get(apiUrl).expect(200)).text);
    // The site feed's validators follow re-extractions (through the results' sequence number): no stale 304.
    const siteAfter = await request(cached).get('/feed.atom').set('If-None-Match', siteBefore.headers.etag!).expect(200);
    expect(siteAfter.text).toBe((await request(plain).get('/feed.atom').expect(200)).text);
  });

  it('are written by import', async () => {
    const src = await tmpStore();
    const dst = await tmpStore();
    try {
      await seed(src.store);
      const chunks: Buffer[] = [];
      await exportJsonl(src.store, new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }));
      await importJsonl(dst.store, Readable.from([Buffer.concat(chunks)]));
      const articles = await dst.store.listAllArticles();
      expect(articles.length).toBeGreaterThan(0);
      for (const a of articles) await expectStoredResults(dst.store, await dst.store.listVersions(a.id));
    } finally {
      await src.cleanup();
      await dst.cleanup();
    }
  });
});

describeCorpus('stored diff results of real revisions', (corpus) => {
  it('feeds of every real article, and the site feed, are the same documents from stored results and from fresh diffs', async () => {
    const ids: number[] = [];
    for (const a of loadRevisions(corpus)) ids.push(await capture(`/rev/${a.id}`, a.versions));
    const all: Version[] = [];
    for (const id of ids) {
      const versions = await store.listVersions(id);
      await expectStoredResults(store, versions);
      all.push(...versions);
    }
    expect(all.length).toBeGreaterThan(ids.length);
    const { cached, plain } = apps(store);
    const paths = ['/feed', ...ids.map((id) => `/articles/${id}/feed`)];
    const fromStored = await feedBodies(cached, paths);
    await outdate(store, all);
    expect(await feedBodies(plain, paths)).toEqual(fromStored);
  });
});
