/**
 * The whole path on real article revisions: a loopback origin publishes successive real versions wrapped in
 * changing page furniture; the real CLI tracks and checks them; the web pages, feeds and API show the result.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import request from 'supertest';
import { describeCorpus } from './helpers/corpus.js';
import { startNewsOrigin, type NewsOrigin } from './helpers/news-origin.js';
import { folded, loadRevisions, realParagraphs, type RevisionArticle } from './helpers/revisions.js';
import { tmpTarget, type TmpTarget } from './helpers/tmp.js';
import { openStore } from '../src/store/index.js';
import { createApp } from '../src/web/app.js';
import { loadConfig } from '../src/config/index.js';
import { diffTexts } from '../src/differ/index.js';

const run = promisify(execFile);
const CLI = path.resolve('dist/src/cli/main.js');
const CHOSEN = ['nyt-20120618-rodney-king-whose', 'nyt-20120618-greek-elections', 'nyt-20120620-insurgents-strike-checkpoint', 'nyt-20120620-mubarak-is-on'];

/** Versions a correct tracker stores: consecutive versions that differ beyond whitespace. */
function expectedVersions(a: RevisionArticle): number[] {
  const keep: number[] = [];
  a.versions.forEach((v, i) => {
    if (i === 0 || folded(v) !== folded(a.versions[i - 1]!)) keep.push(i);
  });
  return keep;
}

function foldText(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

describeCorpus('end to end on real articles (CLI, store, web, feeds, API)', (corpus) => {
  let origin: NewsOrigin;
  let target: TmpTarget;
  let dbFile: string;
  let configFile: string;
  let articles: RevisionArticle[];
  const ids = new Map<string, number>();
  const cli = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(process.execPath, [CLI, '--db', dbFile, '--allow-private', '--log-level', 'silent', ...args], { env: { ...process.env, PALIMPSEST_CONFIG: configFile } });
    return stdout;
  };

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`e2e: ${CLI} is missing; run "npm run build" first (npm test does)`);
    target = await tmpTarget();
    dbFile = target.target;
    // A loopback origin of our own: no need for the default one-second gap between requests to a host.
    configFile = path.join(target.dir, 'palimpsest.yaml');
    fs.writeFileSync(configFile, 'fetch:\n  perHostDelayMs: 0\n');
    origin = await startNewsOrigin();
    articles = loadRevisions(corpus).filter((a) => CHOSEN.includes(a.id));
    expect(articles).toHaveLength(CHOSEN.length);
  });

  afterAll(async () => {
    await origin?.close();
    await target?.cleanup();
  });

  // A dozen CLI processes in a row: each starts Node and opens the database, which on a loaded 2-core machine can
  // take several seconds, so this test gets more than the default minute.
  it('tracks, checks after every publication, and stores exactly the real changes', async () => {
    const urls = articles.map((a) => origin.addArticle(new URL(a.url).pathname, a.versions));
    const out = await cli('track', ...urls);
    for (const [i, line] of out.trim().split('\n').entries()) {
      const [id, url] = line.split('\t');
      expect(url).toBe(urls[i]);
      ids.set(articles[i]!.id, Number(id));
    }
    const first = await cli('check', '--all');
    expect(first).toContain(`checked ${articles.length}, new versions ${articles.length}, unchanged 0, errors 0`);

    const steps = Math.max(...articles.map((a) => a.versions.length));
    for (let k = 1; k < steps; k++) {
      for (const a of articles) if (k < a.versions.length) origin.publish(new URL(a.url).pathname, k);
      const expectNew = articles.filter((a) => k < a.versions.length && expectedVersions(a).includes(k)).length;
      const summary = await cli('check', '--all');
      expect(summary).toContain(`new versions ${expectNew}, unchanged ${articles.length - expectNew}, errors 0`);
      // Furniture changes on every request: a second check right away must find nothing new.
      const again = await cli('check', '--all');
      expect(again).toContain(`new versions 0, unchanged ${articles.length}, errors 0`);
    }

    const store = await openStore(dbFile);
    try {
      const app = createApp({ store, config: loadConfig({ env: {}, flags: { db: dbFile } }) });
      for (const a of articles) {
        const id = ids.get(a.id)!;
        const keep = expectedVersions(a);
        const api = await request(app).get(`/api/articles/${id}`).expect(200);
        const versions = api.body.versions as Array<{ number: number; title: string; words_added: number; words_removed: number }>;
        expect(versions.map((v) => v.number)).toEqual(keep.map((_, i) => i + 1));
        for (const [n, srcIndex] of keep.entries()) {
          const src = a.versions[srcIndex]!;
          const v = await request(app).get(`/api/articles/${id}/versions/${n + 1}`).expect(200);
          expect(v.body.version.title).toBe(src.title);
          expect(foldText(v.body.version.text) === foldText(realParagraphs(src).join(' '))).toBe(true);
          if (n > 0) {
            const prev = a.versions[keep[n - 1]!]!;
            const expected = diffTexts(realParagraphs(prev).join('\n\n'), realParagraphs(src).join('\n\n')).stats;
            const got = versions[n]!;
            expect({ article: a.id, version: n + 1, added: got.words_added, removed: got.words_removed })
              .toEqual({ article: a.id, version: n + 1, added: expected.wordsAdded, removed: expected.wordsRemoved });
          }
        }
        const page = await request(app).get(`/articles/${id}`).expect(200);
        expect(page.text).toContain(`/articles/${id}/diff/1/2`);
        if (keep.length > 1) {
          const last = versions[versions.length - 1]!;
          const diff = await request(app).get(`/articles/${id}/diff/${keep.length - 1}/${keep.length}`).expect(200);
          expect(diff.text).toContain(`Version ${keep.length - 1}`);
          expect(diff.text).toContain(`Version ${keep.length}`);
          if (last.words_added > 0) expect(diff.text).toMatch(/<ins[\s>]/);
          if (last.words_removed > 0) expect(diff.text).toMatch(/<del[\s>]/);
          const feed = await request(app).get(`/articles/${id}/feed.rss`).expect(200);
          // One item per stored version: version 1 announces the start of tracking, each later one carries its diff.
          expect((feed.text.match(/<item>/g) ?? []).length).toBe(keep.length);
          expect(feed.text).toContain(`Version ${keep.length}:`);
        }
      }
      const global = await request(app).get('/feed.rss').expect(200);
      // The site-wide feed carries changes only (versions 2 and later).
      const totalChanges = articles.reduce((n, a) => n + expectedVersions(a).length - 1, 0);
      expect((global.text.match(/<item>/g) ?? []).length).toBe(totalChanges);
      const home = await request(app).get('/').expect(200);
      for (const a of articles) expect(home.text).toContain(`/articles/${ids.get(a.id)}`);
    } finally {
      await store.close();
    }
  }, 240_000);
});
