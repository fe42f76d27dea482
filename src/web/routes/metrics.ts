/** GET /metrics: every metric of the process in the Prometheus text format. */
import express, { type Router } from 'express';
import type { Registry } from 'prom-client';

/** The /metrics route over a registry (the store gauges are computed while it is scraped). */
export function metricsRouter(registry: Registry): Router {
  const router = express.Router();
  router.get('/metrics', async (_req, res) => {
    const text = await registry.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.type(registry.contentType).send(text);
  });
  return router;
}
