/**
 * Full-text search on PostgreSQL: the table `search_index` of migrations/postgres/0010 (one tsvector per version
 * that brought text: what a version brought is ../search-passages.ts), written here from the texts the store reads
 * through its own version-reading functions, with the text search functions of 0002. Search terms reach the
 * database only as bound parameters and become tsqueries through phraseto_tsquery (palimpsest_term_query), which
 * reads any text as words: no user input is ever parsed as tsquery syntax. Snippets are cut in JavaScript from the
 * texts of the page's hits (../search-snippet.ts), as on SQLite.
 */
import type { SearchHit, SearchQuery, SearchTerm, SearchTerms } from '../search-terms.js';
import type { Version } from '../types.js';
import { addedPassages, type IndexedPassages } from '../search-passages.js';
import { buildHit, HitCollector, SEARCH_BATCH, type ArticleMatchStats, type SearchCandidate } from '../search-collect.js';
import type pg from 'pg';
import { row, rows, run, type Db } from './db.js';
import { getArticle } from './articles.js';
import { getLatestVersion, getVersion, listVersions } from './versions.js';

/** Binds a value as the next query parameter and returns its placeholder ($n). */
export type Bind = (value: unknown) => string;

function termSql(t: SearchTerm, bind: Bind): string {
  // NUL cannot travel in a text parameter; parseSearch already drops control characters, callers building terms
  // by hand may not have.
  const text = t.text.replace(/\p{Cc}/gu, ' ');
  return `palimpsest_term_query(${bind(text)}::text, ${t.prefix ? 'true' : 'false'})`;
}

/**
 * The tsquery expression for parsed terms: the terms of a group ORed (||), the groups ANDed (&&), each term's
 * words a phrase (<->), a prefix term's last word with :*. A term without a word the parser keeps (a lone "½")
 * is an empty tsquery, which || and && drop; a query of nothing but those matches nothing.
 */
export function tsQuerySql(terms: SearchTerms, bind: Bind): string {
  return terms.groups.map((g) => `(${g.map((t) => termSql(t, bind)).join(' || ')})`).join(' && ');
}

/** A tsquery of parsed terms with its parameters, ready to be placed in a statement after `offset` other parameters. */
function tsQueryOf(terms: SearchTerms, first: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = tsQuerySql(terms, (v) => {
    params.push(v);
    return `$${first + params.length}`;
  });
  return { sql, params };
}

/**
 * One batch of matching rows below `before`, newest version first: the planner reads search_index's primary key
 * backwards, filtering by the vector (a common word), or the GIN index and sorts the few matches (a rare one).
 */
export function candidateSql(tsq: string, withSource: boolean): string {
  return `SELECT s.version_id, v.article_id, v.number FROM search_index s
    JOIN versions v ON v.id = s.version_id
    ${withSource ? 'JOIN articles a ON a.id = v.article_id AND a.source_id = $3' : ''}
    WHERE s.vector @@ (${tsq}) AND s.version_id < $1
    ORDER BY s.version_id DESC LIMIT $2`;
}

/**
 * The figures of some articles' matching rows: their versions read by article, each one's vector looked up in
 * search_index by key. A scalar subquery, not a join: joined, the planner reads every match of a common word through
 * the GIN index (a bitmap of them all) and hashes it against the page's versions, a cost that grows with the archive.
 */
export function statsSql(tsq: string): string {
  return `SELECT v.article_id, count(*)::int AS n, min(v.number) AS first_n, max(v.number) AS last_n, max(v.id) AS newest
    FROM versions v
    WHERE v.article_id = ANY($1::bigint[]) AND (SELECT s.vector FROM search_index s WHERE s.version_id = v.id) @@ (${tsq})
    GROUP BY v.article_id`;
}

/** Larger than any version id: "no cursor". */
const NO_BOUND = Number.MAX_SAFE_INTEGER;

async function candidates(db: Db, q: SearchQuery, before: number): Promise<SearchCandidate[]> {
  const fixed: unknown[] = [before, SEARCH_BATCH];
  if (q.sourceId !== undefined) fixed.push(q.sourceId);
  const t = tsQueryOf(q.terms, fixed.length);
  const r = await rows<{ version_id: number; article_id: number; number: number }>(db, candidateSql(t.sql, q.sourceId !== undefined), [...fixed, ...t.params]);
  return r.map((x) => ({ versionId: Number(x.version_id), articleId: Number(x.article_id), number: x.number }));
}

