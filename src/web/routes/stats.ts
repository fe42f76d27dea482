/** The statistics page, /stats: changes per day over the last days and the most-edited articles, as SVG charts with tables. */
import express, { type Router } from 'express';
import type { WebContext } from '../context.js';
import { statsCharts, STATS_DAYS } from '../stats.js';
import { sourcePath } from '../paths.js';
import type { Source } from '../../store/index.js';

/** Rows of the "articles with variants" table: per source (by name; "added by hand" last) and the total. */
function variantsBySource(rows: ReadonlyArray<{ sourceId: number | null; articles: number }>, sources: readonly Source[]): { rows: Array<{ name: string; href: string | null; articles: number }>; total: number } {
  const byId = new Map(sources.map((s) => [s.id, s]));
  const out = rows.map((r) => {
    const s = r.sourceId === null ? undefined : byId.get(r.sourceId);
    return { name: s ? s.name : r.sourceId === null ? 'added by hand' : `source #${r.sourceId}`, href: s ? sourcePath(s.slug) : null, articles: r.articles, hand: r.sourceId === null };
  }).sort((a, b) => Number(a.hand) - Number(b.hand) || a.name.localeCompare(b.name));
  return { rows: out.map(({ name, href, articles }) => ({ name, href, articles })), total: rows.reduce((n, r) => n + r.articles, 0) };
}

/** Routes of the statistics page. */
export function statsRouter(ctx: WebContext): Router {
  const { store, render } = ctx;
  const router = express.Router();

  router.get('/stats', async (_req, res) => {
    const [charts, ping, versions, byStatus, variantRows, sources] = await Promise.all([
      statsCharts(store, ctx.now()), store.ping(), store.countVersions(), store.countArticlesByStatus(),
      store.countVariantArticlesBySource(), store.listSources(),
    ]);
    const variants = variantsBySource(variantRows, sources);
    res.type('html').send(render('stats.njk', { charts, days: STATS_DAYS, articles: ping.articles, versions, byStatus, variants }));
  });

  return router;
}
