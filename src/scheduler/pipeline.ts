/**
 * The checking pipeline as `serve`, `palimpsest check` and the benchmark run it: the polite fetcher, extraction in
 * worker threads, and optional metrics, assembled into the tracker's CheckDeps. One per process.
 */
import type { Config } from '../config/index.js';
import type { CheckMetrics } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import type { CheckDeps } from '../tracker/check.js';
import { createExtractPool, type ExtractPool } from './extract-pool.js';
import { createPoliteFetcher, type PoliteFetcher } from './polite.js';
import { workerId } from './worker-id.js';
import { createRenderer, type Renderer } from '../render/render.js';

/** A ready pipeline; close it to stop the extraction workers. */
export interface Pipeline {
  deps: CheckDeps;
  polite: PoliteFetcher;
  pool: ExtractPool;
  /** The browser of rendered sources (launched on the first page that needs it). */
  renderer: Renderer;
  close(): Promise<void>;
}

/** Options of createPipeline. */
export interface PipelineOptions {
  metrics?: CheckMetrics;
  now?: () => Date;
  /** Told when the extraction workers fail and extraction falls back to the main thread. */
  onFallback?: (reason: string) => void;
  /** Who this process is in the fleet's host slots (default: a new id). */
  fleet?: { owner: string };
}

/** Longest wait for a fleet-wide host slot before a check gives up for now (the article is checked again later). */
const FLEET_MAX_WAIT_MS = 60_000;

/** Builds the pipeline for a store and configuration (workers: config.scheduler.extractThreads). */
export function createPipeline(store: Store, config: Config, opts: PipelineOptions = {}): Pipeline {
  // Fleet-wide host slots cost nothing on SQLite (always granted) and keep a shared PostgreSQL polite.
  const polite = createPoliteFetcher(config, opts.now, {
    store, owner: opts.fleet?.owner ?? workerId('process'), perHostConcurrency: config.fetch.perHostConcurrency,
    perHostDelayMs: config.fetch.perHostDelayMs, holdS: Math.ceil(config.fetch.totalTimeoutMs / 1000) + 30, maxWaitMs: FLEET_MAX_WAIT_MS,
  });
  const pool = createExtractPool({
    size: config.scheduler.extractThreads, nice: config.scheduler.backgroundNice, onFallback: opts.onFallback,
  });
  const renderer = createRenderer(config);
  const deps: CheckDeps = {
    store, config, fetch: polite.fetch, extract: pool.extract, encode: pool.encode, render: renderer,
    ...(opts.now ? { now: opts.now } : {}), ...(opts.metrics ? { metrics: opts.metrics } : {}),
  };
  return {
    deps, polite, pool, renderer,
    close: async () => {
      polite.close();
      await pool.close();
      await renderer.close();
    },
  };
}
