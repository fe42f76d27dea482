/**
 * Managing subscriptions over the admin API (/api/subscriptions) and the web page (/subscriptions) on the real
 * app: the admin token is required (401 without or wrong, 403 when none is configured), secrets are shown whole
 * only when generated, the delivery log lists every attempt, and typed text comes back escaped.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import pino from 'pino';
import { createApp } from '../src/web/app.js';
import { NotifyRunner } from '../src/notify/runner.js';
import type { Store } from '../src/store/index.js';
import { addVersion, startReceiver, type Receiver } from './helpers/notify-receiver.js';
import { tmpStore, type TmpStore } from './helpers/tmp.js';
import { NOW, testConfig } from './helpers/web-seed.js';

const TOKEN = 'notify-admin-token';
let t: TmpStore;
let store: Store;
let app: express.Express;
let receiver: Receiver;
let articleId = 0;
const config = testConfig({ adminToken: TOKEN, allowPrivate: true, notify: { retryBaseS: 60 } });

beforeAll(async () => {
  t = await tmpStore();
  store = t.store;
  articleId = (await store.insertArticle('https://news.example/a', NOW.toISOString())).article.id;
  await addVersion(store, articleId, 'Harbour closes', 'The harbour closed today.', NOW.toISOString());
  app = createApp({ store, config, now: () => NOW });
  receiver = await startReceiver([{ status: 500 }, { status: 200 }]);
});

afterAll(async () => {
  await receiver.close();
  await t.cleanup();
});

const auth = (r: request.Test): request.Test => r.set('Authorization', `Bearer ${TOKEN}`);

describe('/api/subscriptions', () => {
  test('every route needs the admin token', async () => {
    for (const r of [request(app).get('/api/subscriptions'), request(app).post('/api/subscriptions').send({}),
      request(app).get('/api/subscriptions/1'), request(app).delete('/api/subscriptions/1'), request(app).get('/api/subscriptions/1/deliveries')]) {
      const res = await r.expect(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    await request(app).get('/api/subscriptions').set('Authorization', 'Bearer wrong-token-123').expect(401);
    const closed = createApp({ store, config: testConfig(), now: () => NOW });
    await request(closed).get('/api/subscriptions').set('Authorization', `Bearer ${TOKEN}`).expect(403);
  });

  test('create, read, log and delete; the secret is shown whole once', async () => {
    const bad = await auth(request(app).post('/api/subscriptions')).send({ channel: 'webhook', url: 'javascript:alert(1)' }).expect(400);
    expect(bad.body.error.message).toMatch(/invalid webhook URL/i);
    await auth(request(app).post('/api/subscriptions')).send({ channel: 'webhook', url: receiver.url, surprise: 1 }).expect(400);
    await auth(request(app).post('/api/subscriptions')).set('Content-Type', 'text/plain').send('x').expect(415);

    const created = await auth(request(app).post('/api/subscriptions')).send({ channel: 'webhook', url: receiver.url, article: articleId, minWords: 1 }).expect(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const id = created.body.subscription.id as number;
    expect(created.headers.location).toBe(`/api/subscriptions/${id}`);
    expect(created.body.subscription).toMatchObject({ channel: 'webhook', target: receiver.url, scope: 'article', article: articleId, min_words: 1, secret: `${secret.slice(0, 4)}…` });
    const given = await auth(request(app).post('/api/subscriptions')).send({ channel: 'webhook', url: receiver.url, secret: 'my-own-secret-is-long' }).expect(201);
    expect(given.body.secret).toBeUndefined();

    const listed = await auth(request(app).get('/api/subscriptions')).expect(200).expect('Cache-Control', 'no-store');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.subscriptions.map((s: { id: number }) => s.id)).toEqual([id, given.body.subscription.id]);
    expect((await auth(request(app).get(`/api/subscriptions/${id}`)).expect(200)).body.subscription.id).toBe(id);
    await auth(request(app).get('/api/subscriptions/999')).expect(404);

    let clock = NOW.getTime();
    const runner = new NotifyRunner({ store, config, owner: 't', log: pino({ level: 'silent' }), now: () => new Date(clock) });
    await runner.runOnce();
    await addVersion(store, articleId, 'Harbour closes', 'The harbour closed today after a storm.', NOW.toISOString());
    await runner.runOnce();
    clock += 3_600_000;
    await runner.runOnce();
    const log = await auth(request(app).get(`/api/subscriptions/${id}/deliveries`)).expect(200);
    expect(log.body.deliveries).toHaveLength(1);
    expect(log.body.deliveries[0]).toMatchObject({ stream: 'version', status: 'delivered', attempts: 2, event: { articleId, number: 2 } });
    expect(log.body.deliveries[0].attempt_log.map((a: { status: number; ok: boolean }) => [a.status, a.ok])).toEqual([[500, false], [200, true]]);
    await auth(request(app).get(`/api/subscriptions/${id}/deliveries?limit=0`)).expect(400);

    await auth(request(app).delete(`/api/subscriptions/${id}`)).expect(204);
    await auth(request(app).delete(`/api/subscriptions/${id}`)).expect(404);
    expect(await store.listDeliveries({ subscriptionId: id, limit: 10 })).toEqual([]);
  });
});

describe('/subscriptions page', () => {
  test('shows the forms; adding needs the token; a refused form keeps what was typed, escaped, and never the token', async () => {
    const page = await request(app).get('/subscriptions').expect(200).expect('Cache-Control', 'no-store');
    expect(page.text).toContain('<form class="track" method="post" action="/subscriptions">');
    expect(page.text).toContain('action="/subscriptions/list"');
    const hostile = 'https://x.example/"><script>alert(1)</script>';
    const refused = await request(app).post('/subscriptions').type('form').send({ channel: 'webhook', url: hostile, token: 'wrong-token-1' }).expect(401);
    expect(refused.text).toContain('The admin token is wrong');
    expect(refused.text).not.toContain('<script>alert(1)');
    expect(refused.text).toContain('&lt;script&gt;');
    expect(refused.text).not.toContain('wrong-token-1');
    const invalid = await request(app).post('/subscriptions').type('form').send({ channel: 'webhook', url: 'ftp://x.example/', token: TOKEN }).expect(400);
    expect(invalid.text).toContain('Invalid webhook URL');
    expect(invalid.text).not.toContain(TOKEN);

    const added = await request(app).post('/subscriptions').type('form')
      .send(`channel=webhook&url=${encodeURIComponent(receiver.url)}&events=version&events=absent&kinds=substantive&headlineOnly=on&minWords=3&token=${TOKEN}`).expect(201);
    const secret = /id="new-secret" readonly value="([0-9a-f]{64})"/.exec(added.text)?.[1];
    expect(secret).toBeDefined();
    const sub = (await store.listSubscriptions()).at(-1)!;
    expect(sub.secret).toBe(secret);
    expect(sub.filters).toEqual({ events: ['version', 'absent'], kinds: ['substantive'], headlineOnly: true, minWords: 3 });
  });

  test('the list with the delivery log needs the token; remove works from it', async () => {
    await request(app).post('/subscriptions/list').type('form').send({ token: 'nope-nope-nope' }).expect(401);
    const list = await request(app).post('/subscriptions/list').type('form').send({ token: TOKEN }).expect(200);
    const sub = (await store.listSubscriptions()).at(-1)!;
    expect(list.text).toContain(`Subscription ${sub.id}: webhook`);
    expect(list.text).not.toContain(sub.secret!);
    expect(list.text).toContain(`${sub.secret!.slice(0, 4)}…`);
    await request(app).post(`/subscriptions/${sub.id}/remove`).type('form').send({ token: 'nope-nope-nope' }).expect(401);
    const removed = await request(app).post(`/subscriptions/${sub.id}/remove`).type('form').send({ token: TOKEN }).expect(200);
    expect(removed.text).toContain(`Removed subscription ${sub.id}.`);
    expect(await store.getSubscription(sub.id)).toBeNull();
  });
});
