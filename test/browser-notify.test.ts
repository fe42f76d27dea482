/**
 * The notifications page (/subscriptions) in real Chromium, at a desktop and a phone size, light and dark: the
 * forms, the list with its delivery log (opened with the admin token), and the answer to adding a subscription
 * (its secret shown once). axe-core finds no violation, the phone never scrolls sideways, and screenshots go to
 * test-output/screenshots/subscriptions-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { createApp } from '../src/web/app.js';
import { createSubscription } from '../src/notify/subscriptions.js';
import { auditPage } from './helpers/browser-audit.js';
import { CHROMIUM, chromiumAvailable, startBrowserApp, type BrowserApp } from './helpers/browser.js';
import { addVersion } from './helpers/notify-receiver.js';
import { seedSources } from './helpers/source-seed.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, testConfig } from './helpers/web-seed.js';

const available = chromiumAvailable();
if (!available) process.stdout.write(`skipping browser notification tests: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const describeBrowser = available ? describe : describe.skip;

const SHOTS = path.resolve('test-output', 'screenshots');
const TOKEN = 'browser-notify-token';

describeBrowser('the notifications page in Chromium', () => {
  let cleanup: (() => Promise<void>) | undefined;
  let web: BrowserApp | undefined;
  let base = '';

  beforeAll(async () => {
    const t = await tmpStore();
    cleanup = t.cleanup;
    const { store } = t;
    const config = testConfig({ adminToken: TOKEN, notify: { smtp: { host: '127.0.0.1' } } });
    await seedSources(store);
    const a = (await store.insertArticle('https://news.example/2026/12/a-long-story-about-the-harbour', NOW.toISOString())).article.id;
    await addVersion(store, a, 'Harbour closes', 'The harbour closed today.', NOW.toISOString());
    await addVersion(store, a, 'Harbour closes after storm', 'The harbour closed today after a storm.', NOW.toISOString());
    const hook = await createSubscription(store, config, { channel: 'webhook', url: 'https://hooks.example/a/very/long/path/that/should/wrap/on/a/phone/screen', events: ['version', 'absent'], minWords: 2 }, NOW);
    await createSubscription(store, config, { channel: 'email', email: 'desk@news.example', article: a, headlineOnly: true }, NOW);
    // A delivery log with a failed attempt and a success, written through the store as the sender writes it.
    const version = (await store.getVersion(a, 2))!;
    await store.enqueueDeliveries([{ subscriptionId: hook.id, stream: 'version', eventId: version.id, event: { articleId: a, number: 2 }, createdAt: NOW.toISOString() }]);
    const [d] = await store.claimDeliveries({ owner: 'browser', now: NOW.toISOString(), limit: 1, leaseS: 60 });
    await store.recordDeliveryAttempt({ deliveryId: d!.id, owner: 'browser', at: NOW.toISOString(), ok: false, httpStatus: 500, error: 'HTTP 500: Internal Server Error <b>not bold</b>', durationMs: 41, status: 'pending', nextAttempt: new Date(NOW.getTime() + 60_000).toISOString() });
    await store.recordDeliveryAttempt({ deliveryId: d!.id, owner: 'browser', at: new Date(NOW.getTime() + 60_000).toISOString(), ok: true, httpStatus: 200, error: null, durationMs: 12, status: 'delivered', nextAttempt: null });
    web = await startBrowserApp(createApp({ store, config, now: () => NOW }), SHOTS);
    base = web.base;
  }, 120_000);

  afterAll(async () => {
    await web?.close();
    await cleanup?.();
  });

  it('the forms: no axe violations, desktop and phone, light and dark', async () => {
    expect(await auditPage(web!.browser, `${base}/subscriptions`, SHOTS, 'subscriptions-forms')).toEqual([]);
  }, 240_000);

  it('the list with its delivery log, opened with the admin token', async () => {
    const problems = await auditPage(web!.browser, `${base}/subscriptions`, SHOTS, 'subscriptions-list', async (page) => {
      await page.fill('#list-token', TOKEN);
      await Promise.all([page.waitForURL(`${base}/subscriptions/list`), page.click('text=Show subscriptions and delivery log')]);
      expect(await page.locator('article.subscription').count()).toBeGreaterThanOrEqual(2);
      const log = await page.locator('ol.attempts').first().textContent();
      // The logged error is shown as text, markup and all.
      expect(log).toMatch(/failed 500, 41 ms — HTTP 500: Internal Server Error <b>not bold<\/b>/);
      expect(log).toMatch(/ok 200, 12 ms/);
    });
    expect(problems).toEqual([]);
  }, 240_000);

  it('adding a subscription shows its secret once', async () => {
    let n = 0;
    const problems = await auditPage(web!.browser, `${base}/subscriptions`, SHOTS, 'subscriptions-added', async (page) => {
      await page.fill('#url', `https://hooks.example/${++n}`);
      await page.check('input[name=events][value=degraded]');
      await page.fill('#token', TOKEN);
      const [res] = await Promise.all([page.waitForResponse(`${base}/subscriptions`), page.click('text=Add subscription')]);
      expect(res.status()).toBe(201);
      expect(await page.locator('#new-secret').inputValue()).toMatch(/^[0-9a-f]{64}$/);
    });
    expect(problems).toEqual([]);
  }, 240_000);
});
