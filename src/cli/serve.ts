/** `serve`: the web site and the scheduler in one process, sharing one metrics registry (GET /metrics). */
import type { AddressInfo } from 'node:net';
import { createApp } from '../web/app.js';
import { createMetrics } from '../metrics/index.js';
import type { BackgroundScheduler } from '../scheduler/thread.js';
import { commandConfig, makeLogger, openConfiguredStore, type GlobalOptions } from './context.js';
import { applyServeMemory } from './serve-memory.js';

/** Options of `serve`. */
export interface ServeOptions {
  port?: string;
  host?: string;
  scheduler?: boolean;
}

/** Starts the server (and scheduler unless --no-scheduler); resolves when it is shut down by SIGINT/SIGTERM. */
export async function serveCommand(g: GlobalOptions, opts: ServeOptions): Promise<number> {
  const extra: Record<string, unknown> = {};
  if (opts.port !== undefined) extra.port = Number(opts.port);
  if (opts.host !== undefined) extra.host = opts.host;
  const config = commandConfig(g, extra);
  const log = makeLogger(config);
  applyServeMemory(config);
  const store = await openConfiguredStore(config);
  // With --no-scheduler the scheduler's modules (fetcher, extractor, their parsers) are never loaded: they would
  // only take memory in a process that serves pages.
  const background = opts.scheduler !== false ? await import('../scheduler/thread.js') : null;
  if (opts.scheduler !== false) {
    // Checks render in a browser when asked to: refuse to start without one rather than fail every such check.
    const { assertRenderReady } = await import('../render/startup.js');
    await assertRenderReady(store, config).catch(async (err: unknown) => {
      await store.close();
      throw err;
    });
  }
  const metrics = createMetrics({ store, processMetrics: true });
  let scheduler: BackgroundScheduler | null = null;
  const app = createApp({
    store, config, registry: metrics.registry, logger: log.child({ module: 'web' }),
    // /healthz reports whether the scheduler ticks (null: --no-scheduler, or not started yet).
    schedulerStatus: () => scheduler?.status() ?? null,
  });
  const server = app.listen(config.port, config.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', (err: Error) => reject(new Error(`serve: cannot listen on ${config.host}:${config.port}: ${err.message}`)));
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const addr = server.address() as AddressInfo;
  if (background) {
    // The checks run in a thread of their own so that a large check never stalls the web pages (see thread.ts).
    scheduler = background.startBackgroundScheduler({ store, config, log: log.child({ module: 'scheduler' }), metrics });
    log.info({ mode: scheduler.mode, cron: config.scheduler.cron, maxPerTick: config.scheduler.maxPerTick, concurrency: config.scheduler.concurrency },
      'scheduler: started');
  }
  // store.location never carries a PostgreSQL password.
  log.info({ url: `http://${addr.address}:${addr.port}/`, db: store.location, scheduler: scheduler !== null }, 'serve: listening');
  process.stdout.write(`Palimpsest listening on http://${addr.address}:${addr.port}/ (database ${store.location}; scheduler ${scheduler ? 'on' : 'off'})\n`);
  // The first tick runs at once: it resumes from the database, spreading any backlog left by the downtime.
  if (scheduler) void scheduler.tick();
  await new Promise<void>((resolve) => {
    const shutdown = (): void => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      log.info('serve: shutting down');
      void (async () => {
        await scheduler?.stop();
        server.close();
        server.closeAllConnections();
        await store.close();
        resolve();
      })();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
  return 0;
}
