/**
 * Every page type in real Chromium, at a desktop and a phone size, in the light and the dark theme: axe-core finds
 * no accessibility violation, the phone never scrolls sideways, and a full-page screenshot of each is written to
 * test-output/screenshots/<page>-<size>-<scheme>.png for people to look at. The database holds the fixture articles
 * and sources, plus the corpus's real article revisions when PALIMPSEST_CORPUS is set (the article, version and
 * diff pages then show the real article with the most versions). Also: the print stylesheet keeps insertions and
 * deletions apart without colour, the skip link works, and the dark theme is dark.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Store } from '../src/store/index.js';
import { createApp } from '../src/web/app.js';
import { auditPage, SCHEMES, SIZES } from './helpers/browser-audit.js';
import { CHROMIUM, chromiumAvailable, launchChromium, serveApp } from './helpers/browser.js';
import { corpusDir } from './helpers/corpus.js';
import { loadRevisions } from './helpers/revisions.js';
import { seedSources, type SourceSeeded } from './helpers/source-seed.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, addVersions, seed, testConfig, type Seeded } from './helpers/web-seed.js';

// Browser globals used inside page.evaluate callbacks (the project's tsconfig has no DOM lib; these run in Chromium).
declare const document: {
  activeElement: { id?: string; className?: string } | null;
  querySelector: (s: string) => unknown;
  body: unknown;
};
declare const getComputedStyle: (el: unknown, pseudo?: string) => { content: string; textDecorationLine: string; display: string; backgroundColor: string; color: string };

const available = chromiumAvailable();
if (!available) process.stdout.write(`skipping browser page tests: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const describeBrowser = available ? describe : describe.skip;

/** Where the screenshots go (ignored by git). */
const SHOTS = path.resolve('test-output', 'screenshots');

/** What the pages are built from: the fixture's ids, and the article whose pages are shown. */
interface Ids {
  fixture: Seeded;
  sources: SourceSeeded;
  /** The article of the article, version and diff pages: the corpus article with most versions, else the fixture story. */
  article: number;
  /** Its version count (at least 2). */
  versions: number;
  /** A word of its headline, searched for on the search page. */
  word: string;
}

/** One page type: a name (for the screenshot file), its path, the status it answers with. */
interface PageCase {
  name: string;
  path: (ids: Ids) => string;
  status?: number;
}

/** Every page type a reader can reach. Add a page here to have it checked and photographed. */
const PAGES: PageCase[] = [
  { name: 'home', path: () => '/' },
  { name: 'articles', path: () => '/articles' },
  { name: 'article', path: (i) => `/articles/${i.article}` },
  { name: 'version', path: (i) => `/articles/${i.article}/versions/${i.versions}` },
  { name: 'diff-side', path: (i) => `/articles/${i.article}/diff/1/2` },
  { name: 'diff-inline', path: (i) => `/articles/${i.article}/diff/1/2?view=inline` },
  { name: 'diff-far', path: (i) => `/articles/${i.article}/diff/1/${i.versions}` },
  { name: 'sources', path: () => '/sources' },
  { name: 'source', path: (i) => `/sources/${i.sources.daily.slug}` },
  { name: 'search', path: (i) => `/search?q=${encodeURIComponent(i.word)}` },
  { name: 'stats', path: () => '/stats' },
  { name: 'track', path: () => '/track' },
  { name: 'feeds', path: () => '/feeds' },
  { name: 'article-feeds', path: (i) => `/articles/${i.article}/feeds` },
  { name: 'source-feeds', path: (i) => `/sources/${i.sources.daily.slug}/feeds` },
  { name: 'not-found', path: () => '/no/such/page', status: 404 },
];

/** Seeds the fixture, the sources and (with PALIMPSEST_CORPUS) the corpus revisions; picks the article shown. */
async function seedAll(store: Store): Promise<Ids> {
  const fixture = await seed(store);
  const sources = await seedSources(store);
  let article = fixture.story;
  let versions = 3;
  let headline = 'Minister quits after damning inquiry';
  const dir = corpusDir();
  if (dir) {
    const revisions = loadRevisions(dir);
    let best: { id: number; n: number; title: string } | null = null;
    for (const [i, r] of revisions.entries()) {
      const { article: a } = await store.insertArticle(r.url, new Date(NOW.getTime() - (40 - i) * 86_400_000).toISOString());
      await addVersions(store, a.id, r.versions.map((v, k) => ({
        minutes: 60 * 24 * (10 + i) + k * 180, title: v.title, byline: v.byline, text: v.paragraphs.join('\n\n'),
      })));
      if (!best || r.versions.length > best.n) best = { id: a.id, n: r.versions.length, title: r.versions[0]?.title ?? '' };
    }
    if (best && best.n >= 2) ({ id: article, n: versions, title: headline } = best);
  }
  const word = headline.split(/\W+/).filter((w) => w.length >= 5).sort((a, b) => b.length - a.length)[0] ?? 'minister';
  return { fixture, sources, article, versions, word };
}

