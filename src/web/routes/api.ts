/** The JSON API under /api: articles, versions, diffs, and adding a URL. */
import express, { type Router } from 'express';
import { z } from 'zod';
import { splitParagraphs } from '../../differ/index.js';
import { listVersionSummaries, queryArticles } from '../../store/index.js';
import { articleJson, articleStatsJson, versionJson, versionSummaryJson } from '../api-json.js';
import { baseUrlFor } from '../base-url.js';
import type { WebContext } from '../context.js';
import { computeDiff } from '../diff-view.js';
import { HttpError } from '../errors.js';
import { parsePositiveInt, queryString, requireArticle, requireDiffRange, requireVersion } from '../params.js';
import { requireAdmin, trackUrl } from '../track.js';

/** Default and largest page sizes of GET /api/articles. */
export const API_PAGE = { default: 20, max: 100 } as const;

/** Encodes a keyset cursor (the last article id of a page) as an opaque string. */
export function encodeCursor(lastId: number): string {
  return Buffer.from(`a:${lastId}`, 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor; 400 for anything else. */
export function decodeCursor(cursor: string): number {
  const m = /^a:([0-9]{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const id = m?.[1] ? parsePositiveInt(m[1]) : null;
  if (id === null) throw new HttpError(400, 'invalid cursor: use the next_cursor value of the previous page');
  return id;
}

/** Parsed filters of GET /api/articles. */
export interface ArticleListParams {
  q?: string;
  changedSince?: string;
  minVersions?: number;
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
  const { db, config } = ctx;
  const router = express.Router();

  router.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') res.setHeader('Access-Control-Allow-Origin', '*');
    next();
  });

  router.get('/', (req, res) => {
    const base = baseUrlFor(req, config);
    res.json({
      name: 'Palimpsest API',
      endpoints: {
        articles: `${base}/api/articles{?q,changed_since,min_versions,limit,cursor}`,
        article: `${base}/api/articles/{id}`,
        version: `${base}/api/articles/{id}/versions/{n}`,
        diff: `${base}/api/articles/{id}/diff/{a}/{b}`,
        track: `POST ${base}/api/articles {"url": "..."} with Authorization: Bearer <admin token>`,
      },
    });
  });

  router.get('/articles', (req, res) => {
    const p = parseArticleListParams(req.query as Record<string, unknown>);
    const rows = queryArticles(db, {
      search: p.q, changedSince: p.changedSince, minVersions: p.minVersions, beforeId: p.beforeId, limit: p.limit + 1,
    });
    const page = rows.slice(0, p.limit);
    const last = page[page.length - 1];
    const base = baseUrlFor(req, config);
    res.json({
      articles: page.map((a) => articleJson(a, base)),
      next_cursor: rows.length > p.limit && last ? encodeCursor(last.id) : null,
    });
  });

  router.get('/articles/:id', (req, res) => {
    const article = requireArticle(db, req.params.id);
    const versions = listVersionSummaries(db, article.id);
    const base = baseUrlFor(req, config);
    res.json({
      article: articleJson(article, base),
      stats: articleStatsJson(article, versions),
      versions: versions.map((v) => versionSummaryJson(v, base)),
    });
  });

  router.get('/articles/:id/versions/:n', (req, res) => {
    const article = requireArticle(db, req.params.id);
    const version = requireVersion(db, article, req.params.n);
    const base = baseUrlFor(req, config);
    res.json({ article: articleJson(article, base), version: versionJson(version, splitParagraphs(version.text), base) });
  });

  router.get('/articles/:id/diff/:a/:b', (req, res) => {
    const article = requireArticle(db, req.params.id);
    const { a, b } = requireDiffRange(db, article, req.params.a, req.params.b);
    const base = baseUrlFor(req, config);
    res.json({
      article: articleJson(article, base),
      from: versionSummaryJson(a, base),
      to: versionSummaryJson(b, base),
      diff: computeDiff(a, b),
    });
  });

  const checkBearer: express.RequestHandler = (req, _res, next) => {
    const auth = req.get('authorization');
    const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
    requireAdmin(config.adminToken, m?.[1], true);
    next();
  };

  router.post('/articles', checkBearer, express.json({ limit: '16kb', strict: true }), (req, res) => {
    if (!req.is('application/json')) throw new HttpError(415, 'expected a JSON body {"url": "https://..."} with Content-Type: application/json');
    const parsed = postBody.safeParse(req.body);
    if (!parsed.success) throw new HttpError(400, 'invalid body: expected a JSON object {"url": "https://..."}');
    const { article, created } = trackUrl(db, parsed.data.url, ctx.now());
    const base = baseUrlFor(req, config);
    if (created) res.status(201).location(`/api/articles/${article.id}`);
    res.json({ article: articleJson(article, base), created });
  });

  return router;
}
