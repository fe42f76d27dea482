/**
 * A loopback news site for the extraction-health tests that can "redesign" itself per article: the old design
 * (story in <article>, a news ticker the source's rule drops), a redesign whose story sits in a block of the
 * ticker's class (the old rule drops it: the page comes out empty), and one with a "live" rail besides (the generic
 * extractor reads the rail: every paragraph changes).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the origin lays out a page. */
export type Layout = 'good' | 'empty' | 'rewrite';

/** The site rule written for the old design: drop its news ticker. */
export const OLD_RULES = [{ domain: '127.0.0.1', drop: ['.newsticker'] }];
/** The rule fixed for the redesign: drop the ticker, but not the story now wrapped in the ticker's class. */
export const FIXED_RULES = [{ domain: '127.0.0.1', drop: ['.newsticker:not(.story-body)'] }];

/** The story of article `n` of `site`: six paragraphs of its own. */
export function story(site: string, n: number): string[] {
  return Array.from({ length: 6 }, (_, i) => `${site} report ${n}, part ${i + 1}: the harbour authority said the new quay ${n * 10 + i} will open in spring after a long inquiry into costs and safety.`);
}

/** Paragraphs of another kind entirely (a redesign's "live" rail the generic extractor mistakes for the story). */
function rail(n: number): string[] {
  return Array.from({ length: 7 }, (_, i) => `Live coverage item ${i} for page ${n}: weather warnings, traffic delays on the ring road, and football scores from the weekend fixtures across the region.`);
}

/** The page of article `n` of `site` in `layout`. */
export function page(site: string, n: number, layout: Layout): string {
  const paragraphs = story(site, n).map((p) => `<p>${p}</p>`).join('');
  const title = `<title>Quay ${n} opens</title>`;
  if (layout === 'good') {
    return `<html><head>${title}</head><body><nav><a href="/">Home</a></nav><div class="newsticker">Breaking: ferry strike called off</div>
      <article><h1>Quay ${n} opens</h1>${paragraphs}</article></body></html>`;
  }
  // The story moves into a block of the class the old rule drops, with one more paragraph (an update).
  const moved = `<div class="newsticker story-body"><h1>Quay ${n} opens</h1>${paragraphs}<p>Update: the opening date for quay ${n} was confirmed by the harbour authority this morning.</p></div>`;
  if (layout === 'empty') return `<html><head>${title}</head><body>${moved}</body></html>`;
  return `<html><head>${title}</head><body><main><section class="live">${rail(n).map((p) => `<p>${p}</p>`).join('')}</section></main>${moved}</body></html>`;
}

/** The running site: its base URL, the layout per path (default for the rest), and close(). */
export interface RedesignOrigin {
  base: string;
  layouts: Map<string, Layout>;
  setDefault(layout: Layout): void;
  close(): Promise<void>;
}

/** Starts the site on 127.0.0.1; articles live at /<site>/<n>. */
export async function startRedesignOrigin(): Promise<RedesignOrigin> {
  const layouts = new Map<string, Layout>();
  let fallback: Layout = 'good';
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const m = /^\/(\w+)\/(\d+)$/.exec(path);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(m[1]!, Number(m[2]), layouts.get(path) ?? fallback));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    layouts,
    setDefault: (l) => { fallback = l; },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
