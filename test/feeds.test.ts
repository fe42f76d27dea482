/** Feeds parsed with a real XML parser: well-formed RSS 2.0 / Atom 1.0, JSON Feed, stable guids, diff content, 304s. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createApp } from '../src/web/app.js';
import type { WebContext } from '../src/web/context.js';
import { defaultFeedItems, FEED_ITEMS, FEED_LIMIT_MAX, feedLimit, feedValidators, renderFeed } from '../src/web/feeds.js';
import { createHeavyGates } from '../src/web/heavy.js';
import { createRenderer } from '../src/web/render.js';
import { openStore, sha256Hex, type Store } from '../src/store/index.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, STORY, at, seed, testConfig, type Seeded } from './helpers/web-seed.js';

let store: Store;
let target: string;
let cleanup: () => Promise<void>;
let ids: Seeded;
let app: express.Express;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (_name, jpath) => ['rss.channel.item', 'feed.entry', 'feed.entry.link'].includes(String(jpath)) });

interface RssItem { title: string; link: string; guid: { '#text': string; '@isPermaLink': string }; pubDate: string; description: string }
interface AtomEntry { title: { '#text': string; '@type': string }; id: string; link: Array<{ '@href': string }>; updated: string; content: { '#text': string; '@type': string } }
interface JsonFeed { version: string; title: string; items: Array<{ id: string; url: string; title: string; content_html: string; date_modified: string }> }

function parseXml(xml: string): Record<string, unknown> {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as Record<string, unknown>;
}

function rssItems(xml: string): RssItem[] {
  const doc = parseXml(xml) as { rss: { '@version': string; channel: { title: string; link: string; item?: RssItem[] } } };
  expect(doc.rss['@version']).toBe('2.0');
  return doc.rss.channel.item ?? [];
}

function atomEntries(xml: string): AtomEntry[] {
  const doc = parseXml(xml) as { feed: { '@xmlns': string; id: string; title: string; updated: string; entry?: AtomEntry[] } };
  expect(doc.feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
  expect(doc.feed.id).toBe(`palimpsest:article:${ids.story}`);
  return doc.feed.entry ?? [];
}

beforeAll(async () => {
  const t = await tmpStore();
  store = t.store;
  target = t.target;
  cleanup = t.cleanup;
  ids = await seed(store);
  app = createApp({ store, config: testConfig({ baseUrl: 'https://palimpsest.example/' }), now: () => NOW });
});

afterAll(() => cleanup());

describe('article feeds', () => {
  it('RSS 2.0: one item per version, newest first, with the changed words in del/ins', async () => {
    const res = await request(app).get(`/articles/${ids.story}/feed.rss`).expect(200).expect('Content-Type', 'application/rss+xml; charset=utf-8');
    const items = rssItems(res.text);
    expect(items.map((i) => i.guid['#text'])).toEqual([3, 2, 1].map((n) => `palimpsest:article:${ids.story}:version:${n}`));
    expect(items.every((i) => i.guid['@isPermaLink'] === 'false')).toBe(true);
    const [v3, v2, v1] = items;
    // A headline change says so, old → new (the item also gets the category headline-changed: feeds-headlines.test.ts).
    expect(v3?.title).toBe('Version 3: Headline changed: “Minister resigns after inquiry” → “Minister quits after damning inquiry”');
    expect(v2?.title).toBe('Version 2: Minister resigns after inquiry');
    expect(v1?.title).toBe('Now tracking: Minister resigns after inquiry');
    expect(v2?.link).toBe(`https://palimpsest.example/articles/${ids.story}/diff/1/2`);
    expect(v1?.link).toBe(`https://palimpsest.example/articles/${ids.story}/versions/1`);
    expect(v2?.pubDate).toBe('Wed, 01 May 2024 08:35:00 GMT');
    expect(v2?.description).toMatch(/<del style="[^"]*line-through[^"]*">Tuesday<\/del><ins style="[^"]*">Wednesday<\/ins>/);
    expect(v2?.description).toMatch(/\+1<\/strong> word added/);
    expect(v3?.description).toMatch(/<del style="[^"]*">next week<\/del><ins style="[^"]*">on Friday<\/ins>/);
    expect(v3?.description).toMatch(/<ins style="[^"]*">A spokesperson declined to comment\.<\/ins>/);
    // The old headline whole, struck through, then the new one whole: never interleaved word by word.
    expect(v3?.description).toMatch(/Headline:.*<del[^>]*>[^<]*resigns[^<]*<\/del> <ins[^>]*>[^<]*quits[^<]*<\/ins>/);
  });

  it('Atom 1.0 and JSON Feed carry the same items', async () => {
    const atom = await request(app).get(`/articles/${ids.story}/feed.atom`).expect(200).expect('Content-Type', 'application/atom+xml; charset=utf-8');
    const entries = atomEntries(atom.text);
    expect(entries.map((e) => e.id)).toEqual([3, 2, 1].map((n) => `palimpsest:article:${ids.story}:version:${n}`));
    expect(entries[1]?.title).toEqual({ '#text': 'Version 2: Minister resigns after inquiry', '@type': 'html' });
    expect(entries[1]?.link[0]?.['@href']).toBe(`https://palimpsest.example/articles/${ids.story}/diff/1/2`);
    expect(entries[1]?.updated).toBe('2024-05-01T08:35:00.000Z');
    expect(entries[1]?.content['@type']).toBe('html');
    expect(entries[1]?.content['#text']).toMatch(/<del[^>]*>Tuesday<\/del><ins[^>]*>Wednesday<\/ins>/);

    const json = await request(app).get(`/articles/${ids.story}/feed.json`).expect(200).expect('Content-Type', 'application/feed+json; charset=utf-8');
    const feed = JSON.parse(json.text) as JsonFeed;
    expect(feed.version).toMatch(/^https:\/\/jsonfeed\.org\/version\/1/);
    expect(feed.items.map((i) => i.id)).toEqual(entries.map((e) => e.id));
    expect(feed.items[1]).toMatchObject({ title: 'Version 2: Minister resigns after inquiry', url: `https://palimpsest.example/articles/${ids.story}/diff/1/2`, date_modified: '2024-05-01T08:35:00.000Z' });
    expect(feed.items[1]?.content_html).toMatch(/<del[^>]*>Tuesday<\/del><ins[^>]*>Wednesday<\/ins>/);
  });

  it('escapes hostile titles and text and stays well-formed', async () => {
    const rss = rssItems((await request(app).get(`/articles/${ids.xss}/feed.rss`).expect(200)).text);
    expect(rss[0]?.title).toBe('Version 2: Headline changed: “&lt;script&gt;alert(1)&lt;/script&gt; Breaking &quot;news&quot; &amp; more” → “&lt;script&gt;alert(1)&lt;/script&gt; Breaking &quot;news&quot; &amp; even more”');
    expect(rss[0]?.description).not.toMatch(/<script|<img/);
    expect(rss[0]?.description).toContain('Third ]]&#62; paragraph');
    const atom = parseXml((await request(app).get(`/articles/${ids.xss}/feed.atom`).expect(200)).text) as { feed: { entry: AtomEntry[] } };
    expect(atom.feed.entry[0]?.title['#text']).toContain('&lt;script&gt;');
    expect(atom.feed.entry[0]?.content['#text']).not.toMatch(/<script|<img/);
  });
});

describe('site-wide feeds', () => {
  it('carry changes only (versions 2+) across articles, newest first', async () => {
    for (const format of ['rss', 'atom', 'json'] as const) {
      const res = await request(app).get(`/feed.${format}`).expect(200);
      const guids = format === 'rss' ? rssItems(res.text).map((i) => i.guid['#text'])
        : format === 'atom' ? (parseXml(res.text) as { feed: { entry: AtomEntry[] } }).feed.entry.map((e) => e.id)
          : (JSON.parse(res.text) as JsonFeed).items.map((i) => i.id);
      expect(guids).toEqual([`palimpsest:article:${ids.xss}:version:2`, `palimpsest:article:${ids.story}:version:3`, `palimpsest:article:${ids.story}:version:2`]);
    }
  });
});

describe('feed length', () => {
  const context = (overrides: Record<string, unknown> = {}): WebContext => {
    const config = testConfig(overrides);
    return { store, config, now: () => NOW, render: createRenderer(() => NOW), heavy: createHeavyGates(config.web) };
  };
  const jsonIds = (json: string): string[] => (JSON.parse(json) as JsonFeed).items.map((i) => i.id);

  it('the site-wide and source feeds carry web.feedItems changes (50 by default), an article feed FEED_ITEMS', async () => {
    const ctx = context();
    expect(defaultFeedItems(ctx, { kind: 'site' })).toBe(50);
    expect(defaultFeedItems(ctx, { kind: 'article', article: (await store.getArticle(ids.story))! })).toBe(FEED_ITEMS);
    const two = createApp({ store, config: testConfig({ web: { feedItems: 2 } }), now: () => NOW });
    const res = await request(two).get('/feed.json').expect(200);
    expect(jsonIds(res.text)).toEqual([`palimpsest:article:${ids.xss}:version:2`, `palimpsest:article:${ids.story}:version:3`]);
    // The article feed is not shortened by the setting.
    expect(jsonIds((await request(two).get(`/articles/${ids.story}/feed.json`).expect(200)).text)).toHaveLength(3);
    // The pages about the feeds say how many items each carries, and how to ask for more.
    expect((await request(app).get('/feeds').expect(200)).text).toContain('The feed holds the 50 newest items; for another number (up to 200), add <code>?limit=</code>');
    expect((await request(app).get(`/articles/${ids.story}/feeds`).expect(200)).text).toContain('The feed holds the 100 newest items;');
  });

  it('a limit asks for another number of items, 1 to FEED_LIMIT_MAX, and its feed has validators of its own', async () => {
    const ctx = context();
    const site = { kind: 'site' } as const;
    expect(feedLimit(ctx, site, undefined)).toBe(50);
    expect(feedLimit(ctx, site, '1')).toBe(1);
    expect(feedLimit(ctx, site, String(FEED_LIMIT_MAX))).toBe(FEED_LIMIT_MAX);
    for (const bad of ['0', String(FEED_LIMIT_MAX + 1), 'ten', '-3', '2.5']) expect(() => feedLimit(ctx, site, bad)).toThrow(/invalid limit/);
    const base = 'https://palimpsest.example';
    expect(jsonIds(await renderFeed(ctx, site, 'json', base, false, 1))).toEqual([`palimpsest:article:${ids.xss}:version:2`]);
    expect(jsonIds(await renderFeed(ctx, site, 'json', base, false))).toHaveLength(3);
    const one = await feedValidators(ctx, site, 'json', base, false, 1);
    const all = await feedValidators(ctx, site, 'json', base, false);
    expect(one.etag).not.toBe(all.etag);
    expect(all.etag).toBe((await feedValidators(ctx, site, 'json', base, false, 50)).etag);
  });

  it('the feed routes take ?limit=: that many items, their own ETag and 304, a 400 for a bad value', async () => {
    const one = await request(app).get('/feed.json?limit=1').expect(200);
    expect(jsonIds(one.text)).toEqual([`palimpsest:article:${ids.xss}:version:2`]);
    const all = await request(app).get('/feed.json').expect(200);
    expect(jsonIds(all.text)).toHaveLength(3);
    expect(one.headers.etag).not.toBe(all.headers.etag);
    await request(app).get('/feed.json?limit=1').set('If-None-Match', String(one.headers.etag)).expect(304);
    // Another limit is another body: the first limit's ETag does not revalidate it.
    await request(app).get('/feed.json?limit=2').set('If-None-Match', String(one.headers.etag)).expect(200);
    const story = await request(app).get(`/articles/${ids.story}/feed.rss?limit=2`).expect(200);
    expect(rssItems(story.text).map((i) => i.guid['#text'])).toEqual([3, 2].map((n) => `palimpsest:article:${ids.story}:version:${n}`));
    for (const bad of ['0', String(FEED_LIMIT_MAX + 1), 'ten']) {
      const res = await request(app).get(`/feed.rss?limit=${bad}`).expect(400);
      expect(res.text).toContain('Invalid limit: expected an integer from 1 to 200');
    }
  });
});

describe('stability and caching', () => {
  it('keeps guids and validators across app instances (a restart) and host names', async () => {
    const store2 = await openStore(target);
    try {
      const derived = createApp({ store: store2, config: testConfig(), now: () => NOW });
      const a = await request(app).get(`/articles/${ids.story}/feed.rss`).expect(200);
      const b = await request(derived).get(`/articles/${ids.story}/feed.rss`).set('Host', 'other.example:8080').expect(200);
      expect(rssItems(b.text).map((i) => i.guid['#text'])).toEqual(rssItems(a.text).map((i) => i.guid['#text']));
      expect(rssItems(b.text)[1]?.link).toBe(`http://other.example:8080/articles/${ids.story}/diff/1/2`);
      const again = createApp({ store: store2, config: testConfig({ baseUrl: 'https://palimpsest.example' }), now: () => NOW });
      const c = await request(again).get(`/articles/${ids.story}/feed.rss`).expect(200);
      expect(c.headers.etag).toBe(a.headers.etag);
      expect(c.text).toBe(a.text);
    } finally {
      await store2.close();
    }
  });

  it('answers 304 to If-None-Match and If-Modified-Since, 200 once a new version arrives', async () => {
    const url = `/articles/${ids.story}/feed.atom`;
    const first = await request(app).get(url).expect(200);
    const etag = first.headers.etag ?? '';
    const lastModified = first.headers['last-modified'] ?? '';
    expect(etag).toMatch(/^W\/".+"$/);
    expect(lastModified).toBe('Wed, 01 May 2024 10:00:00 GMT');
    const n = await request(app).get(url).set('If-None-Match', etag).expect(304);
    expect(n.text ?? '').toBe('');
    await request(app).get(url).set('If-Modified-Since', lastModified).expect(304);
    await request(app).get(url).set('If-Modified-Since', 'Wed, 01 May 2024 09:00:00 GMT').expect(200);
    await request(app).get(url).set('If-None-Match', 'W/"something-else"').expect(200);
    for (const f of ['rss', 'json']) {
      const r = await request(app).get(`/feed.${f}`).expect(200);
      await request(app).get(`/feed.${f}`).set('If-None-Match', r.headers.etag ?? '').expect(304);
    }

    const text = `${STORY[2]?.text ?? ''}\n\nA late correction was appended.`;
    await store.insertVersion({
      articleId: ids.story, title: 'Minister quits after damning inquiry', byline: null, publishedAt: null, text,
      contentHash: sha256Hex(text), capturedAt: at(300), responseId: null,
      extractorVersion: 'test-1', wordsAdded: 5, wordsRemoved: 0, stats: null, metadata: {},
    });
    await store.recordChanged(ids.story, at(300), 'Minister quits after damning inquiry', at(330), 1800, { etag: null, lastModified: null, bodySha256: null });
    const fresh = await request(app).get(url).set('If-None-Match', etag).expect(200);
    expect(fresh.headers.etag).not.toBe(etag);
    await request(app).get(url).set('If-Modified-Since', lastModified).expect(200);
    expect(atomEntries(fresh.text)[0]?.id).toBe(`palimpsest:article:${ids.story}:version:4`);
    expect(atomEntries(fresh.text)[0]?.content['#text']).toMatch(/<ins[^>]*>A late correction was appended\.<\/ins>/);
  });

  it('404s the feed of an unknown article', async () => {
    await request(app).get('/articles/999/feed.rss').expect(404);
  });
});
