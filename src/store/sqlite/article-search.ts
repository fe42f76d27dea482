/**
 * The `q` of /api/articles on SQLite (`search`: a part of the URL or current title; `textSearch`: words of any
 * version), answered through the indexes instead of a LIKE '%q%' over every article, at a cost set by the page.
 *
 * Two shapes, chosen per query by how many matches there are. 'lists': the trigram index's matching articles and
 * the word index's matching rows are few (at most Q_MATCHES_CAP each), so they are read whole and the articles
 * looked up by key, as a condition of the article query. 'scan': one of them is common, so the articles (with the
 * other filters) are read newest first in growing chunks, and each chunk is checked at once: its articles' rows of
 * the trigram index and its versions' rows of the word index are read as one rowid window each (articles and their
 * versions sit close together in id), never one index lookup per version; reading stops when the page is full. A
 * `search` of fewer than three characters (no trigram to look up) is checked with LIKE on the chunk's rows. The word
 * index knows words, not their order: with a quoted phrase, the rows found are checked against the texts (RowCheck).
 */
import { stmt, type Db } from './db.js';
import type { ArticleQuery } from '../types.js';
import { hasPhrase } from '../search-snippet.js';
import { articleRows, ftsQuery, RowCheck } from './search-query.js';

/** How `q` joins the article query (see the module comment). */
export type QShape = 'none' | 'lists' | 'scan';

/** Most matches of either index read whole before the scan is preferred. */
export const Q_MATCHES_CAP = 2000;

/** The first chunk of a scan is the page; each next one twice the last, up to this. */
export const SCAN_CHUNK_MAX = 800;

/** Whether the trigram index can find `s` as a part of a URL or title: it needs three characters. */
const trigramable = (s: string): boolean => [...s].length >= 3;

/** The trigram query for a part of a URL or title: one quoted string (FTS5 finds it as a substring). */
const trigramQuery = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** `s` as a LIKE pattern finding it anywhere. */
const likePattern = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The condition on `articles` of this shape (fixed fragments, no user text); the scan checks its chunks apart. */
export function qConditionSql(shape: QShape): string | null {
  if (shape !== 'lists') return null;
  return `id IN (SELECT value FROM json_each(@trigramIds)
      UNION ALL SELECT v.article_id FROM json_each(@rowIds) j JOIN versions v ON v.id = j.value)`;
}

function capped(db: Db, sql: string, match: string): number[] {
  return (stmt(db, sql).all({ match, cap: Q_MATCHES_CAP + 1 }) as Array<{ id: number }>).map((r) => r.id);
}

/** Chooses the shape of `q` and sets the lists' parameters in `params`. */
export function prepareQ(db: Db, q: Pick<ArticleQuery, 'search' | 'textSearch'>, params: Record<string, unknown>): QShape {
  if (!q.search && q.textSearch === undefined) return 'none';
  const trigram = q.search && trigramable(q.search) ? trigramQuery(q.search) : null;
  const fts = q.textSearch === undefined ? null : ftsQuery(q.textSearch);
  const trigramIds = trigram === null ? [] : capped(db, 'SELECT rowid AS id FROM articles_trigram WHERE articles_trigram MATCH @match LIMIT @cap', trigram);
  const rowIds = fts === null ? [] : capped(db, 'SELECT rowid AS id FROM search_index WHERE search_index MATCH @match LIMIT @cap', fts);
  const lists = !(q.search && trigram === null) && trigramIds.length <= Q_MATCHES_CAP && rowIds.length <= Q_MATCHES_CAP;
  if (!lists) return 'scan';
  params.trigramIds = JSON.stringify(trigramIds);
  params.rowIds = JSON.stringify(rowIds);
  return 'lists';
}

/** The articles of the trigram index between two ids that hold `match` (a window: one seek, no lookup per article). */
export const TRIGRAM_WINDOW_SQL = `SELECT rowid AS id FROM articles_trigram
    WHERE articles_trigram MATCH @match AND rowid >= @lo AND rowid <= @hi`;

/** Those of some articles whose URL or current title holds a LIKE pattern. */
const LIKE_SQL = `SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(@ids))
    AND (url LIKE @like ESCAPE '\\' OR title LIKE @like ESCAPE '\\')`;

/** Of the articles `ids`, those whose URL or current title holds `search`. */
function urlTitleHits(db: Db, search: string, ids: readonly number[]): Set<number> {
  if (!trigramable(search)) {
    return new Set((stmt(db, LIKE_SQL).all({ ids: JSON.stringify(ids), like: likePattern(search) }) as Array<{ id: number }>).map((r) => r.id));
  }
  // Bounds as BigInt: FTS5 ignores a rowid bound that arrives as a float.
  const rows = stmt(db, TRIGRAM_WINDOW_SQL).all({ match: trigramQuery(search), lo: BigInt(Math.min(...ids)), hi: BigInt(Math.max(...ids)) }) as Array<{ id: number }>;
  const wanted = new Set(ids);
  return new Set(rows.map((r) => r.id).filter((id) => wanted.has(id)));
}

/**
 * Of the articles `ids`, those with the part of a URL or title of `q`, or a version whose index row holds `q`'s
 * words (its phrases in order, within the budget of `check`).
 */
function chunkHits(db: Db, q: Pick<ArticleQuery, 'search' | 'textSearch'>, ids: readonly number[], check: RowCheck | null): Set<number> {
  if (ids.length === 0) return new Set();
  const hits = q.search ? urlTitleHits(db, q.search, ids) : new Set<number>();
  if (q.textSearch === undefined || check === null) return hits;
  const rest = ids.filter((id) => !hits.has(id));
  for (const r of articleRows(db, ftsQuery(q.textSearch), rest, check)) hits.add(r.articleId);
  return hits;
}

/**
 * The articles of `q`, newest id first from `q.beforeId` on, at most `limit`: the rows of `page` (the article query
 * with the other filters, and with the lists' condition in that shape) read in growing chunks and kept when they hold
 * `q` (chunkHits). In the 'lists' shape without a phrase, the page's rows are the answer as they are.
 */
export function articlesMatchingQ<T extends { id: number }>(db: Db, q: Pick<ArticleQuery, 'search' | 'textSearch' | 'beforeId'>, shape: QShape,
  limit: number, page: (beforeId: number | undefined, limit: number) => T[]): T[] {
  const phrase = q.textSearch !== undefined && hasPhrase(q.textSearch);
  if (shape === 'none' || (shape === 'lists' && !phrase)) return page(q.beforeId, limit);
  const check = q.textSearch === undefined ? null : new RowCheck(db, q.textSearch);
  const out: T[] = [];
  let before = q.beforeId;
  let chunk = limit;
  while (out.length < limit && !(check?.exhausted ?? false)) {
    const rows = page(before, chunk);
    const hits = chunkHits(db, q, rows.map((r) => r.id), check);
    for (const r of rows) {
      if (out.length >= limit) break;
      if (hits.has(r.id)) out.push(r);
    }
    if (rows.length < chunk) break;
    before = rows[rows.length - 1]!.id;
    chunk = Math.min(SCAN_CHUNK_MAX, chunk * 2);
  }
  return out;
}
