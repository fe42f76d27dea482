/**
 * The scheduler: a backlog after downtime is spread over the following ticks in its order, a tick polls the due
 * sources before checking the due articles, state lives in the database (a new scheduler resumes), and what it does
 * is logged: checks at debug, failures at warn with the article's id and URL, a summary per tick at info.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { loadConfig, type Config } from '../src/config/index.js';
import { spreadBacklog, spreadOverdue } from '../src/scheduler/backlog.js';
import { startScheduler } from '../src/scheduler/cron.js';
import { createSource } from '../src/sources/manage.js';
import type { Store } from '../src/store/index.js';
import { ARTICLE_HTML, startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';
import { startFeedOrigin, type FeedOrigin } from './helpers/feed-origin.js';
import { tmpStore } from './helpers/tmp.js';

const T = new Date('2025-03-04T12:00:00.000Z');
const iso = (ms: number): string => new Date(T.getTime() + ms).toISOString();

describe('spreadBacklog', () => {
  it('leaves what one tick takes and spaces the rest evenly, perTick per tick, in order', () => {
    const moves = spreadBacklog([7, 3, 9, 1, 4, 8, 2], T, 3, 60_000);
    expect(moves).toEqual([
      { id: 1, nextCheck: iso(20_000) },
      { id: 4, nextCheck: iso(40_000) },
      { id: 8, nextCheck: iso(60_000) },
      { id: 2, nextCheck: iso(80_000) },
    ]);
  });

  it('moves nothing when the backlog fits in one tick', () => {
    expect(spreadBacklog([1, 2, 3], T, 3, 60_000)).toEqual([]);
    expect(spreadBacklog([], T, 3, 60_000)).toEqual([]);
  });

  it('gives each later tick exactly perTick articles', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    const moves = spreadBacklog(ids, T, 200, 60_000);
    expect(moves).toHaveLength(800);
    const perTick = new Map<number, number>();
    for (const m of moves) {
      const tick = Math.ceil((Date.parse(m.nextCheck) - T.getTime()) / 60_000);
      perTick.set(tick, (perTick.get(tick) ?? 0) + 1);
    }
    expect([...perTick.entries()]).toEqual([[1, 200], [2, 200], [3, 200], [4, 200]]);
    expect(moves.map((m) => m.id)).toEqual(ids.slice(200));
  });
});

describe('spreading the overdue articles of a database', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await tmpStore());
  });
  afterAll(() => cleanup());

  it('keeps the most overdue first and hands each tick at most perTick, in the same order', async () => {
    // Ten articles overdue by 10..1 hours (inserted in a shuffled order), one not due yet.
    const hours = [3, 9, 1, 7, 5, 10, 2, 8, 4, 6];
    const byHours = new Map<number, number>();
    for (const h of hours) {
      const id = (await store.insertArticle(`http://127.0.0.1/overdue/${h}`, iso(-h * 3_600_000))).article.id;
      byHours.set(h, id);
    }
    const later = (await store.insertArticle('http://127.0.0.1/later', iso(0))).article.id;
    await store.setNextCheck(later, iso(3_600_000));
    const order = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((h) => byHours.get(h));

    expect(await spreadOverdue(store, T, 4, 60_000)).toBe(6);
    const taken: Array<number | undefined> = [];
    for (let tick = 0; tick < 3; tick++) {
      const due = (await store.listDueArticles(iso(tick * 60_000), 100)).map((a) => a.id).filter((id) => !taken.includes(id));
      expect(due.length).toBeLessThanOrEqual(4);
      taken.push(...due);
    }
    expect(taken).toEqual(order);
    expect((await store.getArticle(later))?.nextCheck).toBe(iso(3_600_000));
    // Spreading again at once changes nothing: what is overdue now fits in a tick.
    expect(await spreadOverdue(store, T, 4, 60_000)).toBe(0);
  });
});

describe('the scheduler tick', () => {
  let origin: FaultOrigin;
  let feeds: FeedOrigin;
  let store: Store;
  let cleanup: () => Promise<void>;
  let config: Config;
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  }));

  beforeAll(async () => {
    origin = await startFaultOrigin();
    feeds = await startFeedOrigin();
    ({ store, cleanup } = await tmpStore());
    // A cron that never fires during the tests: only the ticks called here run.
    config = loadConfig({ env: {}, flags: { allowPrivate: true, fetch: { perHostDelayMs: 0 }, scheduler: { cron: '0 0 1 1 *', maxPerTick: 2 } } });
  });
  afterAll(async () => {
    await origin.close();
    await feeds.close();
    await cleanup();
  });

  it('spreads a backlog larger than maxPerTick and checks only maxPerTick, most overdue first', async () => {
    const now = new Date();
    const ids: number[] = [];
    for (const h of [5, 4, 3, 2, 1]) {
      ids.push((await store.insertArticle(origin.url(`/page?backlog=${h}`), new Date(now.getTime() - h * 3_600_000).toISOString())).article.id);
    }
    const scheduler = startScheduler({ store, config }, log, { sources: false, tickMs: 60_000 });
    try {
      const tick = await scheduler.tick();
      expect(tick?.spread).toBe(3);
      expect(tick?.checked).toBe(2);
      expect(tick?.results.map((r) => r.articleId)).toEqual(ids.slice(0, 2));
      const rest: number[] = [];
      for (const id of ids.slice(2)) rest.push(Date.parse((await store.getArticle(id))?.nextCheck ?? ''));
      expect(rest[0]).toBeGreaterThan(now.getTime());
      expect(rest).toEqual([...rest].sort((a, b) => a - b));
    } finally {
      await scheduler.stop();
    }
    expect(lines.some((l) => l.msg === 'scheduler: backlog spread over the next ticks' && l.spread === 3)).toBe(true);
  });

  it('resumes from the database: a new scheduler checks only what is due', async () => {
    // Simulate time passing: the spread articles become due.
    const past = new Date(Date.now() - 1000).toISOString();
    const spread = (await store.listAllArticles()).filter((a) => a.checkCount === 0);
    expect(spread).toHaveLength(3);
    for (const a of spread) await store.setNextCheck(a.id, past);
    const scheduler = startScheduler({ store, config }, log, { sources: false, tickMs: 60_000 });
    try {
      // Three due, two per tick: the third is spread to the next tick, not checked now.
      const first = await scheduler.tick();
      expect([first?.checked, first?.spread]).toEqual([2, 1]);
      expect((await scheduler.tick())?.checked).toBe(0);
      const waiting = (await store.listAllArticles()).filter((a) => a.checkCount === 0);
      expect(waiting).toHaveLength(1);
      await store.setNextCheck(waiting[0]!.id, past);
      expect((await scheduler.tick())?.checked).toBe(1);
    } finally {
      await scheduler.stop();
    }
    expect((await store.listAllArticles()).every((a) => a.checkCount === 1)).toBe(true);
  });

  it('polls the due sources first, then checks the articles they brought in the same tick', async () => {
    feeds.routes.set('/story/one', { body: ARTICLE_HTML, contentType: 'text/html; charset=utf-8' });
    feeds.routes.set('/story/two', { body: ARTICLE_HTML.replace('<article>', '<article><p>A second story with its own opening paragraph, long enough to be text.</p>'), contentType: 'text/html; charset=utf-8' });
    feeds.routes.set('/rss.xml', {
      contentType: 'application/rss+xml; charset=utf-8',
      body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>${feeds.url('/')}</link>
        <item><title>One</title><link>${feeds.url('/story/one')}</link></item>
        <item><title>Two</title><link>${feeds.url('/story/two')}</link></item></channel></rss>`,
    });
    const source = await createSource(store, { name: 'Wire', kind: 'feed', urls: [feeds.url('/rss.xml')] });
    const scheduler = startScheduler({ store, config }, log, { tickMs: 60_000 });
    try {
      const tick = await scheduler.tick();
      expect(tick?.sourcesPolled).toBe(1);
      expect(tick?.newArticles).toBe(2);
      expect(tick?.checked).toBe(2);
      expect(tick?.results.map((r) => r.url).sort()).toEqual([feeds.url('/story/one'), feeds.url('/story/two')]);
      expect(tick?.newVersions).toBe(2);
      // Polled: the source is not due again in the next tick.
      expect((await scheduler.tick())?.sourcesPolled).toBe(0);
    } finally {
      await scheduler.stop();
    }
    expect((await store.listAllArticles()).filter((a) => a.sourceId === source.id)).toHaveLength(2);
  });

  it('logs checks at debug, failures at warn with the article id and URL, and a summary per tick at info', async () => {
    lines.length = 0;
    const bad = (await store.insertArticle(origin.url('/status/503'), new Date().toISOString())).article.id;
    const scheduler = startScheduler({ store, config }, log, { sources: false, tickMs: 60_000 });
    try {
      await scheduler.tick();
    } finally {
      await scheduler.stop();
    }
    const failed = lines.find((l) => l.msg === 'scheduler: check failed');
    expect(failed).toMatchObject({ level: 40, articleId: bad, url: origin.url('/status/503'), outcome: 'error', httpStatus: 503 });
    expect(String(failed?.error)).toMatch(/HTTP 503/);
    expect(lines.find((l) => l.msg === 'scheduler: tick done')).toMatchObject({ level: 30, checked: 1, errors: 1 });
    expect(lines.filter((l) => l.msg === 'scheduler: checked')).toHaveLength(0);
  });

  it('logs a successful check at debug', async () => {
    lines.length = 0;
    const id = (await store.insertArticle(origin.url('/page?debug=1'), new Date().toISOString())).article.id;
    const scheduler = startScheduler({ store, config }, log, { sources: false, tickMs: 60_000 });
    try {
      await scheduler.tick();
    } finally {
      await scheduler.stop();
    }
    expect(lines.find((l) => l.msg === 'scheduler: checked')).toMatchObject({ level: 20, articleId: id, outcome: 'new_version', versionNumber: 1 });
  });
});
