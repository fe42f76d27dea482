/**
 * The form to track a URL: GET /track shows it, POST /track adds the URL (admin token required) and redirects to
 * the article. A refused submission (wrong or missing token, invalid URL) answers with its error status and the
 * form again, the URL as typed kept and the token field empty, so nothing has to be typed twice.
 */
import express, { type Router } from 'express';
import type { WebContext } from '../context.js';
import { HttpError, publicMessage } from '../errors.js';
import { articlePath } from '../paths.js';
import { ENABLE_WRITES_HINT, MAX_URL_LENGTH, requireAdmin, trackUrl } from '../track.js';

/** `typed` with any user name and password taken out when it parses as a URL that has them, else unchanged. */
export function withoutCredentials(typed: string): string {
  try {
    const u = new URL(typed.trim());
    if (!u.username && !u.password) return typed;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return typed;
  }
}

/** Routes of the track form. */
export function trackRouter(ctx: WebContext): Router {
  const { config, render, store } = ctx;
  const router = express.Router();

  const form = (values: { url?: string; error?: string } = {}): string => render('track.njk', {
    // Passed explicitly: after the body parser the request's async context (and so its path) is not carried over.
    currentPath: '/track', enabled: Boolean(config.adminToken), hint: ENABLE_WRITES_HINT, maxLength: MAX_URL_LENGTH, ...values,
  });

  router.get('/track', (_req, res) => {
    res.type('html').send(form());
  });

  router.post('/track', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = typeof body.url === 'string' ? body.url : '';
    try {
      requireAdmin(config.adminToken, typeof body.token === 'string' ? body.token : undefined, false);
      const { article, created } = await trackUrl(store, body.url, ctx.now());
      res.redirect(303, `${articlePath(article.id)}?added=${created ? '1' : '0'}`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500) throw err;
      res.status(err.status);
      for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
      res.setHeader('Cache-Control', 'no-store');
      // Only what was typed comes back, bounded (the body limit already caps it), and never a password in it;
      // the token never comes back.
      res.type('html').send(form({ url: withoutCredentials(typed).slice(0, MAX_URL_LENGTH * 2), error: publicMessage(err.message) }));
    }
  });

  return router;
}
