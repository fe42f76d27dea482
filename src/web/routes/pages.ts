/** HTML pages: latest changes, an article, one version, and the form to track a URL. */
import express, { type Router } from 'express';
import { splitParagraphs } from '../../differ/index.js';
import type { WebContext } from '../context.js';
import { HttpError } from '../errors.js';
import { parsePositiveInt, queryString, requireArticle, requireVersion } from '../params.js';
import { downloadLinks, feedLinks } from '../links.js';
import { articlePath, diffPath, sourcePath, versionPath } from '../paths.js';
import { ENABLE_WRITES_HINT, requireAdmin, trackUrl } from '../track.js';

/** Changes listed per page on the home page. */
export const CHANGES_PER_PAGE = 50;

/** Tracked articles listed on the home page. */
export const ARTICLES_ON_HOME = 30;

/** The feed discovery links of an article (or of the whole site when `id` is null), for `<head>` (kept here for older importers). */
export { feedLinks } from '../links.js';

/** Routes of the HTML pages. */
export function pagesRouter(ctx: WebContext): Router {
  const { store, config, render } = ctx;
  const router = express.Router();

  router.get('/', async (req, res) => {
    const rawBefore = queryString(req.query.before);
    const before = rawBefore === undefined ? undefined : parsePositiveInt(rawBefore);
    if (before === null) throw new HttpError(400, 'invalid "before" parameter: expected a positive integer');
    const includeMinor = req.query.minor === '1';
    const [rows, recent] = await Promise.all([
      store.listChanges({ changesOnly: false, includeMinor, limit: CHANGES_PER_PAGE + 1, beforeId: before }),
      before === undefined ? store.listRecentArticles(ARTICLES_ON_HOME) : [],
    ]);
    const page = rows.slice(0, CHANGES_PER_PAGE);
    const last = page[page.length - 1];
    const older = rows.length > CHANGES_PER_PAGE && last ? `/?before=${last.id}${includeMinor ? '&minor=1' : ''}` : null;
    const changes = page.map((c) => ({
      ...c,
      articleHref: articlePath(c.articleId),
      href: c.number > 1 ? diffPath(c.articleId, c.number - 1, c.number) : versionPath(c.articleId, c.number),
    }));
    const articles = recent.map((a) => ({ ...a, href: articlePath(a.id) }));
    res.type('html').send(render('home.njk', {
      changes, older, articles, paged: before !== undefined, feeds: feedLinks(null, 'Palimpsest: latest changes'), includeMinor,
    }));
  });

  router.get('/articles/:id', async (req, res) => {
    const article = await requireArticle(store, req.params.id);
    const includeMinor = req.query.minor === '1';
    const [all, checks, source] = await Promise.all([
      store.listVersionSummaries(article.id),
      store.listChecks(article.id, 10),
      article.sourceId === null ? null : store.getSource(article.sourceId),
    ]);
    const minorCount = all.filter((v) => v.changeKind === 'minor').length;
    const versions = all.filter((v) => includeMinor || v.changeKind !== 'minor').map((v) => ({
      ...v,
      href: versionPath(article.id, v.number),
      diffHref: v.number > 1 ? diffPath(article.id, v.number - 1, v.number) : null,
    })).reverse();
    const title = article.title ?? article.url;
    res.type('html').send(render('article.njk', {
      article, title, versions, checks, includeMinor, minorCount,
      source: source ? { name: source.name, href: sourcePath(source.slug) } : null,
      downloads: downloadLinks({ articleId: article.id }),
      maxIntervalS: config.scheduler.maxIntervalS,
      added: queryString(req.query.added) ?? null,
      feeds: feedLinks(article.id, `Palimpsest: changes to ${title}`),
      compareAction: `${articlePath(article.id)}/compare`,
      apiHref: `/api/articles/${article.id}`,
    }));
  });

  router.get('/articles/:id/compare', async (req, res) => {
    const article = await requireArticle(store, req.params.id);
    const a = parsePositiveInt(queryString(req.query.a));
    const b = parsePositiveInt(queryString(req.query.b));
    if (a === null || b === null) throw new HttpError(400, 'invalid diff range: choose two version numbers');
    res.redirect(303, diffPath(article.id, a, b, queryString(req.query.view) === 'inline' ? 'inline' : undefined));
  });

  router.get('/articles/:id/versions/:n', async (req, res) => {
    const article = await requireArticle(store, req.params.id);
    const version = await requireVersion(store, article, req.params.n);
    const n = version.number;
    res.type('html').send(render('version.njk', {
      article, version,
      paragraphs: splitParagraphs(version.text),
      articleHref: articlePath(article.id),
      prevHref: n > 1 ? versionPath(article.id, n - 1) : null,
      nextHref: n < article.versionCount ? versionPath(article.id, n + 1) : null,
      diffHref: n > 1 ? diffPath(article.id, n - 1, n) : null,
      apiHref: `/api/articles/${article.id}/versions/${n}`,
      feeds: feedLinks(article.id, `Palimpsest: changes to ${article.title ?? article.url}`),
    }));
  });

  router.get('/track', (_req, res) => {
    res.type('html').send(render('track.njk', { enabled: Boolean(config.adminToken), hint: ENABLE_WRITES_HINT }));
  });

  router.post('/track', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    requireAdmin(config.adminToken, typeof body.token === 'string' ? body.token : undefined, false);
    const { article, created } = await trackUrl(store, body.url, ctx.now());
    res.redirect(303, `${articlePath(article.id)}?added=${created ? '1' : '0'}`);
  });

  return router;
}
