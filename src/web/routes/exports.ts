/**
 * Downloads: /articles/:id/export.{jsonl,csv,wacz} and /sources/:slug/export.{jsonl,csv,wacz} stream the export
 * (src/export) to the response. An unknown article or source is a 404 before any byte is sent; an export that fails
 * midway ends the connection (the error handler cannot answer once headers are out). A few downloads stream at once
 * (config web.exportConcurrency); the others wait their turn, or get 503 with Retry-After when too many wait.
 */
import express, { type Request, type Response, type Router } from 'express';
import { FORMAT_INFO, resolveScope, ScopeError, writeExport, type ExportScope } from '../../export/index.js';
import type { WebContext } from '../context.js';
import { HttpError } from '../errors.js';
import { requireArticle, requireSource } from '../params.js';
import { DOWNLOAD_FORMATS, type DownloadFormat } from '../paths.js';

/** The file name offered for an export (ASCII only: slugs are [a-z0-9-]). */
export function exportFileName(scope: ExportScope, format: DownloadFormat): string {
  const what = scope.articleId !== undefined ? `article-${scope.articleId}` : `source-${scope.sourceSlug ?? 'all'}`;
  return `palimpsest-${what}.${FORMAT_INFO[format].extension}`;
}

/** Routes of the downloads. */
export function exportsRouter(ctx: WebContext): Router {
  const { store } = ctx;
  const router = express.Router();

  const send = async (_req: Request, res: Response, scope: ExportScope, format: DownloadFormat): Promise<void> => {
    try {
      await resolveScope(store, scope);
    } catch (err) {
      if (err instanceof ScopeError) throw new HttpError(404, err.message);
      throw err;
    }
    await ctx.heavy.exports.enter(res);
    res.status(200);
    res.setHeader('Content-Type', FORMAT_INFO[format].mediaType);
    res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(scope, format)}"`);
    res.setHeader('Cache-Control', 'no-store');
    await writeExport(format, store, res, { scope, now: ctx.now });
    res.end();
  };

  for (const format of DOWNLOAD_FORMATS) {
    router.get(`/articles/:id/export.${format}`, async (req, res) => {
      await send(req, res, { articleId: (await requireArticle(store, req.params.id)).id }, format);
    });
    router.get(`/sources/:slug/export.${format}`, async (req, res) => {
      await send(req, res, { sourceSlug: (await requireSource(store, req.params.slug)).slug }, format);
    });
  }
  return router;
}
