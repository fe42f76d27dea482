/**
 * HTML of a diff for feed items. Feed readers drop stylesheets and classes, so all styling is inline; all
 * article text is HTML-escaped (it is untrusted input). Long diffs are cut to the changed paragraphs with
 * some context.
 */
import type { ArticleDiff, DiffRow } from '../types.js';
import { inlineTitle, moveCounterparts, opsToSegments, type Segment } from './view.js';
import { moreLabel, moveDirection, trimRows, unchangedLabel } from './trim.js';

/** Options of {@link toFeedHtml}. */
export interface FeedHtmlOptions {
  /** Unchanged paragraphs shown before and after each change (default 1). */
  contextParagraphs?: number;
  /** At most this many paragraphs are shown (default 40). */
  maxParagraphs?: number;
  /** Link to the full diff, added at the end (absolute http(s) URL or a path starting with "/"). */
  fullDiffUrl?: string;
}

const STYLE = {
  box: 'font-family:Georgia,serif;line-height:1.5',
  p: 'margin:0 0 1em 0',
  unchanged: 'margin:0 0 1em 0;color:#555555',
  del: 'background-color:#ffe0e0;color:#8a1010;text-decoration:line-through',
  ins: 'background-color:#dcf5dc;color:#0b5a0b;text-decoration:none',
  note: 'margin:0 0 1em 0;color:#777777;font-style:italic;text-align:center',
  moved: 'margin:0 0 1em 0;border-left:3px solid #8899bb;padding-left:0.6em',
  label: 'color:#556688;font-style:italic',
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

const para = (style: string, inner: string): string => `<p style="${style}">${inner}</p>`;

function rowHtml(row: DiffRow, index: number, others: Map<number, number>): string {
  switch (row.kind) {
    case 'unchanged':
      return para(STYLE.unchanged, segmentHtml({ text: row.right ?? '', mark: null }));
    case 'changed':
      return para(STYLE.p, opsToSegments(row.ops ?? [], 'both').map(segmentHtml).join(''));
    case 'added':
      return para(STYLE.p, segmentHtml({ text: row.right ?? '', mark: 'ins' }));
    case 'removed':
      return para(STYLE.p, segmentHtml({ text: row.left ?? '', mark: 'del' }));
    case 'moved-from':
      return para(STYLE.note, `[Paragraph moved ${moveDirection(index, others.get(index))}]`);
    case 'moved-to': {
      const label = `<span style="${STYLE.label}">[Moved from further ${moveDirection(index, others.get(index))}]</span> `;
      return para(STYLE.moved, label + opsToSegments(row.ops ?? [], 'both').map(segmentHtml).join(''));
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
    parts.push(para(STYLE.p, `<strong>Headline:</strong> ${title}`));
  }
  for (const item of trimRows(diff.rows, opts.contextParagraphs ?? 1, opts.maxParagraphs ?? 40)) {
    if (item.type === 'row') parts.push(rowHtml(item.row, item.index, others));
    else if (item.type === 'unchanged') parts.push(para(STYLE.note, escapeHtml(unchangedLabel(item.count))));
    else parts.push(para(STYLE.note, escapeHtml(moreLabel(item.changed, item.unchanged))));
  }
  if (url !== undefined) parts.push(para(STYLE.p, `<a href="${escapeHtml(url)}">See the full diff</a>`));
  return `<div style="${STYLE.box}">${parts.join('')}</div>`;
}
