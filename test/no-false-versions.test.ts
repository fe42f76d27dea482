/**
 * No false versions, through the whole pipeline (fetcher, extractor, versioner, store): every corpus page and every
 * real revision is served ten times from a loopback origin with furniture that changes on every request, inside the
 * article too, and must give exactly one version; then the real revisions are published in order and every real
 * change is recorded while whitespace-only ones are not.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config/index.js';
import type { Store } from '../src/store/index.js';
import { checkMany } from '../src/scheduler/run.js';
import { describeCorpus } from './helpers/corpus.js';
import { furniture, injectAfterParagraph } from './helpers/furniture.js';
import { renderNewsPage } from './helpers/news-origin.js';
import { folded, loadRevisions, type RevisionArticle } from './helpers/revisions.js';
import { tmpStore } from './helpers/tmp.js';

const SERVES = 10;

interface CorpusPage {
  id: string;
  html: string;
  paragraphs: string[];
}

describeCorpus('no false versions on the corpus, through the whole pipeline', (dir) => {
  let server: http.Server;
  let base: string;
  let store: Store;
  let cleanup: (() => Promise<void>) | undefined;
  const pages = new Map<string, CorpusPage>();
  let revisions: RevisionArticle[];
  const live = new Map<string, number>();
  let requestNo = 0;
  const config = loadConfig({ env: {}, flags: { allowPrivate: true } });

  beforeAll(async () => {
    const root = path.join(dir, 'extraction');
    const index = JSON.parse(fs.readFileSync(path.join(root, 'index.json'), 'utf8')) as Array<{ id: string }>;
    for (const { id } of index) {
      const truth = JSON.parse(fs.readFileSync(path.join(root, id, 'truth.json'), 'utf8')) as { body: string };
      pages.set(`/e/${id}`, { id, html: fs.readFileSync(path.join(root, id, 'page.html'), 'utf8'), paragraphs: truth.body.split(/\n\s*\n/) });
    }
    revisions = loadRevisions(dir);
    server = http.createServer((req, res) => {
      const p = new URL(req.url ?? '/', 'http://x').pathname;
      const n = ++requestNo;
      const page = pages.get(p);
      let html: string | null = null;
      if (page) {
        // Furniture inside the article body when a paragraph can be found, and around it (header line) always.
        const variants = furniture(n);
        const inner = injectAfterParagraph(page.html, page.paragraphs, variants[n % variants.length]!) ?? page.html;
        html = inner.replace(/<body([^>]*)>/i, `<body$1><div class="site-top"><a href="/n/${n}">Top story ${n}</a> <span>Updated ${n % 50 + 1} minutes ago</span></div>`);
      } else {
        // A revision: the version named by ?v=, or else the one the test has published.
        const r = revisions.find((a) => new URL(a.url).pathname === p);
        const v = new URL(req.url ?? '/', 'http://x').searchParams.get('v');
        if (r) html = renderNewsPage(r.versions[v === null ? (live.get(r.id) ?? 0) : Number(v)]!, `${base}${req.url ?? p}`, n);
      }
      if (html === null) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ store, cleanup } = await tmpStore());
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await cleanup?.();
  });

  const ids = async (urls: string[]): Promise<number[]> => {
    const out: number[] = [];
    for (const u of urls) out.push((await store.insertArticle(u, new Date().toISOString())).article.id);
    return out;
  };

  it(`serves every page and revision ${SERVES} times with changing furniture: zero extra versions`, async () => {
    const pageIds = await ids([...pages.keys()].map((p) => `${base}${p}`));
    const revIds = await ids(revisions.flatMap((a) => a.versions.map((_, i) => `${base}${new URL(a.url).pathname}?v=${i}`)));
    const all = [...pageIds, ...revIds];
    for (let serve = 0; serve < SERVES; serve++) {
      const summary = await checkMany({ store, config }, all, { concurrency: 4 });
      expect(summary.checked).toBe(all.length);
    }
    const extra: string[] = [];
    let captured = 0;
    for (const id of all) {
      const n = (await store.listVersionSummaries(id)).length;
      if (n > 0) captured++;
      if (n > 1) extra.push(`${(await store.getArticle(id))!.url} (${n} versions)`);
    }
    process.stdout.write(`no-false-versions: ${all.length} articles x ${SERVES} serves, ${captured} captured, ${extra.length} with extra versions\n`);
    expect(extra).toEqual([]);
    expect(captured).toBeGreaterThanOrEqual(all.length - 3); // a page with no findable article text is an error, not a version
    // 2,000 checks with extraction: about 30 s on an idle 2-core machine, several times that beside other jobs.
  }, 300_000);

  it('then records every real change of the revisions and no whitespace-only one', async () => {
    for (const a of revisions) {
      const p = new URL(a.url).pathname;
      const id = (await store.insertArticle(`${base}${p}`, new Date().toISOString())).article.id;
      const expected: number[] = [];
      for (let i = 0; i < a.versions.length; i++) {
        if (i === 0 || folded(a.versions[i]!) !== folded(a.versions[i - 1]!)) expected.push(i);
        live.set(a.id, i);
        for (let k = 0; k < 2; k++) await checkMany({ store, config }, [id], { concurrency: 1 });
      }
      expect({ article: a.id, versions: (await store.listVersionSummaries(id)).length }).toEqual({ article: a.id, versions: expected.length });
    }
  });
});
