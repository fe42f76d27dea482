/**
 * Rendering an article page in Chromium before extraction: the main document fetched politely over HTTP is loaded
 * into a pooled browser page, the page's scripts run with every request they make answered under the fetcher's
 * rules (requests.ts), and the serialised DOM (`page.content()`) is what the extractor reads. The page stays open
 * until released, so that a screenshot is taken only once the capture turns out to be a new version.
 */
import type { Config } from '../config/index.js';
import { createConnectionPool, DEFAULT_USER_AGENT } from '../fetcher/index.js';
import type { FetchOptions, FetchResult } from '../fetcher/types.js';
import type { NewScreenshot, RenderRequestLog } from '../store/render-types.js';
import { BrowserPool } from './pool.js';
import { createRequestHandler } from './requests.js';

// Browser globals used inside page.evaluate callbacks (the project's tsconfig has no DOM lib; these run in Chromium).
declare const document: { documentElement: { scrollHeight: number }; body: { scrollHeight: number } | null };

/** A screenshot before it belongs to a version. */
export type Screenshot = Omit<NewScreenshot, 'versionId'>;

/** A page rendered and still open. */
export interface RenderedPage {
  /** The serialised DOM after the scripts ran. */
  html: string;
  /** The browser's name and version. */
  renderer: string;
  /** ISO time the rendering finished. */
  renderedAt: string;
  requests: RenderRequestLog;
  /** A full-page screenshot (cut at render.screenshotMaxHeight) of the page as rendered. */
  screenshot(): Promise<Screenshot>;
  /** Closes the page; always call it. */
  release(): Promise<void>;
}

/** Renders fetched pages in the pooled browser. */
export interface Renderer {
  render(main: FetchResult): Promise<RenderedPage>;
  /** How many times the browser was launched (more than once after crashes). */
  launches(): number;
  close(): Promise<void>;
}

/** A rendering that failed: the browser crashed, was closed, or the page did not load in time. Message starts "render:". */
export class RenderError extends Error {
  constructor(message: string) {
    super(`render: ${message}`);
    this.name = 'RenderError';
  }
}

/** Options of createRenderer besides the configuration: the fetcher's resolver and exempt hosts (tests, intranets). */
export interface RendererOptions {
  lookup?: FetchOptions['lookup'];
  allowPrivateHosts?: string[];
}

/** Why a playwright call failed, in a reader's words: a dead browser is said so. */
function describe(err: unknown, what: string): string {
  const msg = (err as Error).message ?? String(err);
  if (/has been closed|Target crashed|Browser closed|browser has disconnected|Page crashed|Target closed/i.test(msg)) {
    return `the browser crashed or was closed while ${what}; it is started again for the next page`;
  }
  return `${what} failed: ${msg.split('\n')[0]}`;
}

/** The renderer of a process (one browser, launched on first use). */
export function createRenderer(config: Config, opts: RendererOptions = {}): Renderer {
  const r = config.render;
  const pool = new BrowserPool({ executablePath: r.executablePath, size: r.poolSize });
  const userAgent = config.fetch.userAgent ?? DEFAULT_USER_AGENT;
  const connections = config.fetch.keepAlive ? createConnectionPool({ maxSocketsPerHost: config.fetch.perHostConcurrency }) : undefined;
  const fetchOptions: FetchOptions = {
    allowPrivate: config.allowPrivate, connectTimeoutMs: config.fetch.connectTimeoutMs,
    totalTimeoutMs: Math.min(config.fetch.totalTimeoutMs, r.pageTimeoutMs), maxRedirects: config.fetch.maxRedirects,
    maxBytes: config.fetch.maxBytes, userAgent,
    ...(connections ? { pool: connections } : {}),
    ...(opts.lookup ? { lookup: opts.lookup } : {}), ...(opts.allowPrivateHosts ? { allowPrivateHosts: opts.allowPrivateHosts } : {}),
  };
  const block = new Set<string>(r.block);

  return {
    launches: () => pool.launches,
    close: async () => {
      await pool.close();
      connections?.destroy();
    },
    async render(main) {
      const ctl = new AbortController();
      const lease = await pool.acquire({
        userAgent, viewport: { width: r.viewportWidth, height: 900 }, serviceWorkers: 'block', acceptDownloads: false,
        javaScriptEnabled: true, bypassCSP: false,
      }).catch((err: unknown) => {
        throw err instanceof Error && err.name === 'BrowserUnavailableError' ? err : new RenderError(describe(err, 'starting a page'));
      });
      const release = async (): Promise<void> => {
        ctl.abort();
        await lease.release();
      };
      try {
        const { page } = lease;
        const { handle, log } = createRequestHandler({ main, fetchOptions, maxPageBytes: r.maxPageBytes, block, signal: ctl.signal });
        await page.route('**/*', handle);
        // WebSockets are not HTTP requests the route sees: refuse them all.
        await page.routeWebSocket(/.*/, (ws) => ws.close({ code: 1008, reason: 'not allowed while rendering' }));
        page.setDefaultTimeout(r.pageTimeoutMs);
        try {
          await page.goto(main.url, { waitUntil: 'load', timeout: r.pageTimeoutMs });
        } catch (err) {
          throw new RenderError(describe(err, `loading ${main.url}`));
        }
        // Scripts that fetch the text after the load event: wait for the network to go quiet, a while at most.
        if (r.settleMs > 0) await page.waitForLoadState('networkidle', { timeout: r.settleMs }).catch(() => undefined);
        let html: string;
        try {
          html = await page.content();
        } catch (err) {
          throw new RenderError(describe(err, 'reading the rendered page'));
        }
        return {
          html, renderer: lease.renderer, renderedAt: new Date().toISOString(), requests: log, release,
          screenshot: async () => {
            try {
              const full = await page.evaluate(() => Math.max(document.documentElement.scrollHeight, document.body?.scrollHeight ?? 0));
              const height = Math.max(1, Math.min(full, r.screenshotMaxHeight));
              const bytes = await page.screenshot({
                fullPage: true, clip: { x: 0, y: 0, width: r.viewportWidth, height }, type: r.screenshotType,
                ...(r.screenshotType === 'jpeg' ? { quality: r.screenshotQuality } : {}), timeout: r.pageTimeoutMs,
              });
              return { mime: `image/${r.screenshotType}`, bytes, width: r.viewportWidth, height, capturedAt: new Date().toISOString() };
            } catch (err) {
              throw new RenderError(describe(err, 'taking the screenshot'));
            }
          },
        };
      } catch (err) {
        await release();
        throw err;
      }
    },
  };
}
