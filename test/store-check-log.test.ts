/**
 * The check log's compact storage (SQLite keeps times as integer milliseconds and outcomes as small codes when they
 * turn back into exactly the stored text; PostgreSQL keeps the columns as they are): every check reads back exactly as
 * written, through listChecks and the export's listChecksPage, whatever the form of its time.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { CheckOutcome, Store } from '../src/store/index.js';
import { tmpStore } from './helpers/tmp.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const OUTCOMES: CheckOutcome[] = ['new_version', 'unchanged', 'not_modified', 'error', 'blocked', 'flipflop', 'rejected', 'held_back'];

// Canonical times (stored as integers on SQLite) and times in other forms an import may bring (stored as given).
const TIMES = [
  '2024-11-01T00:00:00.000Z', '2024-11-01T01:35:56.320Z', '1999-12-31T23:59:59.999Z', '2026-02-28T12:00:00.001Z',
  '2024-11-01T01:35:56Z', '2024-11-01T01:35:56.32Z', '2024-11-01T02:35:56.320+01:00', '1969-07-20T20:17:40.000Z',
];

async function fresh(): Promise<Store> {
  const t = await tmpStore();
  cleanups.push(t.cleanup);
  return t.store;
}

describe('the check log', () => {
  it('reads every check back exactly as written: each outcome, times in any form, nulls and hashes', async () => {
    const store = await fresh();
    const { article } = await store.insertArticle('https://news.example/a', TIMES[0]!);
    const written: Array<{ at: string; outcome: CheckOutcome; status: number | null; error: string | null; ms: number | null; hash: string | null }> = [];
    for (const [i, at] of TIMES.entries()) {
      for (const [k, outcome] of OUTCOMES.entries()) {
        const w = {
          at, outcome, status: k % 3 === 0 ? null : 200 + k, error: outcome === 'error' ? `timeout after ${i} s` : null,
          ms: k % 2 === 0 ? null : i * 100 + k, hash: outcome === 'new_version' ? `${'ab'.repeat(31)}${i}${k}` : null,
        };
        await store.insertCheck(article.id, w.at, w.outcome, w.status, w.error, w.ms, w.hash);
        written.push(w);
      }
    }
    const listed = (await store.listChecks(article.id, 1000)).reverse();
    expect(listed.map((c) => [c.checkedAt, c.outcome, c.httpStatus, c.error, c.durationMs]))
      .toEqual(written.map((w) => [w.at, w.outcome, w.status, w.error, w.ms]));
    const page = await store.listChecksPage(article.id, 0, 1000);
    expect(page.map((c) => [c.checked_at, c.outcome, c.http_status, c.error, c.duration_ms, c.content_hash]))
      .toEqual(written.map((w) => [w.at, w.outcome, w.status, w.error, w.ms, w.hash]));
    // Paging by id still works in the stored order.
    const second = await store.listChecksPage(article.id, page[9]!.id, 5);
    expect(second.map((c) => c.id)).toEqual(page.slice(10, 15).map((c) => c.id));
  });
});
