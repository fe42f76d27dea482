/** What a reader sees on /sources: real Chromium renders each source's new articles per day, with no script. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { createApp } from '../src/web/app.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, seed, testConfig } from './helpers/web-seed.js';
import { DAILY_PER_DAY, seedSources } from './helpers/source-seed.js';

// Browser globals used inside page.evaluate callbacks (the project's tsconfig has no DOM lib; these run in Chromium).
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };

const CHROMIUM = '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
if (!available) process.stdout.write(`skipping the sources browser test: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const describeBrowser = available ? describe : describe.skip;

describeBrowser('/sources in Chromium', () => {
  let cleanup: (() => Promise<void>) | undefined;
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const t = await tmpStore();
    cleanup = t.cleanup;
    await seed(t.store);
    await seedSources(t.store);
    const app = createApp({ store: t.store, config: testConfig(), now: () => NOW });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await cleanup?.();
  });

  it('shows the new articles per day of each source as visible numbers and bars', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, javaScriptEnabled: false });
    try {
      const res = await page.goto(`${base}/sources`);
      expect(res?.status()).toBe(200);
      const table = page.locator('#source-daily-news table.per-day');
      expect(await table.isVisible()).toBe(true);
      const rows = table.locator('tbody tr');
      expect(await rows.count()).toBe(7);
      const days = await rows.locator('td.day').allInnerTexts();
      expect(days).toEqual(DAILY_PER_DAY.map((_, i) => new Date(NOW.getTime() - (6 - i) * 86_400_000).toISOString().slice(0, 10)));
      expect((await rows.locator('td.count').allInnerTexts()).map(Number)).toEqual(DAILY_PER_DAY);
      const meters = rows.locator('meter');
      expect(await meters.first().isVisible()).toBe(true);
      const values = await meters.evaluateAll((els) => els.map((e) => Number((e as unknown as { value: number }).value)));
      expect(values).toEqual(DAILY_PER_DAY);
      // a bar has room to show: the meter is drawn at its CSS width, not collapsed
      const box = await meters.nth(3).boundingBox();
      expect(box && box.width > 50 && box.height > 5).toBe(true);
      expect(await page.locator('#source-city-front td.count').allInnerTexts()).toEqual(['0', '0', '0', '0', '0', '0', '1']);
      expect(await page.locator('#source-city-front .error-text').innerText()).toBe('fetcher: HTTP 500 Internal Server Error');
      await page.getByRole('link', { name: 'Daily News' }).click();
      await page.waitForURL(/\/sources\/daily-news$/);
      expect(await page.locator('table.per-day td.count').allInnerTexts()).toEqual(DAILY_PER_DAY.map(String));
      await page.screenshot({ path: path.join(os.tmpdir(), `palimpsest-sources-${process.pid}.png`), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
    try {
      for (const p of ['/sources', '/sources/daily-news', '/search?q=minister']) {
        await phone.goto(`${base}${p}`);
        expect({ p, overflow: await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) }).toEqual({ p, overflow: 0 });
      }
    } finally {
      await phone.close();
    }
  });
});
