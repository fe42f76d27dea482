/**
 * Full-text search over version titles and texts on PostgreSQL: the generated column `versions.search_vector` and
 * the functions of migrations/postgres/0002_search.sql. Search terms reach the database only as bound parameters
 * and become tsqueries through phraseto_tsquery (palimpsest_term_query), which reads any text as words: no user
 * input is ever parsed as tsquery syntax.
 *
 * Snippets: ts_headline marks the matched words, but it must read the text the way the index did (punctuation as
 * spaces, see the migration), and would show it that way. That mapping is one character for one, so the database
 * also returns where the headline sits in the mapped text, and the original characters are put back around the
 * marks here (snippets.ts).
 */
import {
  SNIPPET_CLOSE as CLOSE, SNIPPET_OPEN as OPEN, unmarkSnippet, type SearchHit, type SearchQuery, type SearchTerm, type SearchTerms,
} from '../search-terms.js';
import { rows, run, type Db } from './db.js';
import { joinPhrases, passage, restore } from './snippets.js';

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

interface HitRecord {
  article_id: number;
  version_id: number;
  n: number;
  first_n: number;
  last_n: number;
  number: number;
  captured_at: string;
  url: string;
  article_title: string | null;
  version_title: string;
  title_marked: string;
  snippet_marked: string;
  /** The original text under the headline (same length as the headline without its marks), when it was found. */
  snippet_original: string | null;
  /** Whether the headline starts at the text's start and ends at its end (no "…" on that side). */
  at_start: boolean;
  at_end: boolean;
}

/**
 * Articles with at least one version matching the query, one hit per article (its newest matching version),
 * ordered by that version's id, newest first: a stable keyset order for cursor pagination.
 */
export async function searchVersions(db: Db, q: SearchQuery): Promise<SearchHit[]> {
  const params: unknown[] = [];
  const bind: Bind = (v) => {
    params.push(v);
    return `$${params.length}`;
  };
  const tsq = tsQuerySql(q.terms, bind);
  const words = Math.min(64, Math.max(4, q.snippetWords ?? 24));
  const open = bind(OPEN);
  const close = bind(CLOSE);
  // MinWords just below MaxWords: FTS5 shows as many words as asked whenever the text has them.
  const snippetOpts = bind(`StartSel="${OPEN}", StopSel="${CLOSE}", MaxWords=${words}, MinWords=${words - 1}, ShortWord=0`);
  const titleOpts = bind(`StartSel="${OPEN}", StopSel="${CLOSE}", HighlightAll=true`);
  const sourceId = bind(q.sourceId ?? null);
  const before = bind(q.beforeVersionId ?? null);
  const sql = `WITH hits AS (
      SELECT v.article_id, max(v.id) AS version_id, count(*)::int AS n, min(v.number) AS first_n, max(v.number) AS last_n
        FROM versions v JOIN articles a ON a.id = v.article_id
       WHERE v.search_vector @@ (${tsq}) AND (${sourceId}::bigint IS NULL OR a.source_id = ${sourceId})
       GROUP BY v.article_id
      HAVING (${before}::bigint IS NULL OR max(v.id) < ${before})
       ORDER BY version_id DESC
       LIMIT ${bind(q.limit)})
    SELECT h.*, v.number, v.captured_at, a.url, a.title AS article_title, v.title AS version_title,
           ts_headline('palimpsest', palimpsest_search_text(v.title), (${tsq}), ${titleOpts}) AS title_marked,
           s.marked AS snippet_marked,
           CASE WHEN m.pos > 0 THEN substr(v.text, m.pos, m.len) END AS snippet_original,
           m.pos = 1 AS at_start,
           m.pos > 0 AND m.pos + m.len > char_length(v.text) AS at_end
      FROM hits h
      JOIN versions v ON v.id = h.version_id
      JOIN articles a ON a.id = h.article_id
     CROSS JOIN LATERAL (SELECT palimpsest_search_text(v.text) AS doc) d
     CROSS JOIN LATERAL (SELECT ts_headline('palimpsest', d.doc, (${tsq}), ${snippetOpts}) AS marked) s
     CROSS JOIN LATERAL (SELECT replace(replace(s.marked, ${open}, ''), ${close}, '') AS plain) p
     CROSS JOIN LATERAL (SELECT strpos(d.doc, p.plain) AS pos, char_length(p.plain) AS len) m
     ORDER BY h.version_id DESC`;
  const hits = await rows<HitRecord>(db, sql, params);
  return hits.map((h) => ({
    articleId: h.article_id,
    articleUrl: h.url,
    articleTitle: h.article_title,
    versionId: h.version_id,
    versionNumber: h.number,
    capturedAt: h.captured_at,
    // The whole title is highlighted, so it lines up with the original from its first character.
    title: joinPhrases(unmarkSnippet(restore(h.title_marked, h.version_title)), q.terms),
    snippet: joinPhrases(unmarkSnippet(passage(restore(h.snippet_marked, h.snippet_original), h.at_start, h.at_end)), q.terms),
    matchingVersions: h.n,
    firstMatchingVersion: h.first_n,
    lastMatchingVersion: h.last_n,
  }));
}

/** Checks that every version's search vector is what its title and text give now; throws naming those that differ. */
export async function checkSearchIndex(db: Db): Promise<void> {
  const stale = await rows<{ id: number }>(db, `SELECT id FROM versions
    WHERE search_vector IS DISTINCT FROM palimpsest_version_tsvector(title, text) ORDER BY id LIMIT 11`);
  if (stale.length > 0) {
    const ids = stale.slice(0, 10).map((r) => r.id).join(', ');
    throw new Error(`store: the search index of version${stale.length > 1 ? 's' : ''} ${ids}${stale.length > 10 ? ', …' : ''} `
      + 'differs from their titles and texts (the text search configuration changed?); rebuild the search index');
  }
}

/**
 * Recomputes the search vectors that differ from what their titles and texts give now (after the text search
 * configuration or the unaccent rules changed). Assigning the title to itself makes PostgreSQL recompute the
 * generated column; the others are left alone, so a rebuild of a sound index writes nothing.
 */
export async function rebuildSearchIndex(db: Db): Promise<void> {
  await run(db, 'UPDATE versions SET title = title WHERE search_vector IS DISTINCT FROM palimpsest_version_tsvector(title, text)');
}
