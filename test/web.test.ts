/** The web app end to end: a real store (SQLite, or PostgreSQL in the postgres project) seeded through it, real differ, supertest against the real app. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { createApp } from '../src/web/app.js';
import type { Store } from '../src/store/index.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, XSS, seed, testConfig, type Seeded } from './helpers/web-seed.js';

const TOKEN = 'correct-horse-battery';

let store: Store;
let cleanup: () => Promise<void>;
let ids: Seeded;
let app: express.Express;
let adminApp: express.Express;

beforeAll(async () => {
  const t = await tmpStore();
  store = t.store;
  cleanup = t.cleanup;
  ids = await seed(store);
  app = createApp({ store, config: testConfig(), now: () => NOW });
  adminApp = createApp({ store, config: testConfig({ adminToken: TOKEN }), now: () => NOW });
});

afterAll(() => cleanup());

/** The text between the first `start` and the next `end` after it (for assertions on a fragment of a page). */
function between(html: string, start: string, end: string): string {
  const i = html.indexOf(start);
  if (i < 0) return '';
  const j = html.indexOf(end, i + start.length);
  return html.slice(i + start.length, j < 0 ? undefined : j);
}

describe('pages', () => {
  it('lists the latest changes newest first, with first captures marked, paginated', async () => {
    // The ungrouped stream of every change lives at /?view=stream (the home page groups by article: web-listings.test.ts).
    const res = await request(app).get('/?view=stream').expect(200).expect('Content-Type', /text\/html/);
    expect(res.text).toContain('Minister quits after damning inquiry');
    expect(res.text).toContain(`/articles/${ids.story}/diff/2/3`);
    expect(res.text).toContain(`/articles/${ids.story}/diff/1/2`);
    expect(res.text).toContain('Now tracking');
    expect(res.text).toContain(`/articles/${ids.plain}/versions/1`);
    // newest first: version 3 of the story (at +120 min) before version 2 (+35 min)
    expect(res.text.indexOf(`${ids.story}/diff/2/3`)).toBeLessThan(res.text.indexOf(`${ids.story}/diff/1/2`));
    expect(res.text).toContain('<link rel="alternate" type="application/rss+xml"');
    // the tracked-articles list includes one never captured
    expect(between(res.text, '<h2>Tracked articles</h2>', '</ul>')).toContain(`<a href="/articles/${ids.paused}">https://down.example/story</a>`);
    expect(res.text).toContain('awaiting first capture');
    const older = await request(app).get('/?before=3').expect(200);
    expect(older.text).not.toContain(`diff/2/3`);
    await request(app).get('/?before=abc').expect(400);
  });

  it('shows an article: URL link, versions with words +/-, feeds, discovery tags, checks', async () => {
    const res = await request(app).get(`/articles/${ids.story}`).expect(200);
    const t = res.text;
    expect(t).toContain('<h1>Minister quits after damning inquiry</h1>');
    expect(t).toContain('<a href="https://news.example/2024/05/minister-resigns" rel="noopener noreferrer nofollow">');
    expect(t).toContain('<time datetime="2024-05-01T08:00:00.000Z" title="2024-05-01 08:00 UTC">2024-05-01 08:00 UTC</time>');
    expect(t).toMatch(/Checked<\/dt><dd>4 times/);
    expect(t).toContain(`href="/articles/${ids.story}/diff/1/2"`);
    expect(t).toContain(`href="/articles/${ids.story}/diff/2/3"`);
    expect(t).toContain(`href="/articles/${ids.story}/versions/3"`);
    expect(t).toMatch(/<span class="plus" title="words added">\+1<\/span>/);
    expect(t).toMatch(/<span class="minus" title="words removed">&minus;1<\/span>/);
    expect(t).toContain(`<link rel="alternate" type="application/rss+xml" title="Palimpsest: changes to Minister quits after damning inquiry (RSS)" href="/articles/${ids.story}/feed.rss">`);
    expect(t).toContain(`href="/articles/${ids.story}/feed.atom"`);
    expect(t).toContain(`href="/articles/${ids.story}/feed.json"`);
  });

  it('explains a stopped article and a paused one with its errors', async () => {
    const stopped = await request(app).get(`/articles/${ids.stopped}`).expect(200);
    expect(stopped.text).toContain("It last changed over 40 days ago and won't be checked again");
    const paused = await request(app).get(`/articles/${ids.paused}`).expect(200);
    expect(paused.text).toContain('Checking is paused');
    expect(paused.text).toContain('3 checks failed so far, 3 in a row');
    expect(paused.text).toContain('fetcher: HTTP 503 Service Unavailable');
    expect(paused.text).toContain('No version captured yet');
  });

  it('shows one version: title, byline, capture time, paragraphs', async () => {
    const res = await request(app).get(`/articles/${ids.story}/versions/2`).expect(200);
    expect(res.text).toContain('Version 2: Minister resigns after inquiry');
    expect(res.text).toContain('By Ada Reporter');
    expect(res.text).toContain('<time datetime="2024-05-01T08:35:00.000Z" title="2024-05-01 08:35:00 UTC">2024-05-01 08:35:00 UTC</time>');
    expect(res.text).toContain('<p>The minister resigned on Wednesday after an inquiry found serious failings.</p>');
    expect(res.text).toContain(`href="/articles/${ids.story}/versions/1"`);
    expect(res.text).toContain(`href="/articles/${ids.story}/versions/3"`);
    await request(app).get(`/articles/${ids.story}/versions/9`).expect(404);
    await request(app).get(`/articles/${ids.story}/versions/x`).expect(400);
  });

  it('404s unknown articles and routes with an HTML page, 400 for a malformed id', async () => {
    const res = await request(app).get('/articles/999').expect(404).expect('Content-Type', /text\/html/);
    expect(res.text).toContain('No article with id 999');
    const nope = await request(app).get('/no/such/page').expect(404);
    expect(nope.text).toContain('404 Not found');
    await request(app).get('/articles/abc').expect(400);
    await request(app).get('/articles/999/diff/1/2').expect(404);
  });

  it('serves the stylesheet and a health check', async () => {
    await request(app).get('/static/style.css').expect(200).expect('Content-Type', /text\/css/);
    const h = await request(app).get('/healthz').expect(200);
    expect(h.body).toMatchObject({ status: 'ok' });
    const broken = await tmpStore();
    try {
      const brokenApp = createApp({ store: broken.store, config: testConfig(), now: () => NOW, logger: { error: () => undefined } });
      await broken.store.close();
      const down = await request(brokenApp).get('/healthz').expect(503).expect('Content-Type', /json/);
      expect(down.body).toEqual({ error: { status: 503, message: 'The database does not answer' } });
    } finally {
      await broken.cleanup();
    }
  });
});

