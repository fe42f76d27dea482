/**
 * Variants, correction notices and removal/redirect events on the article page, the version and diff pages, the
 * API, the feeds, /stats and the sources JSON, and through a JSON Lines export and import (both backends).
 */
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { loadConfig } from '../src/config/index.js';
import { exportCsv, exportJsonl, importJsonl } from '../src/export/index.js';
import type { Store } from '../src/store/index.js';
import { createApp } from '../src/web/app.js';
import { tmpStore, type TmpStore } from './helpers/tmp.js';
import { AB_NOTICE, HEADLINES, seedVariants } from './helpers/variants-seed.js';
import { XSS } from './helpers/web-seed.js';

let t: TmpStore;
let app: express.Express;
let id: number;
let sourceId: number;

beforeAll(async () => {
  t = await tmpStore();
  id = await seedVariants(t.store);
  const source = await t.store.insertSource({ slug: 'loopback-times', name: 'Loopback Times', kind: 'manual', config: {} }, '2024-05-01T00:00:00.000Z');
  sourceId = source.id;
  const other = (await t.store.insertArticle('https://news.example/2024/05/other', '2024-05-01T08:00:00.000Z', sourceId)).article.id;
  await seedVariantsInto(t.store, other);
  app = createApp({ store: t.store, config: loadConfig({ env: {} }) });
});
afterAll(() => t.cleanup());

/** A second A/B-tested article, of a source: two versions and one sighting. */
async function seedVariantsInto(store: Store, articleId: number): Promise<void> {
  const base = { articleId, byline: null, publishedAt: null, responseId: null, extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {} };
  const v1 = await store.insertVersion({ ...base, title: 'A', text: 'Same text.', contentHash: 'x1', capturedAt: '2024-05-01T09:00:00.000Z' });
  await store.insertVersion({ ...base, title: 'B', text: 'Same text.', contentHash: 'x2', capturedAt: '2024-05-01T09:10:00.000Z' });
  await store.insertVersionSighting(articleId, v1.id, '2024-05-01T09:20:00.000Z');
}

describe('the article page', () => {
  it('shows the variants with times seen, the correction badge and the absent state', async () => {
    const res = await request(app).get(`/articles/${id}`).expect(200);
    const html = res.text;
    expect(html).toContain('<h2 id="variants">Variants</h2>');
    expect(html).toContain('alternates between 2 variants with 2 headlines');
    const rows = [...html.matchAll(/<table class="variants">[\s\S]*?<\/table>/g)][0]![0];
    // Variant of version 1: versions 1 and 3 plus one sighting; variant of version 2: version 2 plus two sightings.
    expect(rows.match(/<td>3 times<\/td>/g)).toHaveLength(2);
    expect(rows).toContain('also 3');
    expect(rows).toContain('same text as version 1');
    expect(html).toContain('<span class="badge correction"');
    expect(html).toContain('Absent at <time datetime="2024-05-01T13:00:00.000Z"');
    expect(html).not.toMatch(/deleted/i);
    expect(html).toContain('Still checked on its usual schedule');
    // The redirect target is a link, escaped.
    expect(html).not.toContain(XSS.url);
    expect(html).toContain('href="https://evil.example/a?q=&quot;&gt;&lt;script&gt;');
    expect(html).not.toContain('<script>alert(1)</script>');
  });

  it('shows the notice on the version page and the diff page', async () => {
    const v = await request(app).get(`/articles/${id}/versions/4`).expect(200);
    expect(v.text).toContain('this version added a correction or update notice');
    expect(v.text).toContain(`<q>${AB_NOTICE}</q>`);
    const d = await request(app).get(`/articles/${id}/diff/3/4`).expect(200);
    expect(d.text).toContain('<span class="badge correction">Correction</span>');
    const plain = await request(app).get(`/articles/${id}/diff/1/2`).expect(200);
    expect(plain.text).not.toContain('badge correction');
  });
});

describe('the API', () => {
  it('gives variants, events and each version\'s correction', async () => {
    const res = await request(app).get(`/api/articles/${id}`).expect(200);
    const body = res.body as { variants: Array<Record<string, unknown>>; events: Array<Record<string, unknown>>; versions: Array<{ number: number; correction: string | null }> };
    expect(body.variants.map((v) => [v.version, v.title, v.times_seen, v.versions, v.same_text_as])).toEqual([
      [1, HEADLINES[0], 3, [1, 3], null], [2, HEADLINES[1], 3, [2], 1],
    ]);
    expect(body.variants[0]!.last_seen).toBe('2024-05-01T09:20:00.000Z');
    expect(body.events.map((e) => [e.kind, e.detail])).toEqual([['redirected', { location: XSS.url }], ['returned', { status: 200 }], ['absent', { status: 404 }]]);
    expect(body.versions.map((v) => v.correction)).toEqual([null, null, null, AB_NOTICE]);
    const v4 = await request(app).get(`/api/articles/${id}/versions/4`).expect(200);
    expect((v4.body as { version: { correction: string } }).version.correction).toBe(AB_NOTICE);
  });

  it('counts articles with variants per source', async () => {
    const res = await request(app).get('/api/sources/loopback-times').expect(200);
    expect((res.body as { source: { articles_with_variants: number } }).source.articles_with_variants).toBe(1);
    const stats = await request(app).get('/stats').expect(200);
    // In the page's main part, after the heading (not in <head>).
    const main = stats.text.slice(stats.text.indexOf('<h1>Statistics</h1>'));
    expect(stats.text.indexOf('<h1>Statistics</h1>')).toBeGreaterThan(0);
    expect(main).toContain('<h2 id="variants">Articles with variants</h2>');
    expect(stats.text.slice(0, stats.text.indexOf('</title>'))).not.toContain('variants');
    expect(main).toContain('2 articles alternated between variants');
    expect(stats.text).toMatch(/<a href="\/sources\/loopback-times">Loopback Times<\/a><\/td><td>1<\/td>/);
    expect(stats.text).toMatch(/added by hand<\/td><td>1<\/td>/);
  });
});

