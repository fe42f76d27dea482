/** Minor versions are kept but hidden from feeds and listings unless asked for with ?minor=1. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { loadConfig } from '../src/config/index.js';
import { createApp } from '../src/web/app.js';
import { tmpStore } from './helpers/tmp.js';

let app: express.Express;
let cleanup: () => Promise<void>;
let id: number;

beforeAll(async () => {
  const t = await tmpStore();
  cleanup = t.cleanup;
  id = (await t.store.insertArticle('https://news.example/minor', '2024-01-01T00:00:00.000Z')).article.id;
  const texts = [
    ['The mayor said the bridge "will close".', 'initial', null],
    ['The mayor said the bridge \u201cwill close\u201d.', 'minor', 'punctuation'],
    ['The mayor said the bridge will reopen in June.', 'substantive', null],
  ] as const;
  for (const [i, [text, kind, reason]] of texts.entries()) {
    await t.store.insertVersion({
      articleId: id, title: 'Bridge', byline: null, publishedAt: null, text, contentHash: `h${i}`, capturedAt: `2024-01-01T0${i + 1}:00:00.000Z`,
      responseId: null, extractorVersion: 't', wordsAdded: 0, wordsRemoved: 0, stats: null, metadata: {}, changeKind: kind, minorReason: reason,
    });
    await t.store.recordChanged(id, `2024-01-01T0${i + 1}:00:00.000Z`, 'Bridge', '2024-02-01T00:00:00.000Z', 1800, { etag: null, lastModified: null, bodySha256: null });
  }
  app = createApp({ store: t.store, config: loadConfig({ env: {} }) });
});
afterAll(() => cleanup());

const items = (xml: string): string[] => [...xml.matchAll(/<title><!\[CDATA\[(.*?)\]\]><\/title>|<title>(Version [^<]*)<\/title>/g)].map((m) => m[1] ?? m[2] ?? '').filter((t) => t.startsWith('Version'));

describe('minor versions', () => {
  it('are left out of feeds unless ?minor=1', async () => {
    const plain = await request(app).get('/feed.rss').expect(200);
    expect(items(plain.text)).toEqual(['Version 3: Bridge']);
    const all = await request(app).get('/feed.rss?minor=1').expect(200);
    expect(items(all.text)).toEqual(['Version 3: Bridge', 'Version 2: Bridge']);
    expect(all.headers.etag).not.toBe(plain.headers.etag);
    const article = await request(app).get(`/articles/${id}/feed.json?minor=1`).expect(200);
    expect((article.body as { items: unknown[] }).items).toHaveLength(3);
  });

  it('are hidden from the article page and the home page unless asked for', async () => {
    const page = await request(app).get(`/articles/${id}`).expect(200);
    expect(page.text).toContain('1 minor version');
    expect(page.text).not.toContain(`/articles/${id}/diff/1/2`);
    const shown = await request(app).get(`/articles/${id}?minor=1`).expect(200);
    expect(shown.text).toContain(`/articles/${id}/diff/1/2`);
    expect(shown.text).toContain('minor: punctuation');
    // The stream of every change marks minor ones; the home page, grouped by article, counts them only when asked.
    const stream = await request(app).get('/?view=stream').expect(200);
    expect(stream.text).not.toContain('minor: punctuation');
    expect((await request(app).get('/?view=stream&minor=1').expect(200)).text).toContain('minor: punctuation');
    expect((await request(app).get('/').expect(200)).text).toContain('1 change ·');
    expect((await request(app).get('/?minor=1').expect(200)).text).toContain('2 changes ·');
  });

  it('are marked in the API', async () => {
    const r = await request(app).get(`/api/articles/${id}`).expect(200);
    expect((r.body.versions as Array<{ change_kind: string }>).map((v) => v.change_kind)).toEqual(['initial', 'minor', 'substantive']);
  });
});