async function matchStats(db: Db, q: SearchQuery, ids: readonly number[]): Promise<ArticleMatchStats[]> {
  if (ids.length === 0) return [];
  const t = tsQueryOf(q.terms, 1);
  const r = await rows<{ article_id: number; n: number; first_n: number; last_n: number; newest: number }>(db, statsSql(t.sql), [ids, ...t.params]);
  return r.map((x) => ({ articleId: Number(x.article_id), count: x.n, first: x.first_n, last: x.last_n, newestId: Number(x.newest) }));
}

/**
 * Articles with a version that brought text matching the query, one hit per article (the newest such version),
 * ordered by that version's id, newest first: a stable keyset order for cursor pagination.
 */
export async function searchVersions(db: Db, q: SearchQuery): Promise<SearchHit[]> {
  const collector = new HitCollector(q);
  let before = q.beforeVersionId ?? NO_BOUND;
  while (!collector.full) {
    const batch = await candidates(db, q, before);
    collector.offer(batch);
    while (collector.waiting) collector.accept(await matchStats(db, q, collector.next()));
    if (batch.length < SEARCH_BATCH) break;
    before = batch[batch.length - 1]!.versionId;
  }
  const hits: SearchHit[] = [];
  for (const { candidate: c, stats } of collector.picked) {
    const [article, version, latest] = await Promise.all([getArticle(db, c.articleId), getVersion(db, c.articleId, c.number), getLatestVersion(db, c.articleId)]);
    if (!article || !version || !latest) continue;
    hits.push(buildHit(q, c, stats, { url: article.url, articleTitle: article.title, capturedAt: version.capturedAt, title: version.title, text: version.text, latest }));
  }
  return hits;
}

async function writeRow(db: Db, versionId: number, p: IndexedPassages | null): Promise<void> {
  if (p === null) {
    await run(db, 'DELETE FROM search_index WHERE version_id = $1', [versionId]);
    return;
  }
  await run(db, `INSERT INTO search_index (version_id, vector) VALUES ($1, palimpsest_version_tsvector($2, $3))
    ON CONFLICT (version_id) DO UPDATE SET vector = excluded.vector`, [versionId, p.title, p.text]);
}

/** The number of the version of `articleId` just before (`dir` -1) or after (+1) `number`, if any. */
async function neighbour(db: Db, articleId: number, number: number, dir: -1 | 1): Promise<number | null> {
  const r = await row<{ n: number | null }>(db, dir < 0
    ? 'SELECT max(number) AS n FROM versions WHERE article_id = $1 AND number < $2'
    : 'SELECT min(number) AS n FROM versions WHERE article_id = $1 AND number > $2', [articleId, number]);
  return r?.n ?? null;
}

/** (Re)writes the index row of version `number` of `articleId` from its text (`inHand` when the caller has it) and its predecessor's. */
export async function indexVersion(db: Db, articleId: number, number: number, inHand?: Version): Promise<void> {
  const cur = inHand ?? await getVersion(db, articleId, number);
  if (!cur) return;
  const p = await neighbour(db, articleId, number, -1);
  const prev = p === null ? null : await getVersion(db, articleId, p);
  await writeRow(db, cur.id, addedPassages(prev, cur));
}

/** After a version was inserted (the article's newest, with its text in hand): its row. Call inside the insert's transaction. */
export async function indexInserted(db: Db, v: Version): Promise<Version> {
  await indexVersion(db, v.articleId, v.number, v);
  return v;
}

/** After version `number` of `articleId` was written: its row and its successor's. Call inside the write's transaction. */
export async function indexVersionAt(db: Db, articleId: number, number: number): Promise<void> {
  await indexVersion(db, articleId, number);
  const next = await neighbour(db, articleId, number, 1);
  if (next !== null) await indexVersion(db, articleId, next);
}

async function placeOf(db: Db, versionId: number): Promise<{ article_id: number; number: number } | null> {
  return await row<{ article_id: number; number: number }>(db, 'SELECT article_id, number FROM versions WHERE id = $1', [versionId]) ?? null;
}

/** indexVersionAt for a version known by id. */
export async function indexAround(db: Db, versionId: number): Promise<void> {
  const at = await placeOf(db, versionId);
  if (at) await indexVersionAt(db, Number(at.article_id), at.number);
}

