/** `serve`: the web site and the scheduler in one process. */
import type { AddressInfo } from 'node:net';
import { createApp } from '../web/app.js';
import { openDb } from '../store/index.js';
import { startScheduler, type Scheduler } from '../scheduler/cron.js';
import { createPoliteFetcher } from '../scheduler/polite.js';
import { commandConfig, makeLogger, type GlobalOptions } from './context.js';

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
  const db = openDb(config.db);
  const app = createApp({ db, config });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once("error", (err: Error) => reject(new Error(`serve: cannot listen on ${config.host}:${config.port}: ${err.message}`)));
  });
  const addr = server.address() as AddressInfo;
  const scheduler: Scheduler | null = opts.scheduler === false ? null : startScheduler({ db, config, fetch: createPoliteFetcher(config).fetch }, log);
  process.stdout.write(`Palimpsest listening on http://${addr.address}:${addr.port}/ (database ${config.db}; scheduler ${scheduler ? 'on' : 'off'})\n`);
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
        db.close();
        resolve();
      })();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
  return 0;
}
