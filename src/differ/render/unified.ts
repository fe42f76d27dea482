/**
 * Unified text of a diff for the terminal: one paragraph per block, deletions and insertions inline, either
 * as ANSI colours or, without colour, with git's word-diff markers `[-removed-]{+added+}`. Control characters
 * in the article text are replaced so that untrusted text cannot drive the terminal.
 */
import type { ArticleDiff, DiffRow } from '../types.js';
import { inlineTitle, moveCounterparts, opsToSegments, type Segment } from './view.js';
import { moreLabel, trimRows, unchangedLabel } from './trim.js';

/** Options of {@link toUnifiedText}. */
export interface UnifiedTextOptions {
  /** ANSI colours (red deletions, green insertions) instead of `[- -]`/`{+ +}` markers. */
  color: boolean;
  /** Unchanged paragraphs shown around each change (default: all of them). */
  contextParagraphs?: number;
}

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const CYAN = '\x1b[36m';
const RESET = '\x1b[0m';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

const clean = (text: string): string => text.replace(CONTROL, '\ufffd');

function segmentText(s: Segment, color: boolean): string {
  const text = clean(s.text);
  if (s.mark === null) return text;
  const shown = text.replace(/\n\n/g, s.mark === 'ins' ? '¶\n\n' : '¶');
  if (s.mark === 'del') return color ? `${RED}${shown}${RESET}` : `[-${shown}-]`;
  return color ? `${GREEN}${shown}${RESET}` : `{+${shown}+}`;
}

const note = (text: string, color: boolean): string => (color ? `${CYAN}${text}${RESET}` : text);

function rowText(row: DiffRow, index: number, others: Map<number, number>, color: boolean): string {
  const ops = (): string => opsToSegments(row.ops ?? [], 'both').map((s) => segmentText(s, color)).join('');
  const otherRow = others.get(index);
  switch (row.kind) {
    case 'unchanged':
      return clean(row.right ?? '');
    case 'changed':
      return ops();
    case 'added':
      return segmentText({ text: row.right ?? '', mark: 'ins' }, color);
    case 'removed':
      return segmentText({ text: row.left ?? '', mark: 'del' }, color);
    case 'moved-from':
      return note(`>> paragraph ${(row.leftIndex ?? 0) + 1} moved ${otherRow !== undefined && otherRow < index ? 'up' : 'down'} (move #${row.moveId ?? 0})`, color);
    case 'moved-to':
      return `${note(`<< moved here from old paragraph ${(row.leftIndex ?? 0) + 1} (move #${row.moveId ?? 0})`, color)}\n${ops()}`;
  }
}

/** The diff as terminal text, paragraphs separated by blank lines, ending with a newline. */
export function toUnifiedText(diff: ArticleDiff, opts: UnifiedTextOptions): string {
  const color = opts.color;
  const others = moveCounterparts(diff.rows);
  const blocks: string[] = [];
  // A changed headline is the old one whole, then the new one whole (inlineTitle), as on the web and in feeds.
  const title = inlineTitle(diff.title).map((s) => segmentText(s, color)).join('');
  if (title) blocks.push(`${note('Title:', color)} ${title}`);
  const context = opts.contextParagraphs ?? Infinity;
  const items = trimRows(diff.rows, Number.isFinite(context) ? context : diff.rows.length, Infinity);
  for (const item of items) {
    if (item.type === 'row') blocks.push(rowText(item.row, item.index, others, color));
    else if (item.type === 'unchanged') blocks.push(note(unchangedLabel(item.count), color));
    else blocks.push(note(moreLabel(item.changed, item.unchanged), color));
  }
  return blocks.length > 0 ? `${blocks.join('\n\n')}\n` : '';
}
