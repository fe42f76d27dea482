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
import { ARTICLE_ROWS_SQL, candidateSql, ftsQuery } from '../src/store/sqlite/search-query.js';
import { articleQuerySql } from '../src/store/sqlite/articles.js';

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

  it("reads the page's figures by article, each version looked up in the index by rowid", () => {
    const p = plan(ARTICLE_ROWS_SQL, { fts: ftsQuery(terms('minister')), ids: '[1,2]' });
    expect(p).toMatch(/SEARCH v USING (COVERING )?INDEX \w+ \(article_id=\?\)/);
    expect(p).toMatch(/SCAN f EXISTS VIRTUAL TABLE INDEX 0:=M/);
    expect(p).not.toMatch(/SCAN (v|versions)\b/);
  });

  it('finds the articles of /api/articles?q= through the indexes, not a scan of every article', () => {
    for (const extra of [{}, { beforeId: 10 }, { sourceId: 1 }]) {
      const q = { search: 'story', textSearch: terms('minister'), ...extra };
      const p = plan(articleQuerySql(q, 'lists'), { trigramIds: '[1]', rowIds: '[1,2]', limit: 20, ...extra });
      expect(p).toMatch(/SEARCH articles USING (INTEGER PRIMARY KEY|INDEX articles_source) \(.*rowid=\?\)/);
      expect(p).not.toMatch(/SCAN (articles|versions|v)\b|TEMP B-TREE/);
    }
    // The common-word shape walks the articles newest first (stopping at the limit), each looked up by rowid.
    const scan = plan(articleQuerySql({ search: 'story', textSearch: terms('minister') }, 'scan'), { trigram: '"story"', fts: ftsQuery(terms('minister')), limit: 20 });
    expect(scan).toMatch(/SCAN t VIRTUAL TABLE INDEX 0:=M/);
    expect(scan).toMatch(/SEARCH v USING COVERING INDEX versions_article_id/);
    expect(scan).not.toMatch(/TEMP B-TREE|LIKE/);
  });

  it('gives the same articles in both shapes', async () => {
    const { queryArticles } = await import('../src/store/sqlite/articles.js');
    const { Q_MATCHES_CAP } = await import('../src/store/sqlite/article-search.js');
    expect(Q_MATCHES_CAP).toBeGreaterThan(100);
    // Few matches: the lists. Both shapes give the definition's rows (the scan's SQL run directly).
    for (const q of [{ search: 'story-1', textSearch: terms('minister') }, { search: 'story-3', textSearch: terms('"update 1"') }]) {
      const got = queryArticles(db, { ...q, limit: 100 }).map((a) => a.id);
      const scanned = (db.prepare(articleQuerySql(q, 'scan')).all({ trigram: `"${q.search}"`, fts: ftsQuery(q.textSearch), limit: 100 }) as Array<{ id: number }>).map((r) => r.id);
      expect(got.length).toBeGreaterThan(5);
      expect(got).toEqual(scanned);
    }
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
  });
});
