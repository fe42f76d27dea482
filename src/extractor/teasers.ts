/** Recognises teasers: a headline link followed by a short summary, the unit of every "related stories" list. */
import { isTag, type ParentNode } from './dom.js';
import { HEADING_TAGS, linkDensity, type Block } from './blocks.js';
import { effectiveLength } from './scores.js';

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
  return words >= 3 || effectiveLength(b.text) >= 20;
}

/** Sets `teaser` on every block that summarises a linked story inside a small card holding a headline link. */
export function markTeasers(blocks: Block[]): void {
  const spans = new Map<ParentNode, Span>();
  blocks.forEach((b, i) => {
    const len = effectiveLength(b.text);
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
    let item: Span | null = null;
    for (let n: ParentNode | null = b.owner; n && isTag(n); n = n.parent) {
      const s = spans.get(n);
      if (!s || s.len > MAX_ITEM) break;
      item = s;
    }
    if (!item || item.first === i) return;
    let headline = false;
    let prose = 0;
    for (let j = item.first; j <= item.last; j++) {
      const other = blocks[j] as Block;
      if (j < i && isHeadlineLink(other)) headline = true;
      if (linkDensity(other) < 0.5 && effectiveLength(other.text) >= 80) prose++;
    }
    if (headline && prose <= 1) b.teaser = true;
  });
}
