/** The one HTML output path: nunjucks templates from src/web/views with auto-escaping on. */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import nunjucks from 'nunjucks';
import { agoChangesIn, formatUtc, humanAgo, humanDuration, humanGap, isoTime } from './format.js';
import { webAssetDir, isHttpUrl } from './paths.js';

/** The path of the request being answered, for the layout's navigation (aria-current) without every route passing it. */
const requestPath = new AsyncLocalStorage<string>();

/** Middleware: runs the rest of the request with its path known to the templates (as `currentPath`). */
export const withRequestPath: RequestHandler = (req, _res, next) => {
  requestPath.run(req.path, next);
};

/** While a cacheable page is built: the time (ms) its "ago" texts stop being true, lowered by each one rendered. */
const expiry = new AsyncLocalStorage<{ until: number }>();

/**
 * Runs `build` noting when what it renders stops being true: the soonest moment one of its "3 minutes ago" texts
 * would read otherwise, or an earlier bound given with {@link expireBy}. Returns its value and that moment (ms since
 * the epoch, Infinity for a page that does not depend on the time).
 */
export async function withExpiry<T>(build: () => Promise<T>): Promise<{ value: T; expires: number }> {
  const scope = { until: Infinity };
  const value = await expiry.run(scope, build);
  return { value, expires: scope.until };
}

/** Within {@link withExpiry}: the page built stops being true at `ms` (since the epoch) at the latest. */
export function expireBy(ms: number): void {
  const scope = expiry.getStore();
  if (scope && ms < scope.until) scope.until = ms;
}

/** Renders a template from src/web/views with a context; output is auto-escaped. */
export type Renderer = (template: string, context: Record<string, unknown>) => string;

/** Creates the template environment (one per app, since "ago" depends on the app's clock). */
export function createRenderer(now: () => Date): Renderer {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(webAssetDir('views')), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('utc', (iso: string | null | undefined) => formatUtc(iso));
  env.addFilter('utcs', (iso: string | null | undefined) => formatUtc(iso, true));
  env.addFilter('iso', (iso: string | null | undefined) => isoTime(iso));
  env.addFilter('ago', (iso: string | null | undefined) => {
    const at = now();
    expireBy(at.getTime() + agoChangesIn(iso, at));
    return humanAgo(iso, at);
  });
  env.addFilter('duration', (seconds: number) => humanDuration(seconds * 1000));
  env.addFilter('httpUrl', (url: string | null | undefined) => isHttpUrl(url));
  env.addGlobal('gap', (a: string, b: string) => humanGap(a, b));
  return (template, context) => env.render(template, { currentPath: requestPath.getStore() ?? '', ...context });
}
