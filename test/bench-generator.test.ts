/**
 * The scale bench's database generator (bench/scale-gen.ts) at a tiny size: the database it writes through the
 * tracker's capture path is consistent (the store's own checks: integrity, version numbering, counters, search
 * index), holds the versions it says, every version and its captured page read back, and the search finds them.
 * Then its replication (bench/scale-replicate.ts, SQLite only): the replica passes the same checks, and every copy
 * reads back as the original.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { generate, planArticles } from '../bench/scale-gen.js';
import { replicate, verifyReplica } from '../bench/scale-replicate.js';
import { openStore, parseSearch, type Store } from '../src/store/index.js';
import { describeCorpus } from './helpers/corpus.js';
import { testBackend, tmpTarget, type TmpTarget } from './helpers/tmp.js';

const VERSIONS = 200;

test('the plan adds up to the asked number of versions, with a live page and several sources', () => {
  const plans = planArticles(VERSIONS, [1, 2, 3, 4, 5, 6]);
  expect(plans.reduce((n, p) => n + p.versions, 0)).toBe(VERSIONS);
  expect(plans.filter((p) => p.kind === 'live').length).toBeGreaterThanOrEqual(1);
  expect(new Set(plans.map((p) => p.url)).size).toBe(plans.length);
  const big = planArticles(100_000, [1, 2, 3, 4, 5, 6]);
  const bySource = new Map<number | null, number>();
  for (const p of big) bySource.set(p.sourceId, (bySource.get(p.sourceId) ?? 0) + 1);
  expect(bySource.size).toBe(7);
  expect((bySource.get(1) ?? 0) / big.length).toBeGreaterThan(0.4);
  expect(big.reduce((n, p) => n + p.versions, 0) / big.length).toBeGreaterThan(5);
});

describeCorpus('scale bench generator', () => {
  let target: TmpTarget;
  let store: Store;
  let written = 0;

  beforeAll(async () => {
    target = await tmpTarget();
    written = await generate(target.target, VERSIONS, { threads: 0 });
    store = await openStore(target.target, { migrate: false });
  }, 600_000);

  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
  });

  test('is consistent and holds the versions it wrote', async () => {
    expect(await store.checkConsistency()).toEqual([]);
    await store.checkSearchIndex();
    expect(written).toBe(VERSIONS);
    expect(await store.countVersions()).toBe(VERSIONS);
  });

  test('every version and its captured page read back, numbered 1..n with statistics after the first', async () => {
    const articles = await store.listAllArticles();
    let seen = 0;
    for (const a of articles) {
      const versions = await store.listVersions(a.id);
      expect(versions.map((v) => v.number)).toEqual(versions.map((_, i) => i + 1));
      expect(a.versionCount).toBe(versions.length);
      for (const v of versions) {
        seen++;
        expect(v.text.length).toBeGreaterThan(0);
        expect(v.changeKind).toBe(v.number === 1 ? 'initial' : v.changeKind === 'minor' ? 'minor' : 'substantive');
        if (v.number > 1) expect(v.stats).not.toBeNull();
        const res = await store.getResponse(v.responseId ?? -1);
        expect(res?.articleId).toBe(a.id);
        // The page carries the version's text (HTML-escaped) and its headline.
        const html = res?.body.toString('utf8') ?? '';
        const firstWords = (v.text.split('\n\n')[0] ?? '').slice(0, 30).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        expect(html).toContain(firstWords);
      }
      expect((await store.listChecks(a.id, 1000)).filter((c) => c.outcome === 'new_version').length).toBe(versions.length);
    }
    expect(seen).toBe(VERSIONS);
  });

  test('the search index finds a word of a stored version', async () => {
    const latest = await store.getLatestVersion((await store.listAllArticles())[0]?.id ?? -1);
    const word = (latest?.text.match(/\p{L}{6,}/u) ?? ['missing'])[0];
    const terms = parseSearch(word);
    expect(terms).not.toBeNull();
    const hits = terms ? await store.searchVersions({ terms, limit: 10 }) : [];
    expect(hits.length).toBeGreaterThan(0);
  });

  // The replication works on SQLite files (the bench's cached databases).
  (testBackend() === 'sqlite' ? test : test.skip)('replicated 3x: consistent, every copy reads back as the original, search finds every copy', async () => {
    const replica = `${target.dir}/replica.db`;
    const lines: string[] = [];
    expect(await replicate(target.target, replica, 3, (l) => lines.push(l))).toBe(3 * VERSIONS);
    expect(lines.some((l) => l.includes('versions'))).toBe(true);
    const copy = await openStore(replica, { migrate: false });
    try {
      expect(await copy.checkConsistency()).toEqual([]);
      await copy.checkSearchIndex();
      const articles = await copy.listAllArticles();
      expect(articles.length).toBe(3 * (await store.listAllArticles()).length);
      expect(new Set(articles.map((a) => a.url)).size).toBe(articles.length);
      // Every version of every copy, not a sample: the text and the captured page of the original.
      for (const a of await store.listAllArticles()) {
        const originals = await store.listVersions(a.id);
        for (let k = 0; k < 3; k++) {
          const copies = await copy.listVersions(a.id * 3 + k);
          expect(copies.map((v) => [v.number, v.text, v.title, v.contentHash])).toEqual(originals.map((v) => [v.number, v.text, v.title, v.contentHash]));
          for (const [i, v] of copies.entries()) {
            const body = (await copy.getResponse(v.responseId ?? -1))?.body;
            expect(body?.equals((await store.getResponse(originals[i]?.responseId ?? -1))?.body ?? Buffer.alloc(0))).toBe(true);
          }
        }
      }
    } finally {
      await copy.close();
    }
    const check = await verifyReplica(target.target, replica, 3, 20);
    expect(check.versions).toBe(60);
    expect(check.searched).toBeGreaterThan(0);
  }, 120_000);
});
