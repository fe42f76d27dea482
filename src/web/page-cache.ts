/**
 * Rendered pages kept in memory (the `pages` cache of caches.ts) under the database's write stamp and the URL asked
 * for: the home page and an article page change only when something is written (a version, an event, a check, a
 * renamed source) or when one of their "3 minutes ago" texts would read otherwise. A hit costs one cheap read (the
 * stamp) and sends the body compressed once; a new version shows at once, since its write moves the stamp. Searches
 * (search-cache.ts) and the API's listings are kept and sent the same way (sendCachedAnswer).
 */
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { sendBody, cachesOf, bodyBytes, type CachedBody } from './caches.js';
import type { WebContext } from './context.js';
import { withExpiry } from './render.js';

/** The ETag of a page body: its hash (weak: the same page is sent raw or compressed). */
export function pageEtag(prefix: string, body: Buffer): string {
  return `W/"${prefix}-${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** The page under `key` when it is still true at `now` (ms), else undefined. */
function livePage(ctx: WebContext, key: string, now: number): CachedBody | undefined {
  const hit = cachesOf(ctx).pages.get(key);
  return hit && (hit.expires === undefined || now < hit.expires) ? hit : undefined;
}

/**
 * The page of this request: kept, or built by `build` (its HTML) and kept until the next write or until its time
 * texts change. Concurrent requests for one page wait for one build. With the page cache off (web.pageCacheBytes
 * 0) every request builds. `admit`: awaited before a build starts (a search waits for a gate slot there, which may
 * throw a 503); the build is shared only from then on, so a request abandoned while waiting leaves nothing behind.
 */
export async function pageFor(ctx: WebContext, key: string, build: () => Promise<string>, admit?: () => Promise<void>): Promise<CachedBody> {
  const caches = cachesOf(ctx);
  const hit = livePage(ctx, key, ctx.now().getTime());
  if (hit) return hit;
  const pending = caches.building.get(key);
  if (pending) return pending;
  if (admit) {
    await admit();
    // Another request may have built the page, or begun to, while this one waited.
    const meanwhile = caches.building.get(key) ?? livePage(ctx, key, ctx.now().getTime());
    if (meanwhile) return meanwhile;
  }
  const p = withExpiry(build).then(({ value, expires }) => {
    const raw = Buffer.from(value);
    const page: CachedBody = { raw, etag: pageEtag('page', raw), ...(Number.isFinite(expires) ? { expires } : {}) };
    caches.pages.set(key, page, bodyBytes(page));
    return page;
  }).finally(() => caches.building.delete(key));
  caches.building.set(key, p);
  return p;
}

/**
 * Answers a read-only GET from the page cache, kept under the database's write stamp and the URL asked for (see the
 * module comment), as `type`: 304 when the request's ETag is the body's, else the body compressed as the request
 * accepts. `build` makes the body; it may throw (404, 400) as a route does. `variant`: what else the body depends on
 * besides the URL (the base URL of links). `admit`: as pageFor's (a search waits for a gate slot).
 */
export async function sendCachedAnswer(ctx: WebContext, req: Request, res: Response, type: 'html' | 'json', variant: string,
  build: () => Promise<string>, admit?: () => Promise<void>): Promise<void> {
  const key = `${type}|${await ctx.store.getWriteStamp()}|${variant}|${req.originalUrl}`;
  const body = await pageFor(ctx, key, build, admit);
  res.type(type);
  if (body.etag) res.setHeader('ETag', body.etag);
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  await sendBody(req, res, cachesOf(ctx).pages, key, body);
}

/** Answers an HTML page from the page cache (see sendCachedAnswer). */
export function sendCachedPage(ctx: WebContext, req: Request, res: Response, build: () => Promise<string>): Promise<void> {
  return sendCachedAnswer(ctx, req, res, 'html', '', build);
}
