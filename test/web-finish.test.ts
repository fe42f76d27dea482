/**
 * The finish of the web site (issue 11, point 7) over real HTTP on 127.0.0.1: compressed responses (brotli, gzip,
 * none) decoding to the same bytes, compressed downloads left alone, validators and 304s kept; the favicon; the
 * layout's landmarks; error pages without module prefixes; the feed pages; the track form keeping what was typed.
 */
import http from 'node:http';
import type { Server } from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApp } from '../src/web/app.js';
import { publicMessage } from '../src/web/errors.js';
import type { Store } from '../src/store/index.js';
import { tmpStore } from './helpers/tmp.js';
import { serveApp } from './helpers/browser.js';
import { seedSources, type SourceSeeded } from './helpers/source-seed.js';
import { NOW, seed, testConfig, type Seeded } from './helpers/web-seed.js';

const TOKEN = 'finish-token-123';

let store: Store;
let cleanup: () => Promise<void>;
let ids: Seeded;
let src: SourceSeeded;
let server: Server;
let base: string;

/** One response as sent on the wire: status, headers, and the body bytes undecoded. */
interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request with node's http client, which never decodes bodies: what the test sees is what was sent. */
function raw(path: string, opts: { headers?: Record<string, string>; method?: string; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The body decoded per its Content-Encoding. */
function decoded(r: Raw): string {
  const enc = r.headers['content-encoding'];
  if (enc === 'br') return zlib.brotliDecompressSync(r.body).toString('utf8');
  if (enc === 'gzip') return zlib.gunzipSync(r.body).toString('utf8');
  expect(enc).toBeUndefined();
  return r.body.toString('utf8');
}

/** A form post (application/x-www-form-urlencoded). */
function postForm(path: string, fields: Record<string, string>): Promise<Raw> {
  return raw(path, {
    method: 'POST', body: new URLSearchParams(fields).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

beforeAll(async () => {
  const t = await tmpStore();
  store = t.store;
  cleanup = t.cleanup;
  ids = await seed(store);
  src = await seedSources(store);
  const app = createApp({ store, config: testConfig({ adminToken: TOKEN }), now: () => NOW });
  ({ server, base } = await serveApp(app));
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await cleanup?.();
});

describe('compression', () => {
  it.each([
    ['/', 'text/html'],
    [`/articles/${ids?.story ?? 0}`, 'text/html'],
    ['/static/style.css', 'text/css'],
    ['/api/articles', 'application/json'],
  ])('%s: brotli and gzip as accepted, decoding to the identity body', async (pathTemplate, type) => {
    // it.each runs before beforeAll: the article id is filled in here.
    const path = pathTemplate.replace('/articles/0', `/articles/${ids.story}`);
    const plain = await raw(path);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toContain(type);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);

    const br = await raw(path, { headers: { 'Accept-Encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(plain.body.length);
    expect(decoded(br)).toBe(plain.body.toString('utf8'));

    const gz = await raw(path, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decoded(gz)).toBe(plain.body.toString('utf8'));

    // Both accepted: brotli is preferred.
    const both = await raw(path, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(both.headers['content-encoding']).toBe('br');
    expect(decoded(both)).toBe(plain.body.toString('utf8'));

    const identity = await raw(path, { headers: { 'Accept-Encoding': 'identity' } });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.equals(plain.body)).toBe(true);
  });

  it('feeds are compressed and still answer conditional requests with 304', async () => {
    const first = await raw('/feed.atom', { headers: { 'Accept-Encoding': 'br' } });
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('br');
    expect(decoded(first)).toContain('<feed');
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    const again = await raw('/feed.atom', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': String(etag) } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // Pages: express's ETag of the page, the same whether the body goes out compressed or not.
    const page = await raw('/', { headers: { 'Accept-Encoding': 'gzip' } });
    const page304 = await raw('/', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': String(page.headers.etag) } });
    expect(page304.status).toBe(304);
  });

  it('compressed downloads (WACZ) are sent as they are; streamed JSON Lines exports compress', async () => {
    const wacz = await raw(`/articles/${ids.story}/export.wacz`, { headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(wacz.status).toBe(200);
    expect(wacz.headers['content-encoding']).toBeUndefined();
    expect(wacz.body.subarray(0, 2).toString('latin1')).toBe('PK');

    // A source's export: several articles, streamed (no Content-Length), compressed on the way.
    const path = `/sources/${src.daily.slug}/export.jsonl`;
    const plain = await raw(path);
    const gz = await raw(path, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-disposition']).toContain('.jsonl');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.length).toBeLessThan(plain.body.length);
    const lines = (s: string): unknown[] => s.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines(decoded(gz)).length).toBe(lines(plain.body.toString('utf8')).length);
    expect(lines(decoded(gz)).length).toBeGreaterThan(1);
  });
});

describe('favicon and layout', () => {
  it('serves a real icon at /favicon.ico with caching, and an SVG icon the layout links', async () => {
    const ico = await raw('/favicon.ico');
    expect(ico.status).toBe(200);
    expect(ico.headers['content-type']).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
    expect(ico.headers['cache-control']).toMatch(/max-age=604800/);
    // ICO header: reserved 0, type 1 (icon), at least one image.
    expect(ico.body.readUInt16LE(0)).toBe(0);
    expect(ico.body.readUInt16LE(2)).toBe(1);
    expect(ico.body.readUInt16LE(4)).toBeGreaterThan(0);
    const svg = await raw('/static/favicon.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body.toString()).toContain('<svg');
    const home = decoded(await raw('/'));
    expect(home).toContain('<link rel="icon" href="/favicon.ico"');
    expect(home).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">');
  });

  it('has a skip link, labelled navigation and aria-current on the page shown', async () => {
    const home = decoded(await raw('/'));
    expect(home).toMatch(/<a class="skip-link" href="#main">/);
    expect(home).toContain('<main id="main" tabindex="-1">');
    expect(home).toContain('<nav aria-label="Site">');
    expect(home).toContain('<a href="/" aria-current="page">Latest changes</a>');
    expect(home.match(/aria-current="page"/g)).toHaveLength(1);
    const sources = decoded(await raw('/sources'));
    expect(sources).toContain('<a href="/sources" aria-current="page">Sources</a>');
    expect(sources).not.toContain('<a href="/" aria-current="page">');
    const feeds = decoded(await raw('/feeds'));
    expect(feeds).toContain('<a href="/feeds" aria-current="page">Feeds</a>');
    const article = decoded(await raw(`/articles/${ids.story}`));
    expect(article).not.toContain('aria-current="page"');
  });
});

describe('error pages', () => {
  it('show the message without the module prefix, in HTML and JSON', async () => {
    const page = await raw('/no/such/page', { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(404);
    const html = decoded(page);
    expect(html).toContain('<p class="error-message">No page at /no/such/page</p>');
    expect(html).not.toMatch(/\b(web|store): /);
    const api = await raw('/api/articles/999');
    expect(api.status).toBe(404);
    expect(JSON.parse(decoded(api))).toEqual({ error: { status: 404, message: 'No article with id 999' } });
    const bad = await raw('/?before=abc');
    expect(bad.status).toBe(400);
    expect(decoded(bad)).not.toContain('web: ');
  });

  it('takes off every module prefix and keeps the rest of the sentence', () => {
    expect(publicMessage('web: store: database is locked')).toBe('Database is locked');
    expect(publicMessage('web: sources: source is invalid: urls[0]')).toBe('Source is invalid: urls[0]');
    expect(publicMessage('invalid URL: not a valid URL: x')).toBe('Invalid URL: not a valid URL: x');
    expect(publicMessage('web: ')).toBe('error');
  });
});

describe('feed pages', () => {
  it('/feeds explains the site feed with absolute URLs to copy, and the layout links to it', async () => {
    const r = await raw('/feeds');
    expect(r.status).toBe(200);
    const html = decoded(r);
    expect(html).toContain('<h1>Feeds</h1>');
    for (const f of ['rss', 'atom', 'json']) {
      expect(html).toContain(`readonly value="${base}/feed.${f}"`);
      expect(html).toContain(`${base}/feed.${f}?minor=1`);
    }
    expect(html).toContain('<label for="feed-rss">RSS 2.0</label>');
    expect(html).toContain('<script src="/static/copy.js" defer></script>');
    const js = await raw('/static/copy.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toContain('javascript');
  });

  it('an article and a source have feed pages; pages with feeds link to theirs', async () => {
    const a = await raw(`/articles/${ids.story}/feeds`);
    expect(a.status).toBe(200);
    const html = decoded(a);
    expect(html).toContain(`value="${base}/articles/${ids.story}/feed.atom"`);
    expect(html).toContain('Minister quits after damning inquiry');
    expect((await raw('/articles/999/feeds')).status).toBe(404);
    const s = decoded(await raw(`/sources/${src.front.slug}/feeds`));
    expect(s).toContain('<h1>Follow the changes to City Front</h1>');
    expect(s).toContain(`value="${base}/sources/${src.front.slug}/feed.json"`);
    expect(decoded(await raw('/feeds'))).toContain(`<a href="/sources/${src.front.slug}/feeds">City Front</a>`);
    expect(decoded(await raw(`/sources/${src.front.slug}`))).toContain(`<a href="/sources/${src.front.slug}/feeds">what these feeds carry</a>`);
    expect((await raw('/sources/nope/feeds')).status).toBe(404);
    const article = decoded(await raw(`/articles/${ids.story}`));
    expect(article).toContain(`<a href="/articles/${ids.story}/feeds">what these feeds carry</a>`);
    const home = decoded(await raw('/'));
    expect(home).toContain('<a href="/feeds">what these feeds carry</a>');
  });

  it('the feeds themselves still answer as feeds, even to a browser asking for HTML', async () => {
    const r = await raw('/feed.rss', { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('application/rss+xml');
    expect(decoded(r)).toContain('<rss');
  });
});

describe('track form', () => {
  it('a wrong or missing token answers 401 with the form again: URL kept, token empty, error shown', async () => {
    const typed = 'https://news.example/2024/06/"kept"?a=1&b=2';
    for (const token of ['wrong-token', '']) {
      const r = await postForm('/track', { url: typed, token });
      expect(r.status).toBe(401);
      expect(r.headers['cache-control']).toBe('no-store');
      const html = decoded(r);
      expect(html).toContain('value="https://news.example/2024/06/&quot;kept&quot;?a=1&amp;b=2"');
      expect(html).toMatch(/<input id="token" name="token" type="password" required autocomplete="current-password" aria-describedby="track-error" autofocus>/);
      expect(html).not.toContain(token === '' ? 'value=""' : token);
      expect(html).toContain(`role="alert">Not added: The admin token is ${token ? 'wrong' : 'missing'}</p>`);
      expect(html).toContain('<a href="/track" aria-current="page">');
    }
    expect(await store.getArticleByUrl('https://news.example/2024/06/%22kept%22?a=1&b=2')).toBeNull();
  });

  it('an invalid URL with the right token answers 400 with the form and the URL as typed', async () => {
    const r = await postForm('/track', { url: 'ftp://files.example/x', token: TOKEN });
    expect(r.status).toBe(400);
    const html = decoded(r);
    expect(html).toContain('value="ftp://files.example/x"');
    expect(html).toContain('Not added: Invalid URL: only http and https URLs can be tracked');
  });

  it('a good submission still redirects to the article', async () => {
    const r = await postForm('/track', { url: 'https://news.example/2024/06/fresh', token: TOKEN });
    expect(r.status).toBe(303);
    expect(r.headers.location).toMatch(/^\/articles\/\d+\?added=1$/);
  });
});
