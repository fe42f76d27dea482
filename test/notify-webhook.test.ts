/**
 * Webhook notifications end to end on loopback: a subscription, a new version dispatched from the store, a real
 * HTTP receiver that checks the HMAC signature and the body, and receivers that fail on purpose (500 twice, no
 * answer at all, Retry-After): retried with backoff, every attempt in the delivery log, nothing lost.
 */
import crypto from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import pino from 'pino';
import { validateConfig, type Config } from '../src/config/index.js';
import { NotifyRunner } from '../src/notify/runner.js';
import { createSubscription, SubscriptionError } from '../src/notify/subscriptions.js';
import type { Subscription } from '../src/store/index.js';
import { addVersion, notifyFixture, startReceiver, type Answer, type Receiver } from './helpers/notify-receiver.js';
import { tmpStore } from './helpers/tmp.js';

const SECRET = 's3cret-s3cret-s3cret-0123456789';

function config(extra: Record<string, unknown> = {}): Config {
  return validateConfig({
    allowPrivate: true, baseUrl: 'https://palimpsest.test', logLevel: 'silent',
    notify: { retryBaseS: 60, retryMaxS: 600, maxAttempts: 4, timeoutMs: 400, ...extra },
  });
}

let receiver: Receiver | null = null;
const fx = notifyFixture(tmpStore, async () => {
  await receiver?.close();
  receiver = null;
});
const now = (): Date => fx.now();

const runner = (c: Config): NotifyRunner => new NotifyRunner({ store: fx.store(), config: c, owner: 'test-worker', log: pino({ level: 'silent' }), now });

async function article(url = 'https://news.example/story'): Promise<number> {
  const { article: a } = await fx.store().insertArticle(url, now().toISOString());
  await addVersion(fx.store(), a.id, 'Minister resigns', 'The minister resigned on Monday.\n\nShe gave no reason.', now().toISOString());
  return a.id;
}

/**
 * A receiver answering `script`, a webhook subscription to it made after version 1, a first pass, then version 2
 * and a pass that makes the first attempt at it.
 */
async function subscribed(c: Config, script: Answer[], verifyWith = SECRET): Promise<{ r: NotifyRunner; sub: Subscription; id: number; rec: Receiver }> {
  const id = await article();
  receiver = await startReceiver(script, () => verifyWith);
  const sub = await createSubscription(fx.store(), c, { channel: 'webhook', url: receiver.url, secret: SECRET }, now());
  const r = runner(c);
  await r.runOnce();
  await addVersion(fx.store(), id, 'Minister resigns', 'The minister resigned on Tuesday.\n\nShe gave no reason.', now().toISOString());
  await r.runOnce();
  return { r, sub, id, rec: receiver };
}

