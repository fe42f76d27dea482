/**
 * Feed routes: /feed.{rss,atom,json}, /articles/:id/feed.{rss,atom,json} and /sources/:slug/feed.{rss,atom,json},
 * with ETag/Last-Modified and 304s.
 */
import express, { type Request, type Response, type Router } from 'express';
import { baseUrlFor } from '../base-url.js';
import type { WebContext } from '../context.js';
import { FEED_CONTENT_TYPES, feedValidators, renderFeed, type FeedScope } from '../feeds.js';
import { requireArticle, requireSource } from '../params.js';
import type { FeedFormat } from '../paths.js';

const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];

/** Routes of the feeds. */
export function feedsRouter(ctx: WebContext): Router {
  const router = express.Router();

  const send = async (req: Request, res: Response, scope: FeedScope, format: FeedFormat): Promise<void> => {
    const base = baseUrlFor(req, ctx.config);
    // Minor versions (punctuation, timestamps, counters) are left out unless ?minor=1.
    const includeMinor = req.query.minor === '1';
    const v = await feedValidators(ctx, scope, format, base, includeMinor);
    res.setHeader('ETag', v.etag);
    if (v.lastModified) res.setHeader('Last-Modified', v.lastModified);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Content-Type', FEED_CONTENT_TYPES[format]);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.send(await renderFeed(ctx, scope, format, base, includeMinor));
  };

  for (const format of FORMATS) {
    router.get(`/feed.${format}`, (req, res) => send(req, res, { kind: 'site' }, format));
    router.get(`/articles/:id/feed.${format}`, async (req, res) => {
      await send(req, res, { kind: 'article', article: await requireArticle(ctx.store, req.params.id) }, format);
    });
    router.get(`/sources/:slug/feed.${format}`, async (req, res) => {
      await send(req, res, { kind: 'source', source: await requireSource(ctx.store, req.params.slug) }, format);
    });
  }
  return router;
}
