/** Boring changes, flip-flops, truncated and walled pages, through the real fetcher and extractor. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config/index.js';
import type { Store } from '../src/store/index.js';
import { checkArticle } from '../src/tracker/check.js';
import { startNewsOrigin, type NewsOrigin, type OriginVersion } from './helpers/news-origin.js';
import { tmpStore } from './helpers/tmp.js';

let origin: NewsOrigin;
let store: Store;
let cleanup: () => Promise<void>;
const config = loadConfig({ env: {}, flags: { allowPrivate: true } });

const paras = Array.from({ length: 8 }, (_, i) =>
  `Paragraph ${i + 1}: the harbour authority said on Monday that the redevelopment of the old docks would go ahead, with ${i + 3} new berths and a park along the water.`);
const A: OriginVersion = { title: 'Harbour plan approved', byline: 'Ann Reporter', paragraphs: paras };
const B: OriginVersion = { ...A, paragraphs: [...paras.slice(0, 7), 'Paragraph 8: a variant of the last paragraph that a second CDN node serves to some readers.'] };

beforeAll(async () => {
  origin = await startNewsOrigin();
  ({ store, cleanup } = await tmpStore());
});
afterAll(async () => {
  await origin.close();
  await cleanup();
});

async function run(path: string, versions: OriginVersion[], sequence: number[]): Promise<number> {
  const url = origin.addArticle(path, versions);
  const id = (await store.insertArticle(url, new Date().toISOString())).article.id;
  for (const i of sequence) {
    origin.publish(path, i);
    await checkArticle({ store, config }, id);
  }
  return id;
}

describe('what becomes a version', () => {
  it('a page alternating between two texts gives a bounded number of versions', async () => {
    const id = await run('/flipflop', [A, B], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const versions = await store.listVersionSummaries(id);
    expect(versions.length).toBe(3); // A, B, and the first return to A (a revert is real); then the alternation is recognised
    const outcomes = (await store.listChecks(id, 20)).map((c) => c.outcome);
    expect(outcomes.filter((o) => o === 'flipflop').length).toBeGreaterThanOrEqual(3);
  });

  it('a real revert after one edit is kept', async () => {
    const id = await run('/revert', [A, B], [0, 1, 0]);
    expect((await store.listVersionSummaries(id)).length).toBe(3);
  });

  it('a body that shrinks by more than 80 % is a failed check, not a version', async () => {
    const short: OriginVersion = { ...A, paragraphs: paras.slice(0, 1) };
    const id = await run('/truncated', [A, short], [0, 1]);
    expect((await store.listVersionSummaries(id)).length).toBe(1);
    const a = (await store.getArticle(id))!;
    expect(a.lastError).toMatch(/^rejected: truncated: the body shrank/);
    expect(a.errorCount).toBe(1);
    expect((await store.listChecks(id, 1))[0]?.outcome).toBe('rejected');
  });

  it('a paywall served with 200 is a failed check', async () => {
    const wall: OriginVersion = { ...A, paragraphs: [paras[0]!, paras[1]!, 'Subscribe to continue reading this article. Already a subscriber? Log in to read the full story and all our journalism.'] };
    const id = await run('/paywall', [A, wall], [0, 1]);
    expect((await store.listVersionSummaries(id)).length).toBe(1);
    expect((await store.getArticle(id))!.lastError).toMatch(/^rejected: a paywall or consent page/);
  });

  it('punctuation-only edits are kept as minor versions, hidden from listings by default', async () => {
    const curly: OriginVersion = { ...A, paragraphs: paras.map((p) => p.replace(':', ' \u2014')) };
    const edited: OriginVersion = { ...A, paragraphs: paras.map((p) => p.replace('Monday', 'Tuesday')) };
    const id = await run('/minor', [A, curly, edited], [0, 1, 2]);
    const versions = await store.listVersionSummaries(id);
    expect(versions.map((v) => v.changeKind)).toEqual(['initial', 'minor', 'substantive']);
    expect(versions[1]?.minorReason).toBe('punctuation');
    const visible = (await store.listChanges({ articleId: id, changesOnly: true, limit: 10 })).map((c) => c.number);
    expect(visible).toEqual([3]);
    const all = (await store.listChanges({ articleId: id, changesOnly: true, includeMinor: true, limit: 10 })).map((c) => c.number);
    expect(all).toEqual([3, 2]);
  });
});