/** Deletes a version through `remove` (its row goes with it, ON DELETE CASCADE), then re-indexes its successor. */
export async function deleteIndexed(db: Db, versionId: number, remove: () => Promise<void>): Promise<void> {
  const at = await placeOf(db, versionId);
  await remove();
  if (!at) return;
  const next = await neighbour(db, Number(at.article_id), at.number, 1);
  if (next !== null) await indexVersion(db, Number(at.article_id), next);
}

async function articleIds(db: Db): Promise<number[]> {
  return (await rows<{ id: number }>(db, 'SELECT DISTINCT article_id AS id FROM versions ORDER BY article_id')).map((r) => Number(r.id));
}

async function articleRows(db: Db, articleId: number): Promise<Array<{ id: number; passages: IndexedPassages | null }>> {
  const versions = await listVersions(db, articleId);
  return versions.map((v, i) => ({ id: v.id, passages: addedPassages(i > 0 ? versions[i - 1]! : null, v) }));
}

/** The part of checkSearchIndex that reads no text (for the consistency check): the index built. */
export async function checkSearchIndexShape(db: Db): Promise<void> {
  if (await row(db, 'SELECT 1 FROM search_index_pending')) {
    throw new Error('store: the search index is still being built; open the database with this Palimpsest or rebuild the search index');
  }
}

/**
 * Checks that every version's row is what its text and its predecessor's give now (also after the text search
 * configuration or the unaccent rules changed); throws naming those that differ. Reads every text: for doctor.
 */
export async function checkSearchIndex(db: Db): Promise<void> {
  await checkSearchIndexShape(db);
  const wrong: number[] = [];
  for (const a of await articleIds(db)) {
    const expected = await articleRows(db, a);
    const ids = expected.map((r) => r.id);
    const stored = new Map((await rows<{ id: number; same: boolean }>(db, `SELECT s.version_id AS id,
        s.vector = palimpsest_version_tsvector(e.title, e.text) AS same
      FROM search_index s JOIN unnest($1::bigint[], $2::text[], $3::text[]) AS e (id, title, text) ON e.id = s.version_id`,
    [ids, expected.map((r) => r.passages?.title ?? ''), expected.map((r) => r.passages?.text ?? '')])).map((r) => [Number(r.id), r.same]));
    for (const r of expected) if ((r.passages !== null) !== stored.has(r.id) || stored.get(r.id) === false) wrong.push(r.id);
  }
  if (wrong.length > 0) {
    throw new Error(`store: the search index of version${wrong.length > 1 ? 's' : ''} ${wrong.slice(0, 10).join(', ')}${wrong.length > 10 ? ', …' : ''} `
      + 'differs from their texts (the text search configuration changed?); rebuild the search index');
  }
}

/** Rewrites every row of the search index from the texts (after a restore, a configuration change, or migration 0010). */
export async function rebuildSearchIndex(db: Db): Promise<void> {
  await run(db, 'DELETE FROM search_index');
  for (const a of await articleIds(db)) for (const r of await articleRows(db, a)) await writeRow(db, r.id, r.passages);
  await run(db, 'DELETE FROM search_index_pending');
}

/**
 * Builds the index of a database migrated to 0010 with versions in it (see that migration), in one transaction
 * holding the marker's row: a second process opening the database meanwhile waits, then finds nothing to do.
 */
export async function finishPendingIndex(pool: pg.Pool): Promise<void> {
  if (!(await row(pool, 'SELECT 1 FROM search_index_pending'))) return;
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error): void => { broken = err; }; // a cut connection fails the next query, not the process
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    try {
      if (await row(client, 'SELECT 1 FROM search_index_pending FOR UPDATE')) await rebuildSearchIndex(client);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** The index's rows and the word positions their vectors hold. */
export async function searchIndexSize(db: Db): Promise<{ rows: number; words: number }> {
  const r = await row<{ rows: string; words: string | null }>(db, `SELECT count(*) AS rows,
      (SELECT sum(coalesce(array_length(u.positions, 1), 1)) FROM search_index s2, unnest(s2.vector) u) AS words
    FROM search_index`);
  return { rows: Number(r?.rows ?? 0), words: Number(r?.words ?? 0) };
}
