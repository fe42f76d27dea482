/**
 * GET /articles/:id/versions/:n/screenshot: the full-page screenshot taken when a rendered version was captured.
 * A version never changes its screenshot, so the image is cached for a long time and revalidated by its ETag.
 */
import express, { type Router } from 'express';
import type { WebContext } from '../context.js';
import { HttpError } from '../errors.js';
import { requireArticle, requireVersion } from '../params.js';

/** The screenshot route. */
export function screenshotsRouter(ctx: WebContext): Router {
  const router = express.Router();
  router.get('/articles/:id/versions/:n/screenshot', async (req, res) => {
    const article = await requireArticle(ctx.store, req.params.id);
    const version = await requireVersion(ctx.store, article, req.params.n);
    const shot = await ctx.store.getScreenshot(version.id);
    if (!shot) throw new HttpError(404, `version ${version.number} of article ${article.id} has no screenshot (only rendered sources with screenshots on keep one)`);
    // The version id and capture time name this image for good: a re-captured version would be a new version.
    res.setHeader('Cache-Control', 'public, max-age=86400, immutable');
    res.setHeader('ETag', `"shot-${version.id}-${Date.parse(shot.capturedAt)}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    // Only images are served as what they say they are; anything else could not have come from a screenshot.
    res.type(/^image\/(jpeg|png|webp)$/.test(shot.mime) ? shot.mime : 'application/octet-stream').send(shot.bytes);
  });
  return router;
}
