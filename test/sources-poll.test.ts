/**
 * Polling sources against a real origin on 127.0.0.1: a 100-item RSS feed, a sitemap index with a gzip'd news
 * sitemap and a front page list overlapping articles under different URL spellings (tracking parameters,
 * fragments, an upper-case host, a default port). Each article must be tracked once; unchanged documents must be
 * answered 304 on the next poll.
 */
import { gzipSync } from 'node:zlib';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { configSchema, type Config } from '../src/config/index.js';
import { createSource } from '../src/sources/manage.js';
import { pollDueSources, pollSource, type PollDeps } from '../src/sources/poll.js';
import type { Store } from '../src/store/index.js';
import { startFeedOrigin, type FeedOrigin } from './helpers/feed-origin.js';
import { tmpStore } from './helpers/tmp.js';

const SITE = 'https://www.loopback-times.example';
const storyPath = (i: number): string => (i % 25 === 0 ? `/news/live/2025/03/04/story-${i}` : `/news/2025/03/04/story-${i}`);
const canonical = (i: number): string => `${SITE}${storyPath(i)}`;
const EXCLUDE = ['/news/live/**', '**/video/**'];
const FEED_ETAG = '"feed-v1"';
const FEED_LAST_MODIFIED = 'Tue, 04 Mar 2025 15:00:00 GMT';

