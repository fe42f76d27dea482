/**
 * Notifications in the scheduler's rounds (the cron tick of `serve`; `worker` runs the same round): a tracked page
 * on a loopback news origin changes, a tick checks it and stores version 2, and the notification pass that runs
 * beside the rounds delivers it to a real webhook receiver, signed. Stopping the scheduler waits for the pass.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { validateConfig } from '../src/config/index.js';
import { createSubscription } from '../src/notify/subscriptions.js';
import { startScheduler } from '../src/scheduler/cron.js';
import type { Store } from '../src/store/index.js';
import { startNewsOrigin, type NewsOrigin } from './helpers/news-origin.js';
import { startReceiver, type Receiver } from './helpers/notify-receiver.js';
import { tmpStore } from './helpers/tmp.js';

const config = validateConfig({
  allowPrivate: true, logLevel: 'silent', fetch: { perHostDelayMs: 0 }, scheduler: { extractThreads: 0 },
});
let store: Store;
let cleanup: () => Promise<void>;
let origin: NewsOrigin;
let receiver: Receiver;
let secret = '';

beforeAll(async () => {
  ({ store, cleanup } = await tmpStore());
  origin = await startNewsOrigin();
  receiver = await startReceiver([{ status: 200 }], () => secret);
});

afterAll(async () => {
  await receiver.close();
  await origin.close();
  await cleanup();
});

describe('notifications in scheduler rounds', () => {
  it('a change found by a tick reaches the webhook, once', async () => {
    const byline = 'A. Reporter';
    const paragraphs = ['The bridge will close for repairs on Monday, the council said in a statement.', 'Traffic will be diverted through the town centre for three weeks.'];
    const url = origin.addArticle('/2026/bridge', [
      { title: 'Bridge to close for repairs', byline, paragraphs },
      { title: 'Bridge to close for a month', byline, paragraphs: [...paragraphs, 'Residents have complained about the noise of the works at night.'] },
    ]);
    const { article } = await store.insertArticle(url, new Date().toISOString());
    const sub = await createSubscription(store, config, { channel: 'webhook', url: receiver.url }, new Date());
    secret = sub.secret ?? '';
    const scheduler = startScheduler({ store, config }, pino({ level: 'silent' }), { sources: false, tickMs: 60_000 });
    try {
      expect((await scheduler.tick())?.newVersions).toBe(1);
      origin.publish('/2026/bridge', 1);
      await store.setNextCheck(article.id, new Date().toISOString());
      expect((await scheduler.tick())?.newVersions).toBe(1);
      // The pass runs beside the rounds: later ticks kick it until the delivery has gone out.
      for (let i = 0; i < 50 && receiver.received.length === 0; i++) {
        await scheduler.tick();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await scheduler.stop();
    }
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.signatureOk).toBe(true);
    const body = JSON.parse(receiver.received[0]!.body) as { version: { number: number }; headline: { old: string; new: string } };
    expect(body.version.number).toBe(2);
    expect(body.headline).toMatchObject({ old: 'Bridge to close for repairs', new: 'Bridge to close for a month' });
    const [d] = await store.listDeliveries({ subscriptionId: sub.id, limit: 5 });
    expect(d).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});
