/**
 * `palimpsest worker [--port N]`: a process that only checks articles and polls sources, claiming its work in the
 * shared database, so that any number of workers on any number of machines share one PostgreSQL database (on
 * SQLite it works too, for one machine). With --port it serves /healthz and /metrics.
 */
import type http from 'node:http';
import { createMetrics } from '../metrics/index.js';
import { createPipeline } from '../scheduler/pipeline.js';
import { assertRenderReady } from '../render/startup.js';
import { startWorker } from '../scheduler/worker.js';
import { workerId } from '../scheduler/worker-id.js';
import { openStore } from '../store/index.js';
import { commandConfig, makeLogger, type GlobalOptions } from './context.js';
import { startWorkerHttp } from './worker-http.js';

/** Options of `worker`. */
export interface WorkerCommandOptions {
  port?: string;
  host?: string;
}

/** Runs the worker until SIGINT/SIGTERM; resolves with the exit code. */
export async function workerCommand(g: GlobalOptions, opts: WorkerCommandOptions): Promise<number> {
  const config = commandConfig(g);
  const log = makeLogger(config).child({ module: 'worker' });
  const store = await openStore(config.db);
  // Checks render in a browser when asked to: refuse to start without one rather than fail every such check.
  await assertRenderReady(store, config).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const owner = workerId('worker');
  const metrics = createMetrics({ store, processMetrics: true });
  const pipeline = createPipeline(store, config, {
    metrics,
    fleet: { owner },
    onFallback: (reason) => log.warn({ reason }, 'worker: extracting in the main thread'),
  });
  const worker = startWorker({ deps: pipeline.deps, log, owner, metrics, sources: { robots: pipeline.polite.robots } });
  let server: http.Server | null = null;
  let where = '';
  try {
    if (opts.port !== undefined) {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`worker: --port must be a port number (0-65535), not "${opts.port}"`);
      const started = await startWorkerHttp({ host: opts.host ?? config.host, port, registry: metrics.registry, store, status: worker.status });
      server = started.server;
      where = `; metrics and health on ${started.url}/`;
    }
  } catch (err) {
    await worker.stop();
    await pipeline.close();
    await store.close();
    throw err;
  }
  log.info({ owner, db: store.location, backend: store.backend }, 'worker: started');
  process.stdout.write(`Palimpsest worker ${owner} running (database ${store.location}${where})\n`);
  await new Promise<void>((resolve) => {
    const shutdown = (): void => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      log.info('worker: shutting down after the checks in progress');
      resolve();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
  await worker.stop();
  server?.close();
  server?.closeAllConnections();
  await pipeline.close();
  await store.close();
  log.flush();
  return 0;
}
