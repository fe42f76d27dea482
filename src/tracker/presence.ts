/**
 * Whether a live article is still there: a check's answer read as present, absent (404/410) or redirected to
 * another URL, and the article event (absent, redirected, returned) that a change of that state records. Only
 * transitions make events; every check of an unchanged state makes none. Pure.
 */
import type { ArticleEvent, ArticleEventKind } from '../store/index.js';

/** What one check's answer says about where the article is. */
export type Presence =
  | { state: 'present'; status: number }
  | { state: 'absent'; status: number }
  | { state: 'redirected'; location: string };

/** The statuses that say the article is gone (404 Not Found, 410 Gone). */
export const ABSENT_STATUSES: ReadonlySet<number> = new Set([404, 410]);

/**
 * A URL reduced to what a mere normalisation cannot change: http and https, a `www.` prefix, a trailing slash,
 * upper-case host letters, a default port and a fragment all compare equal. Null for what is not an http(s) URL.
 */
export function comparableUrl(input: string): string | null {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const host = u.hostname.replace(/\.$/, '').replace(/^www\./, '');
  const path = u.pathname.length > 1 ? u.pathname.replace(/\/+$/, '') : '';
  return `${host}${u.port ? `:${u.port}` : ''}${path}${u.search}`;
}

/** True when `a` and `b` are the same address up to normalisation (see comparableUrl). */
export function sameAddress(a: string, b: string): boolean {
  const ca = comparableUrl(a);
  return ca !== null && ca === comparableUrl(b);
}

/**
 * What an answer says: absent for 404/410, redirected when the final URL is none of the article's `homes` (its
 * tracked URL and where its first capture ended up), present for any other 2xx or a 304, and null (no signal) for
 * every other answer (5xx, 429, 403...: the site is unwell, the article is not known to be gone).
 */
export function presenceOf(status: number, finalUrl: string, homes: readonly string[]): Presence | null {
  if (ABSENT_STATUSES.has(status)) return { state: 'absent', status };
  if (status !== 304 && (status < 200 || status > 299)) return null;
  if (!homes.some((h) => sameAddress(h, finalUrl))) return { state: 'redirected', location: finalUrl };
  return { state: 'present', status };
}

/** The event to record when the article's state changes from what `last` (its newest event) says; null otherwise. */
export function transition(last: Pick<ArticleEvent, 'kind' | 'detail'> | null, p: Presence): { kind: ArticleEventKind; detail: Record<string, unknown> } | null {
  switch (p.state) {
    case 'absent':
      return last?.kind === 'absent' ? null : { kind: 'absent', detail: { status: p.status } };
    case 'redirected':
      return last?.kind === 'redirected' && last.detail.location === p.location ? null : { kind: 'redirected', detail: { location: p.location } };
    case 'present':
      return last && last.kind !== 'returned' ? { kind: 'returned', detail: { status: p.status } } : null;
  }
}
