/**
 * The web layer's caches and validators: feeds and diff pages answer 304 with query strings in their URLs; cached
 * feeds, diff pages and API diffs are the same bytes as uncached ones; the caches stay within their byte bounds.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import express from 'express';
import { computeDiff } from '../src/web/diff-view.js';
import { createApp } from '../src/web/app.js';
import { diffRouter } from '../src/web/routes/diff.js';
import { ByteLru } from '../src/common/byte-lru.js';
import { cachedDiff, cachesOf, diffBytes } from '../src/web/caches.js';
import { createHeavyGates } from '../src/web/heavy.js';
import { createRenderer } from '../src/web/render.js';
import type { WebContext } from '../src/web/context.js';
import type { Store } from '../src/store/index.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, seed, STORY, testConfig, type Seeded } from './helpers/web-seed.js';

const BASE = { baseUrl: 'https://palimpsest.example/' };
let store: Store;
let cleanup: () => Promise<void>;
let ids: Seeded;
let cached: express.Express;
let plain: express.Express;

beforeAll(async () => {
  ({ store, cleanup } = await tmpStore());
  ids = await seed(store);
  cached = createApp({ store, config: testConfig(BASE), now: () => NOW });
  plain = createApp({ store, config: testConfig({ ...BASE, web: { feedCacheBytes: 0, diffCacheBytes: 0, pageCacheBytes: 0 } }), now: () => NOW });
});
afterAll(() => cleanup());

describe('conditional requests with query strings', () => {
  it('feeds: ?minor=1 has validators of its own, other parameters do not matter, and both answer 304', async () => {
    const url = `/articles/${ids.story}/feed.atom`;
    const plainFeed = await request(cached).get(url).expect(200);
    const minor = await request(cached).get(`${url}?minor=1`).expect(200);
    expect(minor.headers.etag).toMatch(/^W\/".+"$/);
    expect(minor.headers.etag).not.toBe(plainFeed.headers.etag);
    await request(cached).get(`${url}?minor=1`).set('If-None-Match', minor.headers.etag!).expect(304);
    await request(cached).get(`${url}?minor=1&utm_source=reader`).set('If-None-Match', minor.headers.etag!).expect(304);
    await request(cached).get(`${url}?utm_source=reader&ref=home`).set('If-None-Match', plainFeed.headers.etag!).expect(304);
    await request(cached).get(`/feed.rss?minor=1`).set('If-Modified-Since', minor.headers['last-modified']!).expect(304);
    // The minor feed's validator does not revalidate the feed without minor versions.
    await request(cached).get(url).set('If-None-Match', minor.headers.etag!).expect(200);
  });

  it('diff pages: each view has its validator and answers 304 to it', async () => {
    const url = `/articles/${ids.story}/diff/1/3`;
    const side = await request(cached).get(url).expect(200);
    const inline = await request(cached).get(`${url}?view=inline`).expect(200);
    expect(side.headers.etag).toMatch(/^W\/".+"$/);
    expect(inline.headers.etag).not.toBe(side.headers.etag);
    const r = await request(cached).get(`${url}?view=inline`).set('If-None-Match', inline.headers.etag!).expect(304);
    expect(r.text ?? '').toBe('');
    await request(cached).get(url).set('If-None-Match', inline.headers.etag!).expect(200);
  });
});

describe('feed heads', () => {
  it('give the newest version and capture of the site feed as the full feed state does', async () => {
    for (const includeMinor of [false, true]) {
      const state = await store.getFeedState({ changesOnly: true, includeMinor });
      const head = await store.getFeedHead({ changesOnly: true, includeMinor });
      expect(head).toEqual({ maxVersionId: state.maxVersionId === null ? null : Number(state.maxVersionId), newestCapturedAt: state.newestCapturedAt });
      expect(head.maxVersionId).not.toBeNull();
    }
    expect(await store.getFeedHead({ sourceId: 999_999, changesOnly: true })).toEqual({ maxVersionId: null, newestCapturedAt: null });
  });
});

describe('caches', () => {
  it('serve the same bytes as uncached renders: feeds, diff pages, API diffs', async () => {
    const urls = [
      '/feed.rss', '/feed.atom', '/feed.json', `/articles/${ids.story}/feed.rss`, `/articles/${ids.xss}/feed.atom`,
      `/articles/${ids.story}/diff/1/2`, `/articles/${ids.story}/diff/3/1?view=inline`, `/articles/${ids.xss}/diff/1/2`,
      `/api/articles/${ids.story}/diff/1/3`, `/api/articles/${ids.xss}/diff/2/1`,
    ];
    for (const url of urls) {
      const want = await request(plain).get(url).expect(200);
      // The first request fills the cache, the second is served from it.
      for (let i = 0; i < 2; i++) {
        const got = await request(cached).get(url).expect(200);
        expect(got.text).toBe(want.text);
        expect(got.headers['content-type']).toBe(want.headers['content-type']);
      }
    }
    const api = await request(cached).get(`/api/articles/${ids.story}/diff/1/3`).expect(200);
    expect((api.body as { diff: unknown }).diff).toEqual(JSON.parse(JSON.stringify(computeDiff(STORY[0]!, STORY[2]!))));
  });

  it('serve compressed forms (made once, kept) that decode to the same bytes', async () => {
    const server = cached.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    const get = (path: string, enc: string): Promise<{ status: number; encoding: string | undefined; vary: string | undefined; body: Buffer }> => new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path, headers: { 'Accept-Encoding': enc } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], vary: res.headers.vary, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    try {
      for (const path of ['/feed.atom', `/articles/${ids.story}/feed.rss`, `/articles/${ids.story}/diff/1/3`]) {
        const want = (await request(plain).get(path).expect(200)).text;
        for (let i = 0; i < 2; i++) {
          const br = await get(path, 'br');
          expect([br.status, br.encoding]).toEqual([200, 'br']);
          expect(br.vary).toMatch(/Accept-Encoding/i);
          expect(brotliDecompressSync(br.body).toString('utf8')).toBe(want);
          const gz = await get(path, 'gzip');
          expect([gz.status, gz.encoding]).toEqual([200, 'gzip']);
          expect(gunzipSync(gz.body).toString('utf8')).toBe(want);
          const id = await get(path, 'identity');
          expect(id.encoding).toBeUndefined();
          expect(id.body.toString('utf8')).toBe(want);
        }
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a diff page shows a new version in its pickers (the cache key covers the article\'s versions)', async () => {
    const url = `/articles/${ids.xss}/diff/1/2`;
    const before = (await request(cached).get(url).expect(200)).text;
    expect(before).not.toContain('Compare with the current version (3)');
    const v2 = (await store.getVersion(ids.xss, 2))!;
    await store.insertVersion({
      articleId: ids.xss, title: 'Third version of the story', byline: null, publishedAt: null, text: `${v2.text}\n\nA fourth paragraph.`,
      contentHash: 'third', capturedAt: NOW.toISOString(), responseId: null, extractorVersion: 'test-1', wordsAdded: 3, wordsRemoved: 0,
      stats: null, metadata: {},
    });
    const after = (await request(cached).get(url).expect(200)).text;
    // The page now links the current version and offers version 3 in its pickers.
    expect(after).toContain('Compare with the current version (3)');
    expect(after).toContain('<option value="3">');
    expect(after).toBe((await request(plain).get(url).expect(200)).text);
  });

  it('a diff page whose key is known but whose page left the cache is rendered again: the same bytes, validator and 304', async () => {
    const config = testConfig(BASE);
    const ctx: WebContext = { store, config, now: () => NOW, render: createRenderer(() => NOW), heavy: createHeavyGates(config.web) };
    const app = express().use(diffRouter(ctx));
    const url = `/articles/${ids.story}/diff/1/3?view=inline`;
    const want = await request(plain).get(url).expect(200);
    const first = await request(app).get(url).expect(200);
    expect([first.text, first.headers.etag]).toEqual([want.text, want.headers.etag]);
    const caches = cachesOf(ctx);
    // (Not an exact count of known keys: a write stamp moved by other tests' background writes adds one.)
    expect(caches.known.size).toBeGreaterThan(0);
    expect(caches.pages.size).toBe(1);
    // The page goes (as the least recently used would); the key found at this write stamp stays known.
    caches.pages.clear();
    await request(app).get(url).set('If-None-Match', want.headers.etag!).expect(304);
    const again = await request(app).get(url).expect(200);
    expect([again.text, again.headers.etag, again.headers['content-type']]).toEqual([want.text, want.headers.etag, want.headers['content-type']]);
    expect(caches.pages.size).toBe(1);
  });

  it('a byte-bounded LRU keeps the most recently used entries within its bound', () => {
    const lru = new ByteLru<string>(100);
    lru.set('a', 'A', 40);
    lru.set('b', 'B', 40);
    expect(lru.get('a')).toBe('A'); // a is now the most recently used
    lru.set('c', 'C', 40); // over the bound: b, the least recently used, goes
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual(['A', undefined, 'C']);
    expect([lru.bytes, lru.size]).toEqual([80, 2]);
    lru.set('a', 'A2', 10); // replacing counts the new size only
    expect(lru.bytes).toBe(50);
    lru.set('huge', 'H', 101); // larger than the bound: not kept, nothing else dropped
    expect([lru.get('huge'), lru.bytes, lru.size]).toEqual([undefined, 50, 2]);
    lru.clear();
    expect([lru.get('a'), lru.bytes, lru.size]).toEqual([undefined, 0, 0]);
    const off = new ByteLru<string>(0);
    off.set('x', 'X', 1);
    expect(off.size).toBe(0);
  });

  it('the diff cache counts each diff at its JSON\'s size and stays within its bound', () => {
    const bound = 20_000;
    const config = testConfig({ web: { diffCacheBytes: bound } });
    const ctx: WebContext = { store, config, now: () => NOW, render: createRenderer(() => NOW), heavy: createHeavyGates(config.web) };
    const texts = Array.from({ length: 16 }, (_, i) => ({ title: `Story ${i}`, text: `Paragraph ${i} of a story about the number ${i}.\n\nAnother paragraph, ${i * 7}.` }));
    let counted = 0;
    for (let i = 1; i < texts.length; i++) {
      const d = cachedDiff(ctx, texts[i - 1]!, texts[i]!);
      expect(d.json).toBe(JSON.stringify(computeDiff(texts[i - 1]!, texts[i]!)));
      counted += diffBytes(d.json);
      // The same content is a hit: the very same object.
      expect(cachedDiff(ctx, { ...texts[i - 1]! }, { ...texts[i]! })).toBe(d);
    }
    const diffs = cachesOf(ctx).diffs;
    expect(counted).toBeGreaterThan(bound); // enough diffs to overflow it
    expect(diffs.bytes).toBeLessThanOrEqual(bound);
    expect(diffs.size).toBeLessThan(texts.length - 1);
    expect(diffs.size).toBeGreaterThan(0);
  });
});
