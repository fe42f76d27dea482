/**
 * The checking pipeline as `serve`, `palimpsest check` and the benchmark run it: the polite fetcher, extraction in
 * worker threads, and optional metrics, assembled into the tracker's CheckDeps. One per process.
 */
import type { Config } from '../config/index.js';
import type { CheckMetrics } from '../metrics/index.js';
import type { Db } from '../store/index.js';
import type { CheckDeps } from '../tracker/check.js';
import { createExtractPool, type ExtractPool } from './extract-pool.js';
import { createPoliteFetcher, type PoliteFetcher } from './polite.js';

/** A ready pipeline; close it to stop the extraction workers. */
export interface Pipeline {
  deps: CheckDeps;
  polite: PoliteFetcher;
  pool: ExtractPool;
  close(): Promise<void>;
}

/** Options of createPipeline. */
export interface PipelineOptions {
  metrics?: CheckMetrics;
  now?: () => Date;
  /** Told when the extraction workers fail and extraction falls back to the main thread. */
  onFallback?: (reason: string) => void;
}

/** Builds the pipeline for a database and configuration (workers: config.scheduler.extractThreads). */
export function createPipeline(db: Db, config: Config, opts: PipelineOptions = {}): Pipeline {
  const polite = createPoliteFetcher(config, opts.now);
  const pool = createExtractPool({
    size: config.scheduler.extractThreads, nice: config.scheduler.backgroundNice, onFallback: opts.onFallback,
  });
  const deps: CheckDeps = {
    db, config, fetch: polite.fetch, extract: pool.extract, compress: pool.compress,
    ...(opts.now ? { now: opts.now } : {}), ...(opts.metrics ? { metrics: opts.metrics } : {}),
  };
  return {
    deps, polite, pool,
    close: async () => {
      polite.close();
      await pool.close();
    },
  };
}
