/** Recognises teasers: a headline link followed by a short summary, the unit of every "related stories" list. */
import { isTag, type ParentNode } from './dom.js';
import { HEADING_TAGS, linkDensity, type Block } from './blocks.js';

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

/** Sets `teaser` on every block that summarises a linked story inside a small card holding a headline link. */
export function markTeasers(blocks: Block[]): void {
  const spans = new Map<ParentNode, Span>();
  blocks.forEach((b, i) => {
    const len = b.size;
    for (let n: ParentNode | null = b.owner; n; n = n.parent) {
      const s = spans.get(n);
      if (s) {
        s.last = i;
        s.len += len;
      } else spans.set(n, { first: i, last: i, len });
    }
  });
  blocks.forEach((b, i) => {
    if (HEADING_TAGS.has(b.tag) || linkDensity(b) >= 0.5) return;
    // The card is the smallest container that also holds a headline link above this block.
    for (let n: ParentNode | null = b.owner; n && isTag(n); n = n.parent) {
      const s = spans.get(n);
      if (!s || s.len > MAX_ITEM) return;
      if (s.first === i) continue;
      let headline = false;
      for (let j = s.first; j < i && !headline; j++) headline = isHeadlineLink(blocks[j] as Block);
      if (!headline) continue;
      let prose = 0;
      for (let j = s.first; j <= s.last; j++) {
        const other = blocks[j] as Block;
        if (linkDensity(other) < 0.5 && other.size >= 80) prose++;
      }
      if (prose <= 1) b.teaser = true;
      return;
    }
  });
}
