/**
 * The JSON API under /api: articles, versions, diffs, adding a URL, sources and search (routes/api-sources.ts,
 * routes/api-search.ts), and its OpenAPI description at /api/openapi.json. Reads are open to other origins (CORS).
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { splitParagraphs } from '../../differ/index.js';
import { parseSearch } from '../../store/index.js';
import { articleJson, articleStatsJson, versionJson, versionSummaryJson } from '../api-json.js';
import { baseUrlFor } from '../base-url.js';
import type { WebContext } from '../context.js';
import { decodeIdCursor, encodeKeyCursor } from '../cursor.js';
import { cachedDiff } from '../caches.js';
import { HttpError } from '../errors.js';
import { openApiDocument } from '../openapi.js';
import { parsePositiveInt, queryString, requireArticle, requireDiffRange, requireVersion } from '../params.js';
import { parseSourceFilter, withSearchErrors } from '../search.js';
import { sendCachedAnswer } from '../page-cache.js';
import { sendCachedSearch } from '../search-cache.js';
import { bearerToken, requireAdmin, trackUrl } from '../track.js';
import { apiSearchRouter } from './api-search.js';
import { apiSourcesRouter } from './api-sources.js';
import { apiSubscriptionsRouter } from './api-subscriptions.js';
import { screenshotJson } from '../screenshots.js';
import { eventsJson, loadArticleExtras, variantsJson } from '../variants-view.js';

/** Default and largest page sizes of GET /api/articles. */
export const API_PAGE = { default: 20, max: 100 } as const;

/** Encodes a keyset cursor (the last article id of a page) as an opaque string. */
export function encodeCursor(lastId: number): string {
  return encodeKeyCursor('a', lastId);
}

/** Decodes a cursor made by encodeCursor; 400 for anything else. */
export function decodeCursor(cursor: string): number {
  return decodeIdCursor('a', cursor);
}

/** Parsed filters of GET /api/articles. */
export interface ArticleListParams {
  q?: string;
  changedSince?: string;
  minVersions?: number;
  /** `headline_changed=1`: only articles with a version whose headline changed; `0`: only the others. */
  headlineChanged?: boolean;
  beforeId?: number;
  limit: number;
}

/** Reads and validates the query string of GET /api/articles; 400 with the parameter named on failure. */
export function parseArticleListParams(query: Record<string, unknown>): ArticleListParams {
  const out: ArticleListParams = { limit: API_PAGE.default };
  const q = queryString(query.q);
  if (q !== undefined && q.trim() !== '') {
    if (q.length > 200) throw new HttpError(400, 'invalid q: longer than 200 characters');
    out.q = q.trim();
  }
  const since = queryString(query.changed_since);
  if (since !== undefined) {
    const t = /^\d{4}-\d{2}-\d{2}/.test(since) ? Date.parse(since) : NaN;
    if (Number.isNaN(t)) throw new HttpError(400, 'invalid changed_since: expected an ISO 8601 date or time, e.g. 2024-05-01T00:00:00Z');
    out.changedSince = new Date(t).toISOString();
  }
  const minV = queryString(query.min_versions);
  if (minV !== undefined) {
    if (!/^[0-9]{1,6}$/.test(minV)) throw new HttpError(400, 'invalid min_versions: expected a non-negative integer');
    out.minVersions = Number(minV);
  }
  const headline = queryString(query.headline_changed);
  if (headline !== undefined) {
    if (headline !== '0' && headline !== '1') throw new HttpError(400, 'invalid headline_changed: expected 1 or 0');
    out.headlineChanged = headline === '1';
  }
  const limit = queryString(query.limit);
  if (limit !== undefined) {
    const n = parsePositiveInt(limit);
    if (n === null || n > API_PAGE.max) throw new HttpError(400, `invalid limit: expected an integer from 1 to ${API_PAGE.max}`);
    out.limit = n;
  }
  const cursor = queryString(query.cursor);
  if (cursor !== undefined) out.beforeId = decodeCursor(cursor);
  return out;
}

const postBody = z.object({ url: z.string() });

