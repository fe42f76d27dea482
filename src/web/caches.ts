/**
 * The in-memory caches of one web app, all bounded by bytes (config web.*CacheBytes, least recently used dropped):
 * serialised feeds by their validators and the stored results' sequence number (a hot feed is served from memory
 * until a version arrives or is re-extracted), diffs between two versions by the two texts' content hashes (what
 * is diffed is the content, whatever the version numbers), and rendered diff pages by everything they show.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Request, Response } from 'express';
import type { ArticleDiff } from '../differ/index.js';
import { diffVersions } from '../precompute/version-result.js';
import type { Version } from '../store/index.js';
import { ByteLru } from '../common/byte-lru.js';
import type { WebContext } from './context.js';

/** A diff with its JSON (the API sends that; its length is what the entry is counted at). */
export interface CachedDiff {
  diff: ArticleDiff;
  json: string;
}

/**
 * A cached response body and its compressed forms, each made on first need and kept with it: a hot feed of
 * hundreds of kilobytes is compressed once, not on every request.
 */
export interface CachedBody {
  raw: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  /** A page's ETag, when kept with it (src/web/page-cache.ts). */
  etag?: string;
  /** When a page stops being true (ms since the epoch: its "ago" texts), when it depends on the time. */
  expires?: number;
}

/** The caches of one app. */
export interface WebCaches {
  feeds: ByteLru<CachedBody>;
  diffs: ByteLru<CachedDiff>;
  pages: ByteLru<CachedBody>;
  /**
   * What a cheap check has found out, by the database's write stamp and what was asked: a diff page's key, a
   * feed's validators. A hit skips the reads that find it again until anything is written.
   */
  known: ByteLru<string>;
  /** Feeds and pages being built, by cache key: concurrent requests for one wait for one build. */
  building: Map<string, Promise<CachedBody>>;
}

const byContext = new WeakMap<WebContext, WebCaches>();

/** The `known` cache takes this fraction of web.pageCacheBytes (its entries are a few hundred bytes each). */
const KNOWN_SHARE = 16;

/** The bytes a `known` entry is counted at: its key and value in UTF-16, and as much again for the Map's entry. */
function knownBytes(key: string, value: string): number {
  return 4 * (key.length + value.length);
}

/**
 * What `find` finds out about `what` (a route's request, in a string), kept in the `known` cache under the
 * database's write stamp: until anything is written, it is found once and then costs one cheap read (the stamp).
 * What `find` throws (a 404) is not kept.
 */
export async function knownAtStamp(ctx: WebContext, what: string, find: () => Promise<string>): Promise<string> {
  const known = cachesOf(ctx).known;
  const key = `${await ctx.store.getWriteStamp()}|${what}`;
  const hit = known.get(key);
  if (hit !== undefined) return hit;
  const found = await find();
  known.set(key, found, knownBytes(key, found));
  return found;
}

/** The caches of the app of `ctx` (created on first use). */
export function cachesOf(ctx: WebContext): WebCaches {
  let c = byContext.get(ctx);
  if (!c) {
    const web = ctx.config.web;
    c = {
      feeds: new ByteLru(web.feedCacheBytes), diffs: new ByteLru(web.diffCacheBytes), pages: new ByteLru(web.pageCacheBytes),
      known: new ByteLru(Math.floor(web.pageCacheBytes / KNOWN_SHARE)), building: new Map(),
    };
    byContext.set(ctx, c);
  }
  return c;
}

/**
 * The memory a cached diff is counted at: its JSON in UTF-16 (2 bytes a character) and as much again for the
 * objects (the word operations' strings are shared with the JSON's sources, the objects cost about as much).
 */
export function diffBytes(json: string): number {
  return 4 * json.length;
}

/**
 * A hash of what the differ reads of a version, its headline and text. The stored content hash is not used: it is
 * whatever an import or an older release wrote (not always over the headline), and a wrong hit would show a wrong
 * diff; hashing costs a fraction of a millisecond where a diff costs milliseconds.
 */
export function contentKey(v: Pick<Version, 'title' | 'text'>): string {
  return crypto.createHash('sha256').update(v.title).update('\0').update(v.text).digest('base64url');
}

