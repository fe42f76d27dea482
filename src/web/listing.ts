/**
 * The grouped listings of the home page and /articles: reading their filters from the query string (source, date
 * range, headline changed, minimum size, minor changes, sort, page), the store query they make, the links that keep
 * the filters (sort, pages), and each article as a row of the page.
 */
import type { ActivityQuery, ActivitySort, ArticleActivity, Source, Store } from '../store/index.js';
import { HttpError } from './errors.js';
import { addDays, parseDay, utcDayStart } from './format.js';
import { parsePositiveInt, queryString } from './params.js';
import { articlePath, diffPath, versionPath } from './paths.js';
import { parseSourceFilter } from './search.js';

/** Rows per page of a listing. */
export const LISTING_PAGE = 30;

/** The sort orders and their labels, in the order the pages offer them. */
export const SORTS: ReadonlyArray<{ value: ActivitySort; label: string }> = [
  { value: 'newest', label: 'Newest change' },
  { value: 'biggest', label: 'Biggest change' },
  { value: 'versions', label: 'Most versions' },
  { value: 'changes', label: 'Most changes' },
];

/** The filters of a listing as read from the query string (the form's values, to show them again). */
export interface ListingFilters {
  source?: Source;
  /** "YYYY-MM-DD", UTC days, both included. */
  from?: string;
  to?: string;
  headline: boolean;
  minWords: number;
  minor: boolean;
  sort: ActivitySort;
  page: number;
}

/** A "YYYY-MM-DD" query parameter: undefined when absent or blank, 400 when not a calendar day. */
function dayParam(raw: unknown, name: string): string | undefined {
  const s = queryString(raw)?.trim();
  if (s === undefined || s === '') return undefined;
  if (parseDay(s) === null) throw new HttpError(400, `invalid ${name}: expected a date as YYYY-MM-DD`);
  return s;
}

/** Reads the filters of a listing; 400 for a value that is not one (unknown source, bad date, sort or number). */
export async function parseListingFilters(store: Store, query: Record<string, unknown>): Promise<ListingFilters> {
  const source = await parseSourceFilter(store, query.source);
  const from = dayParam(query.from, 'from');
  const to = dayParam(query.to, 'to');
  const rawMin = queryString(query.min)?.trim();
  let minWords = 0;
  if (rawMin !== undefined && rawMin !== '' && rawMin !== '0') {
    const n = parsePositiveInt(rawMin);
    if (n === null) throw new HttpError(400, 'invalid min: expected a number of words (a non-negative integer)');
    minWords = n;
  }
  const rawSort = queryString(query.sort) ?? 'newest';
  const sort = SORTS.find((s) => s.value === rawSort)?.value;
  if (!sort) throw new HttpError(400, `invalid sort: expected one of ${SORTS.map((s) => s.value).join(', ')}`);
  const rawPage = queryString(query.page);
  const page = rawPage === undefined ? 1 : parsePositiveInt(rawPage);
  if (page === null) throw new HttpError(400, 'invalid page: expected a positive integer');
  return {
    ...(source ? { source } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}),
    headline: queryString(query.headline) === '1', minWords, minor: queryString(query.minor) === '1', sort, page,
  };
}

/** The store query of a listing's page (one row more than a page, to know whether another page follows). */
export function activityQuery(f: ListingFilters, now: Date, changedOnly: boolean): ActivityQuery {
  return {
    ...(f.source ? { sourceId: f.source.id } : {}),
    ...(f.from ? { from: `${f.from}T00:00:00.000Z` } : {}),
    // "to" is a day included: changes before the next day's midnight.
    ...(f.to ? { to: `${addDays(f.to, 1)}T00:00:00.000Z` } : {}),
    ...(f.headline ? { headlineChanged: true } : {}),
    ...(f.minWords > 0 ? { minWords: f.minWords } : {}),
    includeMinor: f.minor,
    changedOnly,
    todayFrom: utcDayStart(now),
    sort: f.sort,
    limit: LISTING_PAGE + 1,
    offset: (f.page - 1) * LISTING_PAGE,
  };
}

/** Whether any filter narrows the listing (the sort and the page do not). */
export function isFiltered(f: ListingFilters): boolean {
  return Boolean(f.source || f.from || f.to || f.headline || f.minWords > 0 || f.minor);
}

/** The URL of `path` with the filters of `f`, changed by `over` (defaults left out, so links stay short). */
export function listingHref(path: string, f: ListingFilters, over: Partial<Pick<ListingFilters, 'sort' | 'page'>> = {}): string {
  const g = { ...f, ...over };
  const p = new URLSearchParams();
  if (g.source) p.set('source', g.source.slug);
  if (g.from) p.set('from', g.from);
  if (g.to) p.set('to', g.to);
  if (g.headline) p.set('headline', '1');
  if (g.minWords > 0) p.set('min', String(g.minWords));
  if (g.minor) p.set('minor', '1');
  if (g.sort !== 'newest') p.set('sort', g.sort);
  if (g.page > 1) p.set('page', String(g.page));
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
}

/** An article of a listing as the templates show it: its links, and its newest change with the headlines. */
export interface ListingRow extends ArticleActivity {
  href: string;
  latestHref: string | null;
  biggestHref: string | null;
  /** The diff of the newest headline change among the matching changes. */
  headlineHref: string | null;
}

/** The rows of a listing page. */
export function listingRows(items: readonly ArticleActivity[]): ListingRow[] {
  return items.map((a) => ({
    ...a,
    href: articlePath(a.id),
    latestHref: a.latest ? diffPath(a.id, a.latest.number - 1, a.latest.number) : a.versionCount > 0 ? versionPath(a.id, 1) : null,
    biggestHref: a.biggest ? diffPath(a.id, a.biggest.number - 1, a.biggest.number) : null,
    headlineHref: a.lastHeadlineChange ? diffPath(a.id, a.lastHeadlineChange.number - 1, a.lastHeadlineChange.number) : null,
  }));
}

/** The page of a listing: its rows, the pager's links, the sort links and the filters to show in the form. */
export interface ListingPage {
  rows: ListingRow[];
  filters: ListingFilters;
  filtered: boolean;
  newerHref: string | null;
  olderHref: string | null;
  firstHref: string;
  sorts: Array<{ value: ActivitySort; label: string; href: string; current: boolean }>;
}

/** Runs a listing: reads its page of rows and builds the links around it. */
export async function runListing(store: Store, path: string, f: ListingFilters, now: Date, changedOnly: boolean): Promise<ListingPage> {
  const items = await store.listArticleActivity(activityQuery(f, now, changedOnly));
  return {
    rows: listingRows(items.slice(0, LISTING_PAGE)),
    filters: f,
    filtered: isFiltered(f),
    newerHref: f.page > 1 ? listingHref(path, f, { page: f.page - 1 }) : null,
    olderHref: items.length > LISTING_PAGE ? listingHref(path, f, { page: f.page + 1 }) : null,
    firstHref: listingHref(path, f, { page: 1 }),
    sorts: SORTS.map((s) => ({ ...s, href: listingHref(path, f, { sort: s.value, page: 1 }), current: s.value === f.sort })),
  };
}
