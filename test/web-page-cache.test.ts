/**
 * Rendered pages kept under the database's write stamp (src/web/page-cache.ts): the home page and an article page
 * are the same bytes as uncached renders, answer 304 to their ETag, show a new version, event, check or renamed
 * source at once, and are rebuilt when one of their "ago" texts would read otherwise; the diff page and the feeds
 * find their validators again after a write. Both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { createApp } from '../src/web/app.js';
import { agoChangesIn, humanAgo } from '../src/web/format.js';
import { openStore, type Store } from '../src/store/index.js';
import { tmpStore } from './helpers/tmp.js';
import { addVersions, at, NOW, seed, STORY, testConfig, type Seeded } from './helpers/web-seed.js';

const BASE = { baseUrl: 'https://palimpsest.example/' };
const noValidators = { etag: null, lastModified: null, bodySha256: null };
let store: Store;
let target: string;
let cleanup: () => Promise<void>;
let ids: Seeded;
let clock = NOW;
let cached: express.Express;
let plain: express.Express;

beforeAll(async () => {
  ({ store, cleanup, target } = await tmpStore());
  ids = await seed(store);
  cached = createApp({ store, config: testConfig(BASE), now: () => clock });
  plain = createApp({ store, config: testConfig({ ...BASE, web: { feedCacheBytes: 0, diffCacheBytes: 0, pageCacheBytes: 0 } }), now: () => clock });
});
afterAll(() => cleanup());

/** The page at `url` from the caching app, checked against the app without caches (same bytes). */
async function page(url: string): Promise<{ text: string; etag: string }> {
  const r = await request(cached).get(url).expect(200);
  expect(r.text).toBe((await request(plain).get(url).expect(200)).text);
  return { text: r.text, etag: r.headers.etag as string };
}

describe('the write stamp', () => {
  it('stays while nothing is written and moves with any write', async () => {
    // On PostgreSQL the stamp is the server's snapshot, which other test files' databases on the shared test cluster
    // move too: a read (or nothing) must leave it unchanged in at least one of a few tries, never in none.
    const unmovedBy = async (between: () => Promise<unknown>): Promise<boolean> => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const before = await store.getWriteStamp();
        await between();
        if ((await store.getWriteStamp()) === before) return true;
      }
      return false;
    };
    expect(await unmovedBy(async () => undefined)).toBe(true);
    expect(await unmovedBy(() => store.listRecentArticles(5))).toBe(true);
    const a = await store.getWriteStamp();
    await store.insertCheck(ids.plain, at(300), 'unchanged', 200, null, 12);
    const b = await store.getWriteStamp();
    expect(b).not.toBe(a);
    await store.transaction(async (tx) => { await tx.setArticleStatus(ids.plain, 'active'); });
    expect(await store.getWriteStamp()).not.toBe(b);
  });

  it('moves with a write through another connection (a CLI command beside serve)', async () => {
    const a = await store.getWriteStamp();
    const other = await openStore(target);
    try {
      await other.insertCheck(ids.plain, at(301), 'unchanged', 200, null, 9);
    } finally {
      await other.close();
    }
    expect(await store.getWriteStamp()).not.toBe(a);
  });
});

