/**
 * The scheduler in a thread of its own, for `serve`. A check does more than extraction on the thread that runs it
 * (decoding, hashing, the versioner's comparisons, compressing the body, SQLite writes: tens of milliseconds for a
 * large page), so with the checks on the web server's thread every request that arrives during a large check
 * waits. In its own thread, with its own database connection (SQLite WAL lets the web server read meanwhile), the
 * scheduler leaves the web thread free. Metrics are forwarded to the web thread's registry, so /metrics shows them.
 * Where the compiled thread script is not available (TypeScript sources under jest) or the database is in memory,
 * the scheduler runs in the calling thread instead.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { SchedulerMetrics } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import { cronPeriodMs, startScheduler, type Scheduler, type TickSummary } from './cron.js';
import { createPipeline } from './pipeline.js';
import { initialStatus, type SchedulerStatus } from './status.js';

/** One call of a SchedulerMetrics method, as sent from the scheduler thread. */
export type MetricEvent = { [K in keyof SchedulerMetrics]: { method: K; args: Parameters<SchedulerMetrics[K]> } }[keyof SchedulerMetrics];

/** Messages from the scheduler thread. */
export type FromSchedulerThread =
  | { type: 'ready'; extractThreads: number }
  | { type: 'metric'; event: MetricEvent }
  | { type: 'tick'; id: number; summary: TickSummary | null }
  | { type: 'status'; status: SchedulerStatus }
  | { type: 'stopped' };

/** Messages to the scheduler thread. */
export type ToSchedulerThread = { type: 'tick'; id: number } | { type: 'stop' };

/** What the scheduler thread starts with. */
export interface SchedulerThreadData {
  config: Config;
}

/** A scheduler running in the background, in its own thread or (fallback) in the calling one. */
export interface BackgroundScheduler extends Scheduler {
  readonly mode: 'thread' | 'inline';
}

/** Options of startBackgroundScheduler. */
export interface BackgroundSchedulerOptions {
  /** The calling thread's store (used by the in-thread fallback only; the thread opens config.db). */
  store: Store;
  config: Config;
  log: Logger;
  metrics?: SchedulerMetrics;
  /** The thread script (default: scheduler-thread.js beside this module, when it exists); null runs in this thread. */
  script?: string | null;
  /** Wait before restarting a thread that died (default 5 s). */
  restartDelayMs?: number;
}

/** The compiled thread script beside this module, or null when running from TypeScript sources. */
export function schedulerThreadScript(): string | null {
  const file = fileURLToPath(new URL('./scheduler-thread.js', import.meta.url));
  return fs.existsSync(file) ? file : null;
}

/** Replays one forwarded metrics call on the real metrics. */
export function applyMetricEvent(m: SchedulerMetrics, e: MetricEvent): void {
  switch (e.method) {
    case 'fetched': return m.fetched(...e.args);
    case 'fetchFailed': return m.fetchFailed(...e.args);
    case 'extracted': return m.extracted(...e.args);
    case 'checked': return m.checked(...e.args);
    case 'ticked': return m.ticked(...e.args);
    case 'spread': return m.spread(...e.args);
    case 'pollFailed': return m.pollFailed(...e.args);
  }
}

/** SchedulerMetrics that send every call to `send` (the scheduler thread's side of the forwarding). */
export function forwardingMetrics(send: (e: MetricEvent) => void): SchedulerMetrics {
  return {
    fetched: (...args) => send({ method: 'fetched', args }),
    fetchFailed: (...args) => send({ method: 'fetchFailed', args }),
    extracted: (...args) => send({ method: 'extracted', args }),
    checked: (...args) => send({ method: 'checked', args }),
    ticked: (...args) => send({ method: 'ticked', args }),
    spread: (...args) => send({ method: 'spread', args }),
    pollFailed: (...args) => send({ method: 'pollFailed', args }),
  };
}

/** Starts the scheduler of `serve`: in its own thread when possible (see the module comment). */
export function startBackgroundScheduler(opts: BackgroundSchedulerOptions): BackgroundScheduler {
  const script = opts.script === undefined ? schedulerThreadScript() : opts.script;
  if (!script || opts.config.db === ':memory:') return inlineScheduler(opts);
  const { log, metrics } = opts;
  const pending = new Map<number, (s: TickSummary | null) => void>();
  let nextId = 1;
  let stopping = false;
  let worker: Worker;
  let alive = false;
  let stopped: (() => void) | null = null;
  let restartTimer: NodeJS.Timeout | undefined;
  // The thread's cron ticks there; it reports each start and end, and until its first report this is the truth.
  let status = initialStatus(new Date(), cronPeriodMs(opts.config.scheduler.cron));

  const spawn = (): void => {
    const data: SchedulerThreadData = { config: opts.config };
    worker = new Worker(script, { workerData: data });
    alive = true;
    worker.on('message', (m: FromSchedulerThread) => {
      switch (m.type) {
        case 'ready':
          log.info({ extractThreads: m.extractThreads }, 'scheduler: thread started');
          break;
        case 'metric':
          if (metrics) applyMetricEvent(metrics, m.event);
          break;
        case 'tick':
          pending.get(m.id)?.(m.summary);
          pending.delete(m.id);
          break;
        case 'status':
          // A restarted thread starts afresh; the ticks of the one before still count as ticks.
          status = { ...m.status, startedAt: status.startedAt, lastTickStartedAt: m.status.lastTickStartedAt ?? status.lastTickStartedAt,
            lastTickFinishedAt: m.status.lastTickFinishedAt ?? status.lastTickFinishedAt };
          break;
        case 'stopped':
          stopped?.();
          break;
      }
    });
    worker.on('error', (err) => log.error({ err }, 'scheduler: the scheduler thread failed'));
    worker.on('exit', (code) => {
      alive = false;
      status = { ...status, running: false };
      for (const resolve of pending.values()) resolve(null);
      pending.clear();
      if (stopping) return stopped?.();
      // The articles' schedule is in the database, so a new thread resumes where this one stopped.
      log.error({ code, restartInMs: opts.restartDelayMs ?? 5000 }, 'scheduler: the scheduler thread exited; restarting it');
      restartTimer = setTimeout(spawn, opts.restartDelayMs ?? 5000);
    });
  };
  spawn();

  return {
    mode: 'thread',
    status: () => ({ ...status }),
    tick() {
      if (stopping || !alive) return Promise.resolve(null);
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        worker.postMessage({ type: 'tick', id } satisfies ToSchedulerThread);
      });
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      clearTimeout(restartTimer);
      // The thread finishes its running tick, closes its workers and database, then says so.
      if (!alive) return;
      await new Promise<void>((resolve) => {
        stopped = resolve;
        worker.postMessage({ type: 'stop' } satisfies ToSchedulerThread);
      });
      await worker.terminate();
    },
  };
}

/** The fallback: pipeline and cron in the calling thread. */
function inlineScheduler(opts: BackgroundSchedulerOptions): BackgroundScheduler {
  const { store, config, log, metrics } = opts;
  const pipeline = createPipeline(store, config, {
    ...(metrics ? { metrics } : {}),
    onFallback: (reason) => log.warn({ reason }, 'scheduler: extracting in the main thread'),
  });
  const scheduler = startScheduler(pipeline.deps, log, { ...(metrics ? { metrics } : {}), sources: { robots: pipeline.polite.robots } });
  return {
    mode: 'inline',
    tick: () => scheduler.tick(),
    status: () => scheduler.status(),
    async stop() {
      await scheduler.stop();
      await pipeline.close();
    },
  };
}
