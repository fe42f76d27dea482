/**
 * Recording an article's absent / redirected / returned transitions (src/tracker/presence.ts decides them) as
 * article events in the store, for articles that were live (have versions).
 */
import type { Article, Store } from '../store/index.js';
import type { FetchResult } from '../fetcher/types.js';
import { presenceOf, sameAddress, transition, type Presence } from './presence.js';

/**
 * Reads what a check's answer says about where the article is, records an event when that changed since its
 * newest event, and returns the presence (null: the answer says nothing about it, or the article was never live).
 */
export async function notePresence(store: Store, article: Article, res: Pick<FetchResult, 'status' | 'url'>, at: Date): Promise<Presence | null> {
  if (article.versionCount === 0) return null;
  const homes = [article.url];
  if (!sameAddress(article.url, res.url)) {
    // An article first captured through a redirect (a feed's tracking link) lives where that capture ended.
    const first = await store.getVersion(article.id, 1);
    const finalUrl = first?.metadata.finalUrl;
    if (typeof finalUrl === 'string') homes.push(finalUrl);
  }
  const p = presenceOf(res.status, res.url, homes);
  if (!p) return null;
  const t = transition(await store.getLastArticleEvent(article.id), p);
  if (t) await store.insertArticleEvent(article.id, t.kind, at.toISOString(), t.detail);
  return p;
}
