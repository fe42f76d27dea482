/** Full-text search: the search index following the versions, the query parser, /search, /api/search and the article list's q. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { createApp } from '../src/web/app.js';
import { parseSearch, type SearchTerm, type Store } from '../src/store/index.js';
import { NOW, XSS, seed, testConfig, type Seeded } from './helpers/web-seed.js';
import { seedSources, type SourceSeeded } from './helpers/source-seed.js';
import { tmpStore } from './helpers/tmp.js';

let store: Store;
let cleanup: () => Promise<void>;
let ids: Seeded;
let src: SourceSeeded;
let app: express.Express;

beforeAll(async () => {
  const t = await tmpStore();
  store = t.store;
  cleanup = t.cleanup;
  ids = await seed(store);
  src = await seedSources(store);
  app = createApp({ store, config: testConfig({ baseUrl: 'https://palimpsest.example' }), now: () => NOW });
});

afterAll(() => cleanup());

/** Ids of the articles the store finds for what a user typed. */
const search = async (q: string): Promise<number[]> => {
  const terms = parseSearch(q);
  return terms === null ? [] : (await store.searchVersions({ terms, limit: 50 })).map((h) => h.articleId);
};

/** Garbage a user may type: FTS5 operators, unbalanced quotes and brackets, column filters, control characters. */
const GARBAGE = ['"', 'AND OR (', '(', ')', '*', 'NOT', 'a"b', '"unterminated phrase', 'NEAR(a b)', '^minister', 'title:minister',
  '-', '""', "'", '\\', '%', 'OR', 'AND', 'minister OR', 'OR minister', '*minister', 'minister**', '\u0000x', ':', '{a b}', 'a + b', 'NOT minister',
  'minister NOT', '"a" "b" OR OR', '()', '"*"', '\uFDD0minister\uFDD1', 'x'.repeat(250)];

/** A word of a parsed query (w), or a prefix (p). */
const w = (text: string): SearchTerm => ({ text, prefix: false });
const p = (text: string): SearchTerm => ({ text, prefix: true });

describe('the search index', () => {
  it('follows inserts, updates and deletes of versions', async () => {
    const { article } = await store.insertArticle('https://trigger.example/a', NOW.toISOString());
    const v = await store.insertVersion({
      articleId: article.id, title: 'Zeppelin sighted', byline: null, publishedAt: null, text: 'A zeppelin floated over the marmalade factory.',
      contentHash: 'z1', capturedAt: NOW.toISOString(), responseId: null, extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {},
    });
    expect(await search('marmalade')).toEqual([article.id]);
    await store.updateVersionContent(v.id, {
      title: 'Airship sighted', byline: null, publishedAt: null, text: 'An airship floated over the jam factory.', contentHash: 'z2',
      extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {}, changeKind: 'initial', minorReason: null,
    });
    expect(await search('marmalade')).toEqual([]);
    expect(await search('zeppelin')).toEqual([]);
    expect(await search('airship jam')).toEqual([article.id]);
    await store.deleteVersion(v.id);
    expect(await search('airship')).toEqual([]);
    await store.checkSearchIndex();
  });

  it('makes any input a valid query: words ANDed, "phrases", prefix*, OR; null without a word', async () => {
    expect(parseSearch('minister quits')).toEqual({ groups: [[w('minister')], [w('quits')]] });
    expect(parseSearch('"on Friday" minist*')).toEqual({ groups: [[w('on Friday')], [p('minist')]] });
    expect(parseSearch('quits OR tram harbour')).toEqual({ groups: [[w('quits'), w('tram')], [w('harbour')]] });
    expect(parseSearch('a"b')).toEqual({ groups: [[w('a"b')]] });
    expect(parseSearch('\u0000x\ty')).toEqual({ groups: [[w('x')], [w('y')]] });
    expect(parseSearch('NEAR(a b)')).toEqual({ groups: [[w('NEAR(a')], [w('b)')]] });
    for (const q of ['"', '(', ')', '*', '""', '-', 'OR', 'AND', '()', ':']) expect(parseSearch(q)).toBeNull();
    for (const q of GARBAGE) {
      const terms = parseSearch(q);
      if (terms !== null) expect({ q, found: Array.isArray(await store.searchVersions({ terms, limit: 5 })) }).toEqual({ q, found: true });
    }
    expect(await search('Tuesday')).toEqual([ids.story]); // only in version 1's text
    expect(await search('"on Friday"')).toEqual([ids.story]);
    expect(await search('"Friday on"')).toEqual([]);
    expect(await search('minist*')).toEqual([ids.story]);
    expect((await search('quits OR tram')).sort()).toEqual([ids.story, src.frontStory].sort());
    expect(await search('MINISTER')).toEqual([ids.story]);
  });
});

