/** The one HTML output path: nunjucks templates from src/web/views with auto-escaping on. */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import nunjucks from 'nunjucks';
import { formatUtc, humanAgo, humanDuration, humanGap, isoTime } from './format.js';
import { webAssetDir, isHttpUrl } from './paths.js';

/** The path of the request being answered, for the layout's navigation (aria-current) without every route passing it. */
const requestPath = new AsyncLocalStorage<string>();

/** Middleware: runs the rest of the request with its path known to the templates (as `currentPath`). */
export const withRequestPath: RequestHandler = (req, _res, next) => {
  requestPath.run(req.path, next);
};

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
  env.addFilter('ago', (iso: string | null | undefined) => humanAgo(iso, now()));
  env.addFilter('duration', (seconds: number) => humanDuration(seconds * 1000));
  env.addFilter('httpUrl', (url: string | null | undefined) => isHttpUrl(url));
  env.addGlobal('gap', (a: string, b: string) => humanGap(a, b));
  return (template, context) => env.render(template, { currentPath: requestPath.getStore() ?? '', ...context });
}
