/**
 * What a user typed into a search box, parsed into terms that each backend compiles to its own full-text syntax
 * (FTS5 on SQLite, tsquery on PostgreSQL). Users never write either syntax, so any input is valid. Understood:
 * words (all must match), "quoted phrases", a trailing `*` for a prefix (`minist*`) and `OR` between two terms.
 * Snippets come back as plain text with the matched words given as offsets, never as markup.
 */

/** Most terms taken from one query (the rest are ignored). */
export const MAX_SEARCH_TERMS = 32;

/** One term: a word or phrase, optionally a prefix. */
export interface SearchTerm {
  text: string;
  prefix: boolean;
}

/** A parsed query: every group must match; a group matches when any of its terms (joined by OR) does. */
export interface SearchTerms {
  groups: SearchTerm[][];
}

const WORDISH = /[\p{L}\p{N}]/u;

/** The terms of what a user typed, or null when it holds no searchable word (only punctuation, say). */
export function parseSearch(input: string): SearchTerms | null {
  const groups: SearchTerm[][] = [];
  let pendingOr = false;
  const re = /"([^"]*)"?|(\S+)/g;
  let m: RegExpExecArray | null;
  let n = 0;
  // Control characters (NUL above all) break full-text parsers even inside quoted strings: they separate words.
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
  return groups.length === 0 ? null : { groups };
}

/** Marks around matched words in snippets: Unicode noncharacters, which extracted text does not contain. */
export const SNIPPET_OPEN = '\uFDD0';
/** The closing mark of a matched word in a snippet. */
export const SNIPPET_CLOSE = '\uFDD1';

/** Text with the [start, end) UTF-16 offsets of its matched words. */
export interface Highlighted {
  text: string;
  highlights: Array<[number, number]>;
}

/** Splits a snippet marked with SNIPPET_OPEN/SNIPPET_CLOSE into plain text and offsets (stray marks are dropped). */
export function unmarkSnippet(marked: string): Highlighted {
  let text = '';
  const highlights: Array<[number, number]> = [];
  let start = -1;
  for (const ch of marked) {
    if (ch === SNIPPET_OPEN) {
      start = text.length;
    } else if (ch === SNIPPET_CLOSE) {
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
  /** The parsed query, from {@link parseSearch}. */
  terms: SearchTerms;
  sourceId?: number;
  /** Keyset cursor: only articles whose newest matching version id is below this. */
  beforeVersionId?: number;
  limit: number;
  /** Words of context in a snippet (default 24). */
  snippetWords?: number;
}

/**
 * One article found: the newest of its versions that brought matching text (the version where the matching passage
 * entered the article), how many of its versions brought some, whether the latest version still has it, and a snippet.
 */
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
  /** How many versions brought matching text (see src/store/search-passages.ts), the first and the last of them. */
  matchingVersions: number;
  firstMatchingVersion: number;
  lastMatchingVersion: number;
  /** The article's latest version number, and whether its headline and text still hold every word of the query. */
  latestVersion: number;
  stillPresent: boolean;
}