describe('GET /search', () => {
  it('shows one result per article with the article, version, and the matched words marked', async () => {
    const res = await request(app).get('/search?q=minister').expect(200).expect('Content-Type', /text\/html/);
    const t = res.text;
    expect(t).toContain('<a href="/search" aria-current="page">Search</a>');
    expect(t).toContain('value="minister"');
    expect(t).toContain(`<a class="title" href="/articles/${ids.story}"><mark>Minister</mark> quits after damning inquiry</a>`);
    expect(t).toContain(`<a href="/articles/${ids.story}/versions/3">version 3</a>`);
    expect(t).toContain('matches in 3 versions (1–3)');
    // Where a snippet starts is the backend's choice (the text's start, or "…" where it cuts in).
    expect(t).toMatch(/<p class="snippet">(The |…)<mark>minister<\/mark> resigned on Wednesday/);
    const empty = await request(app).get('/search').expect(200);
    expect(empty.text).not.toContain('Nothing found');
    const none = await request(app).get('/search?q=xylophone').expect(200);
    expect(none.text).toContain('Nothing found.');
  });

  it('keeps snippets escaped when the text holds markup', async () => {
    const res = await request(app).get('/search?q=alert').expect(200);
    expect(res.text.replace('<script src="/static/local-time.js" defer></script>', '')).not.toContain('<script');
    expect(res.text).not.toContain('<img');
    expect(res.text).toContain('&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;');
    const q = await request(app).get(`/search?q=${encodeURIComponent(XSS.script)}`).expect(200);
    expect(q.text.replace('<script src="/static/local-time.js" defer></script>', '')).not.toContain('<script');
    expect(q.text).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('never fails on FTS syntax garbage: 200 or 400 with a clear message, never 500', async () => {
    for (const q of GARBAGE) {
      const page = await request(app).get('/search').query({ q });
      expect({ q, ok: [200, 400].includes(page.status) }).toEqual({ q, ok: true });
      if (page.status === 400) expect(page.text).toMatch(/invalid q: (it has no word to search for|longer than 200 characters)/);
      const api = await request(app).get('/api/search').query({ q });
      expect({ q, ok: [200, 400].includes(api.status) }).toEqual({ q, ok: true });
      if (api.status === 400) expect(api.body).toEqual({ error: { status: 400, message: expect.stringMatching(/^Invalid q: /) } });
      const list = await request(app).get('/api/articles').query({ q });
      expect({ q, ok: [200, 400].includes(list.status) }).toEqual({ q, ok: true });
    }
  });

  it('pages through results with a cursor and filters by source', async () => {
    const all = await request(app).get('/search?q=the').expect(200);
    expect(all.text).not.toContain('More results'); // 25 per page
    const front = await request(app).get('/search?q=tram&source=city-front').expect(200);
    expect(front.text).toContain(`/articles/${src.frontStory}`);
    expect(front.text).toContain('Only articles from <a href="/sources/city-front">City Front</a>');
    const none = await request(app).get('/search?q=tram&source=daily-news').expect(200);
    expect(none.text).toContain('Nothing found.');
    await request(app).get('/search?q=tram&source=nope').expect(400);
  });
});

describe('GET /api/search', () => {
  it('returns hits with plain snippets and highlight offsets, paginated by cursor', async () => {
    const res = await request(app).get('/api/search?q=minister').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const body = res.body as { q: string; results: Array<Record<string, unknown>>; next_cursor: string | null };
    expect(body.q).toBe('minister');
    expect(body.next_cursor).toBeNull();
    const hit = body.results[0] as { title: string; title_highlights: Array<[number, number]>; snippet: string; snippet_highlights: Array<[number, number]> };
    expect(body.results[0]).toMatchObject({
      article_id: ids.story, version: 3, matching_versions: 3, first_matching_version: 1, last_matching_version: 3,
      title: 'Minister quits after damning inquiry',
      links: { version_html: `https://palimpsest.example/articles/${ids.story}/versions/3`, diff_from_previous_html: `https://palimpsest.example/articles/${ids.story}/diff/2/3` },
    });
    expect(hit.title_highlights.map(([s, e]) => hit.title.slice(s, e))).toEqual(['Minister']);
    expect(hit.snippet_highlights.map(([s, e]) => hit.snippet.slice(s, e).toLowerCase())).toEqual(['minister']);
    expect(hit.snippet).not.toMatch(/[\uFDD0\uFDD1]/);

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await request(app).get('/api/search').query({ q: 'the', limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      const b = page.body as { results: Array<{ article_id: number }>; next_cursor: string | null };
      seen.push(...b.results.map((r) => r.article_id));
      cursor = b.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual((await search('the')).sort());
    expect(pages).toBeGreaterThan(1);
  });

  it('400s a missing q, a bad cursor, an unknown source', async () => {
    for (const bad of ['', 'q=', 'q=a&cursor=zzz', 'q=a&source=nope', 'q=a&limit=500']) {
      const res = await request(app).get(`/api/search?${bad}`).expect(400).expect('Content-Type', /json/);
      expect(res.body.error.message).toMatch(/^Invalid/);
    }
  });
});

describe('GET /api/articles filters', () => {
  const listed = async (query: string): Promise<number[]> =>
    ((await request(app).get(`/api/articles?${query}`).expect(200)).body as { articles: Array<{ id: number }> }).articles.map((a) => a.id);

  it('q searches URLs, current titles and every version\'s title and text', async () => {
    expect(await listed('q=Minister')).toEqual([ids.story]);
    expect(await listed('q=Tuesday')).toEqual([ids.story]); // only in version 1's text
    expect(await listed('q=spokesperson')).toEqual([ids.story]); // only in version 3's text
    expect(await listed('q=down.example')).toEqual([ids.paused]); // URL substring, no version at all
    expect(await listed(`q=${encodeURIComponent('"on Friday"')}`)).toEqual([ids.story]);
  });

  it('headline_changed, source, and the filters combined', async () => {
    const changed = await listed('headline_changed=1&limit=100');
    expect(changed.sort()).toEqual([ids.story, ids.xss, src.headline].sort());
    const unchanged = await listed('headline_changed=0&limit=100');
    expect(unchanged).not.toContain(ids.story);
    expect(unchanged).toContain(ids.plain);
    expect(await listed('source=daily-news&headline_changed=1')).toEqual([src.headline]);
    expect(await listed('source=city-front')).toEqual([src.frontStory]);
    expect(await listed('source=daily-news&q=budget')).toEqual([src.long]);
    for (const bad of ['headline_changed=yes', 'source=nope']) {
      const res = await request(app).get(`/api/articles?${bad}`).expect(400);
      expect(res.body.error.message).toMatch(/^Invalid (headline_changed|source)/);
    }
    const two = await request(app).get('/api/articles?source=daily-news&limit=2').expect(200);
    const next = await request(app).get(`/api/articles?source=daily-news&limit=10&cursor=${two.body.next_cursor as string}`).expect(200);
    expect([...two.body.articles, ...next.body.articles].map((a: { id: number }) => a.id)).toEqual(src.dailyArticles.slice().sort((a, b) => b - a));
  });
});
