/**
 * Full-text search over version titles and texts (the FTS5 table `versions_fts` of migration 0004).
 *
 * Users never write FTS5 syntax: {@link ftsQuery} turns what they typed into a query in which every term is a quoted
 * FTS5 string, so any input is valid. Understood: words (all must match), "quoted phrases", a trailing `*` for a
 * prefix (`minist*`) and `OR` between two terms. Snippets come back as plain text with the matched words given as
 * offsets, never as markup.
 */
import { stmt, type Db } from './db.js';

/** Most terms taken from one query (the rest are ignored). */
export const MAX_SEARCH_TERMS = 32;

/** One term: a word or phrase, optionally a prefix. */
interface Term {
  text: string;
  prefix: boolean;
}

const WORDISH = /[\p{L}\p{N}]/u;

function quote(t: Term): string {
  return `"${t.text.replace(/"/g, '""')}"${t.prefix ? '*' : ''}`;
}

/**
 * The FTS5 query for what a user typed, or null when it holds no searchable word (only punctuation, say).
 * Groups of terms joined by OR are parenthesised; groups are ANDed.
 */
export function ftsQuery(input: string): string | null {
  const groups: Term[][] = [];
  let pendingOr = false;
  const re = /"([^"]*)"?|(\S+)/g;
  let m: RegExpExecArray | null;
  let n = 0;
  // Control characters (NUL above all) break FTS5's parser even inside a quoted string: they separate words.
  const text = input.replace(/\p{Cc}/gu, ' ');
  while ((m = re.exec(text)) !== null && n < MAX_SEARCH_TERMS) {
    const phrase = m[1];
    const word = m[2];
    if (word === 'OR') {
      pendingOr = groups.length > 0;
      continue;
    }
    if (word === 'AND') continue;
    let term = (phrase ?? word ?? '').trim();
    const prefix = phrase === undefined && term.endsWith('*');
    term = term.replace(/\*+$/, '');
    if (!WORDISH.test(term)) continue;
    n++;
    const last = groups[groups.length - 1];
    if (pendingOr && last) last.push({ text: term, prefix });
    else groups.push([{ text: term, prefix }]);
    pendingOr = false;
  }
  if (groups.length === 0) return null;
  return groups.map((g) => (g.length === 1 ? quote(g[0]!) : `(${g.map(quote).join(' OR ')})`)).join(' AND ');
}

/** Marks around matched words in FTS5 snippets: Unicode noncharacters, which extracted text does not contain. */
const OPEN = '\uFDD0';
const CLOSE = '\uFDD1';

/** Text with the [start, end) UTF-16 offsets of its matched words. */
export interface Highlighted {
  text: string;
  highlights: Array<[number, number]>;
}

/** Splits a snippet marked with OPEN/CLOSE into plain text and offsets (stray marks are dropped). */
export function unmarkSnippet(marked: string): Highlighted {
  let text = '';
  const highlights: Array<[number, number]> = [];
  let start = -1;
  for (const ch of marked) {
    if (ch === OPEN) {
      start = text.length;
    } else if (ch === CLOSE) {
      if (start >= 0 && text.length > start) highlights.push([start, text.length]);
      start = -1;
    } else {
      text += ch;
    }
  }
  return { text, highlights };
}

/** Filters and page of a search. */
export interface SearchQuery {
  /** An FTS5 query from {@link ftsQuery}. */
  fts: string;
  sourceId?: number;
  /** Keyset cursor: only articles whose newest matching version id is below this. */
  beforeVersionId?: number;
  limit: number;
  /** Words of context in a snippet (default 24). */
  snippetWords?: number;
}

/** One article found: its newest matching version, how many of its versions match, and a snippet. */
export interface SearchHit {
  articleId: number;
  articleUrl: string;
  /** The article's current title. */
  articleTitle: string | null;
  versionId: number;
  versionNumber: number;
  capturedAt: string;
  /** The matching version's title with the matched words. */
  title: Highlighted;
  /** A passage of the matching version's text around the matched words. */
  snippet: Highlighted;
  matchingVersions: number;
  firstMatchingVersion: number;
  lastMatchingVersion: number;
}

/**
 * Articles with at least one version matching the query, one hit per article (its newest matching version),
 * ordered by that version's id, newest first: a stable keyset order for cursor pagination.
 */
export function searchVersions(db: Db, q: SearchQuery): SearchHit[] {
  const groups = stmt(db, `SELECT g.article_id, g.version_id, g.n, g.first_n, g.last_n, v.number, v.captured_at,
      a.url, a.title AS article_title
    FROM (SELECT v.article_id AS article_id, max(v.id) AS version_id, count(*) AS n, min(v.number) AS first_n, max(v.number) AS last_n
      FROM versions v JOIN articles a ON a.id = v.article_id
      WHERE v.id IN (SELECT rowid FROM versions_fts WHERE versions_fts MATCH @fts) AND (@sourceId IS NULL OR a.source_id = @sourceId)
      GROUP BY v.article_id
      HAVING (@before IS NULL OR max(v.id) < @before)) g
    JOIN versions v ON v.id = g.version_id JOIN articles a ON a.id = g.article_id
    ORDER BY g.version_id DESC LIMIT @limit`).all({
    fts: q.fts, sourceId: q.sourceId ?? null, before: q.beforeVersionId ?? null, limit: q.limit,
  }) as Array<{
    article_id: number; version_id: number; n: number; first_n: number; last_n: number; number: number; captured_at: string;
    url: string; article_title: string | null;
  }>;
  const words = Math.min(64, Math.max(4, q.snippetWords ?? 24));
  // FTS5 ignores `rowid = ?` next to MATCH when the bound value is a JS number (bound as a REAL), and would return
  // every match: the range form is honoured. The FTS table stands alone in these queries for the same reason.
  const marks = stmt(db, `SELECT highlight(versions_fts, 0, @open, @close) AS title_marked,
      snippet(versions_fts, 1, @open, @close, '…', @words) AS snippet_marked
    FROM versions_fts WHERE versions_fts MATCH @fts AND rowid >= @id AND rowid <= @id`);
  return groups.map((g) => {
    const m = marks.get({ fts: q.fts, id: g.version_id, open: OPEN, close: CLOSE, words }) as
      { title_marked: string | null; snippet_marked: string | null } | undefined;
    return {
      articleId: g.article_id,
      articleUrl: g.url,
      articleTitle: g.article_title,
      versionId: g.version_id,
      versionNumber: g.number,
      capturedAt: g.captured_at,
      title: unmarkSnippet(m?.title_marked ?? ''),
      snippet: unmarkSnippet(m?.snippet_marked ?? ''),
      matchingVersions: g.n,
      firstMatchingVersion: g.first_n,
      lastMatchingVersion: g.last_n,
    };
  });
}

/** Checks that the search index matches the versions table; throws (SQLITE_CORRUPT_VTAB) when it does not. */
export function checkSearchIndex(db: Db): void {
  stmt(db, "INSERT INTO versions_fts (versions_fts, rank) VALUES ('integrity-check', 1)").run();
}

/** Rebuilds the search index from the versions table (after a restore or a manual edit). */
export function rebuildSearchIndex(db: Db): void {
  stmt(db, "INSERT INTO versions_fts (versions_fts) VALUES ('rebuild')").run();
}
