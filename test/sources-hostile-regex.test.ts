/**
 * Operator regular expressions against text a site controls, in a real `palimpsest serve` process: a source whose
 * include pattern is `re:(a+)+$` polls a feed with a link of 50,000 `a`s and a `!`, and its ignore pattern `(a+)+$`
 * meets a paragraph with the same run. On a backtracking engine either takes exponential time and blocks the
 * scheduler thread for good (and `serve` then never stops on SIGTERM); on the linear-time engine the poll and the
 * check finish at once, the patterns still do their work, and SIGTERM stops the process cleanly.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openStore } from '../src/store/index.js';
import { startFeedOrigin, type FeedOrigin } from './helpers/feed-origin.js';
import { CLI, requireBuiltCli, startCli, stopProcess } from './helpers/processes.js';
import { testBackend, tmpTarget, type TmpTarget } from './helpers/tmp.js';

const exec = promisify(execFile);
const RUN = 'a'.repeat(50_000);
const ARTICLE = '/news/bridge-to-close-in-vienna';
const PARAGRAPHS = [
  'The council voted on Tuesday to close the old bridge for repairs that will last at least a year.',
  'Residents said the detour would add twenty minutes to their commute each way, and shops fear losing trade.',
  `One protester held a banner that simply read: ${RUN}!`,
  'Editor’s note: this story was updated with a comment from the deputy mayor, Ms Costa',
];

let origin: FeedOrigin;
let t: TmpTarget;
beforeAll(async () => {
  requireBuiltCli();
  origin = await startFeedOrigin();
  t = await tmpTarget();
});
afterAll(async () => {
  await origin?.close();
  await t?.cleanup();
});

describe(`hostile text against operator regexes in serve (${testBackend()})`, () => {
  it('polls, checks and stops on SIGTERM in bounded time', async () => {
    const hostile = origin.url(`/news/${RUN}!`);
    const article = origin.url(ARTICLE);
    origin.routes.set('/feed.xml', {
      contentType: 'application/rss+xml',
      body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Daily</title><link>${origin.baseUrl}/</link>
        <item><title>A long one</title><link>${hostile}</link></item>
        <item><title>Bridge to close</title><link>${article}</link></item></channel></rss>`,
    });
    origin.routes.set(ARTICLE, {
      contentType: 'text/html; charset=utf-8',
      body: `<!DOCTYPE html><html lang="en"><head><title>Bridge to close - Daily</title></head><body><article>
        <h1>Bridge to close</h1>${PARAGRAPHS.map((p) => `<p>${p}</p>`).join('')}</article></body></html>`,
    });
    const sources = path.join(t.dir, 'sources.json');
    fs.writeFileSync(sources, JSON.stringify({ sources: [{
      name: 'Hostile daily', kind: 'feed', urls: [origin.url('/feed.xml')], include: ['re:(a+)+$'], ignore: ['(a+)+$'],
    }] }));
    const config = path.join(t.dir, 'palimpsest.json');
    fs.writeFileSync(config, JSON.stringify({ fetch: { perHostDelayMs: 0 }, scheduler: { extractThreads: 1 } }));
    const env = { PALIMPSEST_DB: t.target, PALIMPSEST_CONFIG: config, PALIMPSEST_LOG_LEVEL: 'silent' };
    await exec(process.execPath, [CLI, 'source', 'sync', sources], { env: { ...process.env, ...env }, timeout: 30_000 });

    const started = performance.now();
    const { proc } = await startCli(['serve', '--port', '0', '--allow-private'], env, /Palimpsest listening on http:\/\/\S+\//);
    let stopped: number | string | null = null;
    try {
      // The first tick runs at once: it polls the source (the include pattern meets the long link) and then checks
      // the one article it tracked (the ignore pattern meets the long paragraph).
      const store = await openStore(t.target);
      try {
        let versions = 0;
        while (versions === 0 && performance.now() - started < 60_000) {
          versions = (await store.getArticleByUrl(article))?.versionCount ?? 0;
          if (versions === 0) await new Promise((r) => setTimeout(r, 100));
        }
        const capturedMs = performance.now() - started;
        expect({ versions, withinMs: capturedMs < 60_000 }).toEqual({ versions: 1, withinMs: true });
        // The include pattern kept the long link out; the ignore pattern dropped the paragraph ending in "a".
        expect((await store.listAllArticles()).map((a) => a.url)).toEqual([article]);
        const id = (await store.getArticleByUrl(article))?.id ?? 0;
        const text = (await store.getLatestVersion(id))?.text ?? '';
        expect(text).toContain(`read: ${RUN}!`);
        expect(text).not.toContain('Ms Costa');
      } finally {
        await store.close();
      }
      const t0 = performance.now();
      stopped = await stopProcess(proc, 15_000);
      // SIGTERM, not the SIGKILL sent after 15 s, ended it: the scheduler thread was free to finish.
      expect({ code: stopped, fast: performance.now() - t0 < 15_000 }).toEqual({ code: 0, fast: true });
    } finally {
      if (stopped === null) await stopProcess(proc, 1000);
    }
  }, 120_000);
});
