/**
 * Gauges of extraction health per source (src/health), read from the store at scrape time like the other store
 * gauges: whether each source is degraded, and how many held-back captures wait for a re-extraction.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../store/index.js';

/** Name of the per-source degraded gauge. */
export const DEGRADED_GAUGE = 'palimpsest_source_degraded';

/** Registers the health gauges on `registry` unless it already has them. */
export function registerHealthGauges(registry: Registry, store: Store): void {
  if (registry.getSingleMetric(DEGRADED_GAUGE)) return;
  new Gauge({
    name: DEGRADED_GAUGE,
    help: 'Whether a source is marked degraded (1) because its extraction looks broken, by source slug (0: healthy)',
    labelNames: ['source'] as const,
    registers: [registry],
    async collect() {
      const [all, degraded] = await Promise.all([store.listSources(), store.listDegradedSources()]);
      const bad = new Set(degraded.map((d) => d.sourceId));
      // Reset first: a deleted source's series disappears instead of staying at its last value.
      this.reset();
      for (const s of all) this.set({ source: s.slug }, bad.has(s.id) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'palimpsest_source_held_captures',
    help: 'Captures held back from a degraded source (raw response kept, no version) waiting for `palimpsest reextract`, by source slug',
    labelNames: ['source'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of await store.countHeldCaptures()) this.set({ source: c.sourceSlug }, c.count);
    },
  });
}