describe('diff page', () => {
  it('shows versions side by side with del/ins, capture times, the gap, title change, prev/next', async () => {
    const res = await request(app).get(`/articles/${ids.story}/diff/1/3`).expect(200);
    const t = res.text;
    expect(t).toContain('<h2>Version 1</h2>');
    expect(t).toContain('<h2>Version 3</h2>');
    expect(t).toContain('(2 hours later)');
    expect(t).toContain('<del>Tuesday</del>');
    expect(t).toContain('<ins>Wednesday</ins>');
    expect(t).toMatch(/<ins>[^<]*on Friday[^<]*<\/ins>|<ins>on Friday<\/ins>|<ins>Friday<\/ins>/);
    expect(t).toContain('<ins>A spokesperson declined to comment.</ins>');
    // headline change, word-diffed
    const title = between(t, 'title-row', '</div>\n  </div>');
    expect(title).toMatch(/<del>[^<]*resigns[^<]*<\/del>/);
    expect(title).toMatch(/<ins>[^<]*quits[^<]*<\/ins>/);
    expect(t).toContain('class="diff side-by-side"');
    expect(t).not.toContain('rel="prev"');
    expect(t).not.toContain('rel="next"');
    const mid = await request(app).get(`/articles/${ids.story}/diff/1/2`).expect(200);
    expect(mid.text).toContain('(35 minutes later)');
    expect(mid.text).toContain(`rel="next" class="next" href="/articles/${ids.story}/diff/2/3"`);
    expect(mid.text).not.toContain('rel="prev"');
    const last = await request(app).get(`/articles/${ids.story}/diff/2/3`).expect(200);
    expect(last.text).toContain(`rel="prev" class="prev" href="/articles/${ids.story}/diff/1/2"`);
  });

  it('has an inline view behind a plain link, and shows reversed ranges', async () => {
    const side = await request(app).get(`/articles/${ids.story}/diff/1/2`).expect(200);
    expect(side.text).toContain(`<a class="toggle" href="/articles/${ids.story}/diff/1/2?view=inline">Inline view</a>`);
    const inline = await request(app).get(`/articles/${ids.story}/diff/1/2?view=inline`).expect(200);
    expect(inline.text).toContain('class="diff inline"');
    expect(inline.text).toMatch(/<del>Tuesday<\/del><ins>Wednesday<\/ins>|<del>Tuesday<\/del>\s*<ins>Wednesday<\/ins>/);
    expect(inline.text).toContain(`<a class="toggle" href="/articles/${ids.story}/diff/1/2">Side-by-side view</a>`);
    const rev = await request(app).get(`/articles/${ids.story}/diff/3/1`).expect(200);
    expect(rev.text).toContain('Shown in reverse');
    expect(rev.text).toContain('(2 hours earlier)');
    expect(rev.text).toContain('<del>Wednesday</del>');
  });

  it('rejects invalid ranges with 400', async () => {
    for (const p of ['1/99', 'x/2', '0/2', '1/2.5', '-1/2']) {
      const res = await request(app).get(`/articles/${ids.story}/diff/${p}`).expect(400);
      expect(res.text).toContain('Invalid diff range');
    }
  });
});

