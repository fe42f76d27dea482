/** Computing the diff of two stored versions with the differ. */
import { diffArticles, splitParagraphs } from '../differ/index.js';
import type { ArticleDiff } from '../differ/types.js';
import type { Version } from '../store/types.js';

/** The differ's ArticleDiff from version `a` to version `b` (either order). */
export function computeDiff(a: Pick<Version, 'title' | 'text'>, b: Pick<Version, 'title' | 'text'>): ArticleDiff {
  return diffArticles({ title: a.title, paragraphs: splitParagraphs(a.text) }, { title: b.title, paragraphs: splitParagraphs(b.text) });
}
