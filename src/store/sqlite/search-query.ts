/**
 * Searching the SQLite index (./search.ts). The index is detail=none: it knows which rows hold a word, not where, so
 * a quoted phrase is looked up by its words and each row found is then checked for the words in order, in what
 * that version brought (read back through the store's version-reading functions). Queries without a phrase need
 * no check. The checks of one request are bounded (MAX_ROW_CHECKS): a phrase whose words often meet but seldom in
 * order stops there, with the results found so far. The figures of a page's articles (how many of their versions
 * match, the first and the last) come from one rowid window of the index (matchingIds), not one lookup per version:
 * each lookup seeks the word's doclists again, which grows with the index's segments (0.1-0.9 ms each at 100,000
 * versions, a page's 200 versions costing 180 ms).
 */
import type { SearchHit, SearchQuery, SearchTerm, SearchTerms } from '../search-terms.js';
import { buildHit, HitCollector, SEARCH_BATCH, type ArticleMatchStats, type SearchCandidate } from '../search-collect.js';
import { hasPhrase, matchesAll, termWordsAsTyped } from '../search-snippet.js';
import { stmt, type Db } from './db.js';
import { getArticle } from './articles.js';
import { getLatestVersion, getVersion } from './versions.js';
import { passagesOf } from './search.js';

/** Most rows checked for a phrase in one request. */
export const MAX_ROW_CHECKS = 2000;

const quoteWord = (w: string, prefix: boolean): string => `"${w.replace(/"/g, '""')}"${prefix ? '*' : ''}`;

function termFts(t: SearchTerm): string {
  const words = termWordsAsTyped(t);
  if (words.length <= 1) return quoteWord(words[0] ?? t.text, t.prefix);
  return `(${words.map((w, i) => quoteWord(w, t.prefix && i === words.length - 1)).join(' AND ')})`;
}

/**
 * The FTS5 query for parsed terms: each word a quoted FTS5 string (a phrase's words ANDed, its last one a prefix
 * when the term is); OR groups parenthesised; groups ANDed.
 */
export function ftsQuery(terms: SearchTerms): string {
  return terms.groups.map((g) => (g.length === 1 ? termFts(g[0]!) : `(${g.map(termFts).join(' OR ')})`)).join(' AND ');
}

/** Whether rows must be checked for phrases, and the budget of checks left. */
export class RowCheck {
  private left = MAX_ROW_CHECKS;
  readonly needed: boolean;

  constructor(private readonly db: Db, private readonly terms: SearchTerms) {
    this.needed = hasPhrase(terms);
  }

  /** Whether what version `number` of `articleId` brought holds the query, phrases in order (always true without a phrase). */
  holds(articleId: number, number: number): boolean {
    if (!this.needed) return true;
    if (this.left <= 0) return false;
    this.left--;
    const p = passagesOf(this.db, articleId, number)?.passages;
    return p !== undefined && p !== null && matchesAll(this.terms, p.title, p.text);
  }

  /** Whether the budget ran out. */
  get exhausted(): boolean {
    return this.left <= 0;
  }
}

/** Larger than any rowid: "no cursor" as a bound the FTS5 rowid range takes. */
const NO_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * One batch of matching rows below `before`, newest version first. CROSS JOIN keeps the index the outer loop: FTS5
 * returns its rowids in descending order itself, so the batch costs its LIMIT, not the number of matches.
 */
export function candidateSql(withSource: boolean): string {
  return `SELECT f.rowid AS version_id, v.article_id, v.number FROM search_index f
    CROSS JOIN versions v ON v.id = f.rowid
    ${withSource ? 'CROSS JOIN articles a ON a.id = v.article_id' : ''}
    WHERE search_index MATCH @fts AND f.rowid < @before ${withSource ? 'AND a.source_id = @sourceId' : ''}
    ORDER BY f.rowid DESC LIMIT @batch`;
}

/** The versions of some articles (by the versions_article_id index). */
export const ARTICLE_VERSIONS_SQL = `SELECT v.article_id, v.id, v.number FROM versions v
    WHERE v.article_id IN (SELECT value FROM json_each(@ids))`;

/**
 * The matching rows of the index between two rowids, newest first, at most @cap: one walk along the doclists (the
 * rowid range is a seek), where a lookup per version would seek again for every version (tens of microseconds each,
 * more as segments grow). Bounds are bound as BigInt: FTS5 ignores a rowid bound that arrives as a float.
 */
export const WINDOW_SQL = `SELECT rowid AS id FROM search_index
    WHERE search_index MATCH @fts AND rowid >= @lo AND rowid <= @hi ORDER BY rowid DESC LIMIT @cap`;

/** Which of some versions hold the query: each looked up in the index by rowid (the rest below a full window). */
export const PROBE_SQL = `SELECT v.id FROM versions v
    WHERE v.id IN (SELECT value FROM json_each(@ids))
      AND EXISTS (SELECT 1 FROM search_index f WHERE search_index MATCH @fts AND f.rowid = v.id)`;

/**
 * Most index rows the window of matchingIds reads. An article's versions sit close together in id (captured over
 * its days of change), so a page's articles and their versions span a narrow window of the newest-first index; the
 * window's cost is its rows, not the archive's. A page reaching far back (a live page changed for months) has the
 * versions below the window looked up one by one.
 */
