/**
 * The home page's listing in its default order (newest change first) is found by walking the changes newest first
 * and aggregating only the page's articles (src/store/activity-walk.ts): the same rows as the definition for the
 * filters and pages, ties of one instant broken by article id; on SQLite the walk reads versions_captured backwards
 * without sorting, and the page's aggregation reads its articles' versions by article, never every version.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import Database from 'better-sqlite3';
import type { ActivityQuery } from '../src/store/types.js';
import { activitySql, walkSql } from '../src/store/sqlite/listings.js';
import { testBackend, tmpStore, type TmpStore } from './helpers/tmp.js';

const T0 = Date.parse('2024-05-01T08:00:00.000Z');
const iso = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

interface Change { articleId: number; number: number; at: string; minor: boolean; sourceId: number | null }

let t: TmpStore;
const changes: Change[] = [];
let sources: number[] = [];

beforeAll(async () => {
  t = await tmpStore();
  sources = [
    (await t.store.insertSource({ slug: 'river', name: 'River', kind: 'manual', config: {} }, iso(0))).id,
    (await t.store.insertSource({ slug: 'hill', name: 'Hill', kind: 'manual', config: {} }, iso(0))).id,
  ];
  // 30 articles, 1-6 versions, captured interleaved; several articles share instants (ties).
  for (let a = 0; a < 30; a++) {
    const sourceId = a % 3 === 2 ? null : sources[a % 3]!;
    const { article } = await t.store.insertArticle(`https://walk.example/${a}`, iso(a), sourceId);
    const count = 1 + (a * 7) % 6;
    for (let n = 1; n <= count; n++) {
      const at = iso(1000 + ((a * 3 + n * 7) % 12) * 100 + n * 2000);
      const minor = n > 1 && (a + n) % 4 === 0;
      await t.store.insertVersion({
        articleId: article.id, title: `Story ${a}`, byline: null, publishedAt: null, text: `Text ${a} ${n}`, contentHash: `h${a}-${n}`,
        capturedAt: at, responseId: null, extractorVersion: 'test', wordsAdded: 1, wordsRemoved: 0, stats: null, metadata: {},
        changeKind: n === 1 ? 'initial' : minor ? 'minor' : 'substantive',
      });
      if (n > 1) changes.push({ articleId: article.id, number: n, at, minor, sourceId });
    }
  }
});
afterAll(() => t.cleanup());

/** The page of the definition: articles with a matching change, by their latest one, newest first, ties by id. */
function model(q: ActivityQuery): number[] {
  const latest = new Map<number, string>();
  for (const c of changes) {
    if ((c.minor && !q.includeMinor) || (q.sourceId !== undefined && c.sourceId !== q.sourceId) || (q.from !== undefined && c.at < q.from)) continue;
    if ((latest.get(c.articleId) ?? '') < c.at) latest.set(c.articleId, c.at);
  }
  return [...latest].sort(([ia, a], [ib, b]) => (a < b ? 1 : a > b ? -1 : ib - ia)).map(([id]) => id).slice(q.offset, q.offset + q.limit);
}

const query = (extra: Partial<ActivityQuery>): ActivityQuery => ({ changedOnly: true, todayFrom: iso(0), sort: 'newest', limit: 7, offset: 0, ...extra });

describe('the listing walk', () => {
  it('gives the rows of the definition for filters and pages', async () => {
    // The seed has ties: the test would pass on a walk that ignores them otherwise.
    const times = changes.map((c) => c.at);
    expect(new Set(times).size).toBeLessThan(times.length);
    let checked = 0;
    for (const includeMinor of [false, true]) {
      for (const sourceId of [undefined, sources[0]!]) {
        for (const from of [undefined, iso(2500)]) {
          for (const offset of [0, 7, 14, 21]) {
            const q = query({ includeMinor, sourceId, from, offset });
            const got = (await t.store.listArticleActivity(q)).map((a) => a.id);
            expect({ q, got }).toEqual({ q, got: model(q) });
            checked += got.length;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

const describeSqlite = testBackend() === 'sqlite' ? describe : describe.skip;

describeSqlite('SQLite plans of the listing walk', () => {
  it('reads changes newest first from versions_captured and aggregates only the page', () => {
    const db = new Database(t.target, { readonly: true });
    try {
      const plan = (sql: string, params: Record<string, unknown>): string =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
      const walk = plan(walkSql(query({})), { at: '\uffff', id: 1e15, batch: 500 });
      expect(walk).toMatch(/SEARCH v USING INDEX versions_captured \(captured_at<\?\)/);
      expect(walk).not.toMatch(/TEMP B-TREE|SCAN v\b/);
      const page = plan(activitySql(query({}), true), { today: iso(0), ids: '[1,2,3]', limit: 3, offset: 0 });
      expect(page).not.toMatch(/SCAN (v|p|versions)\b/);
    } finally {
      db.close();
    }
  });
});