describe('cached pages', () => {
  const urls = (): string[] => ['/', '/?sort=biggest', '/?view=stream', `/articles/${ids.story}`, `/articles/${ids.story}?minor=1`, `/articles/${ids.xss}`];

  it('are the bytes of an uncached render, served again from memory, with an ETag per URL that answers 304', async () => {
    const etags = new Set<string>();
    const texts = new Set<string>();
    for (const url of urls()) {
      const first = await page(url);
      const again = await page(url);
      expect(again.text).toBe(first.text);
      expect(again.etag).toBe(first.etag);
      expect(first.etag).toMatch(/^W\/"page-[\w-]+"$/);
      etags.add(first.etag);
      texts.add(first.text);
      const r = await request(cached).get(url).set('If-None-Match', first.etag).expect(304);
      expect(r.text ?? '').toBe('');
    }
    // One ETag per different page (an article without minor versions shows the same page with ?minor=1).
    expect(etags.size).toBe(texts.size);
    expect(texts.size).toBeGreaterThanOrEqual(urls().length - 1);
    // A validator of another page does not revalidate this one; gzip decodes to the same page.
    await request(cached).get('/').set('If-None-Match', [...etags].at(-1)!).expect(200);
    const gz = await request(cached).get('/').set('Accept-Encoding', 'gzip').expect(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.text).toBe((await request(plain).get('/').expect(200)).text);
  });

  it('show a new version at once, on the home page, the article page, its diff page and the feeds', async () => {
    const home = await page('/');
    const article = await page(`/articles/${ids.story}`);
    const diff = await request(cached).get(`/articles/${ids.story}/diff/1/2`).expect(200);
    const feed = await request(cached).get('/feed.rss').expect(200);
    const text = `${STORY[2]!.text}\n\nA late paragraph about the cached pages.`;
    await addVersions(store, ids.story, [{ minutes: 140, title: 'Minister quits, page cache notices', text }]);
    const home2 = await page('/');
    expect(home2.text).not.toBe(home.text);
    expect(home2.text).toContain('Minister quits, page cache notices');
    const article2 = await page(`/articles/${ids.story}`);
    expect(article2.text).toContain('Minister quits, page cache notices');
    expect(article2.etag).not.toBe(article.etag);
    // The old validator no longer answers 304.
    await request(cached).get(`/articles/${ids.story}`).set('If-None-Match', article.etag).expect(200);
    const diff2 = await request(cached).get(`/articles/${ids.story}/diff/1/2`).expect(200);
    expect(diff2.text).toContain('<option value="4">');
    expect(diff2.headers.etag).not.toBe(diff.headers.etag);
    await request(cached).get(`/articles/${ids.story}/diff/1/2`).set('If-None-Match', diff.headers.etag as string).expect(200);
    await request(cached).get(`/articles/${ids.story}/diff/1/2`).set('If-None-Match', diff2.headers.etag as string).expect(304);
    const feed2 = await request(cached).get('/feed.rss').expect(200);
    expect(feed2.text).toContain('page cache notices');
    expect(feed2.headers.etag).not.toBe(feed.headers.etag);
    await request(cached).get('/feed.rss').set('If-None-Match', feed2.headers.etag as string).expect(304);
  });

  it('show an article event, a check and a status change at once', async () => {
    const before = await page(`/articles/${ids.plain}`);
    await store.insertArticleEvent(ids.plain, 'absent', at(400), { status: 404 });
    const withEvent = await page(`/articles/${ids.plain}`);
    expect(withEvent.text).not.toBe(before.text);
    await store.recordUnchanged(ids.plain, at(500), at(530), 1800, noValidators);
    await store.insertCheck(ids.plain, at(500), 'unchanged', 200, null, 7);
    const withCheck = await page(`/articles/${ids.plain}`);
    expect(withCheck.text).not.toBe(withEvent.text);
    const home = await page('/');
    await store.setArticleStatus(ids.plain, 'stopped');
    const home2 = await page('/');
    expect(home2.text).not.toBe(home.text);
    await store.setArticleStatus(ids.plain, 'active');
  });

  it('show a renamed source at once', async () => {
    const src = await store.insertSource({ slug: 'wire', name: 'The Wire', kind: 'manual', config: {} }, at(0));
    expect((await page('/')).text).toContain('The Wire');
    await store.updateSource(src.id, { name: 'The Renamed Wire', kind: 'manual', config: {} });
    const after = await page('/');
    expect(after.text).toContain('The Renamed Wire');
  });

  it('are rebuilt when their "ago" texts would read otherwise, and not before', async () => {
    const url = `/articles/${ids.story}`;
    // The story's next check is due 30 minutes after its last capture: seconds away at this clock.
    const next = Date.parse(at(170));
    clock = new Date(next - 20_500);
    const first = await page(url);
    expect(first.text).toContain('in 20 seconds');
    clock = new Date(next - 20_100);
    expect((await page(url)).etag).toBe(first.etag);
    clock = new Date(next - 19_900);
    const later = await page(url);
    expect(later.text).toContain('in 19 seconds');
    expect(later.etag).not.toBe(first.etag);
    await request(cached).get(url).set('If-None-Match', first.etag).expect(200);
    clock = NOW;
  });
});

describe('agoChangesIn', () => {
  it('gives the time the text stays the same, and it changes right after', () => {
    const now = new Date(NOW);
    for (const offset of [300, 999, 1500, 59_400, 61_000, 3_599_999, 5 * 3_600_000 + 12_345, 86_400_000 * 3 + 7, 86_400_000 * 40 + 1]) {
      for (const sign of [1, -1]) {
        const iso = new Date(now.getTime() - sign * offset).toISOString();
        const ms = agoChangesIn(iso, now);
        expect(ms).toBeGreaterThan(0);
        const text = humanAgo(iso, now);
        expect(humanAgo(iso, new Date(now.getTime() + ms - 1))).toBe(text);
        if (offset >= 1000) expect(humanAgo(iso, new Date(now.getTime() + ms + (sign < 0 ? 0 : 1)))).not.toBe(text);
      }
    }
    expect(agoChangesIn(null, now)).toBe(Infinity);
  });
});
