/**
 * Search in the web layer: reading the `q` a user typed (parsed into search terms that the store compiles to its
 * backend's full-text syntax, so no input is a syntax error), the parameters of /search and /api/search, highlighted
 * text as segments for the templates (escaped there like any text), and search hits as JSON.
 */
import { parseSearch, type Highlighted, type SearchHit, type SearchTerms, type Source, type Store } from '../store/index.js';
import { decodeIdCursor, encodeKeyCursor } from './cursor.js';
import { HttpError } from './errors.js';
import { isSlug, queryString } from './params.js';
import { articlePath, diffPath, versionPath } from './paths.js';

/** Longest `q` accepted. */
export const MAX_Q_LENGTH = 200;

/** Default and largest page sizes of search results. */
export const SEARCH_PAGE = { default: 20, max: 100 } as const;

/** What a user typed and the search terms made of it. */
export interface SearchText {
  q: string;
  terms: SearchTerms;
}

/**
 * Reads `q`: undefined when absent or blank; 400 when longer than {@link MAX_Q_LENGTH} or when it holds no word
 * to search for (only punctuation).
 */
export function parseSearchText(raw: unknown): SearchText | undefined {
  const q = queryString(raw)?.trim();
  if (q === undefined || q === '') return undefined;
  if (q.length > MAX_Q_LENGTH) throw new HttpError(400, `invalid q: longer than ${MAX_Q_LENGTH} characters`);
  const terms = parseSearch(q);
  if (terms === null) throw new HttpError(400, 'invalid q: it has no word to search for (letters or digits)');
  return { q, terms };
}

/** A source named by a `source` query parameter: undefined when absent, 400 when there is no such source. */
export async function parseSourceFilter(store: Store, raw: unknown): Promise<Source | undefined> {
  const slug = queryString(raw);
  if (slug === undefined || slug === '') return undefined;
  const source = isSlug(slug) ? await store.getSourceBySlug(slug) : null;
  if (!source) throw new HttpError(400, `invalid source: no source with slug ${JSON.stringify(slug.slice(0, 100))}`);
  return source;
}

/** One page of search results and the cursor of the next page (null on the last page). */
export interface SearchPage {
  hits: SearchHit[];
  nextCursor: string | null;
}

/** Messages of full-text syntax errors: SQLite FTS5's, PostgreSQL tsquery's. */
const SEARCH_SYNTAX_ERROR = /^fts5:|syntax error in tsquery/;

/**
 * Runs `fn`, turning a full-text syntax error of either backend into a 400. The store quotes every term, so this should
 * not happen; if some input still gets through, the user is told to simplify the query instead of seeing a 500.
 */
export async function withSearchErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Error && SEARCH_SYNTAX_ERROR.test(err.message)) {
      throw new HttpError(400, 'invalid q: the search engine cannot read this query; use plain words and "quoted phrases"');
    }
    throw err;
  }
}

/** Runs a search: one hit per article, the newest version that brought matching text first, keyset-paginated by version id. */
export async function runSearch(store: Store, text: SearchText, opts: { source?: Source; cursor?: string; limit: number }): Promise<SearchPage> {
  const before = opts.cursor === undefined ? undefined : decodeIdCursor('v', opts.cursor);
  const rows = await withSearchErrors(() => store.searchVersions({
    terms: text.terms, sourceId: opts.source?.id, beforeVersionId: before, limit: opts.limit + 1,
  }));
  const hits = rows.slice(0, opts.limit);
  const last = hits[hits.length - 1];
  return { hits, nextCursor: rows.length > opts.limit && last ? encodeKeyCursor('v', last.versionId) : null };
}

/** A run of text, marked when it is a matched word. */
export interface TextSegment {
  text: string;
  mark: boolean;
}

/** Splits highlighted text at its highlight offsets (out-of-range or overlapping offsets are ignored). */
export function highlightSegments(h: Highlighted): TextSegment[] {
  const out: TextSegment[] = [];
  let at = 0;
  for (const [start, end] of h.highlights) {
    if (start < at || end <= start || end > h.text.length) continue;
    if (start > at) out.push({ text: h.text.slice(at, start), mark: false });
    out.push({ text: h.text.slice(start, end), mark: true });
    at = end;
  }
  if (at < h.text.length) out.push({ text: h.text.slice(at), mark: false });
  return out;
}

/** A search hit as the API shows it. */
export interface SearchHitJson {
  article_id: number;
  article_url: string;
  article_title: string | null;
  version: number;
  captured_at: string;
  /** The matching version's title, and [start, end) UTF-16 offsets of the matched words in it. */
  title: string;
  title_highlights: Array<[number, number]>;
  /** Plain text around the matches ("…" where cut), and [start, end) UTF-16 offsets of the matched words in it. */
  snippet: string;
  snippet_highlights: Array<[number, number]>;
  matching_versions: number;
  first_matching_version: number;
  last_matching_version: number;
  latest_version: number;
  /** Whether the latest version still holds every word of the query. */
  still_present: boolean;
  links: { article: string; article_html: string; version: string; version_html: string; diff_from_previous_html: string | null };
}

/** The API representation of a search hit. */
export function searchHitJson(h: SearchHit, base: string): SearchHitJson {
  return {
    article_id: h.articleId,
    article_url: h.articleUrl,
    article_title: h.articleTitle,
    version: h.versionNumber,
    captured_at: h.capturedAt,
    title: h.title.text,
    title_highlights: h.title.highlights,
    snippet: h.snippet.text,
    snippet_highlights: h.snippet.highlights,
    matching_versions: h.matchingVersions,
    first_matching_version: h.firstMatchingVersion,
    last_matching_version: h.lastMatchingVersion,
    latest_version: h.latestVersion,
    still_present: h.stillPresent,
    links: {
      article: `${base}/api/articles/${h.articleId}`,
      article_html: base + articlePath(h.articleId),
      version: `${base}/api/articles/${h.articleId}/versions/${h.versionNumber}`,
      version_html: base + versionPath(h.articleId, h.versionNumber),
      diff_from_previous_html: h.versionNumber > 1 ? base + diffPath(h.articleId, h.versionNumber - 1, h.versionNumber) : null,
    },
  };
}
