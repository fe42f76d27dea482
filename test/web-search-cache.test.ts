/**
 * Searches kept until the next write (src/web/search-cache.ts): /search, /api/search and /api/articles (with q
 * and without) answer the same request from memory with an ETag (304 when the client has it), and a new version, a re-extraction or a
 * deletion shows in the very next answer.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { createApp } from '../src/web/app.js';
import type { Store } from '../src/store/index.js';
import { NOW, seed, testConfig } from './helpers/web-seed.js';
import { tmpStore } from './helpers/tmp.js';

let store: Store;
let cleanup: () => Promise<void>;
let app: express.Express;

beforeAll(async () => {
  const t = await tmpStore();
  store = t.store;
  cleanup = t.cleanup;
  await seed(store);
  app = createApp({ store, config: testConfig({ baseUrl: 'https://palimpsest.example' }), now: () => NOW });
});

afterAll(() => cleanup());

/** Adds an article with one version holding `text`; returns the version's id and the article's. */
async function addArticle(url: string, text: string): Promise<{ articleId: number; versionId: number }> {
  const { article } = await store.insertArticle(url, NOW.toISOString());
  const v = await store.insertVersion({
    articleId: article.id, title: 'Orchard report', byline: null, publishedAt: null, text, contentHash: url, capturedAt: NOW.toISOString(),
    responseId: null, extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {},
  });
  return { articleId: article.id, versionId: v.id };
}

const apiIds = async (path: string): Promise<number[]> => {
  const r = await request(app).get(path).expect(200);
  const body = r.body as { results?: Array<{ article_id: number }>; articles?: Array<{ id: number }> };
  return body.results ? body.results.map((h) => h.article_id) : (body.articles ?? []).map((a) => a.id);
};

describe('kept searches', () => {
  it('answer a repeated search with the same body and ETag, and 304 to a client that has it', async () => {
    for (const path of ['/search?q=minister', '/api/search?q=minister', '/api/articles?q=minister']) {
      const a = await request(app).get(path).expect(200);
      const b = await request(app).get(path).expect(200);
      expect(b.text).toBe(a.text);
      expect(a.headers.etag).toMatch(/^W\/"/);
      expect(b.headers.etag).toBe(a.headers.etag);
      await request(app).get(path).set('If-None-Match', a.headers.etag!).expect(304);
    }
  });

  it('show a new version, a re-extraction and a deletion in the next answer', async () => {
    const paths = ['/api/search?q=kumquat', '/api/articles?q=kumquat'];
    for (const p of paths) expect(await apiIds(p)).toEqual([]);
    const page = await request(app).get('/search?q=kumquat').expect(200);
    expect(page.text).toContain('Nothing found.');

    const added = await addArticle('https://orchard.example/kumquats', 'Growers said the kumquat harvest doubled.');
    for (const p of paths) expect(await apiIds(p)).toEqual([added.articleId]);
    expect((await request(app).get('/search?q=kumquat').expect(200)).text).toContain('https://orchard.example/kumquats');

    await store.updateVersionContent(added.versionId, {
      title: 'Orchard report', byline: null, publishedAt: null, text: 'Growers said the lime harvest doubled.', contentHash: 'lime',
      extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {}, changeKind: 'initial', minorReason: null,
    });
    // The URL still holds "kumquat": /api/articles?q= finds it there; the words are gone from the text.
    expect(await apiIds('/api/search?q=kumquat')).toEqual([]);
    expect(await apiIds('/api/search?q=lime')).toEqual([added.articleId]);
    expect(await apiIds('/api/articles?q=kumquat')).toEqual([added.articleId]);

    await store.deleteVersion(added.versionId);
    expect(await apiIds('/api/search?q=lime')).toEqual([]);
  });

  it('keep the plain article listing too: same body and ETag, 304, and each new article in the next answer', async () => {
    const a = await request(app).get('/api/articles?limit=5').expect(200);
    const b = await request(app).get('/api/articles?limit=5').expect(200);
    expect(b.text).toBe(a.text);
    expect(b.headers.etag).toBe(a.headers.etag);
    await request(app).get('/api/articles?limit=5').set('If-None-Match', a.headers.etag!).expect(304);
    const before = await apiIds('/api/articles?limit=100');
    const added = await addArticle('https://orchard.example/medlars', 'Medlars ripen after the frost.');
    const after = await apiIds('/api/articles?limit=100');
    expect(after).toContain(added.articleId);
    expect(after.length).toBe(before.length + 1);
    const second = await addArticle('https://orchard.example/sloes', 'Sloes are picked after the first frost.');
    expect(await apiIds('/api/articles?limit=100')).toEqual([second.articleId, ...after]);
  });

  it('keep answers apart by everything in the URL: cursor, limit, source', async () => {
    for (const n of [1, 2, 3]) await addArticle(`https://orchard.example/quince-${n}`, `Quince crop number ${n} was late.`);
    const all = await apiIds('/api/search?q=quince&limit=100');
    expect(all).toHaveLength(3);
    expect(await apiIds('/api/search?q=quince&limit=1')).toEqual(all.slice(0, 1));
    const first = (await request(app).get('/api/search?q=quince&limit=1').expect(200)).body as { next_cursor: string };
    expect(await apiIds(`/api/search?q=quince&limit=1&cursor=${first.next_cursor}`)).toEqual(all.slice(1, 2));
    expect(await apiIds('/api/search?q=quince&limit=100&source=nowhere-at-all').catch(() => 'refused')).toBe('refused');
    await request(app).get('/api/search?q=quince&cursor=not-a-cursor').expect(400);
    await request(app).get('/api/search?q=quince&cursor=not-a-cursor').expect(400);
  });
});