describe('feeds', () => {
  it('carry an item per event and the correction category', async () => {
    const atom = (await request(app).get(`/articles/${id}/feed.atom`).expect(200)).text;
    expect(atom).toContain(`palimpsest:article:${id}:event:`);
    expect(atom.match(/<category [^>]*term="(absent|returned|redirected)"/g)).toHaveLength(3);
    expect(atom).toMatch(/<category [^>]*term="correction"/);
    expect(atom).toContain('Absent at 2024-05-01 13:00 UTC (the page answers HTTP 404)');
    const eventEntries = [...atom.matchAll(/<entry>[\s\S]*?<\/entry>/g)].map((m) => m[0]).filter((e) => e.includes(':event:'));
    expect(eventEntries).toHaveLength(3);
    for (const e of eventEntries) expect(e).not.toMatch(/deleted/i);
    const json = (await request(app).get(`/articles/${id}/feed.json`).expect(200)).body as { items: Array<{ id: string; title: string }> };
    // Newest first: the absent event, then returned, redirected (13:00, 12:10, 11:20), then version 4 (10:00).
    expect(json.items.slice(0, 4).map((i) => i.title.split(' ')[0])).toEqual(['Absent', 'Answers', 'Redirects', 'Version']);
  });

  it('change their validators when an event is recorded', async () => {
    const before = (await request(app).get(`/articles/${id}/feed.rss`).expect(200)).headers.etag as string;
    await t.store.insertArticleEvent(id, 'returned', '2024-05-01T14:00:00.000Z', { status: 200 });
    const after = await request(app).get(`/articles/${id}/feed.rss`).set('If-None-Match', before).expect(200);
    expect(after.headers.etag).not.toBe(before);
    expect(after.text).toContain('Answers again at 2024-05-01 14:00 UTC');
  });
});

describe('exports', () => {
  async function exported(store: Store, fn = exportJsonl): Promise<string> {
    const chunks: Buffer[] = [];
    await fn(store, new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } }), { now: () => new Date('2024-06-01T00:00:00.000Z') });
    return Buffer.concat(chunks).toString('utf8');
  }

  it('keep sightings, correction flags and events through a JSON Lines export and import, byte for byte', async () => {
    const first = await exported(t.store);
    const line = first.split('\n').find((l) => l.includes('transport-budget'))!;
    const article = JSON.parse(line) as { versions: Array<{ sightings?: string[]; correction?: string }>; events: unknown[] };
    expect(article.versions.map((v) => v.sightings ?? [])).toEqual([['2024-05-01T09:20:00.000Z'], ['2024-05-01T09:10:00.000Z', '2024-05-01T09:30:00.000Z'], [], []]);
    expect(article.versions[3]!.correction).toBe(AB_NOTICE);
    expect(article.events).toHaveLength(4);
    const dst = await tmpStore();
    try {
      const input = new PassThrough();
      input.end(first);
      await importJsonl(dst.store, input);
      expect(await exported(dst.store)).toBe(first);
      const copy = (await dst.store.getArticleByUrl('https://news.example/2024/05/transport-budget'))!;
      expect((await dst.store.summariseVersionSightings(copy.id)).map((s) => [s.versionNumber, s.count])).toEqual([[1, 1], [2, 2]]);
      expect((await dst.store.listArticleEvents(copy.id)).map((e) => e.kind)).toEqual(['redirected', 'returned', 'absent', 'returned']);
    } finally {
      await dst.cleanup();
    }
  });

  it('refuse an imported redirect whose location is no web address, or a private one', async () => {
    const first = await exported(t.store);
    const dst = await tmpStore();
    try {
      for (const [location, message] of [['javascript:alert(1)', /events\.0\.detail\.location/], ['http://127.0.0.1/admin', /events\.0\.detail\.location: .* loopback/]] as const) {
        const line = first.split('\n').map((l) => (l.includes('transport-budget') ? l.replace(JSON.stringify(XSS.url), JSON.stringify(location)) : l)).join('\n');
        const input = new PassThrough();
        input.end(line);
        await expect(importJsonl(dst.store, input)).rejects.toThrow(message);
      }
    } finally {
      await dst.cleanup();
    }
  });

  it('give the sightings count and the notice as CSV columns', async () => {
    const csv = (await exported(t.store, exportCsv)).split('\r\n');
    expect(csv[0]).toMatch(/,sightings,correction$/);
    const rows = csv.filter((l) => l.includes('transport-budget'));
    expect(rows.map((r) => r.split(',').slice(-2))).toEqual([['1', ''], ['2', ''], ['0', ''], ['0', AB_NOTICE]]);
  });
});
