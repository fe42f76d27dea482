/** Public API of the differ: alignment of two article versions into rows, word ops, sentence actions, stats and renderings. */
export type { ArticleDiff, DiffRow, DiffStats, SentenceAction, SentencePosition, WordOp } from './types.js';
export { diffArticles, diffStatsOnly, diffTexts, sentenceActions, splitParagraphs, type ArticleVersion } from './article.js';
export { mirrorDiff } from './mirror.js';
export { applyOps, opsNewText, opsOldText, reconstruct, type RebuiltVersion } from './apply.js';
export { tokenize, countWords, isWordToken } from './tokens.js';
export {
  toInline,
  toSideBySide,
  type InlineBlock,
  type InlineView,
  type Segment,
  type SideBySideRow,
  type SideBySideView,
} from './render/view.js';
export { escapeHtml, toFeedHtml, type FeedHtmlOptions } from './render/feed.js';
export { toUnifiedText, type UnifiedTextOptions } from './render/unified.js';