describe('escaping of untrusted text', () => {
  it('escapes titles, texts and URLs on every page and feed', async () => {
    const paths = ['/', `/articles/${ids.xss}`, `/articles/${ids.xss}/diff/1/2`, `/articles/${ids.xss}/diff/1/2?view=inline`,
      `/articles/${ids.xss}/versions/1`, `/articles/${ids.xss}/versions/2`, `/articles/${ids.xss}/feed.rss`,
      `/articles/${ids.xss}/feed.atom`, '/feed.rss', '/feed.atom'];
    for (const p of paths) {
      const res = await request(app).get(p).expect(200);
      // The site's own progressive scripts (static files, allowed by the CSP) are the only script elements.
      const ownScripts = /<script src="\/static\/[a-z-]+\.js" defer><\/script>/g;
      expect({ p, script: res.text.replace(ownScripts, '').includes('<script') }).toEqual({ p, script: false });
      expect({ p, img: res.text.includes('<img') }).toEqual({ p, img: false });
      // In HTML the URL's quote must never close an attribute (Atom text constructs may hold a literal quote).
      if (!p.endsWith('.atom')) expect({ p, quote: res.text.includes('q="') }).toEqual({ p, quote: false });
    }
    const page = await request(app).get(`/articles/${ids.xss}`).expect(200);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Breaking &quot;news&quot; &amp; even more');
    expect(page.text).toContain('href="https://evil.example/a?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;x=&#39;y&#39;"');
    for (const p of [`/articles/${ids.xss}/feed.json`, '/feed.json']) {
      const json = JSON.parse((await request(app).get(p).expect(200)).text) as { items: Array<{ id: string; title: string; content_html: string }> };
      const mine = json.items.filter((i) => i.id.startsWith(`palimpsest:article:${ids.xss}:`));
      expect(mine.length).toBeGreaterThan(0);
      for (const item of json.items) expect(item.content_html).not.toMatch(/<script|<img/);
      for (const item of mine) expect(item.title).toContain(XSS.script); // JSON Feed titles are plain text
    }
  });

  it('does not link non-http URLs', async () => {
    const res = await request(adminApp).post('/api/articles').set('Authorization', `Bearer ${TOKEN}`).send({ url: 'javascript:alert(1)' });
    expect(res.status).toBe(400);
  });
});

