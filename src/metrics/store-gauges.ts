/**
 * Gauges read from the store when /metrics is scraped: the due queue and the articles by status. They are
 * computed at scrape time, not kept in memory, so they are right after a restart and whoever changed the rows
 * (any process sharing the database).
 */
import { Gauge, type Registry } from 'prom-client';
import type { ArticleStatus, Store } from '../store/index.js';
import { registerHealthGauges } from './health-gauges.js';

/** Name of the due-queue gauge; its presence marks a registry that already has the store gauges. */
export const DUE_GAUGE = 'palimpsest_due_articles';

/** Every article status, so that a status with no article still shows as 0 rather than vanishing. */
const STATUSES: readonly ArticleStatus[] = ['active', 'paused', 'blocked', 'stopped'];

/**
 * Registers the store-derived gauges on `registry` unless it already has them (the web app and the scheduler of
 * one process share a registry; whichever comes first registers them), the extraction-health gauges included.
 */
export function registerStoreGauges(registry: Registry, store: Store, now: () => Date = () => new Date()): void {
  if (registry.getSingleMetric(DUE_GAUGE)) return;
  registerHealthGauges(registry, store);
  new Gauge({
    name: DUE_GAUGE,
    help: 'Articles whose next check is due now (the scheduler takes at most scheduler.maxPerTick per tick)',
    registers: [registry],
    async collect() {
      this.set(await store.countDueArticles(now().toISOString()));
    },
  });
  new Gauge({
    name: 'palimpsest_articles',
    help: 'Tracked articles by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await store.countArticlesByStatus();
      for (const s of new Set([...STATUSES, ...Object.keys(counts)])) this.set({ status: s }, counts[s] ?? 0);
    },
  });
}
