/**
 * Pages for people about the feeds: /feeds (the site-wide feed, and where the per-source and per-article ones are),
 * /sources/:slug/feeds and /articles/:id/feeds. Each says what its feed carries and gives every format's absolute
 * URL in a field to copy. The feeds themselves (/feed.rss, ...) are unchanged and keep serving feed readers.
 */
import express, { type Router } from 'express';
import { baseUrlFor } from '../base-url.js';
import type { WebContext } from '../context.js';
import { defaultFeedItems, FEED_LIMIT_MAX, FEED_MAX_PARAGRAPHS, scopeFeedPath, type FeedScope } from '../feeds.js';
import { requireArticle, requireSource } from '../params.js';
import { articlePath, sourcePath, type FeedFormat } from '../paths.js';

/** Path of the page explaining a scope's feed. */
export function feedPagePath(scope: FeedScope): string {
  if (scope.kind === 'source') return `${sourcePath(scope.source.slug)}/feeds`;
  if (scope.kind === 'article') return `${articlePath(scope.article.id)}/feeds`;
  return '/feeds';
}

/** One format of a feed as the page lists it: name, the media type, its absolute URL and the URL with minor changes. */
export interface FeedFormatRow {
  id: string;
  name: string;
  type: string;
  path: string;
  url: string;
  minorUrl: string;
}

const FORMAT_NAMES: Array<{ format: FeedFormat; name: string; type: string }> = [
  { format: 'rss', name: 'RSS 2.0', type: 'application/rss+xml' },
  { format: 'atom', name: 'Atom 1.0', type: 'application/atom+xml' },
  { format: 'json', name: 'JSON Feed 1.1', type: 'application/feed+json' },
];

/** The rows of a scope's feed formats, URLs made absolute with `base`. */
export function feedFormatRows(scope: FeedScope, base: string): FeedFormatRow[] {
  return FORMAT_NAMES.map(({ format, name, type }) => {
    const path = scopeFeedPath(scope, format);
    return { id: `feed-${format}`, name, type, path, url: `${base}${path}`, minorUrl: `${base}${path}?minor=1` };
  });
}

/** Routes of the feed explanation pages. */
export function feedPagesRouter(ctx: WebContext): Router {
  const { store, render, config } = ctx;
  const router = express.Router();

  const page = (req: express.Request, scope: FeedScope, extra: Record<string, unknown> = {}): string => {
    const base = baseUrlFor(req, config);
    return render('feeds.njk', {
      scope: scope.kind,
      // The footer's "what these feeds carry" link would point at this very page.
      onFeedPage: true,
      formats: feedFormatRows(scope, base),
      feedItems: defaultFeedItems(ctx, scope),
      feedLimitMax: FEED_LIMIT_MAX,
      maxParagraphs: FEED_MAX_PARAGRAPHS,
      feeds: FORMAT_NAMES.map(({ format, name, type }) => ({ type, href: scopeFeedPath(scope, format), title: name, label: name })),
      ...extra,
    });
  };

  router.get('/feeds', async (req, res) => {
    const sources = (await store.listSources()).map((s) => ({
      name: s.name, href: sourcePath(s.slug), feedPage: feedPagePath({ kind: 'source', source: s }),
    }));
    res.type('html').send(page(req, { kind: 'site' }, { sources }));
  });

  router.get('/sources/:slug/feeds', async (req, res) => {
    const source = await requireSource(store, req.params.slug);
    res.type('html').send(page(req, { kind: 'source', source }, { source: { name: source.name, href: sourcePath(source.slug) } }));
  });

  router.get('/articles/:id/feeds', async (req, res) => {
    const article = await requireArticle(store, req.params.id);
    res.type('html').send(page(req, { kind: 'article', article }, {
      article: { title: article.title ?? article.url, url: article.url, href: articlePath(article.id) },
    }));
  });

  return router;
}
