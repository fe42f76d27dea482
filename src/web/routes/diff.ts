/**
 * The diff page: two versions side by side (or inline with ?view=inline), word changes marked with del/ins,
 * unchanged paragraphs folded around numbered changes, a summary bar and from/to pickers.
 */
import express, { type Router } from 'express';
import { toInline, toSideBySide } from '../../differ/index.js';
import { humanGap } from '../format.js';
import type { WebContext } from '../context.js';
import { bylineChange, computeDiff, foldUnchanged } from '../diff-view.js';
import { queryString, requireArticle, requireDiffRange } from '../params.js';
import { articlePath, diffPath, versionPath } from '../paths.js';
import { feedLinks } from './pages.js';

/** Routes of the diff page. */
export function diffRouter(ctx: WebContext): Router {
  const { store, render } = ctx;
  const router = express.Router();

  router.get('/articles/:id/diff/:a/:b', async (req, res) => {
    const article = await requireArticle(store, req.params.id);
    const { a, b } = await requireDiffRange(store, article, req.params.a, req.params.b);
    const view = queryString(req.query.view) === 'inline' ? 'inline' : 'side';
    const diff = computeDiff(a, b);
    const lo = Math.min(a.number, b.number);
    const hi = Math.max(a.number, b.number);
    const other = view === 'inline' ? 'side' : 'inline';
    const side = view === 'side' ? toSideBySide(diff) : null;
    const inline = view === 'inline' ? toInline(diff) : null;
    const folded = side ? foldUnchanged(side.rows) : foldUnchanged(inline?.blocks ?? []);
    const versions = await store.listVersionSummaries(article.id);
    const latest = versions.reduce((n, v) => Math.max(n, v.number), article.versionCount);
    res.type('html').send(render('diff.njk', {
      article, a, b, view, stats: diff.stats,
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
  });

  return router;
}
