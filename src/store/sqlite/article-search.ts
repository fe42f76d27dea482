/**
 * The `q` of /api/articles on SQLite (`search`: a part of the URL or current title; `textSearch`: words of any
 * version), as a condition of the article query that an index serves instead of a LIKE '%q%' over every article.
 *
 * Two shapes, chosen per query by how many matches there are. 'lists': the trigram index's matching articles and
 * the word index's matching rows are few (at most Q_MATCHES_CAP each), so they are read whole and the articles
 * looked up by key. 'scan': one of them is common, so the articles are walked newest first (the query's order) and
 * each one looked up in the indexes by rowid, which meets a match early; the LIMIT stops the walk. A `search` of
 * fewer than three characters (no trigram to look up) takes the scan, with LIKE. The word index knows words, not
 * their order: with a quoted phrase, the articles found are checked (checkedArticles).
 */
import { stmt, type Db } from './db.js';
import type { ArticleQuery } from '../types.js';
import { hasPhrase } from '../search-snippet.js';
import { articleRows, ftsQuery, RowCheck } from './search-query.js';

/** How `q` joins the article query (see the module comment). */
export type QShape = 'none' | 'lists' | 'scan';

/** Most matches of either index read whole before the scan is preferred. */
export const Q_MATCHES_CAP = 5000;

/** Whether the trigram index can find `s` as a part of a URL or title: it needs three characters. */
const trigramable = (s: string): boolean => [...s].length >= 3;

/** The trigram query for a part of a URL or title: one quoted string (FTS5 finds it as a substring). */
const trigramQuery = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** The condition on `articles` of this shape (fixed fragments, no user text). */
export function qConditionSql(q: Pick<ArticleQuery, 'search' | 'textSearch'>, shape: QShape): string | null {
  if (shape === 'none') return null;
  if (shape === 'lists') {
    return `id IN (SELECT value FROM json_each(@trigramIds)
      UNION ALL SELECT v.article_id FROM json_each(@rowIds) j JOIN versions v ON v.id = j.value)`;
  }
  const either: string[] = [];
  if (q.search && trigramable(q.search)) {
    either.push('EXISTS (SELECT 1 FROM articles_trigram t WHERE articles_trigram MATCH @trigram AND t.rowid = articles.id)');
  } else if (q.search) {
    either.push(`url LIKE @search ESCAPE '\\'`, `title LIKE @search ESCAPE '\\'`);
  }
  if (q.textSearch !== undefined) {
    either.push(`EXISTS (SELECT 1 FROM versions v WHERE v.article_id = articles.id
      AND EXISTS (SELECT 1 FROM search_index f WHERE search_index MATCH @fts AND f.rowid = v.id))`);
  }
  return `(${either.join(' OR ')})`;
}

function capped(db: Db, sql: string, match: string): number[] {
  return (stmt(db, sql).all({ match, cap: Q_MATCHES_CAP + 1 }) as Array<{ id: number }>).map((r) => r.id);
}

/** Chooses the shape of `q` and sets its parameters in `params`. */
export function prepareQ(db: Db, q: Pick<ArticleQuery, 'search' | 'textSearch'>, params: Record<string, unknown>): QShape {
  if (!q.search && q.textSearch === undefined) return 'none';
  const trigram = q.search && trigramable(q.search) ? trigramQuery(q.search) : null;
  const fts = q.textSearch === undefined ? null : ftsQuery(q.textSearch);
  const trigramIds = trigram === null ? [] : capped(db, 'SELECT rowid AS id FROM articles_trigram WHERE articles_trigram MATCH @match LIMIT @cap', trigram);
  const rowIds = fts === null ? [] : capped(db, 'SELECT rowid AS id FROM search_index WHERE search_index MATCH @match LIMIT @cap', fts);
  const lists = !(q.search && trigram === null) && trigramIds.length <= Q_MATCHES_CAP && rowIds.length <= Q_MATCHES_CAP;
  if (lists) {
    params.trigramIds = JSON.stringify(trigramIds);
    params.rowIds = JSON.stringify(rowIds);
    return 'lists';
  }
  if (trigram !== null) params.trigram = trigram;
  else if (q.search) params.search = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  if (fts !== null) params.fts = fts;
  return 'scan';
}

/** Whether article `id` has `q`'s part of a URL or title, or a row holding `q`'s words with its phrases in order. */
function articleHolds(db: Db, q: Pick<ArticleQuery, 'search' | 'textSearch'>, id: number, check: RowCheck): boolean {
  if (q.search && trigramable(q.search)) {
    const hit = stmt(db, 'SELECT 1 FROM articles_trigram t WHERE articles_trigram MATCH @match AND t.rowid = @id').get({ match: trigramQuery(q.search), id });
    if (hit !== undefined) return true;
  } else if (q.search) {
    const like = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    if (stmt(db, `SELECT 1 FROM articles WHERE id = @id AND (url LIKE @like ESCAPE '\\' OR title LIKE @like ESCAPE '\\')`).get({ id, like }) !== undefined) return true;
  }
  return q.textSearch !== undefined && articleRows(db, ftsQuery(q.textSearch), [id], check).length > 0;
}

/**
 * The articles of a `q` holding a phrase: the query (`page`, newest id first from `beforeId` on) finds those whose
 * rows hold the phrase's words, in any order; an article is kept when it has the part of a URL or title, or a row
 * with the words in order. Pages are read until `limit` articles are kept, the articles run out, or the budget of
 * row checks does.
 */
export function checkedArticles<T extends { id: number }>(db: Db, q: Pick<ArticleQuery, 'search' | 'textSearch' | 'beforeId'>, limit: number,
  page: (beforeId: number | undefined) => T[]): T[] {
  const check = new RowCheck(db, q.textSearch!);
  const out: T[] = [];
  let before = q.beforeId;
  while (out.length < limit && !check.exhausted) {
    const rows = page(before);
    for (const r of rows) {
      if (out.length >= limit) break;
      if (articleHolds(db, q, r.id, check)) out.push(r);
    }
    if (rows.length < limit) break;
    before = rows[rows.length - 1]!.id;
  }
  return out;
}

/** Whether `q` needs its articles checked for phrases (checkedArticles). */
export function needsPhraseCheck(q: Pick<ArticleQuery, 'textSearch'>): boolean {
  return q.textSearch !== undefined && hasPhrase(q.textSearch);
}
