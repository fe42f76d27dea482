/**
 * The query shapes of feeds, change lists and the home page's stream (issue 14): every combination of filters gives
 * the same rows as the definition (checked on the test's backend against a model of what was stored), and on SQLite
 * the plans of one article's feed state, one article's or one source's changes and the recent articles use indexes
 * instead of scanning every version or sorting every article.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Store } from '../src/store/index.js';
import type { ChangeKind, ChangeQuery } from '../src/store/types.js';
import { feedStateSql, RECENT_ARTICLES_SQL } from '../src/store/sqlite/web-queries.js';
import { changesSql } from '../src/store/sqlite/versions.js';
import { feedStateQuery, RECENT_ARTICLES_SQL as PG_RECENT_SQL } from '../src/store/postgres/web-queries.js';
import { testBackend, tmpStore, type TmpStore } from './helpers/tmp.js';

interface Stored { id: number; articleId: number; number: number; capturedAt: string; kind: ChangeKind }
interface Seeded { sources: number[]; articles: Array<{ id: number; sourceId: number | null; firstSeen: string; lastChanged: string | null }>; versions: Stored[] }

const T0 = Date.parse('2024-05-01T08:00:00.000Z');
const iso = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

/**
 * Twelve articles over two sources (and none), 0-5 versions each, captured interleaved across articles so that ids
 * do not follow articles, some minor; two articles share their last change (a tie the order breaks by id).
 */
async function seed(store: Store): Promise<Seeded> {
  const out: Seeded = { sources: [], articles: [], versions: [] };
  await store.transaction(async (tx) => {
    for (const slug of ['river', 'hill']) out.sources.push((await tx.insertSource({ slug, name: slug, kind: 'manual', config: {} }, iso(0))).id);
    for (let a = 0; a < 12; a++) {
      const sourceId = a % 3 === 2 ? null : out.sources[a % 3]!;
      const { article } = await tx.insertArticle(`https://news.example/story-${a}`, iso(a), sourceId);
      out.articles.push({ id: article.id, sourceId, firstSeen: iso(a), lastChanged: null });
    }
    for (let round = 0; round < 5; round++) {
      for (const [a, art] of out.articles.entries()) {
        if (round >= a % 6) continue;
        const number = round + 1;
        // Articles 4 and 10 end on the same minute: their order in the stream falls to the id.
        const at = iso(a === 10 && round === 3 ? 1000 + 3 * 100 + 4 * 10 + 3 : 1000 + round * 100 + a * 10 + (a === 4 ? 3 : 0));
        const kind: ChangeKind = number === 1 ? 'initial' : (a + round) % 3 === 0 ? 'minor' : 'substantive';
        const v = await tx.insertVersion({
          articleId: art.id, title: `Story ${a} v${number}`, byline: null, publishedAt: null, text: `Text ${a} ${number}`,
          contentHash: `h${a}-${number}`, capturedAt: at, responseId: null, extractorVersion: 'test', wordsAdded: 1,
          wordsRemoved: 0, stats: null, metadata: {}, changeKind: kind,
        });
        await tx.recordChanged(art.id, at, `Story ${a} v${number}`, iso(5000), 60, { etag: null, lastModified: null, bodySha256: null });
        art.lastChanged = at;
        out.versions.push({ id: v.id, articleId: art.id, number, capturedAt: at, kind });
      }
    }
  });
  return out;
}

/** The versions a change query or feed state covers, by its definition, newest id first. */
function matching(s: Seeded, q: Omit<ChangeQuery, 'limit'>): Stored[] {
  const source = new Map(s.articles.map((a) => [a.id, a.sourceId]));
  return s.versions
    .filter((v) => (q.articleId === undefined || v.articleId === q.articleId)
      && (q.sourceId === undefined || source.get(v.articleId) === q.sourceId)
      && (!q.changesOnly || v.number > 1) && (q.includeMinor || v.kind !== 'minor')
      && (q.beforeId === undefined || v.id < q.beforeId))
    .sort((x, y) => y.id - x.id);
}

