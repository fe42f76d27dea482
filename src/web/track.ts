/** Adding a URL to track (the form and the API share this): token check, URL validation, insertion. */
import crypto from 'node:crypto';
import type { Article, Store } from '../store/index.js';
import { parseArticleUrl } from '../common/urls.js';
import { HttpError } from './errors.js';

/** How to enable writes, shown when no admin token is configured. */
export const ENABLE_WRITES_HINT = 'set PALIMPSEST_ADMIN_TOKEN (or adminToken in the config file) to enable adding URLs';

/** Compares a presented token with the configured one in constant time (both hashed to equal length first). */
export function tokenMatches(configured: string, presented: string): boolean {
  const a = crypto.createHash('sha256').update(configured, 'utf8').digest();
  const b = crypto.createHash('sha256').update(presented, 'utf8').digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * The token of an `Authorization: Bearer <token>` header value, or undefined: everything after the scheme and its
 * spaces, so a token with inner spaces (which the form accepts as typed) works in the API too. Leading and
 * trailing whitespace is not part of it (configuration refuses tokens that have any).
 */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header ? /^Bearer[ \t]+(.*\S)[ \t]*$/i.exec(header) : null;
  return m?.[1];
}

/**
 * Checks write access: 403 when writes are disabled (no token configured), 401 when the presented token is
 * missing or wrong (`bearer` adds a WWW-Authenticate challenge).
 */
export function requireAdmin(configured: string | undefined, presented: string | undefined, bearer: boolean): void {
  if (!configured) throw new HttpError(403, `adding URLs is disabled: ${ENABLE_WRITES_HINT}`);
  const headers: Record<string, string> = bearer ? { 'WWW-Authenticate': 'Bearer realm="palimpsest"' } : {};
  if (!presented) throw new HttpError(401, 'the admin token is missing', headers);
  if (!tokenMatches(configured, presented)) throw new HttpError(401, 'the admin token is wrong', headers);
}

/** Longest URL accepted. */
export const MAX_URL_LENGTH = 2048;

/**
 * Validates a URL to track with the rules the CLI applies (src/common/urls.ts: absolute http(s) with a host, no user
 * name or password, fragment dropped), plus a length bound. 400 otherwise.
 */
export function normaliseTrackUrl(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new HttpError(400, 'invalid URL: a URL is required');
  if (raw.trim().length > MAX_URL_LENGTH) throw new HttpError(400, `invalid URL: longer than ${MAX_URL_LENGTH} characters`);
  const parsed = parseArticleUrl(raw);
  if ('error' in parsed) throw new HttpError(400, `invalid URL: ${parsed.error}`);
  return parsed.url;
}

/** Inserts the article (due now, so the scheduler picks it up) or finds it if already tracked. */
export async function trackUrl(store: Store, rawUrl: unknown, now: Date): Promise<{ article: Article; created: boolean }> {
  const url = normaliseTrackUrl(rawUrl);
  return store.insertArticle(url, now.toISOString());
}
