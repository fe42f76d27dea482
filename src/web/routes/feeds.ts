/**
 * Feed routes: /feed.{rss,atom,json}, /articles/:id/feed.{rss,atom,json} and /sources/:slug/feed.{rss,atom,json},
 * with ETag/Last-Modified and 304s. A 304 is cheap and answered at once; building a feed (up to a hundred diffs)
 * waits for a slot of the feed-and-search gate (config web.heavyConcurrency), so that a burst of feed requests is
 * served a few at a time instead of stalling the site.
 */
import express, { type Request, type Response, type Router } from 'express';
import { yieldToEventLoop } from '../../common/yield.js';
import { baseUrlFor } from '../base-url.js';
import type { WebContext } from '../context.js';
import { cachedBuild, cachesOf, knownAtStamp, sendBody } from '../caches.js';
import { FEED_CONTENT_TYPES, feedLimit, feedValidators, renderFeed, type FeedScope, type FeedValidators } from '../feeds.js';
import { requireArticle, requireSource } from '../params.js';
import type { FeedFormat } from '../paths.js';

const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];

/** What a feed shows of its scope besides its versions. */
function scopeTitle(scope: FeedScope): string {
  if (scope.kind === 'article') return `${scope.article.title ?? ''}\0${scope.article.url}`;
  if (scope.kind === 'source') return `${scope.source.name}\0${scope.source.slug}`;
  return '';
}

/** Which feed of its kind a scope is. */
function scopeId(scope: FeedScope): string {
  return scope.kind === 'article' ? `a${scope.article.id}` : scope.kind === 'source' ? `s${scope.source.id}` : 'all';
}

/** A feed's validators with the key of its body in the feeds cache. */
interface KnownFeed extends FeedValidators {
  key: string;
}

/** Routes of the feeds. */
export function feedsRouter(ctx: WebContext): Router {
  const router = express.Router();

  const send = async (req: Request, res: Response, scope: FeedScope, format: FeedFormat): Promise<void> => {
    const base = baseUrlFor(req, ctx.config);
    // Minor versions (punctuation, timestamps, counters) are left out unless ?minor=1.
    const includeMinor = req.query.minor === '1';
    // ?limit=: how many items (a bad value is a 400 before anything is read).
    const limit = feedLimit(ctx, scope, req.query.limit);
    const caches = cachesOf(ctx);
    // Until anything is written, the validators and cache key found once stand (one cheap read instead of three).
    const known = await knownAtStamp(ctx, `feed|${format}|${scopeId(scope)}|${includeMinor}|${limit}|${base}|${scopeTitle(scope)}`, async () => {
      // The validators read the versions table: a burst of feed requests takes turns from here.
      await yieldToEventLoop();
      const validators = await feedValidators(ctx, scope, format, base, includeMinor, limit);
      // A feed built once is served from memory while its validators and the stored diff results it was made of
      // are unchanged (the scope's title is in the key: a renamed source changes its feed without a new version).
      const found: KnownFeed = { ...validators, key: `${validators.etag}|${await ctx.store.getVersionDiffsSeq()}|${scopeTitle(scope)}` };
      return JSON.stringify(found);
    });
    const v = JSON.parse(known) as KnownFeed;
    res.setHeader('ETag', v.etag);
    if (v.lastModified) res.setHeader('Last-Modified', v.lastModified);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Content-Type', FEED_CONTENT_TYPES[format]);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const key = v.key;
    const hit = caches.feeds.get(key);
    if (hit) {
      await sendBody(req, res, caches.feeds, key, hit);
      return;
    }
    // A feed being built for another request is waited for without a slot: a burst of requests for a feed not
    // built yet costs one build and one slot, not a full queue and 503s.
    const pending = caches.building.get(key);
    if (pending) {
      await sendBody(req, res, caches.feeds, key, await pending);
      return;
    }
    await ctx.heavy.compute.enter(res);
    const built = await cachedBuild(caches.feeds, caches.building, key, async () => Buffer.from(await renderFeed(ctx, scope, format, base, includeMinor, limit)));
    await sendBody(req, res, caches.feeds, key, built);
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
