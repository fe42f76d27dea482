/**
 * A page whose article body cannot be found never becomes an empty version: the check fails and the article and
 * its check log say which rules removed the most text (from the extractor's explain trace). A real origin on
 * 127.0.0.1, the real tracker, a real store.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig, type Config } from '../src/config/index.js';
import type { Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { tmpStore } from './helpers/tmp.js';

// Every word of this page sits in furniture: a navigation bar, a sidebar, related links, comments, a footer; no
// one of them holds half the page's text (which would spare it). It states no description and no JSON-LD, so
// nothing can stand in for the body.
const FURNITURE_ONLY = `<!doctype html><html><head><title>Gallery | Example Times</title></head><body>
<nav class="main-nav"><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<aside><p>A long summary about a different story that the reader did not come for, in several sentences. It goes on and on.</p></aside>
<div class="related-posts"><p>Another related summary about yet another story, long enough to count as text in a body.</p></div>
<div class="comments"><p>A reader's comment about the gallery, which is not the article either, though it is prose.</p></div>
<footer><p>Copyright Example Times. All rights reserved.</p></footer>
</body></html>`;

const ARTICLE = `<!doctype html><html><head><title>Budget approved</title></head><body><article><h1>Budget approved</h1>
<p>The council approved the new budget on Tuesday after a long debate about the cost of the bridge repairs.</p>
<p>Members said the vote ends a year of delays and lets work start before the winter storms arrive.</p></article></body></html>`;

let store: Store;
let cleanup: () => Promise<void>;
let config: Config;
let server: http.Server;
let base: string;
let page = FURNITURE_ONLY;

beforeAll(async () => {
  ({ store, cleanup } = await tmpStore());
  config = loadConfig({ env: {}, flags: { allowPrivate: true } });
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await cleanup();
});

describe('a page without an article body', () => {
  it('fails the check with the rules that removed the most text, and stores no version', async () => {
    page = FURNITURE_ONLY;
    const { article } = await store.insertArticle(`${base}/gallery`, new Date().toISOString());
    const r = await checkArticle({ store, config }, article.id);
    expect(r.outcome).toBe('error');
    expect(r.error).toMatch(/^extractor: no article text found on the page \(kept 0 of \d+ blocks \(0 chars\); removed most: /);
    // The side column holds the most text, so it is named first; the related links and the comments next.
    expect(r.error).toMatch(/removed most: 1 element \(\d+ chars\) furniture: tag <aside>; 1 element \(\d+ chars\) furniture: class "(related-posts|comments)"; 1 element \(\d+ chars\) furniture: class "(related-posts|comments)"\)$/);
    const a = (await store.getArticle(article.id))!;
    expect(a.versionCount).toBe(0);
    expect(a.lastError).toBe(r.error);
    expect(await store.getVersion(article.id, 1)).toBeNull();
    const checks = await store.listChecks(article.id, 10);
    expect(checks.map((c) => c.outcome)).toEqual(['error']);
    expect(checks[0]!.error).toBe(r.error);
  });

  it('stores a version once the page has a body again', async () => {
    page = ARTICLE;
    const { article } = await store.insertArticle(`${base}/budget`, new Date().toISOString());
    const r = await checkArticle({ store, config }, article.id);
    expect(r.outcome).toBe('new_version');
    expect((await store.getVersion(article.id, 1))?.text).toContain('The council approved the new budget');
  });
});
