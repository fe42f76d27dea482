/**
 * A news-like origin on 127.0.0.1 for end-to-end tests. Each article (a path) has a list of versions
 * ({ title, byline, paragraphs }); the test chooses which one is live. Every response wraps the live version in page
 * furniture that changes on every request: navigation, a "most read" list, an "updated N minutes ago" line, an ad
 * slot, a related-links box and share counts, some of them inside the article container.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One version of an article as the origin serves it. */
export interface OriginVersion {
  title: string;
  byline: string;
  paragraphs: string[];
}

/** A running news origin. */
export interface NewsOrigin {
  baseUrl: string;
  /** Adds an article at `path` with its versions; version 0 is live. */
  addArticle(path: string, versions: OriginVersion[]): string;
  /** Makes version `index` of the article at `path` live. */
  publish(path: string, index: number): void;
  /** Requests served per path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

const WORDS = ['Markets', 'Weather', 'Election', 'Football', 'Climate', 'Science', 'Travel', 'Opinion', 'Health', 'Culture', 'Tech', 'Books'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function pick(n: number, seed: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[(seed * 7 + i * 5) % WORDS.length] as string);
  return out;
}

/** Renders one page of `v` with furniture that depends on `requestNo`. */
export function renderNewsPage(v: OriginVersion, url: string, requestNo: number): string {
  const nav = pick(6, requestNo).map((w, i) => `<li><a href="/section/${w.toLowerCase()}-${requestNo}-${i}">${w}</a></li>`).join('');
  const mostRead = pick(5, requestNo + 3).map((w, i) => `<li><a href="/story/${requestNo}-${i}">${w}: the story everyone is reading number ${requestNo + i}</a></li>`).join('');
  const related = pick(3, requestNo + 1).map((w, i) => `<li><a href="/related/${requestNo}-${i}">More on ${w} (${requestNo})</a></li>`).join('');
  const body = v.paragraphs.map((p) => `<p>${esc(p)}</p>`);
  const mid = Math.min(2, body.length);
  body.splice(mid, 0, `<div class="ad-slot advertisement" id="ad-${requestNo}"><span>Advertisement</span><a href="/ads/${requestNo}">Buy ${WORDS[requestNo % WORDS.length]} now, offer ${requestNo}</a></div>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>${esc(v.title)} - The Loopback Times</title>
<meta property="og:title" content="${esc(v.title)}">
<meta property="og:site_name" content="The Loopback Times">
<meta name="author" content="${esc(v.byline)}">
<link rel="canonical" href="${esc(url)}">
</head><body>
<header class="site-header"><a href="/">The Loopback Times</a><nav class="main-nav"><ul>${nav}</ul></nav>
<p class="timestamp">Updated ${requestNo % 59 + 1} minutes ago</p></header>
<main>
<article class="story">
<h1 class="headline">${esc(v.title)}</h1>
<p class="byline">By ${esc(v.byline)}</p>
<div class="share-tools"><a href="/share/fb">Share</a> <span class="share-count">${requestNo * 13 + 7} shares</span></div>
<div class="story-body">
${body.join('\n')}
</div>
<aside class="related-links"><h2>Related</h2><ul>${related}</ul></aside>
</article>
<aside class="most-read"><h2>Most read</h2><ol>${mostRead}</ol></aside>
</main>
<footer class="site-footer"><p>Copyright The Loopback Times. Page generated for request ${requestNo}.</p></footer>
</body></html>`;
}

/** Starts the origin on 127.0.0.1 at a free port. */
export async function startNewsOrigin(): Promise<NewsOrigin> {
  const articles = new Map<string, { versions: OriginVersion[]; live: number }>();
  const hits = new Map<string, number>();
  let requestNo = 0;
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const a = articles.get(path);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (!a) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>Not found</h1>');
      return;
    }
    requestNo++;
    const v = a.versions[a.live] as OriginVersion;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(renderNewsPage(v, `${origin.baseUrl}${path}`, requestNo));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin: NewsOrigin = {
    baseUrl: `http://127.0.0.1:${port}`,
    hits,
    addArticle(path, versions) {
      articles.set(path, { versions, live: 0 });
      return `${origin.baseUrl}${path}`;
    },
    publish(path, index) {
      const a = articles.get(path);
      if (!a || index >= a.versions.length) throw new Error(`news-origin: no version ${index} at ${path}`);
      a.live = index;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return origin;
}
