/** Recognises teasers: a headline link followed by a short summary, the unit of every "related stories" list. */
import { isTag, sumUp, type ParentNode } from './dom.js';
import { HEADING_TAGS, linkDensity, type Block } from './blocks.js';
import { looseKey } from './text.js';

/** An item container larger than this (in Latin-character equivalents) is a story, not a teaser card. */
const MAX_ITEM = 700;

interface Span {
  first: number;
  last: number;
  len: number;
}

function isHeadlineLink(b: Block): boolean {
  if (linkDensity(b) < 0.8) return false;
  const words = b.text.split(' ').length;
  return words >= 3 || b.size >= 20;
}

/** Non-teaser prose (in Latin-character equivalents) below which a page is taken to have no article outside its cards. */
const MIN_OWN_PROSE = 200;

function isProse(b: Block): boolean {
  return !HEADING_TAGS.has(b.tag) && linkDensity(b) < 0.5 && b.size >= 80;
}

/**
 * For every element holding blocks: the first and last block index inside it and their total size. Computed on
 * the owners, then passed up once per element, deepest first (a walk from every block up to the document cost
 * blocks × depth on broken pages with thousands of unclosed tags).
 */
function blockSpans(blocks: readonly Block[]): Map<ParentNode, Span> {
  const spans = new Map<ParentNode, Span>();
  blocks.forEach((b, i) => {
    const s = spans.get(b.owner);
    if (s) {
      s.last = i;
      s.len += b.size;
    } else spans.set(b.owner, { first: i, last: i, len: b.size });
  });
  sumUp(spans, (into, from) => {
    into.first = Math.min(into.first, from.first);
    into.last = Math.max(into.last, from.last);
    into.len += from.len;
  }, (from) => ({ ...from }));
  return spans;
}

/**
 * Sets `teaser` on every block that summarises a linked story inside a small card holding a headline link.
 * A page whose only prose sits in such cards is a short post under its own linked headline (blogs, reviews,
 * single news entries), not a list of teasers: its largest card is then left as the article.
 */
export function markTeasers(blocks: Block[], titles: readonly string[] = []): void {
  // The page's own headline, linked to the page itself as many templates do, heads the story, not a teaser.
  const own = new Set(titles.map(looseKey).filter((k) => k !== ''));
  const isOtherHeadline = (b: Block): boolean => isHeadlineLink(b) && !own.has(looseKey(b.text));
  const spans = blockSpans(blocks);
  const cards = new Map<ParentNode, Block[]>();
  blocks.forEach((b, i) => {
    // A list item under a linked heading is a list (ingredients, steps, facts), not the summary of a linked story.
    if (HEADING_TAGS.has(b.tag) || linkDensity(b) >= 0.5 || b.inList) return;
    // The card is the smallest container that also holds a headline link above this block.
    for (let n: ParentNode | null = b.owner; n && isTag(n); n = n.parent) {
      const s = spans.get(n);
      if (!s || s.len > MAX_ITEM) return;
      if (s.first === i) continue;
      let headline = false;
      for (let j = s.first; j < i && !headline; j++) headline = isOtherHeadline(blocks[j] as Block);
      if (!headline) continue;
      let prose = 0;
      for (let j = s.first; j <= s.last; j++) {
        const other = blocks[j] as Block;
        if (linkDensity(other) < 0.5 && other.size >= 80) prose++;
      }
      if (prose <= 1) {
        b.teaser = true;
        const list = cards.get(n);
        if (list) list.push(b);
        else cards.set(n, [b]);
      }
      return;
    }
  });
  if (cards.size === 0) return;
  let ownProse = 0;
  for (const b of blocks) if (!b.teaser && isProse(b)) ownProse += b.size;
  if (ownProse >= MIN_OWN_PROSE) return;
  let largest: Block[] = [];
  let largestSize = 0;
  for (const list of cards.values()) {
    const size = list.reduce((n, b) => n + b.size, 0);
    if (size > largestSize) {
      largest = list;
      largestSize = size;
    }
  }
  if (largestSize > ownProse) for (const b of largest) b.teaser = false;
}
