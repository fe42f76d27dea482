/**
 * Search answers (the /search page, /api/search, /api/articles?q=) kept in memory, in the `pages` cache of
 * caches.ts, under the database's write stamp and the URL asked for: the same search gives the same answer until
 * anything is written (a version, a re-extraction, a deletion moves the stamp), so a popular search is built once
 * and sent from memory (compressed once) to everyone who asks before the next write. Only a search that is built
 * waits for a slot of the feed-and-search gate (src/web/heavy.ts); concurrent requests for one search share one
 * build, and the page's "3 minutes ago" texts bound how long it is kept (src/web/page-cache.ts).
 */
import type { Request, Response } from 'express';
import type { WebContext } from './context.js';
import { sendCachedAnswer } from './page-cache.js';

/**
 * Answers a search from the cache (see the module comment), as `type` ('html' or 'json'): 304 when the request's
 * ETag is the answer's, else the body compressed as the request accepts. `build` makes the body; it may throw (400
 * for a bad cursor) as a route does. `variant`: what else the body depends on besides the URL (the base URL of links).
 */
export async function sendCachedSearch(ctx: WebContext, req: Request, res: Response, type: 'html' | 'json', variant: string,
  build: () => Promise<string>): Promise<void> {
  await sendCachedAnswer(ctx, req, res, type, variant, build, () => ctx.heavy.compute.enter(res));
}
