/** Sources in the web app: pages, API (list, one, create), source feeds, feed discovery and download links. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import type express from 'express';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import yauzl from 'yauzl';
import { parse as parseCsv } from 'csv-parse/sync';
import { createApp } from '../src/web/app.js';
import { CSV_COLUMNS, writeExport } from '../src/export/index.js';
import type { Store } from '../src/store/index.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, XSS, seed, testConfig, type Seeded } from './helpers/web-seed.js';
import { DAILY_PER_DAY, seedSources, type SourceSeeded } from './helpers/source-seed.js';

const TOKEN = 'source-admin-token';

let store: Store;
let cleanup: () => Promise<void>;
let ids: Seeded;
let src: SourceSeeded;
let app: express.Express;
let adminApp: express.Express;

beforeAll(async () => {
  const t = await tmpStore();
  store = t.store;
  cleanup = t.cleanup;
  ids = await seed(store);
  src = await seedSources(store);
  app = createApp({ store, config: testConfig({ baseUrl: 'https://palimpsest.example' }), now: () => NOW });
  adminApp = createApp({ store, config: testConfig({ adminToken: TOKEN }), now: () => NOW });
});

afterAll(() => cleanup());

/** Binary response bodies as Buffers (a superagent parser). */
function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

/** The names of the entries of a zip file. */
function zipEntries(buf: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const names: string[] = [];
      zip.on('entry', (e: { fileName: string }) => { names.push(e.fileName); zip.readEntry(); });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('sources pages', () => {
  it('/sources lists each source: kind, URLs, articles, last poll, last error, new articles per day', async () => {
    const res = await request(app).get('/sources').expect(200).expect('Content-Type', /text\/html/);
    const t = res.text;
    expect(t).toContain('<a href="/sources" aria-current="page">Sources</a>'); // navigation
    const daily = t.slice(t.indexOf('id="source-daily-news"'), t.indexOf('id="source-city-front"') > t.indexOf('id="source-daily-news"') ? t.indexOf('id="source-city-front"') : undefined);
    expect(daily).toContain('<a href="/sources/daily-news">Daily News</a>');
    expect(daily).toContain('<dt>Kind</dt><dd>feed</dd>');
    expect(daily).toContain('<a href="https://daily.example/world/rss" rel="noopener noreferrer nofollow">');
    expect(daily).toContain('<dd class="article-count">7</dd>');
    expect(daily).toMatch(/Last poll<\/dt><dd><time datetime="2024-06-20T07:00:00.000Z" title="2024-06-20 07:00 UTC">/);
    expect(daily).toContain('<dt>Last error</dt><dd>none</dd>');
    const counts = [...daily.matchAll(/<td class="count">(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(counts).toEqual(DAILY_PER_DAY);
    expect(daily).toContain('<time datetime="2024-06-14">2024-06-14</time>');
    expect(daily).toContain('<meter min="0" max="3" value="3"');
    expect(t).toContain('fetcher: HTTP 500 Internal Server Error');
    expect(t).toContain('(1 poll in a row)');
  });

  it('/sources/:slug shows settings, changes, articles newest first (paginated), feeds and downloads', async () => {
    const res = await request(app).get('/sources/daily-news').expect(200);
    const t = res.text;
    expect(t).toContain('<h1>Daily News</h1>');
    expect(t).toContain('<dt>urls</dt><dd><pre>https://daily.example/rss\nhttps://daily.example/world/rss</pre></dd>');
    expect(t).toContain('<dt>exclude</dt><dd>/live/**</dd>');
    expect(t).toContain('<dt>intervalS</dt><dd>600</dd>');
    expect(t).toContain(`href="/articles/${src.headline}/diff/2/3"`);
    expect(t).toContain(`href="/articles/${src.long}/diff/1/2"`);
    expect(t).not.toContain(`/articles/${src.frontStory}"`);
    // (in the articles list: the most-edited chart above it links articles too)
    const list = t.slice(t.indexOf('<h2 id="articles">'));
    const order = src.dailyArticles.slice().sort((a, b) => b - a).map((id) => list.indexOf(`<a href="/articles/${id}">`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual(order.slice().sort((a, b) => a - b));
    // feed discovery in <head> and download links
    for (const [type, f] of [['application/rss+xml', 'rss'], ['application/atom+xml', 'atom'], ['application/feed+json', 'json']]) {
      expect(t).toContain(`<link rel="alternate" type="${type}" title="Palimpsest: changes to articles from Daily News (`);
      expect(t).toContain(`href="/sources/daily-news/feed.${f}">`);
    }
    for (const f of ['jsonl', 'csv', 'wacz']) expect(t).toContain(`<a href="/sources/daily-news/export.${f}" download>`);
    await request(app).get('/sources/nope').expect(404);
    await request(app).get('/sources/Bad%20Slug').expect(404);
    await request(app).get('/sources/daily-news?before=x').expect(400);
    const older = await request(app).get(`/sources/daily-news?before=${src.dailyArticles[3]}`).expect(200);
    expect(older.text).not.toContain(`<a href="/articles/${src.dailyArticles[4]}">`);
    expect(older.text).toContain(`<a href="/articles/${src.dailyArticles[2]}">`);
  });

  it('article pages link their source and offer downloads; home and article pages keep feed discovery', async () => {
    const a = await request(app).get(`/articles/${src.headline}`).expect(200);
    expect(a.text).toContain('<dt>Source</dt><dd><a href="/sources/daily-news">Daily News</a></dd>');
    for (const f of ['jsonl', 'csv', 'wacz']) expect(a.text).toContain(`<a href="/articles/${src.headline}/export.${f}" download>`);
    expect(a.text).toContain(`<link rel="alternate" type="application/atom+xml" title="Palimpsest: changes to Harbour bridge closure postponed (Atom)" href="/articles/${src.headline}/feed.atom">`);
    const home = await request(app).get('/').expect(200);
    expect(home.text).toContain('<link rel="alternate" type="application/rss+xml" title="Palimpsest: latest changes (RSS)" href="/feed.rss">');
  });
});

describe('sources API', () => {
  it('lists sources with their figures, paginated by cursor, with CORS', async () => {
    const all = await request(app).get('/api/sources').expect(200);
    expect(all.headers['access-control-allow-origin']).toBe('*');
    const body = all.body as { sources: Array<Record<string, unknown>>; next_cursor: string | null };
    expect(body.sources.map((s) => s.slug)).toEqual(['city-front', 'daily-news']);
    expect(body.next_cursor).toBeNull();
    expect(body.sources[1]).toMatchObject({
      slug: 'daily-news', name: 'Daily News', kind: 'feed', urls: ['https://daily.example/rss', 'https://daily.example/world/rss'],
      article_count: 7, last_error: null, poll_count: 1,
      links: { html: 'https://palimpsest.example/sources/daily-news', feed_atom: 'https://palimpsest.example/sources/daily-news/feed.atom', export_csv: 'https://palimpsest.example/sources/daily-news/export.csv' },
    });
    expect((body.sources[1]?.new_articles_per_day as Array<{ count: number }>).map((d) => d.count)).toEqual(DAILY_PER_DAY);
    expect(body.sources[0]).toMatchObject({ last_error: 'fetcher: HTTP 500 Internal Server Error', error_count: 1, config: { links: { selector: 'a.story' }, intervalS: 900 } });

    const p1 = await request(app).get('/api/sources?limit=1').expect(200);
    expect(p1.body.sources.map((s: { slug: string }) => s.slug)).toEqual(['city-front']);
    const p2 = await request(app).get(`/api/sources?limit=1&cursor=${p1.body.next_cursor as string}`).expect(200);
    expect(p2.body.sources.map((s: { slug: string }) => s.slug)).toEqual(['daily-news']);
    expect(p2.body.next_cursor).toBeNull();
    const wrongKind = (await request(app).get('/api/articles?limit=1').expect(200)).body.next_cursor as string;
    await request(app).get(`/api/sources?cursor=${wrongKind}`).expect(400);
    await request(app).get('/api/sources?limit=0').expect(400);
  });

  it('shows one source; 404 as a JSON error', async () => {
    const one = await request(app).get('/api/sources/city-front').expect(200);
    expect(one.body.source).toMatchObject({ slug: 'city-front', kind: 'page', article_count: 1 });
    const missing = await request(app).get('/api/sources/nope').expect(404).expect('Content-Type', /json/);
    expect(missing.body).toEqual({ error: { status: 404, message: 'No source with slug "nope"' } });
  });

  it('creates a source with the admin token: 403, 401, 415, 400 with the SourceConfigError message, 201 + Location', async () => {
    const def = { name: 'Harbour Gazette', kind: 'sitemap', urls: ['https://gazette.example/sitemap.xml'] };
    await request(app).post('/api/sources').set('Authorization', `Bearer ${TOKEN}`).send(def).expect(403);
    await request(adminApp).post('/api/sources').send(def).expect(401).expect('WWW-Authenticate', /Bearer/);
    const auth = { Authorization: `Bearer ${TOKEN}` };
    await request(adminApp).post('/api/sources').set(auth).type('form').send('name=x').expect(415);
    const bad = await request(adminApp).post('/api/sources').set(auth).send({ name: 'Bad', kind: 'feed', urls: ['ftp://x.example/'] }).expect(400);
    expect(bad.body.error.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Source is invalid:\n {2}- urls\[0\]: must be an absolute http\(s\) URL/);
    const page = await request(adminApp).post('/api/sources').set(auth).send({ name: 'P', kind: 'page', urls: ['https://p.example/'] }).expect(400);
    expect(page.body.error.message).toContain('a page source needs links');
    const created = await request(adminApp).post('/api/sources').set(auth).send(def).expect(201);
    expect(created.headers.location).toBe('/api/sources/harbour-gazette');
    expect(created.body.source).toMatchObject({ slug: 'harbour-gazette', kind: 'sitemap', article_count: 0, next_poll: NOW.toISOString(), config: { intervalS: 600 } });
    expect(await store.getSourceBySlug('harbour-gazette')).toMatchObject({ name: 'Harbour Gazette' });
    const dup = await request(adminApp).post('/api/sources').set(auth).send(def).expect(400);
    expect(dup.body.error.message).toContain('already exists');
    await request(app).get('/api/sources/harbour-gazette').expect(200);
  });
});

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (_n, jpath) => ['rss.channel.item', 'feed.entry'].includes(String(jpath)) });

describe('source feeds', () => {
  it('carry the changes of the source\'s articles only, with stats, in RSS, Atom and JSON Feed', async () => {
    const expected = [`palimpsest:article:${src.long}:version:2`, `palimpsest:article:${src.headline}:version:3`, `palimpsest:article:${src.headline}:version:2`];
    const rss = await request(app).get('/sources/daily-news/feed.rss').expect(200).expect('Content-Type', 'application/rss+xml; charset=utf-8');
    expect(XMLValidator.validate(rss.text)).toBe(true);
    const doc = parser.parse(rss.text) as { rss: { channel: { title: string; link: string; item: Array<{ guid: { '#text': string }; title: string; link: string; description: string }> } } };
    expect(doc.rss.channel.title).toBe('Palimpsest: changes to articles from Daily News');
    expect(doc.rss.channel.link).toBe('https://palimpsest.example/sources/daily-news');
    expect(doc.rss.channel.item.map((i) => i.guid['#text'])).toEqual(expected);
    const headline = doc.rss.channel.item[2]!;
    expect(headline.title).toBe('Version 2: Headline changed: “Harbour bridge to close for repairs” → “Harbour bridge closure postponed”');
    expect(headline.link).toBe(`https://palimpsest.example/articles/${src.headline}/diff/1/2`);
    expect(headline.description).toContain('the headline changed');
    expect(headline.description).toMatch(/Headline:.*<del[^>]*>Harbour bridge to close for repairs<\/del> <ins[^>]*>Harbour bridge closure postponed<\/ins>/);
    const v3 = doc.rss.channel.item[1]!;
    expect(v3.description).toMatch(/Version 3, captured <time datetime="[^"]+">[^<]+ UTC<\/time>: <strong[^>]*>\+1<\/strong> word added, <strong[^>]*>−1<\/strong> removed\./);
    expect(v3.description).toContain('Paragraphs: 1 changed, 0 added, 0 removed, 0 moved. Sentences: 0 added, 0 deleted, 1 edited, 0 moved.');
    expect(v3.description).toMatch(/<del style="[^"]*">June<\/del><ins style="[^"]*">July<\/ins>/);

    const atom = await request(app).get('/sources/daily-news/feed.atom').expect(200);
    const feed = (parser.parse(atom.text) as { feed: { id: string; entry: Array<{ id: string }> } }).feed;
    expect(feed.id).toBe('palimpsest:source:daily-news');
    expect(feed.entry.map((e) => e.id)).toEqual(expected);
    const json = JSON.parse((await request(app).get('/sources/daily-news/feed.json').expect(200)).text) as { items: Array<{ id: string }> };
    expect(json.items.map((i) => i.id)).toEqual(expected);
    const front = JSON.parse((await request(app).get('/sources/city-front/feed.json').expect(200)).text) as { items: Array<{ id: string }> };
    expect(front.items.map((i) => i.id)).toEqual([`palimpsest:article:${src.frontStory}:version:2`]);
    await request(app).get('/sources/nope/feed.rss').expect(404);
  });

  it('cuts a long diff short with a link to the rest', async () => {
    const json = JSON.parse((await request(app).get('/sources/daily-news/feed.json').expect(200)).text) as { items: Array<{ id: string; content_html: string }> };
    const long = json.items.find((i) => i.id === `palimpsest:article:${src.long}:version:2`);
    expect(long?.content_html).toContain('more changed paragraphs');
    expect(long?.content_html).toContain(`was cut short here: <a href="https://palimpsest.example/articles/${src.long}/diff/1/2">see the rest in the full diff</a>`);
    expect(long?.content_html).toContain('Paragraphs: 40 changed');
    const short = json.items.find((i) => i.id === `palimpsest:article:${src.headline}:version:3`);
    expect(short?.content_html).not.toContain('cut short');
  });

  it('answers 304 with the ETag, and the guids match those of the article feeds', async () => {
    const first = await request(app).get('/sources/daily-news/feed.atom').expect(200);
    await request(app).get('/sources/daily-news/feed.atom').set('If-None-Match', first.headers.etag ?? '').expect(304);
    await request(app).get('/sources/daily-news/feed.atom').set('If-Modified-Since', first.headers['last-modified'] ?? '').expect(304);
    const minor = await request(app).get('/sources/daily-news/feed.atom?minor=1').expect(200);
    expect(minor.headers.etag).not.toBe(first.headers.etag);
    const article = JSON.parse((await request(app).get(`/articles/${src.headline}/feed.json`).expect(200)).text) as { items: Array<{ id: string }> };
    expect(article.items.map((i) => i.id)).toContain(`palimpsest:article:${src.headline}:version:3`);
  });
});

/** Runs writeExport into memory (the reference the downloads are compared with). */
async function exportText(format: 'jsonl' | 'csv', scope: { articleId?: number; sourceSlug?: string }): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeExport(format, store, out, { scope, now: () => NOW });
  out.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe('downloads', () => {
  it('streams JSON Lines of an article and of a source with a file name', async () => {
    const res = await request(app).get(`/articles/${ids.story}/export.jsonl`).expect(200).expect('Content-Type', /application\/x-ndjson/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="palimpsest-article-${ids.story}.jsonl"`);
    const lines = res.text.trimEnd().split('\n');
    expect(lines).toHaveLength(2); // header + the article (it has no source)
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ type: 'article', url: 'https://news.example/2024/05/minister-resigns' });
    expect((JSON.parse(lines[1] ?? '{}') as { versions: unknown[] }).versions).toHaveLength(3);

    const s = await request(app).get('/sources/daily-news/export.jsonl').expect(200);
    expect(s.headers['content-disposition']).toBe('attachment; filename="palimpsest-source-daily-news.jsonl"');
    const sl = s.text.trimEnd().split('\n').map((l) => JSON.parse(l) as { type?: string });
    expect(sl.filter((l) => l.type === 'article')).toHaveLength(7);
    expect(sl.filter((l) => l.type === 'source')).toHaveLength(1);
    expect(s.text.split('\n').length).toBe((await exportText('jsonl', { sourceSlug: 'daily-news' })).split('\n').length);
  });

  it('streams CSV with its header row', async () => {
    const res = await request(app).get(`/sources/daily-news/export.csv`).expect(200).expect('Content-Type', /text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="palimpsest-source-daily-news.csv"');
    const rows = parseCsv(res.text) as string[][];
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(1 + 5); // 3 + 2 versions
    const xss = await request(app).get(`/articles/${ids.xss}/export.csv`).expect(200);
    expect((parseCsv(xss.text) as string[][])[1]?.[CSV_COLUMNS.indexOf('title')]).toBe(`${XSS.script} Breaking "news" & more`);
  });

  it('streams a WACZ (a zip with the WACZ parts)', async () => {
    const res = await request(app).get(`/articles/${ids.story}/export.wacz`).buffer(true).parse(binary).expect(200).expect('Content-Type', 'application/wacz');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="palimpsest-article-${ids.story}.wacz"`);
    const body = res.body as Buffer;
    expect(body.subarray(0, 4).toString('hex')).toBe('504b0304');
    const names = await zipEntries(body);
    expect(names).toEqual(expect.arrayContaining(['datapackage.json', 'archive/data.warc.gz', 'indexes/index.cdxj', 'pages/pages.jsonl']));
  });

  it('404s an unknown article or source before any byte, 400 for a bad id; no other formats', async () => {
    const a = await request(app).get('/articles/9999/export.jsonl').expect(404).expect('Content-Type', /text\/html/);
    expect(a.headers['content-disposition']).toBeUndefined();
    const s = await request(app).get('/sources/nope/export.wacz').expect(404);
    expect(s.headers['content-disposition']).toBeUndefined();
    await request(app).get('/articles/abc/export.csv').expect(400);
    await request(app).get(`/articles/${ids.story}/export.exe`).expect(404);
  });
});
