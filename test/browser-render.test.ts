/**
 * A rendered version as people see it: real Chromium renders a loopback page whose text is written by JavaScript,
 * with a screenshot of each new version; then the version page shows the screenshot (desktop and phone, light and
 * dark, axe-core finds no violation, screenshots to test-output/screenshots/), the API links it, and its route
 * serves it with caching headers. The exports of such versions are in render-export.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import axe from 'axe-core';
import request from 'supertest';
import type { Store, Version } from '../src/store/index.js';
import { createApp } from '../src/web/app.js';
import { CHROMIUM, chromiumAvailable, launchChromium, serveApp } from './helpers/browser.js';
import { renderTestConfig, seedRendered, startJsOrigin, type JsOrigin } from './helpers/js-origin.js';
import { tmpStore } from './helpers/tmp.js';

// Browser globals used inside page.evaluate callbacks (the project's tsconfig has no DOM lib; these run in Chromium).
declare const document: {
  documentElement: { scrollWidth: number };
  querySelector: (s: string) => { naturalWidth: number; complete: boolean; alt: string; getBoundingClientRect(): { width: number } } | null;
};
declare const window: { innerWidth: number };

const available = chromiumAvailable();
if (!available) process.stdout.write(`skipping rendered-version tests: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const describeBrowser = available ? describe : describe.skip;

const SHOTS = path.resolve('test-output', 'screenshots');
const SIZES = [{ name: 'desktop', width: 1366, height: 900 }, { name: 'phone', width: 390, height: 844 }] as const;
const RUN_AXE = `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => v.id + ' (' + v.impact + ') ' + v.help + ': ' + v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')))`;

describeBrowser('a rendered version with its screenshot', () => {
  let origin: JsOrigin;
  let store: Store;
  let cleanup: () => Promise<void>;
  let articleId: number;
  let versions: Version[];
  let server: Server;
  let base: string;
  const config = renderTestConfig(CHROMIUM, { screenshotType: 'jpeg', screenshotQuality: 60 });

  beforeAll(async () => {
    origin = await startJsOrigin();
    ({ store, cleanup } = await tmpStore());
    ({ articleId, versions } = await seedRendered(store, origin, config));
    ({ server, base } = await serveApp(createApp({ store, config })));
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await origin?.close();
    await cleanup?.();
  });

  it('keeps one screenshot per new version', async () => {
    expect(versions).toHaveLength(2);
    for (const v of versions) expect(await store.getScreenshotInfo(v.id)).toMatchObject({ mime: 'image/jpeg', width: 1280 });
  });

  it('serves the screenshot with long-lived caching and revalidation, and links it from the API', async () => {
    const path2 = `/articles/${articleId}/versions/2/screenshot`;
    const res = await request(server).get(path2).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toMatch(/max-age=\d+.*immutable/);
    expect((res.body as Buffer).equals((await store.getScreenshot(versions[1]!.id))!.bytes)).toBe(true);
    const again = await request(server).get(path2).set('If-None-Match', res.headers.etag as string);
    expect(again.status).toBe(304);
    const api = await request(server).get(`/api/articles/${articleId}/versions/2`);
    expect(api.body.version.screenshot).toMatchObject({ url: `${api.body.version.links.self.replace(/\/api\/articles\/.*$/, '')}${path2}`, mime: 'image/jpeg', width: 1280 });
    expect(await request(server).get(`/articles/${articleId}/versions/9/screenshot`).then((r) => r.status)).toBe(404);
  });

  it('shows the screenshot on the version page: no axe violations, desktop (light) and phone (dark)', async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const browser = await launchChromium();
    const problems: string[] = [];
    try {
      for (const size of SIZES) {
        // Light at one size, dark at the other: both themes and both sizes, in half the page loads.
        for (const scheme of [size.name === 'desktop' ? 'light' : 'dark'] as const) {
          const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme: scheme, bypassCSP: true });
          try {
            const page = await context.newPage();
            const res = await page.goto(`${base}/articles/${articleId}/versions/2`);
            expect(res?.status()).toBe(200);
            await page.waitForLoadState('load');
            // The image loads lazily, below the text: bring it into view and wait for it.
            await page.locator('figure.screenshot img').scrollIntoViewIfNeeded();
            await page.waitForFunction(() => (document.querySelector('figure.screenshot img')?.naturalWidth ?? 0) > 0);
            const img = await page.evaluate(() => {
              const el = document.querySelector('figure.screenshot img');
              return el ? { loaded: el.complete && el.naturalWidth > 0, alt: el.alt, width: el.getBoundingClientRect().width } : null;
            });
            expect(img).not.toBeNull();
            expect(img!.loaded).toBe(true);
            expect(img!.alt).toMatch(/Screenshot of the page as rendered when version 2 was captured/);
            expect(img!.width).toBeLessThanOrEqual(size.width);
            await page.screenshot({ path: path.join(SHOTS, `version-screenshot-${size.name}-${scheme}.png`), fullPage: true });
            await page.addScriptTag({ content: axe.source });
            for (const v of (await page.evaluate(RUN_AXE)) as string[]) problems.push(`${size.name}/${scheme}: ${v}`);
            if (size.name === 'phone') {
              const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
              if (w.scroll > w.inner) problems.push(`phone/${scheme}: scrolls sideways (${w.scroll} px in ${w.inner} px)`);
            }
          } finally {
            await context.close();
          }
        }
      }
    } finally {
      await browser.close();
    }
    expect(problems).toEqual([]);
  }, 120_000);

});
