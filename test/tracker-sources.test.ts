/** What a source adds to checking its articles: site rules, ignore patterns, schedule overrides, canonical URLs. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config/index.js';
import { createSource } from '../src/sources/index.js';
import type { Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { tmpStore } from './helpers/tmp.js';

let server: http.Server;
let base: string;
let store: Store;
let cleanup: () => Promise<void>;
let requestNo = 0;
const config = loadConfig({ env: {}, flags: { allowPrivate: true } });
const story = [
  'The regional council approved the new tram line on Thursday after three years of consultations and two public inquiries.',
  'Construction is expected to begin next spring and the first trams should run within four years, officials said.',
];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requestNo++;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const canonical = path.startsWith('/dup') ? `${base}/canonical-story` : `${base}${path}`;
    // The story sits in a <section class="tram-copy"> while a longer "sidebar" article competes with it.
    const html = `<html><head><title>Tram line approved</title><link rel="canonical" href="${canonical}"></head><body>
      <div class="sidebar-feature"><h2>Also today</h2>${Array.from({ length: 6 }, (_, i) => `<p>Sidebar paragraph ${i} with plenty of words about another topic entirely, to lure a generic extractor away from the story itself.</p>`).join('')}</div>
      <section class="tram-copy"><h1>Tram line approved</h1>${story.map((p) => `<p>${p}</p>`).join('')}<p>Reading time: ${requestNo} minutes</p></section>
    </body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ({ store, cleanup } = await tmpStore());
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await cleanup();
});

describe('source settings when checking', () => {
  it('uses the source\'s site rules and ignore patterns, and its schedule', async () => {
    const source = await createSource(store, {
      name: 'Tram News', kind: 'feed', urls: [`${base}/feed.xml`],
      rules: [{ domain: '127.0.0.1', body: ['section.tram-copy'] }],
      ignore: ['^Reading time: \\d+ minutes$'],
      schedule: { afterChangeS: 600 },
    });
    const id = (await store.insertArticle(`${base}/tram`, new Date().toISOString(), source.id)).article.id;
    const before = Date.now();
    expect((await checkArticle({ store, config, random: () => 0.5 }, id)).outcome).toBe('new_version');
    const v = (await store.getLatestVersion(id))!;
    // The body is the rule's section (its headline may lead it), without the sidebar or the ignored line.
    expect(v.text.split('\n\n').filter((p) => p !== 'Tram line approved')).toEqual(story);
    expect(v.text).not.toContain('Sidebar');
    expect(v.text).not.toContain('Reading time');
    // The "reading time" line changes on every request, but it is ignored: no new version.
    expect((await checkArticle({ store, config }, id)).outcome).toBe('unchanged');
    const a = (await store.getArticle(id))!;
    expect(a.versionCount).toBe(1);
    expect(Math.round(a.checkIntervalS)).toBeGreaterThan(600); // grew from the source's 600 s after-change interval
    expect(new Date(a.nextCheck).getTime() - before).toBeLessThan(3600 * 1000);
  });

  it('rejects invalid source settings with a message naming the field', async () => {
    await expect(createSource(store, { name: 'Bad', kind: 'feed', urls: [`${base}/f`], ignore: ['(unclosed'] })).rejects.toThrow(/ignore\[0\]: not a valid regular expression/);
    await expect(createSource(store, { name: 'Bad2', kind: 'feed', urls: [`${base}/f`], rules: [{ domain: 'x.org', body: ['div[[['] }] })).rejects.toThrow(/rules\[0\]\.body\[0\]/);
  });

  it('moves a first capture to its canonical URL, and stops a duplicate of a tracked one', async () => {
    const first = (await store.insertArticle(`${base}/dup-a?utm_source=feed`, new Date().toISOString())).article.id;
    expect((await checkArticle({ store, config }, first)).outcome).toBe('new_version');
    expect((await store.getArticle(first))!.url).toBe(`${base}/canonical-story`);
    const second = (await store.insertArticle(`${base}/dup-b`, new Date().toISOString())).article.id;
    const r = await checkArticle({ store, config }, second);
    expect(r.outcome).toBe('rejected');
    const a = (await store.getArticle(second))!;
    expect(a.status).toBe('stopped');
    expect(a.lastError).toBe(`duplicate of article ${first} (same canonical URL ${base}/canonical-story)`);
  });
});