describe('webhook delivery', () => {
  test('a new version is POSTed once, signed, with the change, its statistics and the diff', async () => {
    const store = fx.store();
    const c = config();
    const id = await article();
    receiver = await startReceiver([{ status: 200 }], () => SECRET);
    const sub = await createSubscription(store, c, { channel: 'webhook', url: receiver.url, secret: SECRET }, now());
    const r = runner(c);
    await r.runOnce();
    // Version 1 was there before the subscription: nothing is sent for it.
    expect(receiver.received).toHaveLength(0);

    await addVersion(store, id, 'Minister resigns over <script>alert(1)</script> scandal',
      'The minister resigned on Monday after a scandal.\n\nShe gave no reason.', now().toISOString());
    const pass = await r.runOnce();
    expect(pass.dispatch.queued).toBe(1);
    expect(pass.send.delivered).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.signatureOk).toBe(true);
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(got.body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a parsed JSON body, checked field by field
    expect(got.headers['x-palimpsest-delivery']).toBe(String(body.delivery));
    expect(body.event).toBe('version');
    expect(body.subscription).toBe(sub.id);
    expect(body.article).toMatchObject({ id, url: 'https://news.example/story', page: `https://palimpsest.test/articles/${id}` });
    expect(body.version).toMatchObject({ number: 2, previous: 1, change_kind: 'substantive', diff_page: `https://palimpsest.test/articles/${id}/diff/1/2` });
    expect(body.headline).toEqual({ old: 'Minister resigns', new: 'Minister resigns over <script>alert(1)</script> scandal', changed: true });
    expect(body.stats.words_added).toBeGreaterThanOrEqual(3);
    expect(body.stats.titleChanged).toBe(true);
    expect(body.diff.text).toContain('{+ after a scandal+}');
    expect(body.diff.html).toContain('<ins');
    // Untrusted article text is escaped in the HTML rendering.
    expect(body.diff.html).not.toContain('<script>');
    expect(body.diff.rows.some((row: { kind: string }) => row.kind === 'changed')).toBe(true);

    // Another pass sends nothing again.
    await r.runOnce();
    expect(receiver.received).toHaveLength(1);
    const [d] = await store.listDeliveries({ subscriptionId: sub.id, limit: 10 });
    expect(d).toMatchObject({ status: 'delivered', attempts: 1 });
    const log = await store.listDeliveryAttempts([d!.id]);
    expect(log).toEqual([expect.objectContaining({ attempt: 1, ok: true, httpStatus: 200, error: null })]);
  });

  test('a tampered body or another secret does not verify', async () => {
    await subscribed(config(), [{ status: 200 }], 'another-secret-entirely-000000');
    expect(receiver!.received).toHaveLength(1);
    const got = receiver!.received[0]!;
    expect(got.signatureOk).toBe(false);
    const mac = (s: string): string => `sha256=${crypto.createHmac('sha256', SECRET).update(s).digest('hex')}`;
    expect(got.headers['x-palimpsest-signature']).toBe(mac(got.body));
    expect(got.headers['x-palimpsest-signature']).not.toBe(mac(got.body.replace('Tuesday', 'Monday')));
  });

  test('500, 500, then 200: retried with backoff, three attempts logged, delivered once', async () => {
    const store = fx.store();
    const { r, sub, rec } = await subscribed(config(), [{ status: 500 }, { status: 500 }, { status: 200 }]);
    expect(rec.received).toHaveLength(1);
    let [d] = await store.listDeliveries({ subscriptionId: sub.id, limit: 10 });
    expect(d).toMatchObject({ status: 'pending', attempts: 1 });
    // Backoff: the next attempt is at least half the base delay (60 s) away, and nothing is sent before it is due.
    expect(Date.parse(d!.nextAttempt) - now().getTime()).toBeGreaterThanOrEqual(30_000);
    await r.runOnce();
    expect(rec.received).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      fx.advance(3_600_000);
      await r.runOnce();
    }
    expect(rec.received.map((x) => x.answered)).toEqual([500, 500, 200]);
    // Every attempt carried the same delivery id and the same body.
    expect(new Set(rec.received.map((x) => x.headers['x-palimpsest-delivery'])).size).toBe(1);
    expect(new Set(rec.received.map((x) => x.body)).size).toBe(1);
    [d] = await store.listDeliveries({ subscriptionId: sub.id, limit: 10 });
    expect(d).toMatchObject({ status: 'delivered', attempts: 3 });
    const log = await store.listDeliveryAttempts([d!.id]);
    expect(log.map((a) => [a.attempt, a.ok, a.httpStatus])).toEqual([[1, false, 500], [2, false, 500], [3, true, 200]]);
    expect(log[0]!.error).toMatch(/^HTTP 500/);
  });

  test('a receiver that never answers times out, is logged, and gets the delivery on a later attempt', async () => {
    const store = fx.store();
    const { r, sub } = await subscribed(config(), ['hang', { status: 204 }]);
    fx.advance(3_600_000);
    await r.runOnce();
    const [d] = await store.listDeliveries({ subscriptionId: sub.id, limit: 10 });
    expect(d).toMatchObject({ status: 'delivered', attempts: 2 });
    const log = await store.listDeliveryAttempts([d!.id]);
    expect(log[0]).toMatchObject({ ok: false, httpStatus: null });
    expect(log[0]!.error).toMatch(/no complete answer within 400 ms/);
    expect(log[1]).toMatchObject({ ok: true, httpStatus: 204 });
  });

  test('Retry-After is honoured, and after maxAttempts the delivery is marked failed with every attempt kept', async () => {
    const store = fx.store();
    const { r, sub, rec } = await subscribed(config({ maxAttempts: 3 }), [{ status: 503, headers: { 'Retry-After': '7200' } }, { status: 500 }]);
    let [d] = await store.listDeliveries({ subscriptionId: sub.id, limit: 10 });
    expect(Date.parse(d!.nextAttempt) - now().getTime()).toBeGreaterThanOrEqual(7_200_000);
    fx.advance(3_600_000);
    await r.runOnce();
    expect(rec.received).toHaveLength(1);
    for (let i = 0; i < 4; i++) {
      fx.advance(7_300_000);
      await r.runOnce();
    }
    expect(rec.received).toHaveLength(3);
    [d] = await store.listDeliveries({ subscriptionId: sub.id, limit: 10 });
    expect(d).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await store.listDeliveryAttempts([d!.id])).map((a) => a.httpStatus)).toEqual([503, 500, 500]);
  });

  test('a webhook to a private address is refused without allowPrivate, and logged as a failed attempt', async () => {
    const store = fx.store();
    const { sub } = await subscribed(validateConfig({ logLevel: 'silent', notify: { maxAttempts: 1 } }), [{ status: 200 }]);
    expect(receiver!.received).toHaveLength(0);
    const [d] = await store.listDeliveries({ subscriptionId: sub.id, limit: 10 });
    expect(d).toMatchObject({ status: 'failed', attempts: 1 });
    expect(d!.lastError).toMatch(/non-public address 127\.0\.0\.1/);
  });

  test('invalid subscriptions are refused with a reason', async () => {
    const store = fx.store();
    const c = config();
    await expect(createSubscription(store, c, { channel: 'webhook', url: 'ftp://x.example/' }, now())).rejects.toThrow(SubscriptionError);
    await expect(createSubscription(store, c, { channel: 'webhook' }, now())).rejects.toThrow(/needs a URL/);
    await expect(createSubscription(store, c, { channel: 'email', email: 'a@b.example' }, now())).rejects.toThrow(/notify\.smtp\.host/);
    await expect(createSubscription(store, c, { channel: 'webhook', url: 'https://x.example/', source: 'nope' }, now())).rejects.toThrow(/no source/);
    await expect(createSubscription(store, c, { channel: 'webhook', url: 'https://x.example/', secret: 'short' }, now())).rejects.toThrow(/16 characters/);
    await expect(createSubscription(store, c, { channel: 'webhook', url: 'https://user:pw@x.example/' }, now())).rejects.toThrow(/no user name or password/);
    await expect(createSubscription(store, c, { channel: 'archive' }, now())).rejects.toThrow(/Save Page Now is turned off/);
    const s = await createSubscription(store, c, { channel: 'webhook', url: 'https://x.example/hook?token=abc&utm_source=y#frag' }, now());
    expect(s.secret).toMatch(/^[0-9a-f]{64}$/);
    // The query is the receiver's: kept whole.
    expect(s.target).toBe('https://x.example/hook?token=abc&utm_source=y');
  });
});
