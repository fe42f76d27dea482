/** Feed routes: /feed.{rss,atom,json} and /articles/:id/feed.{rss,atom,json}, with ETag/Last-Modified and 304s. */
import express, { type Request, type Response, type Router } from 'express';
import type { Article } from '../../store/types.js';
import { baseUrlFor } from '../base-url.js';
import type { WebContext } from '../context.js';
import { FEED_CONTENT_TYPES, feedValidators, renderFeed } from '../feeds.js';
import { requireArticle } from '../params.js';
import type { FeedFormat } from '../paths.js';

const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];

/** Routes of the feeds. */
export function feedsRouter(ctx: WebContext): Router {
  const router = express.Router();

  const send = (req: Request, res: Response, article: Article | null, format: FeedFormat): void => {
    const base = baseUrlFor(req, ctx.config);
    // Minor versions (punctuation, timestamps, counters) are left out unless ?minor=1.
    const includeMinor = req.query.minor === '1';
    const v = feedValidators(ctx, article, format, base, includeMinor);
    res.setHeader('ETag', v.etag);
    if (v.lastModified) res.setHeader('Last-Modified', v.lastModified);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Content-Type', FEED_CONTENT_TYPES[format]);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.send(renderFeed(ctx, article, format, base, includeMinor));
  };

  for (const format of FORMATS) {
    router.get(`/feed.${format}`, (req, res) => send(req, res, null, format));
    router.get(`/articles/:id/feed.${format}`, (req, res) => send(req, res, requireArticle(ctx.db, req.params.id), format));
  }
  return router;
}
