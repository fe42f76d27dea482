/**
 * The article page of an A/B-tested article that added a correction notice and is now absent, its version and diff
 * pages and /stats, in real Chromium at a desktop and a phone size, light and dark: axe-core finds no violation,
 * the phone never scrolls sideways, what a reader must see is visible, and full-page screenshots go to
 * test-output/screenshots/variants-<page>-<size>-<scheme>.png for people to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { createApp } from '../src/web/app.js';
import { CHROMIUM, chromiumAvailable, launchChromium, serveApp } from './helpers/browser.js';
import { auditPage, SIZES } from './helpers/browser-audit.js';
import { tmpStore } from './helpers/tmp.js';
import { HEADLINES, seedVariants } from './helpers/variants-seed.js';
import { NOW, testConfig } from './helpers/web-seed.js';

const available = chromiumAvailable();
if (!available) process.stdout.write(`skipping browser variants tests: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const describeBrowser = available ? describe : describe.skip;

const SHOTS = path.resolve('test-output', 'screenshots');

describeBrowser('variants, corrections and events in Chromium', () => {
  let cleanup: (() => Promise<void>) | undefined;
  let server: Server;
  let base: string;
  let browser: Browser;
  let id: number;

  beforeAll(async () => {
    const t = await tmpStore();
    cleanup = t.cleanup;
    id = await seedVariants(t.store);
    const app = createApp({ store: t.store, config: testConfig(), now: () => NOW });
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
    { name: 'article', path: () => `/articles/${id}` },
    { name: 'version', path: () => `/articles/${id}/versions/4` },
    { name: 'diff', path: () => `/articles/${id}/diff/3/4` },
    { name: 'stats', path: () => '/stats' },
  ];

  it.each(PAGES.map((p) => [p.name, p] as const))('%s: no axe violations, desktop and phone, light and dark; screenshots', async (name, pc) => {
    expect(await auditPage(browser, `${base}${pc.path()}`, SHOTS, `variants-${name}`)).toEqual([]);
  }, 180_000);

  it('shows the absent state, both headline variants and the correction badge where a reader sees them', async () => {
    for (const size of SIZES) {
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      try {
        const page = await context.newPage();
        await page.goto(`${base}/articles/${id}`);
        expect(await page.getByText('Absent at 2024-05-01 13:00 UTC').first().isVisible()).toBe(true);
        const variants = page.locator('table.variants tbody tr');
        expect(await variants.count()).toBe(2);
        for (const h of HEADLINES) expect(await variants.getByText(h).isVisible()).toBe(true);
        expect(await page.locator('.badge.correction').first().isVisible()).toBe(true);
        expect(await page.getByRole('link', { name: /evil\.example/ }).count()).toBe(1);
        await page.goto(`${base}/stats`);
        expect(await page.locator('table.variant-counts').isVisible()).toBe(true);
        expect(await page.locator('table.variant-counts tbody tr').count()).toBe(1);
      } finally {
        await context.close();
      }
    }
  }, 60_000);
});
