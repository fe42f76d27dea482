/** Parsing and checking of route and query parameters; every failure is a 400 or 404 HttpError. */
import type { Article, Source, Store, Version, VersionSummary } from '../store/index.js';
import { HttpError } from './errors.js';

const MAX_INT = 2 ** 31 - 1;

/** A positive integer from a path or query string, or null when it is not one. */
export function parsePositiveInt(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[0-9]{1,10}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= MAX_INT ? n : null;
}

/** The article named by a route's `:id`: 400 when it is not a positive integer, 404 when there is none. */
export async function requireArticle(store: Store, rawId: unknown): Promise<Article> {
  const id = parsePositiveInt(rawId);
  if (id === null) throw new HttpError(400, `invalid article id ${JSON.stringify(String(rawId))}: expected a positive integer`);
  const article = await store.getArticle(id);
  if (!article) throw new HttpError(404, `no article with id ${id}`);
  return article;
}

/** True for a string that could be a source slug (anything else names no source, without asking the store). */
export function isSlug(slug: string): boolean {
  return /^[a-z0-9-]{1,100}$/.test(slug);
}

/** The source named by a route's `:slug`: 404 when there is none (also for a slug that could not be one). */
export async function requireSource(store: Store, rawSlug: unknown): Promise<Source> {
  const slug = typeof rawSlug === 'string' ? rawSlug : '';
  const source = isSlug(slug) ? await store.getSourceBySlug(slug) : null;
  if (!source) throw new HttpError(404, `no source with slug ${JSON.stringify(slug.slice(0, 100))}`);
  return source;
}

/** Version `:n` of an article: 400 when not a positive integer, 404 when the article has no such version. */
export async function requireVersion(store: Store, article: Article, rawN: unknown): Promise<Version> {
  const n = parsePositiveInt(rawN);
  if (n === null) throw new HttpError(400, `invalid version number ${JSON.stringify(String(rawN))}: expected a positive integer`);
  const v = await store.getVersion(article.id, n);
  if (!v) throw new HttpError(404, `article ${article.id} has no version ${n} (it has ${article.versionCount})`);
  return v;
}

/** A diff range's version number, or the 400 "invalid diff range" it is. */
function diffRangeNumber(raw: unknown): number {
  const n = parsePositiveInt(raw);
  if (n === null) throw new HttpError(400, `invalid diff range: ${JSON.stringify(String(raw))} is not a version number`);
  return n;
}

/** The 400 of a diff range naming a version the article does not have. */
function noSuchVersion(article: Article, n: number): HttpError {
  return new HttpError(400, `invalid diff range: article ${article.id} has no version ${n} (it has ${article.versionCount})`);
}

/** Versions a and b of a diff range; any malformed or missing version is a 400 "invalid diff range" (a checked first). */
export async function requireDiffRange(store: Store, article: Article, rawA: unknown, rawB: unknown): Promise<{ a: Version; b: Version }> {
  const load = async (raw: unknown): Promise<Version> => {
    const n = diffRangeNumber(raw);
    const v = await store.getVersion(article.id, n);
    if (!v) throw noSuchVersion(article, n);
    return v;
  };
  const a = await load(rawA);
  const b = await load(rawB);
  return { a, b };
}

/** requireDiffRange among an article's version summaries (`versions`): no text read, the same errors. */
export function requireDiffSummaries(article: Article, versions: readonly VersionSummary[], rawA: unknown, rawB: unknown): { a: VersionSummary; b: VersionSummary } {
  const find = (raw: unknown): VersionSummary => {
    const n = diffRangeNumber(raw);
    const v = versions.find((s) => s.number === n);
    if (!v) throw noSuchVersion(article, n);
    return v;
  };
  const a = find(rawA);
  const b = find(rawB);
  return { a, b };
}

/** The first value of a query parameter when it is a string, else undefined. */
export function queryString(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && typeof raw[0] === 'string') return raw[0];
  return undefined;
}

/** A `limit` query parameter from 1 to `max`, or `fallback` when absent; 400 otherwise. */
export function parseLimit(raw: unknown, fallback: number, max: number): number {
  const s = queryString(raw);
  if (s === undefined) return fallback;
  const n = parsePositiveInt(s);
  if (n === null || n > max) throw new HttpError(400, `invalid limit: expected an integer from 1 to ${max}`);
  return n;
}
