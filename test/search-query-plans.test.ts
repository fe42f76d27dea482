/**
 * The query shapes of search (issue 14.2): on SQLite (EXPLAIN QUERY PLAN) the batches of matching rows come from
 * the FTS5 index in rowid order, joined to versions and articles by key, never a scan of versions or articles nor a
 * sort; the figures of a page's articles read their versions by article; /api/articles?q= finds a part of a URL or
 * title through the trigram index. On PostgreSQL (EXPLAIN after ANALYZE) none of them reads versions sequentially.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parseSearch, type SearchTerms } from '../src/store/index.js';
import { ARTICLE_VERSIONS_SQL, candidateSql, ftsQuery, matchingIds, PROBE_SQL, WINDOW_SQL } from '../src/store/sqlite/search-query.js';
import { articleQuerySql } from '../src/store/sqlite/articles.js';
import { articlesMatchingQ, prepareQ, TRIGRAM_WINDOW_SQL, type QShape } from '../src/store/sqlite/article-search.js';

import { candidateSql as pgCandidateSql, statsSql as pgStatsSql, tsQuerySql } from '../src/store/postgres/search.js';
import { testBackend, tmpStore, type TmpStore } from './helpers/tmp.js';
import { addVersions, at } from './helpers/web-seed.js';

const terms = (q: string): SearchTerms => parseSearch(q)!;

/** Forty articles of three versions each, two sources. */
async function seed(t: TmpStore): Promise<void> {
  const sources = [
    (await t.store.insertSource({ slug: 'river', name: 'River', kind: 'manual', config: {} }, at(0))).id,
    (await t.store.insertSource({ slug: 'hill', name: 'Hill', kind: 'manual', config: {} }, at(0))).id,
  ];
  for (let a = 0; a < 40; a++) {
    const { article } = await t.store.insertArticle(`https://news.example/story-${a}`, at(a), sources[a % 2]!);
    await addVersions(t.store, article.id, [0, 1, 2].map((n) => ({
      minutes: a * 10 + n, title: `Story ${a}`,
      text: [`Opening paragraph of story ${a}.`, ...Array.from({ length: n }, (_, i) => `Update ${i} about the minister.`)].join('\n\n'),
    })));
  }
}

const describeSqlite = testBackend() === 'sqlite' ? describe : describe.skip;

