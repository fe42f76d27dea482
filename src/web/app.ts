/**
 * The Express application: pages, diffs, feeds, sources, search, downloads, JSON API, health check, static files,
 * one error handler; responses compressed (brotli or gzip) as the client accepts.
 */
import express from 'express';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import { registerStoreGauges } from '../metrics/store-gauges.js';
import type { SchedulerStatus } from '../scheduler/status.js';
import type { Store } from '../store/index.js';
import type { WebContext } from './context.js';
import { errorHandler, notFound, type ErrorLog } from './errors.js';
import { healthRouter } from './health.js';
import { compressionMiddleware } from './compress.js';
import { createHeavyGates } from './heavy.js';
import { webAssetDir } from './paths.js';
import { createRenderer, withRequestPath } from './render.js';
import { apiRouter } from './routes/api.js';
import { diffRouter } from './routes/diff.js';
import { exportsRouter } from './routes/exports.js';
import { feedPagesRouter } from './routes/feed-pages.js';
import { feedsRouter } from './routes/feeds.js';
import { metricsRouter } from './routes/metrics.js';
import { pagesRouter } from './routes/pages.js';
import { searchRouter } from './routes/search.js';
import { sourcesRouter } from './routes/sources.js';
import { statsRouter } from './routes/stats.js';
import { trackRouter } from './routes/track.js';
import { subscriptionsRouter } from './routes/subscriptions.js';
import { screenshotsRouter } from './routes/screenshots.js';

/** What the web app needs: the store, the configuration, and optionally a clock and a logger. */
export interface AppDeps {
  /** The one storage interface (SQLite or PostgreSQL). */
  store: Store;
  config: Config;
  /** The clock (tests pass a fixed one); defaults to the real time. */
  now?: () => Date;
  /** Where unexpected (5xx) errors are logged; defaults to a pino logger at config.logLevel. */
  logger?: ErrorLog;
  /**
   * The process's metrics registry, served at /metrics (serve shares it with the scheduler). Default: a new one
   * with the gauges read from the database. The database gauges are added to a given registry that lacks them.
   */
  registry?: Registry;
  /**
   * The status of the scheduler running beside the web app (`serve`), for /healthz; absent or returning null when
   * there is none (`serve --no-scheduler`).
   */
  schedulerStatus?: () => SchedulerStatus | null;
}

// Scripts only from the site's own files (progressive enhancements in /static; every page works without them).
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** How long browsers may keep the favicon without asking again. */
const FAVICON_MAX_AGE = '7d';

/** Creates the web application. It does not listen; call `app.listen()`. */
export function createApp(deps: AppDeps): express.Express {
  const now = deps.now ?? ((): Date => new Date());
  const log: ErrorLog = deps.logger ?? pino({ level: deps.config.logLevel, base: { module: 'web' } });
  const render = createRenderer(now);
  const heavy = createHeavyGates(deps.config.web);
  const ctx: WebContext = { store: deps.store, config: deps.config, now, render, heavy };

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', CSP);
    next();
  });
  app.use(compressionMiddleware());
  app.use(withRequestPath);

  app.use('/static', express.static(webAssetDir('static'), { index: false, maxAge: '1h', fallthrough: true }));
  // Browsers ask for /favicon.ico whatever the page links; the page links the SVG as well.
  app.get('/favicon.ico', (_req, res, next) => {
    res.sendFile('favicon.ico', { root: webAssetDir('static'), maxAge: FAVICON_MAX_AGE }, (err) => { if (err) next(err); });
  });

  app.use(healthRouter({ store: deps.store, log, heavy, ...(deps.schedulerStatus ? { schedulerStatus: deps.schedulerStatus } : {}) }));

  const registry = deps.registry ?? new Registry();
  registerStoreGauges(registry, deps.store, now);
  app.use(metricsRouter(registry));

  app.use(trackRouter(ctx));
  app.use(subscriptionsRouter(ctx));
  app.use(feedPagesRouter(ctx));
  app.use(pagesRouter(ctx));
  app.use(screenshotsRouter(ctx));
  app.use(diffRouter(ctx));
  app.use(feedsRouter(ctx));
  app.use(sourcesRouter(ctx));
  app.use(searchRouter(ctx));
  app.use(statsRouter(ctx));
  app.use(exportsRouter(ctx));
  app.use('/api', apiRouter(ctx));

  app.use(notFound);
  app.use(errorHandler(render, log));
  return app;
}
