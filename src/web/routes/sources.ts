/** HTML pages of sources: /sources (every source with its figures) and /sources/:slug (settings, articles, changes). */
import express, { type Router } from 'express';
import type { WebContext } from '../context.js';
import { HttpError } from '../errors.js';
import { parsePositiveInt, queryString, requireSource } from '../params.js';
import { downloadLinks, sourceFeedLinks } from '../links.js';
import { articlePath, sourcePath } from '../paths.js';
import { utcDayStart } from '../format.js';
import { listingRows } from '../listing.js';
import { statsCharts, STATS_DAYS } from '../stats.js';
import { sourceSettings, sourceUrls } from '../source-json.js';
import { SOURCE_DAYS } from './api-sources.js';
import { healthIndex, healthView, recentHealthEvents } from '../source-health.js';

/** Articles listed per page on a source's page. */
export const SOURCE_ARTICLES_PER_PAGE = 50;

/** Changed articles listed on a source's page (one row each, newest change first). */
export const SOURCE_CHANGES = 20;

/** The largest daily count (at least 1, the scale of the per-day bars). */
function maxOf(days: Array<{ count: number }>): number {
  return Math.max(1, ...days.map((d) => d.count));
}

/** Routes of the source pages. */
export function sourcesRouter(ctx: WebContext): Router {
  const { store, render } = ctx;
  const router = express.Router();

  router.get('/sources', async (_req, res) => {
    const health = await healthIndex(store);
    const sources = (await store.listSourceSummaries(ctx.now(), SOURCE_DAYS)).map((s) => ({
      ...s, href: sourcePath(s.slug), urls: sourceUrls(s), maxPerDay: maxOf(s.newPerDay), health: healthView(health, s),
    }));
    res.type('html').send(render('sources.njk', { sources, days: SOURCE_DAYS }));
  });

  router.get('/sources/:slug', async (req, res) => {
    const found = await requireSource(store, req.params.slug);
    const source = await store.getSourceSummary(found.slug, ctx.now(), SOURCE_DAYS);
    if (!source) throw new HttpError(404, `no source with slug ${JSON.stringify(found.slug)}`);
    const rawBefore = queryString(req.query.before);
    const before = rawBefore === undefined ? undefined : parsePositiveInt(rawBefore);
    if (before === null) throw new HttpError(400, 'invalid "before" parameter: expected a positive integer');
    const [rows, recent, charts, health, healthEvents] = await Promise.all([
      store.queryArticles({ sourceId: source.id, beforeId: before, limit: SOURCE_ARTICLES_PER_PAGE + 1 }),
      store.listArticleActivity({
        sourceId: source.id, changedOnly: true, todayFrom: utcDayStart(ctx.now()), sort: 'newest', limit: SOURCE_CHANGES, offset: 0,
      }),
      statsCharts(store, ctx.now(), source.id),
      healthIndex(store),
      recentHealthEvents(store, source.id),
    ]);
    const page = rows.slice(0, SOURCE_ARTICLES_PER_PAGE);
    const last = page[page.length - 1];
    const home = sourcePath(source.slug);
    // The latest changes, one row per article (as on the home page, with headline changes old → new).
    const changes = listingRows(recent);
    res.type('html').send(render('source.njk', {
      source,
      settings: sourceSettings(source),
      maxPerDay: maxOf(source.newPerDay),
      articles: page.map((a) => ({ ...a, href: articlePath(a.id) })),
      health: healthView(health, source), healthEvents,
      changes, charts, statsDays: STATS_DAYS, changesHref: `/?source=${encodeURIComponent(source.slug)}`,
      paged: before !== undefined,
      firstHref: `${home}#articles`,
      older: rows.length > SOURCE_ARTICLES_PER_PAGE && last ? `${home}?before=${last.id}#articles` : null,
      feeds: sourceFeedLinks(source.slug, source.name),
      downloads: downloadLinks({ sourceSlug: source.slug }),
      apiHref: `/api/sources/${encodeURIComponent(source.slug)}`,
    }));
  });

  return router;
}
