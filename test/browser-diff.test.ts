/**
 * The diff page in real Chromium on a database of long articles: a one-word change in a 300-paragraph article
 * fits in 2 screens on a desktop (1366x900) and 4 on a phone (390x844), the change is reached by its anchor and
 * by the j/k keys, and folded paragraphs open without JavaScript. The 300 paragraphs come from the corpus's real
 * article revisions when PALIMPSEST_CORPUS is set (those articles are in the database too, and every diff of
 * theirs is loaded), and from a synthetic article in every run. Screenshots go to test-output/diff/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../src/web/app.js';
import { CHROMIUM, chromiumAvailable, launchChromium, serveApp } from './helpers/browser.js';
import { corpusDir } from './helpers/corpus.js';
import { loadRevisions, realParagraphs } from './helpers/revisions.js';
import { tmpStore } from './helpers/tmp.js';
import { NOW, addVersions, testConfig } from './helpers/web-seed.js';

// Browser globals used inside page.evaluate callbacks (the project's tsconfig has no DOM lib; these run in Chromium).
declare const document: {
  documentElement: { scrollHeight: number };
  querySelectorAll: (s: string) => ArrayLike<{ open: boolean }>;
  getElementById: (id: string) => { getBoundingClientRect: () => { top: number; bottom: number } } | null;
};
declare const window: { innerHeight: number; scrollY: number; location: { hash: string } };

const available = chromiumAvailable();
if (!available) process.stdout.write(`skipping browser diff tests: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const describeBrowser = available ? describe : describe.skip;

const SHOTS = path.resolve('test-output', 'diff');
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const PARAGRAPHS = 300;

/** Deterministic news-like filler: paragraph `k` of 35-60 words from a small vocabulary, never two alike. */
function syntheticParagraph(k: number): string {
  const vocab = ['the', 'council', 'said', 'on', 'Tuesday', 'that', 'a', 'new', 'bridge', 'would', 'open', 'in', 'spring',
    'residents', 'asked', 'about', 'costs', 'and', 'traffic', 'officials', 'were', 'not', 'sure', 'when', 'work', 'starts',
    'engineers', 'found', 'cracks', 'under', 'deck', 'mayor', 'promised', 'answers', 'by', 'Friday'];
  let seed = (k + 1) * 2654435761 % 4294967296;
  const n = 35 + (k % 26);
  const words: string[] = [`Paragraph ${k + 1}:`];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    words.push(vocab[seed % vocab.length] as string);
  }
  return `${words.join(' ')}.`;
}

/** The first `n` paragraphs of the corpus revisions, every version's text concatenated in order, repeats left out while there are enough. */
function corpusParagraphs(dir: string, n: number): string[] {
  const all = loadRevisions(dir).flatMap((a) => a.versions.flatMap((v) => realParagraphs(v)));
  const distinct = [...new Set(all)];
  const out = distinct.slice(0, n);
  for (let k = 0; out.length < n && k < all.length; k++) out.push(all[k] as string);
  return out;
}

/** `paragraphs` with one word changed in the middle paragraph (a word of 4+ letters gets an "s"). */
function oneWordChanged(paragraphs: readonly string[]): string[] {
  const out = [...paragraphs];
  const mid = Math.floor(out.length / 2);
  out[mid] = (out[mid] as string).replace(/(\p{L}{4,})/u, '$1s');
  return out;
}

interface Long {
  id: number;
  label: string;
}