describe('JSON API', () => {
  it('lists articles with CORS, filters and cursor pagination over 3 pages', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await request(app).get('/api/articles').query({ limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      const body = res.body as { articles: Array<{ id: number; url: string; links: { html: string } }>; next_cursor: string | null };
      expect(body.articles.length).toBeLessThanOrEqual(2);
      seen.push(...body.articles.map((a) => a.id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([ids.plain, ids.xss, ids.paused, ids.stopped, ids.story].sort((a, b) => b - a));

    const q = await request(app).get('/api/articles?q=Minister').expect(200);
    expect((q.body as { articles: Array<{ id: number }> }).articles.map((a) => a.id)).toEqual([ids.story]);
    const minV = await request(app).get('/api/articles?min_versions=2').expect(200);
    expect((minV.body as { articles: Array<{ id: number }> }).articles.map((a) => a.id).sort()).toEqual([ids.story, ids.xss].sort());
    const since = await request(app).get('/api/articles?changed_since=2024-05-01T09:30:00Z').expect(200);
    expect((since.body as { articles: Array<{ id: number }> }).articles.map((a) => a.id)).toEqual([ids.story]);
    for (const bad of ['cursor=zzz', 'changed_since=yesterday', 'min_versions=-1', 'limit=0', 'limit=1000']) {
      const res = await request(app).get(`/api/articles?${bad}`).expect(400).expect('Content-Type', /json/);
      expect(res.body).toEqual({ error: { status: 400, message: expect.stringMatching(/^Invalid/) } });
    }
  });

  it('shows an article with version summaries and stats, a version, a diff', async () => {
    const a = await request(app).get(`/api/articles/${ids.story}`).expect(200);
    expect(a.headers['access-control-allow-origin']).toBe('*');
    expect(a.body).toMatchObject({
      article: { id: ids.story, title: 'Minister quits after damning inquiry', version_count: 3, status: 'active' },
      stats: { versions: 3, changes: 2 },
    });
    const versions = (a.body as { versions: Array<{ number: number; words_added: number; captured_at: string }> }).versions;
    expect(versions.map((v) => v.number)).toEqual([1, 2, 3]);
    expect(versions[1]).toMatchObject({ words_added: 1, captured_at: '2024-05-01T08:35:00.000Z' });

    const v = await request(app).get(`/api/articles/${ids.story}/versions/3`).expect(200);
    expect(v.body).toMatchObject({ version: { number: 3, title: 'Minister quits after damning inquiry', byline: 'By Ada Reporter' } });
    expect((v.body as { version: { paragraphs: string[] } }).version.paragraphs).toHaveLength(4);

    const d = await request(app).get(`/api/articles/${ids.story}/diff/1/2`).expect(200);
    const diff = (d.body as { diff: { rows: Array<{ kind: string; ops?: Array<{ op: string; text: string }> }>; stats: { wordsAdded: number } } }).diff;
    expect(diff.stats.wordsAdded).toBe(1);
    const changed = diff.rows.find((r) => r.kind === 'changed');
    expect(changed?.ops).toEqual(expect.arrayContaining([{ op: 'delete', text: 'Tuesday' }, { op: 'insert', text: 'Wednesday' }]));

    const missing = await request(app).get('/api/articles/999').expect(404).expect('Content-Type', /json/);
    expect(missing.body).toEqual({ error: { status: 404, message: 'No article with id 999' } });
    await request(app).get(`/api/articles/${ids.story}/diff/1/99`).expect(400);
    const unknown = await request(app).get('/api/nothing').expect(404);
    expect(unknown.body).toMatchObject({ error: { status: 404 } });
  });

  it('adds an article with a bearer token: 403 without a token configured, 401, 400, 201, 200', async () => {
    const off = await request(app).post('/api/articles').set('Authorization', `Bearer ${TOKEN}`).send({ url: 'https://a.example/1' }).expect(403);
    expect(off.body.error.message).toContain('PALIMPSEST_ADMIN_TOKEN');
    await request(adminApp).post('/api/articles').send({ url: 'https://a.example/1' }).expect(401).expect('WWW-Authenticate', /Bearer/);
    await request(adminApp).post('/api/articles').set('Authorization', 'Bearer wrong-token-123').send({ url: 'https://a.example/1' }).expect(401);
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const badJson = await request(adminApp).post('/api/articles').set(auth).set('Content-Type', 'application/json').send('{"url": ').expect(400);
    expect(badJson.body).toEqual({ error: { status: 400, message: 'The request body is not valid JSON' } });
    await request(adminApp).post('/api/articles').set(auth).send({ url: 'ftp://a.example/1' }).expect(400);
    await request(adminApp).post('/api/articles').set(auth).send({ nope: 1 }).expect(400);
    const created = await request(adminApp).post('/api/articles').set(auth).send({ url: 'https://a.example/new#frag' }).expect(201);
    expect(created.body).toMatchObject({ created: true, article: { url: 'https://a.example/new', version_count: 0, next_check: NOW.toISOString() } });
    expect(created.headers.location).toBe(`/api/articles/${created.body.article.id}`);
    const again = await request(adminApp).post('/api/articles').set(auth).send({ url: 'https://a.example/new' }).expect(200);
    expect(again.body).toMatchObject({ created: false, article: { id: created.body.article.id } });
  });
});

describe('track form', () => {
  it('is disabled without an admin token and says how to enable it', async () => {
    const res = await request(app).get('/track').expect(200);
    expect(res.text).toContain('set PALIMPSEST_ADMIN_TOKEN');
    expect(res.text).toMatch(/<button type="submit" disabled>/);
    await request(app).post('/track').type('form').send({ url: 'https://b.example/1', token: TOKEN }).expect(403);
  });

  it('adds a URL with the right token', async () => {
    const form = await request(adminApp).get('/track').expect(200);
    expect(form.text).toContain('<form class="track" method="post" action="/track">');
    expect(form.text).toContain('name="token"');
    await request(adminApp).post('/track').type('form').send({ url: 'https://b.example/1', token: 'wrong-token-123' }).expect(401);
    const bad = await request(adminApp).post('/track').type('form').send({ url: 'mailto:x@y.z', token: TOKEN }).expect(400);
    expect(bad.text).toContain('Invalid URL');
    const ok = await request(adminApp).post('/track').type('form').send({ url: 'https://b.example/1', token: TOKEN }).expect(303);
    expect(ok.headers.location).toMatch(/^\/articles\/\d+\?added=1$/);
    const id = Number(/\/articles\/(\d+)/.exec(ok.headers.location ?? '')?.[1]);
    expect(await store.getArticle(id)).toMatchObject({ url: 'https://b.example/1', status: 'active', nextCheck: NOW.toISOString() });
    const page = await request(adminApp).get(ok.headers.location ?? '').expect(200);
    expect(page.text).toContain('Now tracking this URL');
  });
});

describe('moved paragraphs', () => {
  it('marks a paragraph that moved, on both views', async () => {
    const { article } = await store.insertArticle('https://news.example/moved', NOW.toISOString());
    const a = 'Alpha paragraph about the budget vote in parliament today.\n\nBeta paragraph about the weather forecast for the weekend.\n\nGamma paragraph about the football results from last night.';
    const b = 'Gamma paragraph about the football results from last night.\n\nAlpha paragraph about the budget vote in parliament today.\n\nBeta paragraph about the weather forecast for the weekend.';
    for (const [i, text] of [a, b].entries()) {
      await store.insertVersion({
        articleId: article.id, title: 'Moves', byline: null, publishedAt: null, text, contentHash: `h${i}`, capturedAt: NOW.toISOString(),
        responseId: null, extractorVersion: 'test-1', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {},
      });
    }
    await store.refreshArticleSummary(article.id);
    const side = await request(app).get(`/articles/${article.id}/diff/1/2`).expect(200);
    expect(side.text).toMatch(/class="row kind-moved-(from|to)"/);
    expect(side.text).toMatch(/class="badge moved" href="#row-\d+"/);
    const inline = await request(app).get(`/articles/${article.id}/diff/1/2?view=inline`).expect(200);
    expect(inline.text).toMatch(/class="block kind-moved-(from|to)"/);
    expect(inline.text).toContain('(at the same time)');
  });
});