describeBrowser('every page type in Chromium', () => {
  let cleanup: (() => Promise<void>) | undefined;
  let ids: Ids;
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const t = await tmpStore();
    cleanup = t.cleanup;
    ids = await seedAll(t.store);
    const app = createApp({ store: t.store, config: testConfig({ adminToken: 'browser-token' }), now: () => NOW });
    ({ server, base } = await serveApp(app));
    browser = await launchChromium();
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await cleanup?.();
  });

  /** A fresh context per size and scheme (bypassing the CSP only so that the test can inject axe). */
  async function open(size: (typeof SIZES)[number], scheme: (typeof SCHEMES)[number]): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme: scheme, bypassCSP: true });
    return { context, page: await context.newPage() };
  }

  it.each(PAGES.map((p) => [p.name, p] as const))('%s: no axe violations, light and dark, desktop and phone; screenshots', async (_name, pc) => {
    expect(await auditPage(browser, `${base}${pc.path(ids)}`, SHOTS, pc.name, undefined, pc.status ?? 200)).toEqual([]);
  }, 180_000);

  it('the print stylesheet keeps insertions and deletions apart without colour, and hides the navigation', async () => {
    const { context, page } = await open(SIZES[0], 'dark');
    try {
      await page.goto(`${base}/articles/${ids.fixture.story}/diff/1/2`);
      await page.emulateMedia({ media: 'print' });
      const styles = await page.evaluate(() => {
        const ins = document.querySelector('ins');
        const del = document.querySelector('del');
        const nav = document.querySelector('header.site nav');
        return {
          ins: getComputedStyle(ins).textDecorationLine, insBefore: getComputedStyle(ins, '::before').content,
          del: getComputedStyle(del).textDecorationLine, delBefore: getComputedStyle(del, '::before').content,
          insColor: getComputedStyle(ins).color, delColor: getComputedStyle(del).color,
          nav: getComputedStyle(nav).display, body: getComputedStyle(document.body).backgroundColor,
        };
      });
      expect(styles.ins).toContain('underline');
      expect(styles.del).toContain('line-through');
      expect(styles.insBefore).toBe('"{+"');
      expect(styles.delBefore).toBe('"[-"');
      // Black text on white paper, even when the screen was dark.
      expect(styles.insColor).toBe('rgb(0, 0, 0)');
      expect(styles.delColor).toBe('rgb(0, 0, 0)');
      expect(styles.body).toBe('rgb(255, 255, 255)');
      expect(styles.nav).toBe('none');
      await page.pdf({ path: path.join(SHOTS, 'diff-side-print.pdf') });
      await page.goto(`${base}/articles/${ids.article}/diff/1/2?view=inline`);
      await page.screenshot({ path: path.join(SHOTS, 'diff-inline-print.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('on screen, added and removed text carries words for screen readers that are not shown', async () => {
    const { context, page } = await open(SIZES[0], 'light');
    try {
      await page.goto(`${base}/articles/${ids.fixture.story}/diff/1/2`);
      const s = await page.evaluate(() => {
        const ins = document.querySelector('ins');
        const del = document.querySelector('del');
        return { ins: getComputedStyle(ins, '::before').content, del: getComputedStyle(del, '::before').content, insAfter: getComputedStyle(ins, '::after').content };
      });
      expect(s.ins).toBe('" [added: "');
      expect(s.insAfter).toBe('" end of added] "');
      expect(s.del).toBe('" [removed: "');
      // Not shown: the generated text adds nothing to the element's visible size.
      const ins = page.locator('ins').first();
      const box = await ins.boundingBox();
      const textWidth = await ins.evaluate((el) => {
        const r = (el as unknown as { ownerDocument: { createRange: () => { selectNodeContents: (n: unknown) => void; getBoundingClientRect: () => { width: number } } }; firstChild: unknown });
        const range = r.ownerDocument.createRange();
        range.selectNodeContents(r.firstChild);
        return range.getBoundingClientRect().width;
      });
      expect(box && Math.abs(box.width - textWidth)).toBeLessThan(2);
    } finally {
      await context.close();
    }
  });

  it('the feed page copies an address with its Copy button (shown only with JavaScript)', async () => {
    const { context, page } = await open(SIZES[1], 'light');
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      await page.goto(`${base}/feeds`);
      const button = page.locator('button[data-copy="feed-atom"]');
      expect(await button.isVisible()).toBe(true);
      await button.click();
      await page.locator('.copy-status', { hasText: 'Copied' }).waitFor();
      expect(await page.locator('.copy-status').textContent()).toBe(`Copied ${base}/feed.atom`);
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`${base}/feed.atom`);
      const noJs = await browser.newContext({ javaScriptEnabled: false });
      try {
        const p2 = await noJs.newPage();
        await p2.goto(`${base}/feeds`);
        expect(await p2.locator('button[data-copy="feed-atom"]').isVisible()).toBe(false);
        expect(await p2.locator('#feed-atom').inputValue()).toBe(`${base}/feed.atom`);
      } finally {
        await noJs.close();
      }
    } finally {
      await context.close();
    }
  });

  it('the skip link is the first stop of the keyboard and moves to the content; the dark theme is dark', async () => {
    const { context, page } = await open(SIZES[1], 'dark');
    try {
      await page.goto(`${base}/`);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
      expect(await page.locator('.skip-link').isVisible()).toBe(true);
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, b] = (/rgb\((\d+), (\d+), (\d+)\)/.exec(bg) ?? []).slice(1).map(Number);
      expect((r ?? 255) + (g ?? 255) + (b ?? 255)).toBeLessThan(3 * 60);
    } finally {
      await context.close();
    }
  });
});