describe('query shapes of feeds, changes and the recent stream', () => {
  let t: TmpStore;
  let s: Seeded;

  beforeAll(async () => {
    t = await tmpStore();
    s = await seed(t.store);
  });
  afterAll(async () => t.cleanup());

  it('gives the rows of the definition for every combination of filters', async () => {
    const some = s.articles[5]!.id;
    const middle = s.versions.map((v) => v.id).sort((x, y) => x - y)[Math.floor(s.versions.length / 2)]!;
    let shapes = 0;
    for (const articleId of [undefined, some, s.articles[2]!.id]) {
      for (const sourceId of [undefined, s.sources[0]!, s.sources[1]!]) {
        for (const changesOnly of [false, true]) {
          for (const includeMinor of [false, true]) {
            const want = matching(s, { articleId, sourceId, changesOnly, includeMinor });
            expect(await t.store.getFeedState({ articleId, sourceId, changesOnly, includeMinor })).toEqual({
              maxVersionId: want[0]?.id ?? null,
              count: want.length,
              newestCapturedAt: want.length > 0 ? want.map((v) => v.capturedAt).sort().at(-1) : null,
            });
            for (const beforeId of [undefined, middle]) {
              for (const limit of [3, 100]) {
                const q = { articleId, sourceId, changesOnly, includeMinor, beforeId };
                const got = await t.store.listChanges({ ...q, limit });
                expect(got.map((c) => c.id)).toEqual(matching(s, q).slice(0, limit).map((v) => v.id));
                shapes++;
              }
            }
          }
        }
      }
    }
    expect(shapes).toBe(144);
    // The combinations are not all empty: the test would pass on a store that finds nothing.
    expect((await t.store.listChanges({ sourceId: s.sources[0]!, changesOnly: true, limit: 100 })).length).toBeGreaterThan(3);
  });

  it('lists recent articles by last change (or first sighting), ties by id, newest first', async () => {
    const key = (a: Seeded['articles'][number]): string => a.lastChanged ?? a.firstSeen;
    const want = [...s.articles].sort((x, y) => (key(x) < key(y) ? 1 : key(x) > key(y) ? -1 : y.id - x.id)).map((a) => a.id);
    expect(want.indexOf(s.articles[10]!.id)).toBe(want.indexOf(s.articles[4]!.id) - 1);
    expect((await t.store.listRecentArticles(100)).map((a) => a.id)).toEqual(want);
    expect((await t.store.listRecentArticles(5)).map((a) => a.id)).toEqual(want.slice(0, 5));
  });
});

const describeSqlite = testBackend() === 'sqlite' ? describe : describe.skip;

