/**
 * HTML of a diff for feed items. Feed readers drop stylesheets and classes, so all styling is inline; all
 * article text is HTML-escaped (it is untrusted input). Long diffs are cut to the changed paragraphs with
 * some context, and the unchanged text shown is cut to the sentences nearest the changes (excerpt.ts); deleted and
 * inserted text is always shown whole.
 */
import type { ArticleDiff, DiffRow } from '../types.js';
import { inlineTitle, moveCounterparts, opsToSegments, type Segment } from './view.js';
import { moreLabel, moveDirection, trimRows, unchangedLabel } from './trim.js';
import { contextExcerpt, EXCERPT_CHARS, excerptSegments } from './excerpt.js';

/** Options of {@link toFeedHtml}. */
export interface FeedHtmlOptions {
  /** Unchanged paragraphs shown before and after each change (default 1). */
  contextParagraphs?: number;
  /** At most this many paragraphs are shown (default 40). */
  maxParagraphs?: number;
  /**
   * Unchanged text shown on each side of a change, in characters, at most (default EXCERPT_CHARS): context
   * paragraphs keep their sentence nearest the change, changed paragraphs the sentences their changes sit in.
   * Infinity shows context and changed paragraphs whole.
   */
  excerptChars?: number;
  /** Link to the full diff, added at the end (absolute http(s) URL or a path starting with "/"). */
  fullDiffUrl?: string;
}

// Short: repeated for every paragraph and change of up to a hundred items per feed. Paragraphs keep the reader's
// own margins; deletions are struck through and insertions not underlined whatever the reader's defaults.
const STYLE = {
  box: 'font-family:Georgia,serif;line-height:1.5',
  unchanged: 'color:#555',
  del: 'background:#ffe0e0;color:#8a1010;text-decoration:line-through',
  ins: 'background:#dcf5dc;color:#0b5a0b;text-decoration:none',
  note: 'color:#777;font-style:italic;text-align:center',
  moved: 'border-left:3px solid #89b;padding-left:.6em',
  label: 'color:#568;font-style:italic',
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function segmentHtml(s: Segment): string {
  const text = escapeHtml(s.text);
  if (s.mark === 'del') return `<del style="${STYLE.del}">${text.replace(/\n\n/g, '¶ ')}</del>`;
  if (s.mark === 'ins') return `<ins style="${STYLE.ins}">${text.replace(/\n\n/g, '¶<br><br>')}</ins>`;
  return text.replace(/\n/g, '<br>');
}

const para = (style: string | null, inner: string): string => (style === null ? `<p>${inner}</p>` : `<p style="${style}">${inner}</p>`);

/** Where a shown row stands: whether a change is within the context before and after it, and the excerpt size. */
interface RowPlace {
  index: number;
  changeAbove: boolean;
  changeBelow: boolean;
  excerpt: number;
}

/** The segments of a changed or moved row, excerpted unless `excerpt` is Infinity. */
function changedSegments(row: DiffRow, excerpt: number): Segment[] {
  const segments = opsToSegments(row.ops ?? [], 'both');
  return Number.isFinite(excerpt) ? excerptSegments(segments, excerpt) : segments;
}

function rowHtml(row: DiffRow, at: RowPlace, others: Map<number, number>): string {
  switch (row.kind) {
    case 'unchanged': {
      const text = row.right ?? '';
      const shown = Number.isFinite(at.excerpt) ? contextExcerpt(text, at.changeAbove, at.changeBelow, at.excerpt) : text;
      return para(STYLE.unchanged, segmentHtml({ text: shown, mark: null }));
    }
    case 'changed':
      return para(null, changedSegments(row, at.excerpt).map(segmentHtml).join(''));
    case 'added':
      return para(null, segmentHtml({ text: row.right ?? '', mark: 'ins' }));
    case 'removed':
      return para(null, segmentHtml({ text: row.left ?? '', mark: 'del' }));
    case 'moved-from':
      return para(STYLE.note, `[Paragraph moved ${moveDirection(at.index, others.get(at.index))}]`);
    case 'moved-to': {
      const label = `<span style="${STYLE.label}">[Moved from further ${moveDirection(at.index, others.get(at.index))}]</span> `;
      return para(STYLE.moved, label + changedSegments(row, at.excerpt).map(segmentHtml).join(''));
    }
  }
}

function checkUrl(url: string): string {
  if (/^https?:\/\//i.test(url) || (url.startsWith('/') && !url.startsWith('//'))) return url;
  throw new Error(`differ: fullDiffUrl must be an http(s) URL or a path starting with "/", got ${JSON.stringify(url)}`);
}

/** The diff as one inline-styled HTML fragment (a <div>) for a feed item. */
export function toFeedHtml(diff: ArticleDiff, opts: FeedHtmlOptions = {}): string {
  const url = opts.fullDiffUrl === undefined ? undefined : checkUrl(opts.fullDiffUrl);
  const others = moveCounterparts(diff.rows);
  const parts: string[] = [];
  if (diff.title.changed) {
    // Old headline whole, then the new one whole: a headline reads as a unit, never interleaved word by word.
    const title = inlineTitle(diff.title).map(segmentHtml).join('');
    parts.push(para(null, `<strong>Headline:</strong> ${title}`));
  }
  const context = opts.contextParagraphs ?? 1;
  const excerpt = opts.excerptChars ?? EXCERPT_CHARS;
  const changed = (k: number): boolean => k >= 0 && k < diff.rows.length && diff.rows[k]?.kind !== 'unchanged';
  const near = (i: number, step: 1 | -1): boolean => {
    for (let d = 1; d <= context; d++) if (changed(i + step * d)) return true;
    return false;
  };
  for (const item of trimRows(diff.rows, context, opts.maxParagraphs ?? 40)) {
    if (item.type === 'row') {
      const at = { index: item.index, changeAbove: near(item.index, -1), changeBelow: near(item.index, 1), excerpt };
      parts.push(rowHtml(item.row, at, others));
    }
    else if (item.type === 'unchanged') parts.push(para(STYLE.note, escapeHtml(unchangedLabel(item.count))));
    else parts.push(para(STYLE.note, escapeHtml(moreLabel(item.changed, item.unchanged))));
  }
  if (url !== undefined) parts.push(para(null, `<a href="${escapeHtml(url)}">See the full diff</a>`));
  return `<div style="${STYLE.box}">${parts.join('')}</div>`;
}
