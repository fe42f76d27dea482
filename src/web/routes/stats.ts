/** The statistics page, /stats: changes per day over the last days and the most-edited articles, as SVG charts with tables. */
import express, { type Router } from 'express';
import type { WebContext } from '../context.js';
import { statsCharts, STATS_DAYS } from '../stats.js';

/** Routes of the statistics page. */
export function statsRouter(ctx: WebContext): Router {
  const { store, render } = ctx;
  const router = express.Router();

  router.get('/stats', async (_req, res) => {
    const [charts, ping, versions, byStatus] = await Promise.all([
      statsCharts(store, ctx.now()), store.ping(), store.countVersions(), store.countArticlesByStatus(),
    ]);
    res.type('html').send(render('stats.njk', { charts, days: STATS_DAYS, articles: ping.articles, versions, byStatus }));
  });

  return router;
}
