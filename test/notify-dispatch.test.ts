/**
 * The dispatcher on the store: filters (headline only, minimum words, change kind), scopes (article, source,
 * all), article and source health events, the cursor starting at "now", no duplicate deliveries with two
 * dispatchers and two senders racing on two store connections, and Save Page Now against a loopback endpoint.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import pino from 'pino';
import { validateConfig } from '../src/config/index.js';
import { dispatchOnce } from '../src/notify/dispatch.js';
import { NotifyRunner } from '../src/notify/runner.js';
import { sendDue } from '../src/notify/sender.js';
import { createSubscription } from '../src/notify/subscriptions.js';
import { openStore, type Store, type Subscription } from '../src/store/index.js';
import { addVersion, startReceiver, type Receiver } from './helpers/notify-receiver.js';
import { testBackend, tmpStore, type TmpStore } from './helpers/tmp.js';

const config = validateConfig({ allowPrivate: true, logLevel: 'silent', notify: { retryBaseS: 60, maxAttempts: 3 } });
const T = '2026-12-01T10:00:00.000Z';
const now = (): Date => new Date(T);

let t: TmpStore;
let store: Store;
let receiver: Receiver | null = null;

beforeEach(async () => {
  t = await tmpStore();
  store = t.store;
});

afterEach(async () => {
  await receiver?.close();
  receiver = null;
  await t.cleanup();
});

const PARAS = ['The council met on Monday to discuss the budget for next year.', 'Residents asked about the new bridge.', 'The vote is due in March.'];

async function seed(): Promise<{ a: number; b: number; sourceId: number }> {
  const src = await store.insertSource({ slug: 'city-news', name: 'City News', kind: 'manual', config: {} }, T);
  const a = (await store.insertArticle('https://city.example/a', T, src.id)).article.id;
  const b = (await store.insertArticle('https://other.example/b', T)).article.id;
  await addVersion(store, a, 'Council meets', PARAS.join('\n\n'), T);
  await addVersion(store, b, 'Weather', 'Sunny all week.', T);
  return { a, b, sourceId: src.id };
}

async function deliveredTo(sub: Subscription): Promise<number[]> {
  const ds = await store.listDeliveries({ subscriptionId: sub.id, limit: 100 });
  return ds.filter((d) => d.stream === 'version').map((d) => Number(d.event.number) * 1000 + Number(d.event.articleId)).sort((x, y) => x - y);
}

describe('dispatch', () => {
  test('filters and scopes decide which subscription gets which version; older versions are never sent', async () => {
    const { a, b } = await seed();
    const hook = { channel: 'webhook', url: 'https://hooks.example/x' } as const;
    const all = await createSubscription(store, config, hook, now());
    const headline = await createSubscription(store, config, { ...hook, headlineOnly: true }, now());
    const bigOnly = await createSubscription(store, config, { ...hook, minWords: 8 }, now());
    const minorToo = await createSubscription(store, config, { ...hook, kinds: ['substantive', 'minor'] }, now());
    const source = await createSubscription(store, config, { ...hook, source: 'city-news' }, now());
    const articleB = await createSubscription(store, config, { ...hook, article: b }, now());
    await dispatchOnce(store, now(), 50);
    expect(await store.listDeliveries({ limit: 100 })).toHaveLength(0);

    // a v2: the headline changes, one word of text.
    await addVersion(store, a, 'Council meets in secret', [PARAS[0], 'Residents asked about the old bridge.', PARAS[2]].join('\n\n'), T);
    // a v3: ten new words, same headline.
    await addVersion(store, a, 'Council meets in secret', [PARAS[0], 'Residents asked about the old bridge.', PARAS[2],
      'The mayor said she would publish the full minutes of the meeting soon.'].join('\n\n'), T);
    // b v2: minor (punctuation only).
    await addVersion(store, b, 'Weather', 'Sunny all week!', T, 'minor');
    const pass = await dispatchOnce(store, now(), 50);
    expect(pass.events).toBe(3);

    const v = (n: number, article: number): number => n * 1000 + article;
    expect(await deliveredTo(all)).toEqual([v(2, a), v(3, a)]);
    expect(await deliveredTo(headline)).toEqual([v(2, a)]);
    expect(await deliveredTo(bigOnly)).toEqual([v(3, a)]);
    expect(await deliveredTo(minorToo)).toEqual([v(2, a), v(2, b), v(3, a)].sort((x, y) => x - y));
    expect(await deliveredTo(source)).toEqual([v(2, a), v(3, a)]);
    expect(await deliveredTo(articleB)).toEqual([]);

    // A subscription made now does not get what was already there, even though the cursor has not moved.
    const late = await createSubscription(store, config, hook, now());
    await dispatchOnce(store, now(), 50);
    expect(await deliveredTo(late)).toEqual([]);
    expect(await store.listDeliveries({ limit: 100 })).toHaveLength(9);
  });

  test('article events and source health events reach subscriptions that opt into them', async () => {
    const { a, sourceId } = await seed();
    receiver = await startReceiver([{ status: 200 }]);
    const events = await createSubscription(store, config, { channel: 'webhook', url: receiver.url, events: ['absent', 'redirected', 'degraded'] }, now());
    const versionsOnly = await createSubscription(store, config, { channel: 'webhook', url: receiver.url }, now());
    const otherSource = await createSubscription(store, config, { channel: 'webhook', url: receiver.url, article: (await store.insertArticle('https://x.example/', T)).article.id, events: ['absent'] }, now());
    await dispatchOnce(store, now(), 50);
    await store.insertArticleEvent(a, 'absent', T, { status: 404 });
    await store.insertArticleEvent(a, 'returned', T, { status: 200 });
    await store.setSourceDegraded(sourceId, T, 'empty bodies');
    await store.clearSourceDegraded(sourceId, T, 'bodies are back');
    await dispatchOnce(store, now(), 50);
    const got = await store.listDeliveries({ subscriptionId: events.id, limit: 10 });
    expect(got.map((d) => [d.stream, d.event.kind]).sort()).toEqual([['article_event', 'absent'], ['source_health', 'degraded']]);
    expect(await store.listDeliveries({ subscriptionId: versionsOnly.id, limit: 10 })).toHaveLength(0);
    expect(await store.listDeliveries({ subscriptionId: otherSource.id, limit: 10 })).toHaveLength(0);

    await sendDue({ store, config, owner: 't', now });
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.map((x) => x.event).sort()).toEqual(['absent', 'degraded']);
    expect(bodies.find((x) => x.event === 'absent')).toMatchObject({ article: { id: a, url: 'https://city.example/a' }, detail: { status: 404 } });
    expect(bodies.find((x) => x.event === 'degraded')).toMatchObject({ source: { slug: 'city-news' }, reason: 'empty bodies' });
  });

  // Two connections of one process: PostgreSQL (SQLite's connections of one process would wait on each other's
  // write lock synchronously; two processes race on SQLite in notify-cli.test.ts).
  (testBackend() === 'postgres' ? test : test.skip)('two dispatchers and two senders racing on two connections queue and send each delivery once', async () => {
    const { a } = await seed();
    const other = await openStore(t.target);
    try {
      receiver = await startReceiver([{ status: 200 }], () => '');
      const subs = await Promise.all([0, 1, 2].map(() => createSubscription(store, config, { channel: 'webhook', url: receiver!.url }, now())));
      await dispatchOnce(store, now(), 50);
      const racers = async (): Promise<void> => {
        await Promise.all([dispatchOnce(store, now(), 3), dispatchOnce(other, now(), 3), dispatchOnce(store, now(), 3), dispatchOnce(other, now(), 3)]);
      };
      for (let i = 0; i < 6; i++) {
        await addVersion(store, a, `Council meets (${i})`, `${PARAS.join('\n\n')}\n\nUpdate number ${i} with several more words.`, T);
        await racers();
      }
      for (let i = 0; i < 3; i++) await racers();
      const all = await store.listDeliveries({ limit: 1000 });
      expect(all).toHaveLength(6 * subs.length);
      expect(new Set(all.map((d) => `${d.subscriptionId}/${d.eventId}`)).size).toBe(all.length);

      await Promise.all([
        sendDue({ store, config, owner: 'one', now }), sendDue({ store: other, config, owner: 'two', now }),
        sendDue({ store, config, owner: 'three', now }), sendDue({ store: other, config, owner: 'four', now }),
      ]);
      expect(receiver.received).toHaveLength(18);
      expect(new Set(receiver.received.map((r) => r.headers['x-palimpsest-delivery'])).size).toBe(18);
      expect((await store.listDeliveries({ limit: 1000 })).every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    } finally {
      await other.close();
    }
  });

  test('Save Page Now (turned on) asks the endpoint to archive each new version URL, logged like a delivery', async () => {
    const { a } = await seed();
    receiver = await startReceiver([{ status: 502 }, { status: 200 }]);
    const endpoint = receiver.url.replace(/\/hook$/, '/save/');
    const spn = validateConfig({ allowPrivate: true, logLevel: 'silent', notify: { retryBaseS: 60, savePageNow: { enabled: true, endpoint, accessKey: 'KEY', secretKey: 'SECRET' } } });
    let clock = Date.parse(T);
    const runner = new NotifyRunner({ store, config: spn, owner: 't', log: pino({ level: 'silent' }), now: () => new Date(clock) });
    await runner.runOnce();
    const archive = (await store.listSubscriptions()).filter((s) => s.channel === 'archive');
    expect(archive).toHaveLength(1);
    await addVersion(store, a, 'Council meets in secret', PARAS.join('\n\n'), T);
    await runner.runOnce();
    clock += 3_600_000;
    await runner.runOnce();
    expect(receiver.received.map((r) => [r.method, r.url, r.answered])).toEqual([
      ['POST', '/save/https://city.example/a', 502], ['POST', '/save/https://city.example/a', 200],
    ]);
    expect(receiver.received[0]!.headers.authorization).toBe('LOW KEY:SECRET');
    expect(receiver.received[0]!.body).toBe('url=https%3A%2F%2Fcity.example%2Fa');
    const [d] = await store.listDeliveries({ subscriptionId: archive[0]!.id, limit: 5 });
    expect((await store.listDeliveryAttempts([d!.id])).map((x) => [x.ok, x.httpStatus])).toEqual([[false, 502], [true, 200]]);

    // Off by default: no archive subscription is made.
    const off = validateConfig({ logLevel: 'silent' });
    expect(off.notify.savePageNow.enabled).toBe(false);
    expect(off.notify.savePageNow.endpoint).toBe('https://web.archive.org/save/');
  });
});