/** Routes of the JSON API (mounted at /api). */
export function apiRouter(ctx: WebContext): Router {
  const { store, config } = ctx;
  const router = express.Router();

  // CORS for reads: any origin may GET; preflights are answered for reads only (writes need the admin token and
  // are not meant for other origins' pages).
  router.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Expose-Headers', 'ETag, Last-Modified, Location');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Accept, Content-Type, If-None-Match, If-Modified-Since');
      res.setHeader('Access-Control-Max-Age', '86400');
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      res.status(204).end();
      return;
    }
    next();
  });

  router.get('/', (req, res) => {
    const base = baseUrlFor(req, config);
    res.json({
      name: 'Palimpsest API',
      openapi: `${base}/api/openapi.json`,
      endpoints: {
        articles: `${base}/api/articles{?q,source,changed_since,min_versions,headline_changed,limit,cursor}`,
        article: `${base}/api/articles/{id}`,
        version: `${base}/api/articles/{id}/versions/{n}`,
        diff: `${base}/api/articles/{id}/diff/{a}/{b}`,
        track: `POST ${base}/api/articles {"url": "..."} with Authorization: Bearer <admin token>`,
        sources: `${base}/api/sources{?limit,cursor}`,
        source: `${base}/api/sources/{slug}`,
        add_source: `POST ${base}/api/sources <source definition> with Authorization: Bearer <admin token>`,
        search: `${base}/api/search{?q,source,limit,cursor}`,
      },
    });
  });

  router.get('/openapi.json', (req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(openApiDocument(baseUrlFor(req, config)));
  });

  router.get('/articles', async (req, res) => {
    const p = parseArticleListParams(req.query as Record<string, unknown>);
    const source = await parseSourceFilter(store, req.query.source);
    const base = baseUrlFor(req, config);
    const list = async (): Promise<string> => {
      // q matches the URL or current title (substring), or any version's title or text (full-text search).
      const rows = await withSearchErrors(() => store.queryArticles({
        search: p.q, textSearch: p.q === undefined ? undefined : (parseSearch(p.q) ?? undefined), sourceId: source?.id,
        changedSince: p.changedSince, minVersions: p.minVersions, headlineChanged: p.headlineChanged, beforeId: p.beforeId, limit: p.limit + 1,
      }));
      const page = rows.slice(0, p.limit);
      const last = page[page.length - 1];
      return JSON.stringify({
        articles: page.map((a) => articleJson(a, base)),
        next_cursor: rows.length > p.limit && last ? encodeCursor(last.id) : null,
      });
    };
    // With q it is a search: kept until the next write, and built in its turn with the other searches and the feeds.
    if (p.q !== undefined) await sendCachedSearch(ctx, req, res, 'json', base, list);
    // Without q a light listing, still the same answer until the next write: kept too, built without the gate.
    else await sendCachedAnswer(ctx, req, res, 'json', base, list);
  });

  router.get('/articles/:id', async (req, res) => {
    const article = await requireArticle(store, req.params.id);
    const versions = await store.listVersionSummaries(article.id);
    const base = baseUrlFor(req, config);
    const extras = await loadArticleExtras(store, article.id, versions);
    const notices = new Map(extras.corrections.map((c) => [c.versionNumber, c.notice]));
    res.json({
      article: articleJson(article, base),
      stats: articleStatsJson(article, versions),
      // `correction`: the correction or update notice the version added, or null (README "Corrections").
      versions: versions.map((v) => ({ ...versionSummaryJson(v, base), correction: notices.get(v.number) ?? null })),
      // An alternating article's variants (README "Variants"); empty when it never alternated.
      variants: variantsJson(extras, base),
      // Absent / redirected / returned transitions, oldest first (README "Removals and redirects").
      events: eventsJson(extras),
    });
  });

  router.get('/articles/:id/versions/:n', async (req, res) => {
    const article = await requireArticle(store, req.params.id);
    const version = await requireVersion(store, article, req.params.n);
    const base = baseUrlFor(req, config);
    const correction = (await store.listCorrectionsOf([version.id]))[0]?.notice ?? null;
    const screenshot = screenshotJson(await store.getScreenshotInfo(version.id), base, article.id, version.number);
    res.json({ article: articleJson(article, base), version: { ...versionJson(version, splitParagraphs(version.text), base), correction, screenshot } });
  });

  router.get('/articles/:id/diff/:a/:b', async (req, res) => {
    const article = await requireArticle(store, req.params.id);
    const { a, b } = await requireDiffRange(store, article, req.params.a, req.params.b);
    const base = baseUrlFor(req, config);
    // The diff's JSON comes from the cache of diffs by content, spliced in as res.json would have written it.
    const head = JSON.stringify({ article: articleJson(article, base), from: versionSummaryJson(a, base), to: versionSummaryJson(b, base) });
    res.type('json').send(`${head.slice(0, -1)},"diff":${cachedDiff(ctx, a, b).json}}`);
  });

  const checkBearer: express.RequestHandler = (req, _res, next) => {
    requireAdmin(config.adminToken, bearerToken(req.get('authorization')), true);
    next();
  };

  router.post('/articles', checkBearer, express.json({ limit: '16kb', strict: true }), async (req, res) => {
    if (!req.is('application/json')) throw new HttpError(415, 'expected a JSON body {"url": "https://..."} with Content-Type: application/json');
    const parsed = postBody.safeParse(req.body);
    if (!parsed.success) throw new HttpError(400, 'invalid body: expected a JSON object {"url": "https://..."}');
    const { article, created } = await trackUrl(store, parsed.data.url, ctx.now());
    const base = baseUrlFor(req, config);
    if (created) res.status(201).location(`/api/articles/${article.id}`);
    res.json({ article: articleJson(article, base), created });
  });

  router.use('/sources', apiSourcesRouter(ctx, checkBearer));
  router.use('/subscriptions', apiSubscriptionsRouter(ctx, checkBearer));
  router.use('/search', apiSearchRouter(ctx));

  return router;
}