describeBrowser('diff page of a long article in Chromium', () => {
  let cleanup: (() => Promise<void>) | undefined;
  let server: Server;
  let base: string;
  let browser: Browser;
  const longs: Long[] = [];
  let multi = 0;
  const corpusDiffs: string[] = [];

  beforeAll(async () => {
    const t = await tmpStore();
    cleanup = t.cleanup;
    const store = t.store;
    const addLong = async (label: string, paragraphs: string[], third?: string[]): Promise<number> => {
      const id = (await store.insertArticle(`https://news.example/long/${label}`, NOW.toISOString())).article.id;
      const byline = 'By Ada Reporter';
      const versions = [
        { minutes: 0, title: `A long ${label} story`, byline, text: paragraphs.join('\n\n') },
        { minutes: 30, title: `A long ${label} story`, byline, text: oneWordChanged(paragraphs).join('\n\n') },
      ];
      // A third version changes the headline and the byline too (the summary bar shows both).
      if (third) versions.push({ minutes: 90, title: `A longer ${label} story`, byline: `${byline} and Bo Writer`, text: third.join('\n\n') });
      await addVersions(store, id, versions);
      return id;
    };
    const synthetic = Array.from({ length: PARAGRAPHS }, (_, k) => syntheticParagraph(k));
    // Version 3 of the synthetic article: two more one-word changes, far apart (3 changes from version 1).
    const third = oneWordChanged(synthetic);
    third[20] = (third[20] as string).replace('Paragraph', 'Section');
    third[280] = (third[280] as string).replace('Paragraph', 'Section');
    const syntheticId = await addLong('synthetic', synthetic, third);
    longs.push({ id: syntheticId, label: 'synthetic' });
    multi = syntheticId;
    const dir = corpusDir();
    if (dir) {
      const paragraphs = corpusParagraphs(dir, PARAGRAPHS);
      expect(paragraphs).toHaveLength(PARAGRAPHS);
      longs.push({ id: await addLong('corpus', paragraphs), label: 'corpus' });
      for (const article of loadRevisions(dir)) {
        const id = (await store.insertArticle(article.url, NOW.toISOString())).article.id;
        await addVersions(store, id, article.versions.map((v, k) => ({ minutes: k * 60, title: v.title, byline: v.byline, text: v.paragraphs.join('\n\n') })));
        for (let k = 2; k <= article.versions.length; k++) corpusDiffs.push(`/articles/${id}/diff/${k - 1}/${k}`);
      }
    }
    const app = createApp({ store, config: testConfig(), now: () => NOW });
    ({ server, base } = await serveApp(app));
    browser = await launchChromium();
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await cleanup?.();
  });

  /** A new page of the given size (JavaScript on unless said otherwise); closed by the caller. */
  async function open(size: { width: number; height: number }, javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ viewport: size, javaScriptEnabled });
    return context.newPage();
  }

  const height = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollHeight);

  it('fits a one-word change in a 300-paragraph article in 2 desktop screens and 4 phone screens', async () => {
    const lines: string[] = [];
    for (const long of longs) {
      for (const [name, size, screens] of [['desktop', DESKTOP, 2], ['phone', PHONE, 4]] as const) {
        for (const view of ['side', 'inline'] as const) {
          const page = await open(size);
          try {
            const res = await page.goto(`${base}/articles/${long.id}/diff/1/2${view === 'inline' ? '?view=inline' : ''}`);
            expect(res?.status()).toBe(200);
            expect(await page.locator('.change-head').count()).toBe(1);
            expect(await page.locator('details.fold').count()).toBe(2);
            const folded = await height(page);
            await page.screenshot({ path: path.join(SHOTS, `${long.label}-${view}-${name}.png`), fullPage: true });
            // For comparison: the same page with every fold opened (every paragraph shown, as before folding).
            await page.evaluate(() => {
              for (const d of Array.from(document.querySelectorAll('details.fold'))) d.open = true;
            });
            const unfolded = await height(page);
            lines.push(`${long.label} ${view} ${name} ${size.width}x${size.height}: ${folded} px folded (limit ${screens * size.height}), ${unfolded} px with every fold open`);
            expect({ long: long.label, view, name, folded, ok: folded <= screens * size.height }).toEqual({ long: long.label, view, name, folded, ok: true });
            expect(unfolded).toBeGreaterThan(folded);
          } finally {
            await page.context().close();
          }
        }
      }
    }
    process.stdout.write(`\ndiff page heights:\n${lines.map((l) => `  ${l}`).join('\n')}\nscreenshots: ${SHOTS}\n`);
  });

  it('scrolls to a change reached by its anchor', async () => {
    for (const size of [DESKTOP, PHONE]) {
      const page = await open(size);
      try {
        await page.goto(`${base}/articles/${longs[0]?.id}/diff/1/2#change-1`);
        const box = await page.evaluate(() => {
          const r = document.getElementById('change-1')?.getBoundingClientRect();
          return { top: r?.top ?? -1, bottom: r?.bottom ?? -1, inner: window.innerHeight, scrollY: window.scrollY };
        });
        expect(box.scrollY).toBeGreaterThan(0);
        expect(box.top).toBeGreaterThanOrEqual(0);
        expect(box.bottom).toBeLessThanOrEqual(box.inner);
        expect(await page.locator('#change-1').isVisible()).toBe(true);
      } finally {
        await page.context().close();
      }
    }
  });

  it('moves between changes with j and k, but not while a field has the focus', async () => {
    const page = await open(DESKTOP);
    try {
      await page.goto(`${base}/articles/${multi}/diff/1/3`);
      expect(await page.locator('.change-head').count()).toBe(3);
      expect(await page.locator('.diff-bar .bar-headline').textContent()).toContain('A long synthetic story');
      expect(await page.locator('.diff-bar .bar-byline ins').textContent()).toBe('By Ada Reporter and Bo Writer');
      expect(await page.locator('.diff-bar .bar-intermediate').textContent()).toContain('1 intermediate version not shown');
      await page.screenshot({ path: path.join(SHOTS, 'three-changes-desktop.png'), fullPage: true });
      expect(await page.locator('.keys-hint').isVisible()).toBe(true);
      const hash = (): Promise<string> => page.evaluate(() => window.location.hash);
      const topOf = (id: string): Promise<number> => page.evaluate((x) => document.getElementById(x)?.getBoundingClientRect().top ?? -1, id);
      await page.keyboard.press('j');
      expect(await hash()).toBe('#change-1');
      expect(Math.abs(await topOf('change-1'))).toBeLessThan(20);
      await page.keyboard.press('j');
      expect(await hash()).toBe('#change-2');
      expect(Math.abs(await topOf('change-2'))).toBeLessThan(20);
      await page.keyboard.press('n');
      expect(await hash()).toBe('#change-3');
      await page.keyboard.press('k');
      expect(await hash()).toBe('#change-2');
      await page.keyboard.press('p');
      expect(await hash()).toBe('#change-1');
      // Typing in the version picker is left alone.
      await page.locator('select[name="b"]').focus();
      await page.keyboard.press('j');
      expect(await hash()).toBe('#change-1');
      // The previous/next links of a change work without the keys too.
      await page.locator('#change-1 a.change-next').click();
      expect(await hash()).toBe('#change-2');
    } finally {
      await page.context().close();
    }
  });

  it('opens folded paragraphs by their summary with JavaScript disabled', async () => {
    for (const size of [DESKTOP, PHONE]) {
      const page = await open(size, false);
      try {
        await page.goto(`${base}/articles/${longs[0]?.id}/diff/1/2`);
        const fold = page.locator('details.fold').first();
        const hidden = fold.locator('.row').first();
        expect(await hidden.isVisible()).toBe(false);
        expect(await fold.locator('summary').textContent()).toMatch(/^Show \d+ unchanged paragraphs$/);
        await fold.locator('summary').click();
        expect(await hidden.isVisible()).toBe(true);
        expect(await fold.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
        // The keys hint needs the script: it stays hidden.
        expect(await page.locator('.keys-hint').count()).toBe(0);
      } finally {
        await page.context().close();
      }
    }
  });

  it('loads the diff of every consecutive pair of the corpus revisions, a change numbered where the text changed', async () => {
    if (corpusDiffs.length === 0) {
      process.stdout.write('corpus diffs not loaded: PALIMPSEST_CORPUS is not set\n');
      return;
    }
    const page = await open(DESKTOP);
    try {
      for (const p of corpusDiffs) {
        const res = await page.goto(`${base}${p}`);
        expect({ p, status: res?.status() }).toEqual({ p, status: 200 });
        const changes = await page.locator('.change-head').count();
        const rows = await page.locator('.diff .row:not(.title-row)').count();
        const changed = await page.locator('.diff .row:not(.title-row):not(.kind-unchanged)').count();
        expect({ p, numbered: changed === 0 ? changes === 0 : changes >= 1 && changes <= changed }).toEqual({ p, numbered: true });
        expect(rows).toBeGreaterThan(0);
      }
    } finally {
      await page.context().close();
    }
  });
});
