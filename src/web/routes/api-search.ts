/** Full-text search in the JSON API (mounted at /api/search); answers are kept until the next write (src/web/search-cache.ts). */
import express, { type Router } from 'express';
import { baseUrlFor } from '../base-url.js';
import type { WebContext } from '../context.js';
import { HttpError } from '../errors.js';
import { parseLimit, queryString } from '../params.js';
import { sendCachedSearch } from '../search-cache.js';
import { parseSearchText, parseSourceFilter, runSearch, SEARCH_PAGE, searchHitJson } from '../search.js';

/** Routes of /api/search. */
export function apiSearchRouter(ctx: WebContext): Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const text = parseSearchText(req.query.q);
    if (!text) throw new HttpError(400, 'invalid q: give the words to search for, e.g. q=minister');
    const source = await parseSourceFilter(ctx.store, req.query.source);
    const limit = parseLimit(req.query.limit, SEARCH_PAGE.default, SEARCH_PAGE.max);
    const base = baseUrlFor(req, ctx.config);
    await sendCachedSearch(ctx, req, res, 'json', base, async () => {
      const page = await runSearch(ctx.store, text, { source, cursor: queryString(req.query.cursor), limit });
      return JSON.stringify({ q: text.q, results: page.hits.map((h) => searchHitJson(h, base)), next_cursor: page.nextCursor });
    });
  });

  return router;
}
