/**
 * The shape both backends give a search: the index's matching rows read newest version first in batches (a keyset
 * scan the index serves without sorting or grouping every match), one hit per article kept in that order until the
 * page is full, then the page's figures for those articles only, and snippets from the texts of the page's hits
 * only. This module holds the parts that are the same on both: collecting articles from batches and building hits.
 */
import type { SearchHit, SearchQuery } from './search-terms.js';
import { buildSnippet, highlightTitle, matchesAll } from './search-snippet.js';

/** Index rows read per batch. */
export const SEARCH_BATCH = 200;

/** One matching row of the index: a version that brought matching text. */
export interface SearchCandidate {
  versionId: number;
  articleId: number;
  number: number;
}

/** An article's matching rows in figures: how many, the first and last version numbers, the newest version id. */
export interface ArticleMatchStats {
  articleId: number;
  count: number;
  first: number;
  last: number;
  newestId: number;
}

/**
 * Articles picked from batches of candidates, newest matching version first. An article already met in an earlier
 * batch is not met again; with a cursor, an article whose newest matching version is at or past the cursor was on an
 * earlier page and is left out.
 */
export class HitCollector {
  private readonly seen = new Set<number>();
  readonly picked: Array<{ candidate: SearchCandidate; stats: ArticleMatchStats }> = [];
  private pending: SearchCandidate[] = [];

  constructor(private readonly q: SearchQuery) {}

  /** Whether an article was met in an earlier batch. */
  knows(articleId: number): boolean {
    return this.seen.has(articleId);
  }

  /** Takes a batch: the articles met for the first time wait for their figures (next, accept). */
  offer(batch: readonly SearchCandidate[]): void {
    for (const c of batch) {
      if (this.seen.has(c.articleId)) continue;
      this.seen.add(c.articleId);
      this.pending.push(c);
    }
  }

  /** The ids of the waiting articles whose figures are wanted next: no more than the page still needs. */
  next(): number[] {
    return this.pending.slice(0, Math.max(0, this.q.limit - this.picked.length)).map((c) => c.articleId);
  }

  /** Keeps the articles of `next` (in batch order) with their figures, up to the page's size. */
  accept(stats: readonly ArticleMatchStats[]): void {
    const byArticle = new Map(stats.map((s) => [s.articleId, s]));
    const taken = this.pending.splice(0, Math.max(0, this.q.limit - this.picked.length));
    for (const c of taken) {
      const s = byArticle.get(c.articleId);
      if (!s) continue;
      if (this.q.beforeVersionId !== undefined && s.newestId >= this.q.beforeVersionId) continue;
      this.picked.push({ candidate: c, stats: s });
    }
  }

  /** Whether articles wait for their figures. */
  get waiting(): boolean {
    return this.pending.length > 0 && !this.full;
  }

  /** Whether the page has its hits. */
  get full(): boolean {
    return this.picked.length >= this.q.limit;
  }
}

/** A version's texts, as the store reads them back. */
export interface HitTexts {
  url: string;
  articleTitle: string | null;
  capturedAt: string;
  title: string;
  text: string;
  latest: { number: number; title: string; text: string };
}

/** The hit of one picked article, its title and snippet marked from the texts. */
export function buildHit(q: SearchQuery, c: SearchCandidate, s: ArticleMatchStats, t: HitTexts): SearchHit {
  const words = Math.min(64, Math.max(4, q.snippetWords ?? 24));
  return {
    articleId: c.articleId,
    articleUrl: t.url,
    articleTitle: t.articleTitle,
    versionId: c.versionId,
    versionNumber: c.number,
    capturedAt: t.capturedAt,
    title: highlightTitle(t.title, q.terms),
    snippet: buildSnippet(t.text, q.terms, words),
    matchingVersions: s.count,
    firstMatchingVersion: s.first,
    lastMatchingVersion: s.last,
    latestVersion: t.latest.number,
    stillPresent: matchesAll(q.terms, t.latest.title, t.latest.text),
  };
}
