/** Full-text search over version titles and texts on SQLite (the FTS5 table `versions_fts` of migration 0004). */
import {
  SNIPPET_CLOSE as CLOSE, SNIPPET_OPEN as OPEN, unmarkSnippet, type SearchHit, type SearchQuery, type SearchTerm, type SearchTerms,
} from '../search-terms.js';
import { stmt, type Db } from './db.js';

function quote(t: SearchTerm): string {
  return `"${t.text.replace(/"/g, '""')}"${t.prefix ? '*' : ''}`;
}

/** The FTS5 query for parsed terms: every term a quoted FTS5 string; OR groups parenthesised; groups ANDed. */
export function ftsQuery(terms: SearchTerms): string {
  return terms.groups.map((g) => (g.length === 1 ? quote(g[0]!) : `(${g.map(quote).join(' OR ')})`)).join(' AND ');
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
    fts: ftsQuery(q.terms), sourceId: q.sourceId ?? null, before: q.beforeVersionId ?? null, limit: q.limit,
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
  const fts = ftsQuery(q.terms);
  return groups.map((g) => {
    const m = marks.get({ fts, id: g.version_id, open: OPEN, close: CLOSE, words }) as
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