describeSqlite('SQLite query plans', () => {
  let t: TmpStore;
  let db: Database.Database;

  beforeAll(async () => {
    t = await tmpStore();
    await seed(t.store);
    db = new Database(t.target, { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await t.cleanup();
  });

  const plan = (sql: string, params: Record<string, unknown> | unknown[]): string[] =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail);

  it("reads one article's feed state through an index", () => {
    for (const changesOnly of [false, true]) {
      const p = plan(feedStateSql({ articleId: 1, changesOnly }), { articleId: 1 });
      expect(p.join('\n')).toMatch(/SEARCH v USING (COVERING )?INDEX versions_article_id \(article_id=\?\)/);
      expect(p.join('\n')).not.toMatch(/SCAN/);
    }
    const bySource = plan(feedStateSql({ sourceId: 1, changesOnly: true }), { sourceId: 1 }).join('\n');
    expect(bySource).toMatch(/SEARCH a USING COVERING INDEX articles_source/);
    expect(bySource).not.toMatch(/SCAN/);
  });

  it("reads one article's changes newest first from an index, without sorting", () => {
    for (const q of [{ articleId: 1, changesOnly: false }, { articleId: 1, changesOnly: true, beforeId: 9 }]) {
      const p = plan(changesSql(q), { articleId: 1, limit: 20, ...(q.beforeId ? { beforeId: 9 } : {}) }).join('\n');
      expect(p).toMatch(/SEARCH v USING INDEX versions_article_id \(article_id=\?/);
      expect(p).not.toMatch(/SCAN|TEMP B-TREE/);
    }
  });

  it("reads a source's and a page's changes in id order, stopping at the limit", () => {
    const source = plan(changesSql({ sourceId: 1, changesOnly: true }), { sourceId: 1, limit: 20 }).join('\n');
    expect(source).not.toMatch(/TEMP B-TREE/);
    const page = plan(changesSql({ changesOnly: true, beforeId: 9 }), { beforeId: 9, limit: 20 }).join('\n');
    expect(page).toMatch(/SEARCH v USING INTEGER PRIMARY KEY \(rowid<\?\)/);
    expect(page).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  it('reads the recent articles from the articles_recent index, without sorting', () => {
    const p = plan(RECENT_ARTICLES_SQL, [30]).join('\n');
    expect(p).toMatch(/articles_recent/);
    expect(p).not.toMatch(/TEMP B-TREE/);
  });
});

const describePostgres = testBackend() === 'postgres' ? describe : describe.skip;

/** The node types and relations of a PostgreSQL plan (EXPLAIN (FORMAT JSON)), depth first. */
function planNodes(node: Record<string, unknown>): string[] {
  const here = `${String(node['Node Type'])}${node['Relation Name'] ? ` on ${String(node['Relation Name'])}` : ''}`;
  const kids = (node.Plans as Array<Record<string, unknown>> | undefined) ?? [];
  return [here, ...kids.flatMap(planNodes)];
}

describePostgres('PostgreSQL query plans', () => {
  let t: TmpStore;
  let client: pg.Client;

  beforeAll(async () => {
    t = await tmpStore();
    client = new pg.Client({ connectionString: t.target });
    await client.connect();
    // 600 articles of 8 versions each: enough that the planner prefers an index to reading the whole table.
    await client.query(`INSERT INTO articles (url, first_seen, next_check, version_count)
      SELECT 'https://news.example/' || a, '2024-05-01T08:00:00.000Z', '2024-06-01T08:00:00.000Z', 8 FROM generate_series(1, 600) a`);
    await client.query(`INSERT INTO versions (article_id, number, title, text, content_hash, captured_at, extractor_version, change_kind)
      SELECT a.id, n, 'Story', 'Text ' || a.id || ' ' || n, md5(a.id || '-' || n), '2024-05-0' || n || 'T08:00:00.000Z', 'test',
        CASE WHEN n = 1 THEN 'initial' ELSE 'substantive' END
      FROM articles a CROSS JOIN generate_series(1, 8) n ORDER BY n, a.id`);
    await client.query('ANALYZE');
  });
  afterAll(async () => {
    await client.end();
    await t.cleanup();
  });

  it("reads one article's feed state through an index, not a scan of every version", async () => {
    const { rows: [one] } = await client.query<{ id: number }>('SELECT id FROM articles ORDER BY id LIMIT 1 OFFSET 300');
    for (const changesOnly of [false, true]) {
      const { sql, params } = feedStateQuery({ articleId: Number(one!.id), changesOnly });
      const r = await client.query<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      const nodes = planNodes(r.rows[0]!['QUERY PLAN'][0]!.Plan);
      expect(nodes).not.toContain('Seq Scan on versions');
      expect(nodes.some((n) => /Index|Bitmap Heap Scan on versions/.test(n))).toBe(true);
    }
  });

  it('reads the recent articles from the articles_recent index, without sorting', async () => {
    const r = await client.query<{ 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> }>(`EXPLAIN (FORMAT JSON) ${PG_RECENT_SQL}`, [30]);
    const nodes = planNodes(r.rows[0]!['QUERY PLAN'][0]!.Plan);
    expect(nodes).toContain('Index Scan on articles');
    expect(nodes).not.toContain('Sort');
    expect(JSON.stringify(r.rows[0])).toContain('articles_recent');
  });
});