export const WINDOW_ROWS = 3000;

/** Of `versions` (ids), those whose index row holds the query's words (see WINDOW_SQL; `cap`: the window's rows). */
export function matchingIds(db: Db, fts: string, versions: readonly number[], cap = WINDOW_ROWS): Set<number> {
  const out = new Set<number>();
  if (versions.length === 0) return out;
  let lo = Infinity;
  let hi = -Infinity;
  for (const id of versions) {
    lo = Math.min(lo, id);
    hi = Math.max(hi, id);
  }
  const window = (stmt(db, WINDOW_SQL).all({ fts, lo: BigInt(lo), hi: BigInt(hi), cap }) as Array<{ id: number }>).map((r) => r.id);
  const wanted = new Set(versions);
  for (const id of window) if (wanted.has(id)) out.add(id);
  if (window.length < cap) return out;
  const floor = window[window.length - 1]!;
  const below = versions.filter((id) => id < floor);
  if (below.length > 0) {
    for (const r of stmt(db, PROBE_SQL).all({ fts, ids: JSON.stringify(below) }) as Array<{ id: number }>) out.add(r.id);
  }
  return out;
}

function candidates(db: Db, fts: string, q: SearchQuery, before: number): SearchCandidate[] {
  const params: Record<string, unknown> = { fts, before, batch: SEARCH_BATCH };
  if (q.sourceId !== undefined) params.sourceId = q.sourceId;
  const rows = stmt(db, candidateSql(q.sourceId !== undefined)).all(params) as Array<{ version_id: number; article_id: number; number: number }>;
  return rows.map((r) => ({ versionId: r.version_id, articleId: r.article_id, number: r.number }));
}

/** The matching rows (checked) of some articles, as candidates. */
export function articleRows(db: Db, fts: string, ids: readonly number[], check: RowCheck): SearchCandidate[] {
  if (ids.length === 0) return [];
  const versions = stmt(db, ARTICLE_VERSIONS_SQL).all({ ids: JSON.stringify(ids) }) as Array<{ article_id: number; id: number; number: number }>;
  const held = matchingIds(db, fts, versions.map((v) => v.id));
  return versions.filter((r) => held.has(r.id) && check.holds(r.article_id, r.number))
    .map((r) => ({ versionId: r.id, articleId: r.article_id, number: r.number }));
}

function matchStats(db: Db, fts: string, ids: readonly number[], check: RowCheck): ArticleMatchStats[] {
  const by = new Map<number, ArticleMatchStats>();
  for (const r of articleRows(db, fts, ids, check)) {
    const s = by.get(r.articleId);
    if (!s) {
      by.set(r.articleId, { articleId: r.articleId, count: 1, first: r.number, last: r.number, newestId: r.versionId });
      continue;
    }
    s.count++;
    s.first = Math.min(s.first, r.number);
    s.last = Math.max(s.last, r.number);
    s.newestId = Math.max(s.newestId, r.versionId);
  }
  return [...by.values()];
}

/**
 * The rows of a batch that hold the query (checked for phrases), read in order until as many new articles as the
 * page still needs are met (`used`: how many rows of the batch were read; the next batch starts after them). Rows of
 * articles already met need no check: the collector passes over them.
 */
function heldRows(batch: readonly SearchCandidate[], collector: HitCollector, check: RowCheck, limit: number): { held: SearchCandidate[]; used: number } {
  const held: SearchCandidate[] = [];
  const fresh = new Set<number>();
  for (let i = 0; i < batch.length; i++) {
    const c = batch[i]!;
    if (collector.knows(c.articleId) || fresh.has(c.articleId)) continue;
    if (collector.picked.length + fresh.size >= limit) return { held, used: i };
    if (!check.holds(c.articleId, c.number)) continue;
    held.push(c);
    fresh.add(c.articleId);
  }
  return { held, used: batch.length };
}

/**
 * Articles with a version that brought text matching the query, one hit per article (the newest such version),
 * ordered by that version's id, newest first: a stable keyset order for cursor pagination.
 */
export function searchVersions(db: Db, q: SearchQuery): SearchHit[] {
  const fts = ftsQuery(q.terms);
  const check = new RowCheck(db, q.terms);
  const collector = new HitCollector(q);
  let before = q.beforeVersionId ?? NO_BOUND;
  while (!collector.full && !check.exhausted) {
    const batch = candidates(db, fts, q, before);
    const { held, used } = heldRows(batch, collector, check, q.limit);
    collector.offer(held);
    while (collector.waiting) collector.accept(matchStats(db, fts, collector.next(), check));
    if (used === batch.length && batch.length < SEARCH_BATCH) break;
    if (used === 0) break;
    before = batch[used - 1]!.versionId;
  }
  return collector.picked.flatMap(({ candidate: c, stats }) => {
    const article = getArticle(db, c.articleId);
    const version = getVersion(db, c.articleId, c.number);
    const latest = getLatestVersion(db, c.articleId);
    if (!article || !version || !latest) return [];
    return [buildHit(q, c, stats, { url: article.url, articleTitle: article.title, capturedAt: version.capturedAt, title: version.title, text: version.text, latest })];
  });
}
