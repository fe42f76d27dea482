/**
 * Two `palimpsest check --all` processes on one database at once, both checking the same 120 articles from a
 * loopback origin, twice: no check may be lost to a busy database ("database is locked" on SQLite, where both
 * processes write the one file and a deferred transaction that reads and then writes fails at once; on PostgreSQL the
 * version number is decided under the article's row lock). Each article ends with exactly one version per change and
 * one check log entry per check, and both processes exit 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openStore } from '../src/store/index.js';
import { startNewsOrigin, type NewsOrigin } from './helpers/news-origin.js';
import { requireBuiltCli, runCli, type CliResult } from './helpers/processes.js';
import { testBackend, tmpTarget, type TmpTarget } from './helpers/tmp.js';

const ARTICLES = 120;

async function cli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runCli(args, env, { timeoutMs: 120_000, maxBuffer: 16 * 1024 * 1024 });
}

let origin: NewsOrigin;
let t: TmpTarget;
beforeAll(async () => {
  requireBuiltCli();
  origin = await startNewsOrigin();
  t = await tmpTarget();
});
afterAll(async () => {
  await origin?.close();
  await t?.cleanup();
});

describe(`two concurrent check --all processes (${testBackend()})`, () => {
  it('lose no capture: one version per change and one check record per check, for every article', async () => {
    const paths = Array.from({ length: ARTICLES }, (_, i) => `/2026/12/05/concurrent-${i}.html`);
    const urls = paths.map((p, i) => origin.addArticle(p, [0, 1].map((v) => ({
      title: `Concurrent story ${i}${v ? ', updated' : ''}`, byline: 'A. Reporter',
      paragraphs: [`The first paragraph of concurrent story number ${i}, long enough to count as an article body.`,
        v ? `A rewritten second paragraph of story ${i}: the council has now confirmed what it denied this morning.`
          : `A second paragraph of story ${i}, so that both processes extract the same text and compare it.`],
    }))));
    // One host for all articles: politeness would space the requests over minutes; the test is about the database.
    const config = path.join(t.dir, 'palimpsest.json');
    fs.writeFileSync(config, JSON.stringify({ fetch: { perHostDelayMs: 0, perHostConcurrency: 16, globalConcurrency: 32 }, scheduler: { extractThreads: 1 } }));
    const env = { PALIMPSEST_DB: t.target, PALIMPSEST_CONFIG: config, PALIMPSEST_LOG_LEVEL: 'silent' };
    expect((await cli(['track', ...urls], env)).code).toBe(0);

    // Two rounds: the first captures version 1, the second (after every article changed) version 2. In each, one
    // process stores the version and the other, deciding again inside its own transaction, finds it unchanged.
    for (const round of [1, 2]) {
      if (round === 2) for (const p of paths) origin.publish(p, 1);
      const results = await Promise.all([1, 2].map(() => cli(['--allow-private', 'check', '--all', '--concurrency', '16'], env)));
      for (const r of results) {
        // Code and output together, so that a failure shows the checks that failed and why.
        const failed = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /error|locked|busy/i.test(l) && !/errors 0$/.test(l));
        expect({ round, code: r.code, failed }).toEqual({ round, code: 0, failed: [] });
        expect(r.stdout).toMatch(new RegExp(`checked ${ARTICLES}, new versions \\d+, unchanged \\d+, errors 0\\n$`));
      }
      const created = results.map((r) => Number(/new versions (\d+)/.exec(r.stdout)?.[1]));
      expect((created[0] ?? 0) + (created[1] ?? 0)).toBe(ARTICLES);
    }

    const store = await openStore(t.target);
    try {
      for (const url of urls) {
        const article = await store.getArticleByUrl(url);
        expect(article?.versionCount).toBe(2);
        expect((await store.listVersions(article?.id ?? 0)).map((v) => v.number)).toEqual([1, 2]);
        const checks = await store.listChecks(article?.id ?? 0, 10);
        expect(checks.map((c) => c.outcome).sort()).toEqual(['new_version', 'new_version', 'unchanged', 'unchanged']);
        expect(checks.filter((c) => c.error !== null)).toEqual([]);
      }
    } finally {
      await store.close();
    }
  }, 240_000);
});
