/** HTML pages: latest changes (grouped by article), every article, an article, one version (the form to track a URL is routes/track.ts). */
import express, { type Request, type Router } from 'express';
import { splitParagraphs } from '../../differ/index.js';
import type { WebContext } from '../context.js';
import { HttpError } from '../errors.js';
import { parsePositiveInt, queryString, requireArticle, requireVersion } from '../params.js';
import { downloadLinks, feedLinks } from '../links.js';
import { articlePath, diffPath, sourcePath, versionPath } from '../paths.js';
import { articleTimeline, history, timelineDescription, versionRows } from '../article-view.js';
import { loadArticleExtras } from '../variants-view.js';
import { isFiltered, parseListingFilters, runListing } from '../listing.js';
import { humanGap, utcDayStart } from '../format.js';
import { sendCachedPage } from '../page-cache.js';
import { expireBy } from '../render.js';
import { screenshotPath } from '../screenshots.js';

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

  // The home page: changes grouped by article with filters; `?before=` or `?view=stream` keeps the older
  // ungrouped stream of every change, newest first (its links stay valid). It and an article page are kept
  // rendered until the next write (page-cache.ts): what they show changes only with what is stored, and with the
  // time their "ago" texts count from.
  router.get('/', (req, res) => sendCachedPage(ctx, req, res, () => homePage(req.query)));

  /** The HTML of the home page for these query parameters. */
  const homePage = async (query: Request['query']): Promise<string> => {
    const rawBefore = queryString(query.before);
    if (rawBefore === undefined && queryString(query.view) !== 'stream') {
      const filters = await parseListingFilters(store, query);
      const now = ctx.now();
      // "Changes today" counts from midnight (UTC): the page is rebuilt on the next day.
      expireBy(Date.parse(utcDayStart(now)) + 86_400_000);
      const [listing, recent, sources] = await Promise.all([
        runListing(store, '/', filters, now, true),
        filters.page === 1 && !isFiltered(filters) ? store.listRecentArticles(ARTICLES_ON_HOME) : [],
        store.listSources(),
      ]);
      return render('home.njk', {
        grouped: true, listing, sources, formAction: '/',
        articles: recent.map((a) => ({ ...a, href: articlePath(a.id) })),
        feeds: feedLinks(null, 'Palimpsest: latest changes'),
      });
    }
    const before = rawBefore === undefined ? undefined : parsePositiveInt(rawBefore);
    if (before === null) throw new HttpError(400, 'invalid "before" parameter: expected a positive integer');
    const includeMinor = query.minor === '1';
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
    return render('home.njk', {
      grouped: false, changes, older, articles, paged: before !== undefined, feeds: feedLinks(null, 'Palimpsest: latest changes'), includeMinor,
    });
  };

  // Every tracked article, with the filters of the home page (a filter on changes lists only articles with one).
  router.get('/articles', async (req, res) => {
    const filters = await parseListingFilters(store, req.query);
    const [listing, sources] = await Promise.all([runListing(store, '/articles', filters, ctx.now(), false), store.listSources()]);
    res.type('html').send(render('articles.njk', { listing, sources, formAction: '/articles', feeds: feedLinks(null, 'Palimpsest: latest changes') }));
  });

  router.get('/articles/:id', (req, res) => sendCachedPage(ctx, req, res, () => articlePage(req.params.id, req.query)));

  /** The HTML of an article's page (404 for an unknown article). */
  const articlePage = async (id: string, query: Request['query']): Promise<string> => {
    const article = await requireArticle(store, id);
    const includeMinor = query.minor === '1';
    const [all, checks, source, lengths] = await Promise.all([
      store.listVersionSummaries(article.id),
      store.listChecks(article.id, 10),
      article.sourceId === null ? null : store.getSource(article.sourceId),
      store.listVersionLengths(article.id),
    ]);
    const minorCount = all.filter((v) => v.changeKind === 'minor').length;
    // Headline and byline changes are against the version before, minor or not.
    const versions = versionRows(article.id, all).filter((v) => includeMinor || v.changeKind !== 'minor').reverse();
    const headlines = history(article.id, all, (v) => v.title);
    const bylines = history(article.id, all, (v) => v.byline);
    const title = article.title ?? article.url;
    const extras = await loadArticleExtras(store, article.id, all);
    const corrections = Object.fromEntries(extras.corrections.map((c) => [c.versionNumber, c.notice]));
    return render('article.njk', {
      article, title, versions, checks, includeMinor, minorCount, headlines, bylines, extras, corrections,
      timeline: all.length ? articleTimeline(all, lengths) : null,
      timelineDesc: timelineDescription(all, headlines.length - 1),
      source: source ? { name: source.name, href: sourcePath(source.slug) } : null,
      downloads: downloadLinks({ articleId: article.id }),
      maxIntervalS: config.scheduler.maxIntervalS,
      added: queryString(query.added) ?? null,
      feeds: feedLinks(article.id, `Palimpsest: changes to ${title}`),
      compareAction: `${articlePath(article.id)}/compare`,
      apiHref: `/api/articles/${article.id}`,
    });
  };

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
    const prev = n > 1 ? await store.getVersion(article.id, n - 1) : null;
    const correction = (await store.listCorrectionsOf([version.id]))[0]?.notice ?? null;
    const shot = await store.getScreenshotInfo(version.id);
    res.type('html').send(render('version.njk', {
      article, version, correction,
      screenshot: shot ? { href: screenshotPath(article.id, n), width: shot.width, height: shot.height, kib: Math.max(1, Math.round(shot.length / 1024)) } : null,
      previousTitle: prev && prev.title !== version.title ? prev.title : null,
      previousByline: prev && (prev.byline ?? '') !== (version.byline ?? '') ? { value: prev.byline } : null,
      gap: prev ? humanGap(prev.capturedAt, version.capturedAt) : null,
      paragraphs: splitParagraphs(version.text),
      articleHref: articlePath(article.id),
      prevHref: n > 1 ? versionPath(article.id, n - 1) : null,
      nextHref: n < article.versionCount ? versionPath(article.id, n + 1) : null,
      diffHref: n > 1 ? diffPath(article.id, n - 1, n) : null,
      apiHref: `/api/articles/${article.id}/versions/${n}`,
      feeds: feedLinks(article.id, `Palimpsest: changes to ${article.title ?? article.url}`),
    }));
  });

  return router;
}