/** The diff from `a` to `b` (and its JSON), from the cache or computed and kept. */
export function cachedDiff(ctx: WebContext, a: Pick<Version, 'title' | 'text'>, b: Pick<Version, 'title' | 'text'>): CachedDiff {
  const cache = cachesOf(ctx).diffs;
  const key = `${contentKey(a)}:${contentKey(b)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const diff = diffVersions(a, b);
  const out = { diff, json: JSON.stringify(diff) };
  cache.set(key, out, diffBytes(out.json));
  return out;
}

/**
 * The value under `key` of `cache`, else `build()`'s, kept; concurrent callers with one key share one build.
 * A value is counted at its bytes, compressed forms included.
 */
export async function cachedBuild(cache: ByteLru<CachedBody>, building: Map<string, Promise<CachedBody>>, key: string, build: () => Promise<Buffer>): Promise<CachedBody> {
  const hit = cache.get(key);
  if (hit) return hit;
  const pending = building.get(key);
  if (pending) return pending;
  const p = build().then((raw) => {
    const out: CachedBody = { raw: ownedBuffer(raw) };
    cache.set(key, out, bodyBytes(out));
    return out;
  }).finally(() => building.delete(key));
  building.set(key, p);
  return p;
}

/**
 * The bytes a cached body is counted at: the memory its raw and compressed forms hold (a small Buffer cut from
 * Node's shared 8 KB pool holds the whole pool: see {@link heldBytes}) and its ETag.
 */
export function bodyBytes(b: CachedBody): number {
  return heldBytes(b.raw) + (b.br ? heldBytes(b.br) : 0) + (b.gzip ? heldBytes(b.gzip) : 0) + 2 * (b.etag?.length ?? 0);
}

/**
 * The memory a Buffer keeps alive: its ArrayBuffer's, which is larger than the Buffer when it is a slice of Node's
 * pool (Buffer.from of a short string, zlib's output of a small body). Counted whole, so that a cache never holds
 * more than its bound, whatever else shares the pool.
 */
export function heldBytes(b: Buffer): number {
  return Math.max(b.length, b.buffer.byteLength);
}

/** `b` itself when it owns its memory, else a copy that does (a kept slice of the pool would keep the whole pool). */
export function ownedBuffer(b: Buffer): Buffer {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.length) return b;
  const own = Buffer.allocUnsafeSlow(b.length);
  b.copy(own);
  return own;
}

/** Bodies smaller than this are sent as they are (the compression middleware's own threshold). */
const COMPRESS_MIN = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Compressions under way, by body: the requests that arrive for a body before its compressed form is made wait for it. */
const compressing = new WeakMap<CachedBody, Partial<Record<'br' | 'gzip', Promise<Buffer>>>>();

/**
 * The `enc` form of `body`, compressed once however many requests ask for it meanwhile: fifty requests for a feed
 * just built would otherwise compress it fifty times, each holding a brotli encoder's memory in the thread pool.
 */
export function compressOnce(body: CachedBody, enc: 'br' | 'gzip'): Promise<Buffer> {
  let under = compressing.get(body);
  if (!under) {
    under = {};
    compressing.set(body, under);
  }
  const running = under[enc];
  if (running) return running;
  // Made once and kept: a better brotli quality than the middleware's per-response 4 is affordable.
  const made = enc === 'br'
    ? brotli(body.raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 6, [constants.BROTLI_PARAM_SIZE_HINT]: body.raw.length } })
    : gzipAsync(body.raw);
  const p = made.then(ownedBuffer).finally(() => { delete under[enc]; });
  under[enc] = p;
  return p;
}

/**
 * Brotli when the client accepts it, else gzip when accepted, else false. Negotiation alone would follow the
 * client's order on equal weights, and browsers list gzip first ("gzip, deflate, br"), so brotli is asked for first.
 */
export function preferredEncoding(req: Request): 'br' | 'gzip' | false {
  if (req.acceptsEncodings('br') === 'br') return 'br';
  return req.acceptsEncodings('gzip') === 'gzip' ? 'gzip' : false;
}

/**
 * Sends a cached body (Content-Type and validators set by the caller), compressed as the request accepts: the
 * compressed form is made once, in libuv's thread pool, and kept with the body under `key` (recounted). The
 * compression middleware passes a body that has a Content-Encoding already. With the cache off, the raw body goes
 * out and the middleware compresses it, as for any response.
 */
export async function sendBody(req: Request, res: Response, cache: ByteLru<CachedBody>, key: string, body: CachedBody): Promise<void> {
  const enc = cache.maxBytes > 0 && body.raw.length >= COMPRESS_MIN ? preferredEncoding(req) : false;
  if (enc !== 'br' && enc !== 'gzip') {
    res.send(body.raw);
    return;
  }
  let out = body[enc];
  if (!out) {
    out = await compressOnce(body, enc);
    // The first request back keeps it; the others that waited for the same compression find it kept.
    if (!body[enc]) {
      body[enc] = out;
      cache.set(key, body, bodyBytes(body));
    }
  }
  res.vary('Accept-Encoding');
  res.setHeader('Content-Encoding', enc);
  res.send(out);
}
