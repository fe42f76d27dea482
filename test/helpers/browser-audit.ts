/**
 * The checks every page of the browser tests gets, at a desktop and a phone size in the light and dark themes: a
 * full-page screenshot for people to look at, axe-core's violations, and no sideways scrolling on the phone.
 */
import path from 'node:path';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';

// Browser globals used inside page.evaluate callbacks (the project's tsconfig has no DOM lib; these run in Chromium).
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };
declare const matchMedia: (query: string) => { matches: boolean };

/** The viewport sizes pages are checked at. */
export const SIZES = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;
/** The colour schemes pages are checked in. */
export const SCHEMES = ['light', 'dark'] as const;

/** Runs axe-core (injected by the test) on the page; resolves with its violations, shortened. */
const RUN_AXE = `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 6).map((n) => n.target.join(' ')),
})))`;

/** Switches the page's `prefers-color-scheme`; resolves with a problem in words when the page does not see it. */
async function useScheme(page: Page, size: string, scheme: (typeof SCHEMES)[number]): Promise<string[]> {
  await page.emulateMedia({ colorScheme: scheme });
  const seen = await page.evaluate((s) => matchMedia(`(prefers-color-scheme: ${s})`).matches, scheme);
  return seen ? [] : [`${size}/${scheme}: the page does not see prefers-color-scheme: ${scheme}`];
}

/**
 * Opens `url` at every size (at once: Chromium renders each in a process of its own), expects `status`, lets
 * `inspect` look at the loaded page, then in each colour scheme writes `<shots>/<name>-<size>-<scheme>.png`, runs
 * axe and measures the phone's width. Resolves with every problem found, in words (empty: none).
 *
 * Each size loads the page once and switches the scheme in place: the theme is CSS alone (a
 * `prefers-color-scheme` media query, which the page follows live; no script of the site reads it), so this is the
 * page a reader with that setting gets, at a quarter of the loads and axe injections (most of a browser test's time).
 */
export async function auditPage(
  browser: Browser, url: string, shots: string, name: string, inspect?: (page: Page) => Promise<void>, status = 200,
): Promise<string[]> {
  return (await Promise.all(SIZES.map(async (size) => {
    const found: string[] = [];
    // bypassCSP only so that the test can inject axe.
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme: SCHEMES[0], bypassCSP: true });
    const page = await context.newPage();
    try {
      const res = await page.goto(url, { waitUntil: 'load' });
      if (res?.status() !== status) found.push(`${size.name}: status ${res?.status()}, not ${status}`);
      await inspect?.(page);
      // Every screenshot before axe is injected, so that they show the page as a reader gets it.
      for (const scheme of SCHEMES) {
        found.push(...await useScheme(page, size.name, scheme));
        await page.screenshot({ path: path.join(shots, `${name}-${size.name}-${scheme}.png`), fullPage: true });
      }
      await page.addScriptTag({ content: axe.source });
      for (const scheme of SCHEMES) {
        found.push(...await useScheme(page, size.name, scheme));
        const violations = (await page.evaluate(RUN_AXE)) as Array<{ id: string; impact: string | null; help: string; targets: string[] }>;
        for (const v of violations) found.push(`${size.name}/${scheme}: ${v.id} (${v.impact}) ${v.help}: ${v.targets.join(' | ')}`);
        if (size.name === 'phone') {
          const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
          if (w.scroll > w.inner) found.push(`phone/${scheme}: scrolls sideways (${w.scroll} px wide in ${w.inner} px)`);
        }
      }
    } finally {
      await context.close();
    }
    return found;
  }))).flat();
}