describeSqlite('SQLite plans of search', () => {
  let t: TmpStore;
  let db: Database.Database;

  beforeAll(async () => {
    t = await tmpStore();
    await seed(t);
    db = new Database(t.target, { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await t.cleanup();
  });

  const plan = (sql: string, params: Record<string, unknown>): string =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail).join('\n');

  it('reads batches of matches from the index in rowid order, joined by key, without sorting', () => {
    const fts = ftsQuery(terms('minister'));
    for (const [withSource, params] of [[false, {}], [true, { sourceId: 1 }]] as const) {
      const p = plan(candidateSql(withSource), { fts, before: 1e9, batch: 200, ...params });
      expect(p).toMatch(/SCAN f VIRTUAL TABLE INDEX/);
      expect(p).toMatch(/SEARCH v USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(p).not.toMatch(/SCAN (v|a|versions|articles)\b|TEMP B-TREE/);
    }
  });

  it("reads the page's figures as one window of the index by rowid, the versions by article", () => {
    const fts = ftsQuery(terms('minister'));
    expect(plan(ARTICLE_VERSIONS_SQL, { ids: '[1,2]' })).toMatch(/SEARCH v USING (COVERING )?INDEX \w+ \(article_id=\?\)/);
    const w = plan(WINDOW_SQL, { fts, lo: 1n, hi: 50n, cap: 10 });
    expect(w).toMatch(/SCAN search_index VIRTUAL TABLE INDEX \d+:M\d*(><|<>)/);
    expect(w).not.toMatch(/TEMP B-TREE/);
    const p = plan(PROBE_SQL, { fts, ids: '[1,2]' });
    expect(p).toMatch(/SEARCH v USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(p).toMatch(/SCAN f EXISTS VIRTUAL TABLE INDEX 0:=M/);
    expect(p).not.toMatch(/SCAN (v|versions)\b/);
    expect(plan(TRIGRAM_WINDOW_SQL, { match: '"story"', lo: 1n, hi: 5n })).toMatch(/SCAN articles_trigram VIRTUAL TABLE INDEX \d+:M\d*(><|<>)/);
  });

  it('finds the same matching versions through the window as one lookup each, only those that hold the word', () => {
    const all = (db.prepare('SELECT id FROM versions ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    // Version 3 of each story brought "Update 1"; versions 2 and 3 brought "minister" (their update paragraphs).
    const expected = (db.prepare("SELECT id FROM versions WHERE number = 3 ORDER BY id").all() as Array<{ id: number }>).map((r) => r.id);
    const fts = ftsQuery(terms('"update 1"'));
    for (const cap of [3000, 7, 1]) expect([...matchingIds(db, fts, all, cap)].sort((a, b) => a - b)).toEqual(expected);
    const minister = [...matchingIds(db, ftsQuery(terms('minister')), all, 5)];
    expect(minister).toHaveLength(80);
    expect(matchingIds(db, ftsQuery(terms('nowhere')), all).size).toBe(0);
  });

  it('finds the articles of /api/articles?q= through the indexes, not a scan of every article', () => {
    for (const extra of [{}, { beforeId: 10 }, { sourceId: 1 }]) {
      const q = { search: 'story', textSearch: terms('minister'), ...extra };
      const p = plan(articleQuerySql(q, 'lists'), { trigramIds: '[1]', rowIds: '[1,2]', limit: 20, ...extra });
      expect(p).toMatch(/SEARCH articles USING (INTEGER PRIMARY KEY|INDEX articles_source) \(.*rowid=\?\)/);
      expect(p).not.toMatch(/SCAN (articles|versions|v)\b|TEMP B-TREE/);
    }
    // The common-word shape reads the articles newest first with the other filters only (checked chunk by chunk).
    const scan = plan(articleQuerySql({ search: 'story', textSearch: terms('minister') }, 'scan'), { limit: 20 });
    expect(scan).not.toMatch(/TEMP B-TREE|LIKE|versions|search_index/);
  });

  it('gives the same articles in both shapes, page after page', () => {
    const shaped = (q: { search: string; textSearch: SearchTerms; beforeId?: number }, shape: QShape, limit: number): number[] => {
      const params: Record<string, unknown> = {};
      if (shape === 'lists') expect(prepareQ(db, q, params)).toBe('lists');
      const page = (beforeId: number | undefined, n: number): Array<{ id: number }> =>
        db.prepare(articleQuerySql({ ...q, beforeId }, shape)).all({ ...params, limit: n, ...(beforeId === undefined ? {} : { beforeId }) }) as Array<{ id: number }>;
      return articlesMatchingQ(db, q, shape, limit, page).map((r) => r.id);
    };
    for (const q of [{ search: 'story-1', textSearch: terms('minister') }, { search: 'story-3', textSearch: terms('"update 1"') },
      { search: 'nowhere', textSearch: terms('"update 1"') }, { search: 'story-2', textSearch: terms('"minister update"') }]) {
      const lists = shaped(q, 'lists', 100);
      expect(shaped(q, 'scan', 100)).toEqual(lists);
      // Paged three at a time with the cursor, the scan gives the same articles in the same order.
      const paged: number[] = [];
      for (let before: number | undefined; ;) {
        const got = shaped({ ...q, ...(before === undefined ? {} : { beforeId: before }) }, 'scan', 3);
        paged.push(...got);
        if (got.length < 3) break;
        before = got[got.length - 1];
      }
      expect(paged).toEqual(lists);
    }
    // "minister" is in every story's later versions; "story-1" in the URLs of story-1 and story-10 to -19.
    expect(shaped({ search: 'story-1', textSearch: terms('minister') }, 'lists', 100)).toHaveLength(40);
    expect(shaped({ search: 'story-3', textSearch: terms('"update 1"') }, 'lists', 100)).toHaveLength(40);
    expect(shaped({ search: 'nowhere', textSearch: terms('"opening paragraph of story 3"') }, 'scan', 100)).toHaveLength(1);
    expect(shaped({ search: 'story-2', textSearch: terms('"minister update"') }, 'scan', 100).length).toBe(11);
  });
});

const describePostgres = testBackend() === 'postgres' ? describe : describe.skip;

/** The node types and relations of a PostgreSQL plan (EXPLAIN (FORMAT JSON)), depth first. */
function planNodes(node: Record<string, unknown>): string[] {
  const here = `${String(node['Node Type'])}${node['Relation Name'] ? ` on ${String(node['Relation Name'])}` : ''}`;
  const kids = (node.Plans as Array<Record<string, unknown>> | undefined) ?? [];
  return [here, ...kids.flatMap(planNodes)];
}

describePostgres('PostgreSQL plans of search', () => {
  let t: TmpStore;
  let client: pg.Client;

  beforeAll(async () => {
    t = await tmpStore();
    await seed(t);
    client = new pg.Client({ connectionString: t.target });
    await client.connect();
    // 5,000 more articles of 6 versions each (written by SQL, their index rows too): enough that the planner prefers
    // indexes to reading whole tables.
    await client.query(`INSERT INTO articles (url, first_seen, next_check, version_count)
      SELECT 'https://bulk.example/' || a, '2024-05-01T08:00:00.000Z', '2024-06-01T08:00:00.000Z', 6 FROM generate_series(1, 5000) a`);
    await client.query(`INSERT INTO versions (article_id, number, title, text, content_hash, captured_at, extractor_version, change_kind)
      SELECT a.id, n, 'Story', 'Text ' || a.id || ' ' || n || ' about the budget', md5(a.id || '-' || n), '2024-05-0' || n || 'T08:00:00.000Z', 'test',
        CASE WHEN n = 1 THEN 'initial' ELSE 'substantive' END
      FROM articles a CROSS JOIN generate_series(1, 6) n WHERE a.url LIKE 'https://bulk.example/%' ORDER BY n, a.id`);
    await client.query(`INSERT INTO search_index (version_id, vector)
      SELECT id, palimpsest_version_tsvector(CASE WHEN number = 1 THEN title ELSE '' END, text) FROM versions
      WHERE id NOT IN (SELECT version_id FROM search_index)`);
    await client.query('ANALYZE');
  });
  afterAll(async () => {
    await client.end();
    await t.cleanup();
  });

  async function nodes(sql: string, params: unknown[]): Promise<string[]> {
    const r = await client.query<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    if (process.env.H4_DEBUG) console.log((await client.query(`EXPLAIN ${sql}`, params)).rows.map((x) => x['QUERY PLAN']).join('\n'));
    return planNodes(r.rows[0]!['QUERY PLAN'][0]!.Plan);
  }

  /** A tsquery expression for `q` with its parameters after `first` others. */
  function tsq(q: string, first: number): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const sql = tsQuerySql(terms(q), (v) => {
      params.push(v);
      return `$${first + params.length}`;
    });
    return { sql, params };
  }

  it('reads batches of matches and the figures of a page without reading versions sequentially', async () => {
    for (const word of ['minister', 'budget', 'nonexistentword']) {
      for (const withSource of [false, true]) {
        const fixed: unknown[] = [Number.MAX_SAFE_INTEGER, 200, ...(withSource ? [1] : [])];
        const q = tsq(word, fixed.length);
        const n = await nodes(pgCandidateSql(q.sql, withSource), [...fixed, ...q.params]);
        expect({ word, withSource, seq: n.filter((x) => /Seq Scan on (versions|search_index)/.test(x)) }).toEqual({ word, withSource, seq: [] });
      }
      const s = tsq(word, 1);
      const n = await nodes(pgStatsSql(s.sql), [[1, 2, 3], ...s.params]);
      expect(n).not.toContain('Seq Scan on versions');
      expect(n).not.toContain('Seq Scan on search_index');
    }
  });

  it('finds the articles of /api/articles?q= through the trigram and word indexes', async () => {
    const { articleQuery } = await import('../src/store/postgres/articles.js');
    for (const q of [{ search: 'bulk.example/12', limit: 20 }, { search: 'story-1', textSearch: terms('minister'), limit: 20 }]) {
      const { sql, params } = articleQuery(q);
      const n = await nodes(sql, params);
      expect(n).not.toContain('Seq Scan on versions');
      expect(n).not.toContain('Seq Scan on articles');
    }
    // A common word: the articles walked newest first, each one's versions looked up by key (never all matches).
    for (const q of [{ search: 'story-1', textSearch: terms('budget'), limit: 20 }, { textSearch: terms('text'), limit: 20, beforeId: 3000 }]) {
      const { sql, params } = articleQuery(q, 'scan');
      const n = await nodes(sql, params);
      expect(n.filter((x) => /Seq Scan|Bitmap Heap Scan on (search_index|articles)/.test(x))).toEqual([]);
    }
  });

  it('gives the same articles of /api/articles?q= in both shapes', async () => {
    const { articleQuery } = await import('../src/store/postgres/articles.js');
    for (const q of [{ search: 'story-1', textSearch: terms('minister'), limit: 100 }, { search: 'nowhere', textSearch: terms('"update 1"'), limit: 100 },
      { textSearch: terms('budget'), limit: 30, beforeId: 2000 }]) {
      const ids = async (shape: 'lists' | 'scan'): Promise<number[]> => {
        const { sql, params } = articleQuery(q, shape);
        return (await client.query<{ id: string }>(sql, params)).rows.map((r) => Number(r.id));
      };
      const lists = await ids('lists');
      expect(lists.length).toBeGreaterThan(5);
      expect(await ids('scan')).toEqual(lists);
    }
  });
});
