/**
 * A degraded source on /sources and on its own page, in real Chromium at a desktop and a phone size, light and
 * dark: the "Degraded since …" marker is there in words (not colour alone) with its reason, axe-core finds no
 * violation, the phone never scrolls sideways, and screenshots go to test-output/screenshots/health-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { createApp } from '../src/web/app.js';
import { CHROMIUM, chromiumAvailable, launchChromium, serveApp } from './helpers/browser.js';
import { auditPage } from './helpers/browser-audit.js';
import { daysAgo, seedSources, type SourceSeeded } from './helpers/source-seed.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, seed, testConfig } from './helpers/web-seed.js';

const available = chromiumAvailable();
if (!available) process.stdout.write(`skipping browser health tests: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const describeBrowser = available ? describe : describe.skip;

const SHOTS = path.resolve('test-output', 'screenshots');
const REASON = '12 of 15 captures in the last 24 h had empty bodies (baseline 0 of 40)';

describeBrowser('a degraded source in Chromium', () => {
  let cleanup: (() => Promise<void>) | undefined;
  let server: Server;
  let base: string;
  let browser: Browser;
  let sources: SourceSeeded;

  beforeAll(async () => {
    const t = await tmpStore();
    cleanup = t.cleanup;
    await seed(t.store);
    sources = await seedSources(t.store);
    const since = daysAgo(0, 5);
    await t.store.setSourceDegraded(sources.daily.id, since, REASON);
    // Three captures held back, each with its raw response kept.
    for (const [i, articleId] of sources.dailyArticles.slice(0, 3).entries()) {
      const responseId = await t.store.insertResponse({
        articleId, requestedUrl: `https://daily.example/held/${i}`, url: `https://daily.example/held/${i}`, fetchedAt: daysAgo(0, 4 - i), status: 200,
        statusText: 'OK', httpVersion: '1.1', headers: [['content-type', 'text/html']], requestHeaders: [], body: Buffer.from('<html><body></body></html>'),
      });
      await t.store.insertCaptureHealth({ sourceId: sources.daily.id, articleId, at: daysAgo(0, 4 - i), kind: 'empty', held: true, responseId }, daysAgo(30));
    }
    const app = createApp({ store: t.store, config: testConfig({}), now: () => NOW });
    ({ server, base } = await serveApp(app));
    browser = await launchChromium();
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await cleanup?.();
  });

  const PAGES = [
    { name: 'sources', path: () => '/sources' },
    { name: 'source', path: () => `/sources/${sources.daily.slug}` },
  ];

  it.each(PAGES.map((p) => [p.name, p] as const))('%s: the marker in words, no axe violations, no sideways scroll; screenshots', async (_n, pc) => {
    const problems = await auditPage(browser, `${base}${pc.path()}`, SHOTS, `health-${pc.name}`, async (page) => {
      // Only the degraded source carries the marker; it says what, since when and why, and how to recover.
      const markers = page.locator('.degraded-source');
      expect(await markers.count()).toBe(1);
      const marker = markers.first();
      expect(await marker.isVisible()).toBe(true);
      const text = (await marker.innerText()).replace(/\s+/g, ' ');
      expect(text).toMatch(/^DEGRADED since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(5 hours ago\): 12 of 15 captures/);
      expect(text).toContain(REASON);
      expect(text).toContain('(3 held so far)');
      expect(text).toContain(`palimpsest reextract --source ${sources.daily.slug}`);
      const states = await page.locator('.extraction-health').allInnerTexts();
      expect(states.map((t) => t.split('\n')[0]!.trim()).sort()).toEqual(pc.name === 'sources' ? ['degraded', 'healthy'] : ['degraded']);
    });
    expect(problems).toEqual([]);
  }, 180_000);
});
