/** What a reader sees: real Chromium loads the diff page served by the real app on 127.0.0.1. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../src/web/app.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, seed, testConfig, type Seeded } from './helpers/web-seed.js';

// Browser globals used inside page.evaluate callbacks (the project's tsconfig has no DOM lib; these run in Chromium).
declare const getComputedStyle: (el: unknown) => { backgroundColor: string; textDecorationLine: string };
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };

const CHROMIUM = '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
if (!available) process.stdout.write(`skipping browser tests: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const describeBrowser = available ? describe : describe.skip;

/** [r, g, b] of a computed CSS colour like "rgb(1, 2, 3)" or "rgba(1, 2, 3, 0.5)". */
function rgb(css: string): [number, number, number] {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css);
  if (!m) throw new Error(`not an rgb colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

describeBrowser('diff page in Chromium', () => {
  let cleanup: (() => Promise<void>) | undefined;
  let ids: Seeded;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const t = await tmpStore();
    cleanup = t.cleanup;
    ids = await seed(t.store);
    const app = createApp({ store: t.store, config: testConfig(), now: () => NOW });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await cleanup?.();
  });

  it('shows the two versions side by side with red deletions and green insertions', async () => {
    const res = await page.goto(`${base}/articles/${ids.story}/diff/1/3`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('.side-head.left h2').textContent()).toBe('Version 1');
    expect(await page.locator('.side-head.right h2').textContent()).toBe('Version 3');

    const row = page.locator('.diff.side-by-side .row.kind-changed').first();
    const left = await row.locator('.cell.left').boundingBox();
    const right = await row.locator('.cell.right').boundingBox();
    expect(left && right).toBeTruthy();
    if (!left || !right) return;
    expect(left.x + left.width).toBeLessThanOrEqual(right.x);
    expect(Math.abs(left.y - right.y)).toBeLessThan(1);
    expect(left.width).toBeGreaterThan(300);

    const del = page.locator('.cell.left del', { hasText: 'Tuesday' });
    const ins = page.locator('.cell.right ins', { hasText: 'Wednesday' });
    expect(await del.isVisible()).toBe(true);
    expect(await ins.isVisible()).toBe(true);
    const delStyle = await del.evaluate((el) => {
      const s = getComputedStyle(el);
      return { bg: s.backgroundColor, deco: s.textDecorationLine };
    });
    const [dr, dg, db_] = rgb(delStyle.bg);
    expect(dr > dg + 20 && dr > db_ + 20 || delStyle.deco.includes('line-through')).toBe(true);
    expect(delStyle.deco).toContain('line-through');
    const [ir, ig, ib] = rgb(await ins.evaluate((el) => getComputedStyle(el).backgroundColor));
    expect(ig).toBeGreaterThan(ir + 20);
    expect(ig).toBeGreaterThan(ib + 20);
    // the deleted word sits in the left column, the inserted one in the right
    const delBox = await del.boundingBox();
    const insBox = await ins.boundingBox();
    expect(delBox && delBox.x < right.x).toBe(true);
    expect(insBox && insBox.x >= right.x).toBe(true);

    const shot = path.join(os.tmpdir(), `palimpsest-diff-${process.pid}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    process.stdout.write(`diff page screenshot: ${shot}\n`);
  });

  it('switches to the inline view and back with the toggle link', async () => {
    await page.goto(`${base}/articles/${ids.story}/diff/1/2`);
    await page.getByRole('link', { name: 'Inline view' }).click();
    await page.waitForURL(/view=inline$/);
    expect(await page.locator('.diff.inline').count()).toBe(1);
    expect(await page.locator('.diff.side-by-side').count()).toBe(0);
    expect(await page.locator('.diff.inline del', { hasText: 'Tuesday' }).isVisible()).toBe(true);
    expect(await page.locator('.diff.inline ins', { hasText: 'Wednesday' }).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Side-by-side view' }).click();
    await page.waitForURL(new RegExp(`/diff/1/2$`));
    expect(await page.locator('.diff.side-by-side').count()).toBe(1);
    await page.getByRole('link', { name: /Next diff/ }).first().click();
    await page.waitForURL(new RegExp(`/diff/2/3$`));
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
    try {
      await phone.goto(`${base}/articles/${ids.story}/diff/1/3`);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await phone.locator('.cell.left del', { hasText: 'Tuesday' }).isVisible()).toBe(true);
      await phone.screenshot({ path: path.join(os.tmpdir(), `palimpsest-diff-phone-${process.pid}.png`), fullPage: true });
      await phone.goto(`${base}/articles/${ids.story}`);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    } finally {
      await phone.close();
    }
  });
});
