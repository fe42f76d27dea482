/**
 * The diff page: two versions side by side (or inline with ?view=inline), word changes marked with del/ins,
 * unchanged paragraphs folded around numbered changes, a summary bar and from/to pickers.
 */
import crypto from 'node:crypto';
import express, { type Router } from 'express';
import { toInline, toSideBySide } from '../../differ/index.js';
import { humanGap } from '../format.js';
import type { WebContext } from '../context.js';
import { bodyBytes, cachedDiff, cachesOf, knownAtStamp, sendBody } from '../caches.js';
import { bylineChange, foldUnchanged } from '../diff-view.js';
import { queryString, requireArticle, requireDiffRange, requireDiffSummaries } from '../params.js';
import { articlePath, diffPath, versionPath } from '../paths.js';
import { feedLinks } from './pages.js';
import type { Article, VersionSummary } from '../../store/index.js';

/** Names the page's template and its shaping code: bump it when either changes what a cached page would show. */
const PAGE_FORMAT = 1;

/**
 * What a diff page shows, hashed: the cache key and the page's ETag. A version is its id with its content hash,
 * which every change of its text (a re-extraction) rewrites: its text need not be read to know the page.
 */
function pageKey(path: string, view: string, article: Article, a: VersionSummary, b: VersionSummary, versions: readonly VersionSummary[]): string {
  const side = (v: VersionSummary): unknown[] => [v.id, v.number, v.title, v.byline, v.capturedAt, v.contentHash];
  const shown = [PAGE_FORMAT, path, view, article.id, article.title, article.url, article.versionCount, side(a), side(b),
    versions.map((v) => [v.number, v.capturedAt, v.title])];
  return crypto.createHash('sha256').update(JSON.stringify(shown)).digest('base64url');
}

/** Routes of the diff page. */
export function diffRouter(ctx: WebContext): Router {
  const { store, render } = ctx;
  const router = express.Router();

  router.get('/articles/:id/diff/:a/:b', async (req, res) => {
    const view = queryString(req.query.view) === 'inline' ? 'inline' : 'side';
    const pages = cachesOf(ctx).pages;
    // The page of two stored versions changes only with what it shows (a new version changes the pickers): keyed
    // by all of it, from the version summaries, a hot page is served from memory and a revalidation answered
    // without reading the two texts or rendering anything.
    const readShown = async (): Promise<{ article: Article; versions: VersionSummary[]; key: string }> => {
      const article = await requireArticle(store, req.params.id);
      const versions = await store.listVersionSummaries(article.id);
      const shown = requireDiffSummaries(article, versions, req.params.a, req.params.b);
      return { article, versions, key: pageKey(req.path, view, article, shown.a, shown.b, versions) };
    };
    let read: Awaited<ReturnType<typeof readShown>> | undefined;
    // Until anything is written, the page's key found once stands: a hot page (or its 304) costs one cheap read,
    // not the reading of every version summary of a long-lived article.
    const key = await knownAtStamp(ctx, `diff|${req.path}|${view}`, async () => (read = await readShown()).key);
    res.setHeader('ETag', `W/"diff-${key}"`);
    res.type('html');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const hit = pages.get(key);
    if (hit) {
      await sendBody(req, res, pages, key, hit);
      return;
    }
    // A key known from before the page left the cache: what the page shows is read again (unchanged since the stamp).
    const { article, versions } = read ?? await readShown();
    const { a, b } = await requireDiffRange(store, article, req.params.a, req.params.b);
    const { diff } = cachedDiff(ctx, a, b);
    // A correction or update notice that the later version added (a flag set when it was stored).
    const correction = (await store.listCorrectionsOf([Math.max(a.number, b.number) === a.number ? a.id : b.id]))[0]?.notice ?? null;
    const lo = Math.min(a.number, b.number);
    const hi = Math.max(a.number, b.number);
    const other = view === 'inline' ? 'side' : 'inline';
    const side = view === 'side' ? toSideBySide(diff) : null;
    const inline = view === 'inline' ? toInline(diff) : null;
    const folded = side ? foldUnchanged(side.rows) : foldUnchanged(inline?.blocks ?? []);
    const latest = versions.reduce((n, v) => Math.max(n, v.number), article.versionCount);
    const html = Buffer.from(render('diff.njk', {
      article, a, b, view, stats: diff.stats, correction,
      items: folded.items,
      changeCount: folded.changes,
      foldedCount: folded.folded,
      title: diff.title,
      byline: bylineChange(a, b),
      intermediate: hi - lo - 1,
      versionsHref: `${articlePath(article.id)}#versions`,
      versions: versions.map((v) => ({ number: v.number, capturedAt: v.capturedAt, title: v.title })),
      compareAction: `${articlePath(article.id)}/compare`,
      currentHref: b.number !== latest ? diffPath(article.id, a.number === latest ? b.number : a.number, latest, view) : null,
      latest,
      reversed: a.number > b.number,
      same: a.number === b.number,
      gap: humanGap(a.capturedAt, b.capturedAt),
      side,
      inline,
      toggleHref: diffPath(article.id, a.number, b.number, other),
      toggleLabel: other === 'inline' ? 'Inline view' : 'Side-by-side view',
      swapHref: diffPath(article.id, b.number, a.number, view),
      prevHref: lo > 1 ? diffPath(article.id, a.number - 1, b.number - 1, view) : null,
      nextHref: hi < article.versionCount ? diffPath(article.id, a.number + 1, b.number + 1, view) : null,
      prevLabel: `${a.number - 1} → ${b.number - 1}`,
      nextLabel: `${a.number + 1} → ${b.number + 1}`,
      articleHref: articlePath(article.id),
      aHref: versionPath(article.id, a.number),
      bHref: versionPath(article.id, b.number),
      apiHref: `/api/articles/${article.id}/diff/${a.number}/${b.number}`,
      feeds: feedLinks(article.id, `Palimpsest: changes to ${article.title ?? article.url}`),
    }));
    const body = { raw: html };
    pages.set(key, body, bodyBytes(body));
    await sendBody(req, res, pages, key, body);
  });

  return router;
}