function rssFeed(): string {
  const items = Array.from({ length: 100 }, (_, k) => {
    const i = k + 1;
    return `<item>
      <title><![CDATA[Story ${i}: <em>developing</em>]]></title>
      <link>${SITE}${storyPath(i)}?utm_source=rss&amp;utm_medium=feed</link>
      <guid isPermaLink="false">loopback-times-${i}</guid>
      <pubDate>Tue, 04 Mar 2025 ${String(10 + (i % 5)).padStart(2, '0')}:00:00 GMT</pubDate>
    </item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
  <title>The Loopback Times</title><link>${SITE}/</link>
  <atom:link href="${SITE}/rss.xml" rel="self" type="application/rss+xml"/>
  ${items.join('\n  ')}
</channel></rss>`;
}

function newsSitemap(): string {
  const entries = [];
  for (let i = 91; i <= 110; i++) {
    entries.push(`<url><loc>https://WWW.LOOPBACK-TIMES.EXAMPLE:443${storyPath(i)}#top</loc>
      <news:news><news:publication><news:name>The Loopback Times</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-03-04T12:00:00Z</news:publication_date><news:title>Story ${i}</news:title></news:news></url>`);
  }
  for (const clip of ['clip-1', 'clip-2']) entries.push(`<url><loc>${SITE}/video/2025/03/04/${clip}</loc></url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
${entries.join('\n')}
</urlset>`;
}

function sitemapIndex(origin: FeedOrigin): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>${origin.url('/sitemaps/news.xml.gz')}</loc><lastmod>2025-03-04T15:00:00Z</lastmod></sitemap>
  <sitemap><loc>${origin.url('/sitemaps/2019.xml')}</loc><lastmod>2019-12-31T00:00:00Z</lastmod></sitemap>
</sitemapindex>`;
}

function frontPage(): string {
  const cards = [];
  for (let i = 105; i <= 115; i++) cards.push(`<article class="story"><h3><a href="${SITE}${storyPath(i)}">Story ${i}</a></h3></article>`);
  cards.push(`<article class="story"><a href="${SITE}${storyPath(105)}#comments">Comments on story 105</a></article>`);
  cards.push(`<article class="story"><a href="https://www.Loopback-Times.example${storyPath(1)}?fbclid=IwAR0abc">Story 1</a></article>`);
  cards.push(`<article class="story"><a href="/news/live/2025/03/04/story-125">Live: story 125</a></article>`);
  return `<!DOCTYPE html><html><head><title>The Loopback Times</title><base href="${SITE}/"></head><body>
<nav class="site-nav"><a href="/">Home</a><a href="/section/world">World</a><a href="/about">About</a>
  <a href="${SITE}/news/2025/03/04/nav-promo">Promoted in the nav</a></nav>
<main>${cards.join('\n')}</main>
<footer><a href="/terms">Terms</a></footer></body></html>`;
}

let origin: FeedOrigin;
let store: Store;
let cleanup: () => Promise<void>;
let config: Config;
let clock = new Date('2025-03-04T16:00:00Z');
let deps: PollDeps;

beforeAll(async () => {
  origin = await startFeedOrigin();
  origin.routes.set('/robots.txt', { body: 'User-agent: *\nDisallow: /private/\n', contentType: 'text/plain' });
  origin.routes.set('/rss.xml', { body: rssFeed(), contentType: 'application/rss+xml; charset=utf-8', etag: FEED_ETAG, lastModified: FEED_LAST_MODIFIED });
  origin.routes.set('/sitemap.xml', { body: sitemapIndex(origin), contentType: 'application/xml', etag: '"index-v1"' });
  origin.routes.set('/sitemaps/news.xml.gz', { body: gzipSync(newsSitemap()), contentType: 'application/x-gzip', lastModified: 'Tue, 04 Mar 2025 15:30:00 GMT' });
  origin.routes.set('/sitemaps/2019.xml', { body: '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>', contentType: 'application/xml' });
  origin.routes.set('/', { body: frontPage(), contentType: 'text/html; charset=utf-8' });
  origin.routes.set('/private/feed.xml', { body: rssFeed(), contentType: 'application/rss+xml' });
  origin.routes.set('/broken.xml', { body: 'oops', contentType: 'text/plain', status: 500 });
  ({ store, cleanup } = await tmpStore());
  config = configSchema.parse({ allowPrivate: true, fetch: { connectTimeoutMs: 2000, totalTimeoutMs: 5000 } });
  deps = { store, config, now: () => clock };
});

afterAll(async () => {
  await cleanup();
  await origin.close();
});

describe('polling overlapping sources', () => {
  let feedId: number;
  let sitemapId: number;
  let pageId: number;

  it('a 100-item RSS feed: every item tracked once, canonical, live coverage excluded', async () => {
    feedId = (await createSource(store, { name: 'Loopback Times feed', kind: 'feed', urls: [origin.url('/rss.xml')], exclude: EXCLUDE }, clock)).id;
    const r = await pollSource(deps, feedId);
    expect(r).toMatchObject({ discovered: 100, new: 96, duplicates: 0, excluded: 4, notModified: 0, errors: [] });
    const urls = (await store.listAllArticles()).map((a) => a.url);
    expect(urls).toHaveLength(96);
    expect(urls).toContain(canonical(1));
    expect(urls).not.toContain(canonical(25));
    expect(urls.every((u) => !u.includes('utm_'))).toBe(true);
    expect((await store.listAllArticles()).every((a) => a.sourceId === feedId && a.nextCheck === clock.toISOString())).toBe(true);
    const feedRequest = origin.requestsFor('/rss.xml')[0];
    expect(feedRequest?.headers.accept).toMatch(/application\/rss\+xml/);
    expect(feedRequest?.headers['if-none-match']).toBeUndefined();
  });

  it('a sitemap index with a gzip news sitemap: upper-case host, default port and fragments merge with the feed', async () => {
    sitemapId = (await createSource(store, { name: 'Loopback Times sitemap', kind: 'sitemap', urls: [origin.url('/sitemap.xml')], exclude: EXCLUDE, maxChildSitemaps: 1 }, clock)).id;
    const r = await pollSource(deps, sitemapId);
    expect(r).toMatchObject({ discovered: 22, new: 10, duplicates: 9, excluded: 3, notModified: 0, errors: [] });
    expect(origin.requestsFor('/sitemaps/2019.xml')).toHaveLength(0); // only the newest child is fetched
    expect(await store.listAllArticles()).toHaveLength(106);
    expect((await store.getSourceUrlState(sitemapId, origin.url('/sitemap.xml')))?.children).toEqual([origin.url('/sitemaps/news.xml.gz')]);
  });

  it('a front page: links chosen by selector (nav excluded), tracking parameters and fragments merged', async () => {
    pageId = (await createSource(store, { name: 'Loopback Times front', kind: 'page', urls: [origin.url('/')], links: 'main .story', exclude: EXCLUDE }, clock)).id;
    const r = await pollSource(deps, pageId);
    expect(r).toMatchObject({ discovered: 13, new: 5, duplicates: 7, excluded: 1, notModified: 0, errors: [] });
    const urls = (await store.listAllArticles()).map((a) => a.url);
    expect(urls).toHaveLength(111);
    expect(new Set(urls).size).toBe(111);
    const expected = Array.from({ length: 115 }, (_, k) => k + 1).filter((i) => i % 25 !== 0).map(canonical).sort();
    expect([...urls].sort()).toEqual(expected);
    expect(urls).not.toContain(`${SITE}/news/2025/03/04/nav-promo`);
  });

  it('records the poll on each source, and the summaries count the articles', async () => {
    const s = await store.getSource(feedId);
    expect(s).toMatchObject({ lastPolled: clock.toISOString(), pollCount: 1, errorCount: 0, lastError: null });
    expect(s?.nextPoll).toBe(new Date(clock.getTime() + 600_000).toISOString());
    const counts = Object.fromEntries((await store.listSourceSummaries(clock)).map((x) => [x.slug, x.articleCount]));
    expect(counts).toEqual({ 'loopback-times-feed': 96, 'loopback-times-sitemap': 10, 'loopback-times-front': 5 });
  });

  it('a second poll of unchanged documents is answered 304 after conditional requests', async () => {
    clock = new Date(clock.getTime() + 600_000);
    const before = origin.requestsFor('/rss.xml').length;
    const r = await pollSource(deps, feedId);
    expect(r).toMatchObject({ discovered: 0, new: 0, notModified: 1, errors: [] });
    const second = origin.requestsFor('/rss.xml').slice(before);
    expect(second).toHaveLength(1);
    expect(second[0]?.headers['if-none-match']).toBe(FEED_ETAG);
    expect(second[0]?.headers['if-modified-since']).toBe(FEED_LAST_MODIFIED);
    expect(second[0]?.status).toBe(304);
    expect((await store.getSource(feedId))?.pollCount).toBe(2);

    // The index answers 304 but its child is still polled (conditionally, by Last-Modified) from the stored list.
    const rs = await pollSource(deps, sitemapId);
    expect(rs).toMatchObject({ discovered: 0, notModified: 2, errors: [] });
    const child = origin.requestsFor('/sitemaps/news.xml.gz').at(-1);
    expect(child?.headers['if-modified-since']).toBe('Tue, 04 Mar 2025 15:30:00 GMT');
    expect(child?.status).toBe(304);
  });

  it('a changed feed is fetched in full again and only its new items are new', async () => {
    origin.routes.set('/rss.xml', {
      body: rssFeed().replace('<channel>', `<channel><item><title>Breaking</title><link>${SITE}/news/2025/03/04/breaking?utm_campaign=x</link></item>`),
      contentType: 'application/rss+xml', etag: '"feed-v2"',
    });
    const r = await pollSource(deps, feedId);
    expect(r).toMatchObject({ discovered: 101, new: 1, duplicates: 96, excluded: 4, notModified: 0 });
    expect((await store.listAllArticles()).at(-1)?.url).toBe(`${SITE}/news/2025/03/04/breaking`);
  });
});

describe('failures and due sources', () => {
  it('honours robots.txt, records HTTP errors on the source, and polls only due sources', async () => {
    const t0 = new Date('2025-03-05T08:00:00Z');
    const at = (d: Date): PollDeps => ({ ...deps, now: () => d });
    const robotsId = (await createSource(store, { name: 'Private feed', kind: 'feed', urls: [origin.url('/private/feed.xml')] }, t0)).id;
    const brokenId = (await createSource(store, { name: 'Broken feed', kind: 'feed', urls: [origin.url('/broken.xml')], intervalS: 600 }, t0)).id;
    const due = await pollDueSources(at(t0));
    const bySlug = Object.fromEntries(due.map((r) => [r.slug, r]));
    // The three sources of the first block were polled with the earlier clock and are due too.
    expect(Object.keys(bySlug).sort()).toEqual(['broken-feed', 'loopback-times-feed', 'loopback-times-front', 'loopback-times-sitemap', 'private-feed']);
    expect(bySlug['private-feed']?.errors).toEqual([{ url: origin.url('/private/feed.xml'), message: `sources: robots.txt disallows ${origin.url('/private/feed.xml')}` }]);
    expect(origin.requestsFor('/private/feed.xml')).toHaveLength(0);
    expect(bySlug['broken-feed']?.errors[0]?.message).toBe(`sources: ${origin.url('/broken.xml')} answered HTTP 500`);
    const broken = await store.getSource(brokenId);
    expect(broken).toMatchObject({ errorCount: 1, lastError: `sources: ${origin.url('/broken.xml')} answered HTTP 500` });
    expect(broken?.nextPoll).toBe(new Date(t0.getTime() + 1200_000).toISOString()); // backoff: twice the interval
    expect((await store.getSource(robotsId))?.errorCount).toBe(1);

    // Nothing is due a minute later; the healthy sources after their interval; the failing ones after their
    // backoff, and a fixed one recovers.
    expect(await pollDueSources(at(new Date(t0.getTime() + 60_000)))).toEqual([]);
    origin.routes.set('/broken.xml', { body: rssFeed(), contentType: 'application/rss+xml' });
    const healthy = await pollDueSources(at(new Date(t0.getTime() + 900_000)));
    expect(healthy.map((r) => r.slug).sort()).toEqual(['loopback-times-feed', 'loopback-times-front', 'loopback-times-sitemap']);
    const later = await pollDueSources(at(new Date(t0.getTime() + 1200_000)));
    expect(later.map((r) => r.slug).sort()).toEqual(['broken-feed', 'private-feed']);
    expect(await store.getSourceBySlug('broken-feed')).toMatchObject({ errorCount: 0, lastError: null });
    expect(later.find((r) => r.slug === 'broken-feed')).toMatchObject({ discovered: 100, new: 4, duplicates: 96 }); // no exclude patterns here: the live pages are new
  });

  it('skips links older than maxAgeDays, counting them as excluded', async () => {
    const t = new Date('2025-03-06T12:00:00Z');
    const id = (await createSource(store, { name: 'Recent only', kind: 'sitemap', urls: [origin.url('/sitemaps/news.xml.gz')], maxAgeDays: 1 }, t)).id;
    // The 20 stories were published on 2025-03-04; the two video entries have no date and pass.
    const r = await pollSource({ ...deps, now: () => t }, id);
    expect(r).toMatchObject({ discovered: 22, excluded: 20, new: 2, duplicates: 0, errors: [] });
  });
});
