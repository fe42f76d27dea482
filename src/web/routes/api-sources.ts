/** The sources part of the JSON API (mounted at /api/sources): list, one, and adding a source with the admin token. */
import express, { type RequestHandler, type Router } from 'express';
import { createSource } from '../../sources/manage.js';
import { SourceConfigError } from '../../sources/schema.js';
import { baseUrlFor } from '../base-url.js';
import type { WebContext } from '../context.js';
import { decodeSlugCursor, encodeKeyCursor } from '../cursor.js';
import { HttpError } from '../errors.js';
import { parseLimit, queryString, requireSource } from '../params.js';
import { sourceJson } from '../source-json.js';
import { healthIndex, healthJson } from '../source-health.js';

/** Default and largest page sizes of GET /api/sources. */
export const SOURCES_PAGE = { default: 50, max: 200 } as const;

/** Days of "new articles per day" in source summaries. */
export const SOURCE_DAYS = 7;

/** Routes of /api/sources; `checkBearer` is the API's admin-token check. */
/** Articles with variants per source id (articles without a source are not listed here). */
async function variantCounts(store: WebContext['store']): Promise<Map<number, number>> {
  const rows = await store.countVariantArticlesBySource();
  return new Map(rows.flatMap((r) => (r.sourceId === null ? [] : [[r.sourceId, r.articles] as [number, number]])));
}

export function apiSourcesRouter(ctx: WebContext, checkBearer: RequestHandler): Router {
  const { store, config } = ctx;
  const router = express.Router();

  router.get('/', async (req, res) => {
    const limit = parseLimit(req.query.limit, SOURCES_PAGE.default, SOURCES_PAGE.max);
    const cursor = queryString(req.query.cursor);
    const afterSlug = cursor === undefined ? undefined : decodeSlugCursor(cursor);
    const rows = await store.listSourceSummariesPage(ctx.now(), { afterSlug, limit: limit + 1 }, SOURCE_DAYS);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const base = baseUrlFor(req, config);
    const variants = await variantCounts(store);
    const health = await healthIndex(store);
    res.json({
      // articles_with_variants: articles seen alternating between variants (A/B tests; README "Variants").
      // health: extraction health (README "Extraction health").
      sources: page.map((s) => ({ ...sourceJson(s, base), articles_with_variants: variants.get(s.id) ?? 0, health: healthJson(health, s) })),
      next_cursor: rows.length > limit && last ? encodeKeyCursor('s', last.slug) : null,
    });
  });

  router.get('/:slug', async (req, res) => {
    const source = await requireSource(store, req.params.slug);
    const summary = await store.getSourceSummary(source.slug, ctx.now(), SOURCE_DAYS);
    if (!summary) throw new HttpError(404, `no source with slug ${JSON.stringify(source.slug)}`);
    const variants = await variantCounts(store);
    const health = healthJson(await healthIndex(store), summary);
    res.json({ source: { ...sourceJson(summary, baseUrlFor(req, config)), articles_with_variants: variants.get(summary.id) ?? 0, health } });
  });

  router.post('/', checkBearer, express.json({ limit: '64kb', strict: true }), async (req, res) => {
    if (!req.is('application/json')) {
      throw new HttpError(415, 'expected a JSON source definition {"name": ..., "kind": ..., "urls": [...]} with Content-Type: application/json');
    }
    let created;
    try {
      created = await createSource(store, req.body, ctx.now());
    } catch (err) {
      if (err instanceof SourceConfigError) throw new HttpError(400, err.message);
      throw err;
    }
    const summary = await store.getSourceSummary(created.slug, ctx.now(), SOURCE_DAYS);
    if (!summary) throw new HttpError(500, 'the new source vanished');
    res.status(201).location(`/api/sources/${encodeURIComponent(created.slug)}`);
    res.json({ source: sourceJson(summary, baseUrlFor(req, config)) });
  });

  return router;
}
