/** The store side of extraction health (both backends): judged captures, degraded state and its events. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSource } from '../src/sources/index.js';
import type { Store } from '../src/store/index.js';
import { tmpStore } from './helpers/tmp.js';

let store: Store;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ store, cleanup } = await tmpStore());
});
afterAll(async () => {
  await cleanup();
});

describe('source health in the store', () => {
  it('marks a source degraded once, records events in id order, and clears it once', async () => {
    const a = await createSource(store, { name: 'Alpha Daily', kind: 'feed', urls: ['http://127.0.0.1:9/a.xml'] });
    const b = await createSource(store, { name: 'Beta Post', kind: 'feed', urls: ['http://127.0.0.1:9/b.xml'] });
    expect(await store.getSourceHealthState(a.id)).toBeNull();
    const e1 = await store.setSourceDegraded(a.id, '2026-01-01T10:00:00.000Z', '5 of 6 captures had empty bodies');
    expect(e1).toEqual({ id: expect.any(Number), sourceId: a.id, sourceSlug: a.slug, kind: 'degraded', at: '2026-01-01T10:00:00.000Z', reason: '5 of 6 captures had empty bodies' });
    // Already degraded: nothing written, the first reason and time stay.
    expect(await store.setSourceDegraded(a.id, '2026-01-01T11:00:00.000Z', 'other')).toBeNull();
    expect(await store.getSourceHealthState(a.id)).toEqual({ sourceId: a.id, sourceSlug: a.slug, since: '2026-01-01T10:00:00.000Z', reason: '5 of 6 captures had empty bodies' });
    const e2 = await store.setSourceDegraded(b.id, '2026-01-01T12:00:00.000Z', 'rewrites');
    expect((await store.listDegradedSources()).map((s) => s.sourceSlug)).toEqual([a.slug, b.slug].sort());
    const e3 = await store.clearSourceDegraded(a.id, '2026-01-02T10:00:00.000Z', 'cleared by an operator');
    expect(e3?.kind).toBe('recovered');
    expect(await store.clearSourceDegraded(a.id, '2026-01-02T11:00:00.000Z', 'again')).toBeNull();
    expect(await store.getSourceHealthState(a.id)).toBeNull();
    const all = await store.listSourceHealthEventsAfter(0, 10);
    expect(all.map((e) => e.id)).toEqual([e1!.id, e2!.id, e3!.id]);
    expect(all.map((e) => [e.sourceSlug, e.kind])).toEqual([[a.slug, 'degraded'], [b.slug, 'degraded'], [a.slug, 'recovered']]);
    expect((await store.listSourceHealthEventsAfter(e1!.id, 1)).map((e) => e.id)).toEqual([e2!.id]);
    expect((await store.listSourceHealthEvents(a.id, 10)).map((e) => e.kind)).toEqual(['recovered', 'degraded']);
  });

  it('counts judged captures by kind in a time range, prunes old unheld ones and lists held ones', async () => {
    const s = await createSource(store, { name: 'Gamma News', kind: 'feed', urls: ['http://127.0.0.1:9/g.xml'] });
    const art = (await store.insertArticle('http://127.0.0.1:9/g/1', '2026-01-01T00:00:00.000Z', s.id)).article.id;
    const art2 = (await store.insertArticle('http://127.0.0.1:9/g/2', '2026-01-01T00:00:00.000Z', s.id)).article.id;
    const keep = '2026-01-01T00:00:00.000Z';
    await store.insertCaptureHealth({ sourceId: s.id, articleId: art, at: '2026-01-01T01:00:00.000Z', kind: 'ok', held: false, responseId: null }, keep);
    await store.insertCaptureHealth({ sourceId: s.id, articleId: art, at: '2026-01-02T01:00:00.000Z', kind: 'empty', held: false, responseId: null }, keep);
    await store.insertCaptureHealth({ sourceId: s.id, articleId: art, at: '2026-01-02T02:00:00.000Z', kind: 'empty', held: false, responseId: null }, keep);
    await store.insertCaptureHealth({ sourceId: s.id, articleId: art2, at: '2026-01-02T03:00:00.000Z', kind: 'rewrite', held: false, responseId: null }, keep);
    const counts = await store.countCaptureHealth(s.id, '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z');
    expect(counts).toEqual({ total: 3, empty: 2, shorter: 0, rewrite: 1, suspectArticles: 2 });
    expect(await store.countCaptureHealth(s.id, '2025-12-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z')).toEqual({ total: 1, empty: 0, shorter: 0, rewrite: 0, suspectArticles: 0 });
    expect(await store.listRecentCaptureKinds(s.id, '2026-01-02T01:30:00.000Z', 5)).toEqual(['rewrite', 'empty']);
    const responseId = await store.insertResponse({
      articleId: art, requestedUrl: 'http://127.0.0.1:9/g/1', url: 'http://127.0.0.1:9/g/1', fetchedAt: '2026-01-02T04:00:00.000Z', status: 200,
      statusText: 'OK', httpVersion: '1.1', headers: [['content-type', 'text/html']], requestHeaders: [], body: Buffer.from('<html></html>'),
    });
    // A new judgement prunes the unheld ones before its cut-off, but never a held one.
    await store.insertCaptureHealth({ sourceId: s.id, articleId: art, at: '2026-01-02T04:00:00.000Z', kind: 'empty', held: true, responseId }, '2026-01-02T01:30:00.000Z');
    expect((await store.countCaptureHealth(s.id, '2025-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')).total).toBe(3);
    await store.insertCaptureHealth({ sourceId: s.id, articleId: art, at: '2026-01-02T05:00:00.000Z', kind: 'ok', held: false, responseId: null }, '2026-01-02T04:30:00.000Z');
    expect((await store.countCaptureHealth(s.id, '2025-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')).total).toBe(2);
    const held = await store.listHeldCaptures(art);
    expect(held).toEqual([{ id: expect.any(Number), responseId, at: '2026-01-02T04:00:00.000Z' }]);
    expect(await store.countHeldCaptures()).toEqual([{ sourceSlug: s.slug, count: 1 }]);
    await store.releaseHeldCapture(held[0]!.id, 'ok');
    expect(await store.listHeldCaptures(art)).toEqual([]);
    expect(await store.countHeldCaptures()).toEqual([]);
  });

  it('accepts the held_back outcome in the check log', async () => {
    const id = (await store.insertArticle('http://127.0.0.1:9/h', new Date().toISOString())).article.id;
    await store.insertCheck(id, new Date().toISOString(), 'held_back', 200, 'held back: empty body', 5, null);
    expect((await store.listChecks(id, 1))[0]!.outcome).toBe('held_back');
  });
});
