/**
 * The routes the scale bench measures on a generated database (bench/scale.ts): which article is typical, which is
 * the largest, the home page's last page, a common word to search for, and the conditional requests that must be
 * answered 304.
 */
import Database from 'better-sqlite3';
import { openStore } from '../src/store/index.js';
import { get } from './scale-http.js';

/** The home page's changes per page (src/web/routes/pages.ts CHANGES_PER_PAGE). */
const CHANGES_PER_PAGE = 50;

/** One route to measure. */
export interface Route {
  name: string;
  path: string;
  /** Measured under load against the floor (else only timed one request at a time). */
  loaded: boolean;
  /** A conditional request: the validators of a first answer are sent back, a 304 is expected. */
  conditional?: boolean;
  /** Timed with a parameter of its own on every request (`path` ends with it), so that no kept answer serves it. */
  fresh?: boolean;
}

/** A word most English news texts carry, for the search routes. */
export const COMMON_WORD = 'said';

/** The routes of a database: ids chosen from what it holds. */
export async function routesOf(file: string): Promise<{ routes: Route[]; notes: string[] }> {
  const store = await openStore(file, { migrate: false });
  let typical;
  let largest;
  try {
    const articles = (await store.listAllArticles()).filter((a) => a.versionCount >= 2);
    // Typical: an article with the median number of versions (of those that changed), from the middle of the archive.
    const counts = articles.map((a) => a.versionCount).sort((a, b) => a - b);
    const mid = counts[Math.floor(counts.length / 2)] ?? 2;
    const typicalOnes = articles.filter((a) => a.versionCount === mid);
    typical = typicalOnes[Math.floor(typicalOnes.length / 2)];
    largest = articles.reduce<typeof typical>((a, b) => (!a || b.versionCount > a.versionCount ? b : a), undefined);
  } finally {
    await store.close();
  }
  if (!typical || !largest) throw new Error('scale bench: the database has no article with two versions');
  // The id the home page's last page starts before (its stream is every non-minor version, newest first).
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let before: number;
  try {
    const row = db.prepare("SELECT id FROM versions WHERE change_kind <> 'minor' ORDER BY id LIMIT 1 OFFSET ?").get(CHANGES_PER_PAGE - 1) as { id: number } | undefined;
    before = (row?.id ?? 0) + 1;
  } finally {
    db.close();
  }
  const diff = (a: { id: number; versionCount: number }): string => `/articles/${a.id}/diff/${a.versionCount - 1}/${a.versionCount}`;
  const routes: Route[] = [
    { name: '/healthz', path: '/healthz', loaded: true },
    { name: '/', path: '/', loaded: true },
    { name: '/articles/:id', path: `/articles/${typical.id}`, loaded: true },
    { name: 'diff page, typical', path: diff(typical), loaded: true },
    { name: 'diff page, largest', path: diff(largest), loaded: true },
    { name: '/feed.rss', path: '/feed.rss', loaded: true },
    { name: 'article feed', path: `/articles/${typical.id}/feed.rss`, loaded: true },
    { name: '/api/articles', path: '/api/articles', loaded: true },
    { name: `/search?q=${COMMON_WORD}`, path: `/search?q=${COMMON_WORD}`, loaded: true },
    { name: `/api/articles?q=${COMMON_WORD}`, path: `/api/articles?q=${COMMON_WORD}`, loaded: true },
    // Searches are kept until the next write: these time what building one costs.
    { name: `/search?q=${COMMON_WORD}, built`, path: `/search?q=${COMMON_WORD}&bench=`, loaded: false, fresh: true },
    { name: `/api/articles?q=${COMMON_WORD}, built`, path: `/api/articles?q=${COMMON_WORD}&bench=`, loaded: false, fresh: true },
    { name: '/?before= oldest page', path: `/?before=${before}`, loaded: false },
    { name: 'article feed, 304', path: `/articles/${typical.id}/feed.rss`, loaded: false, conditional: true },
    { name: '/feed.rss, 304', path: '/feed.rss', loaded: false, conditional: true },
  ];
  const notes = [`typical article ${typical.id} (${typical.versionCount} versions), largest ${largest.id} (${largest.versionCount} versions)`];
  return { routes, notes };
}

/** The headers of a conditional request for `url`: the validators of a first, plain answer. */
export async function validatorsFor(url: string): Promise<Record<string, string>> {
  const a = await get(url);
  const h: Record<string, string> = {};
  if (a.etag) h['if-none-match'] = a.etag;
  if (a.lastModified) h['if-modified-since'] = a.lastModified;
  return h;
}
