/**
 * The search page: /search?q= over every version's headline and text, one result per article, snippets highlighted.
 * A search is kept until the next write and, when it is built, waits for a slot of the feed-and-search gate
 * (src/web/search-cache.ts); the empty form does neither.
 */
import express, { type Router } from 'express';
import type { WebContext } from '../context.js';
import { HttpError } from '../errors.js';
import { queryString } from '../params.js';
import { articlePath, diffPath, sourcePath, versionPath } from '../paths.js';
import { passageHistories } from '../search-history.js';
import { highlightSegments, MAX_Q_LENGTH, parseSearchText, parseSourceFilter, runSearch, type SearchText } from '../search.js';
import { sendCachedSearch } from '../search-cache.js';

/** Results per page of the search page. */
export const SEARCH_RESULTS_PER_PAGE = 25;

/** Routes of the search page. */
export function searchRouter(ctx: WebContext): Router {
  const { store, render } = ctx;
  const router = express.Router();

  router.get('/search', async (req, res) => {
    const rawQ = queryString(req.query.q)?.trim() ?? '';
    const source = await parseSourceFilter(store, req.query.source);
    const cursor = queryString(req.query.cursor);
    const common = {
      q: rawQ, maxLength: MAX_Q_LENGTH, source: source ?? null,
      sourceHref: source ? sourcePath(source.slug) : null,
    };
    const params = (extra: Record<string, string>): string => new URLSearchParams({
      q: rawQ, ...(source ? { source: source.slug } : {}), ...extra,
    }).toString();
    let text: SearchText | undefined;
    try {
      text = parseSearchText(rawQ);
    } catch (err) {
      // A query with no word in it is the user's input to fix: show the form again with the reason, as a 400.
      if (!(err instanceof HttpError) || err.status !== 400) throw err;
      res.status(400).type('html').send(render('search.njk', {
        ...common, message: err.message.replace(/^web: /, ''), results: [], apiHref: `/api/search?${params({})}`,
      }));
      return;
    }
    if (!text) {
      res.type('html').send(render('search.njk', { ...common, results: [], apiHref: '/api/search?q=' }));
      return;
    }
    const found = text;
    await sendCachedSearch(ctx, req, res, 'html', '', async () => {
      const page = await runSearch(store, found, { source, cursor, limit: SEARCH_RESULTS_PER_PAGE });
      const histories = await passageHistories(store, page.hits);
      const results = page.hits.map((h, i) => ({
        ...h,
        articleHref: articlePath(h.articleId),
        versionHref: versionPath(h.articleId, h.versionNumber),
        diffHref: h.versionNumber > 1 ? diffPath(h.articleId, h.versionNumber - 1, h.versionNumber) : null,
        titleSegments: highlightSegments(h.title.text ? h.title : { text: h.articleTitle ?? h.articleUrl, highlights: [] }),
        snippetSegments: highlightSegments(h.snippet),
        history: histories[i] ?? null,
      }));
      return render('search.njk', {
        ...common,
        results,
        paged: cursor !== undefined,
        firstHref: `/search?${params({})}`,
        older: page.nextCursor ? `/search?${params({ cursor: page.nextCursor })}` : null,
        apiHref: `/api/search?${params({})}`,
      });
    });
  });

  return router;
}
