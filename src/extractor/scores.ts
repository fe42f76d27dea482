/** How much article-like text ("good") and furniture-like text ("junk") each element holds. */
import { sumUp, type ParentNode } from './dom.js';
import { HEADING_TAGS, linkDensity, type Block } from './blocks.js';

/** Good and junk character weights of one element (its own blocks and all its descendants'). */
export interface TextScore {
  good: number;
  junk: number;
}

/** Scores per element; elements holding no text are absent. */
export type TextScores = Map<ParentNode, TextScore>;

/** A heading at least this long that ends a sentence is a lead paragraph set in heading type. */
const LONG_HEADING = 150;

const SENTENCE_END = /[.!?…。！？:;"'”’“‘«»)\]]$/u;

/** The good and junk weight of one block: long, sentence-like, link-poor text is good; link lists and scraps are junk. */
function blockValue(b: Block): TextScore {
  const len = b.size;
  if (b.teaser) return { good: 0, junk: len };
  // A "heading" of several sentences is a lead styled large, not a headline: it counts as text.
  if (HEADING_TAGS.has(b.tag) && !(len >= LONG_HEADING && SENTENCE_END.test(b.text))) return { good: 0, junk: len * 0.25 };
  const density = linkDensity(b);
  if (density > 0.5) return { good: 0, junk: len };
  if (len >= 80 || (len >= 30 && SENTENCE_END.test(b.text))) {
    const weight = b.tag === 'p' ? 1 : b.inList || b.inTable ? 0.6 : 0.9;
    return { good: len * (1 - density) * weight, junk: len * density };
  }
  return { good: 0, junk: len * 0.5 };
}

/** Adds every block's weights to its owner and all the owner's ancestors up to the document. */
export function scoreElements(blocks: readonly Block[]): TextScores {
  // Sums go on the owners first, then each element passes its total to its parent once, deepest first: walking from
  // every block up to the document cost blocks × depth, minutes on broken pages with thousands of unclosed tags.
  const totals = new Map<ParentNode, TextScore>();
  const scored: Block[] = [];
  for (const b of blocks) {
    const v = blockValue(b);
    if (v.good === 0 && v.junk === 0) continue;
    scored.push(b);
    const s = totals.get(b.owner);
    if (s) {
      s.good += v.good;
      s.junk += v.junk;
    } else totals.set(b.owner, { good: v.good, junk: v.junk });
  }
  sumUp(totals, (into, from) => {
    into.good += from.good;
    into.junk += from.junk;
  }, (from) => ({ good: from.good, junk: from.junk }));
  // The map's order is the order callers met before (each block's owner, then its ancestors not yet listed): the
  // choice between equal candidates depends on it.
  const scores: TextScores = new Map();
  for (const b of scored) for (let n: ParentNode | null = b.owner; n && !scores.has(n); n = n.parent) scores.set(n, totals.get(n) as TextScore);
  return scores;
}
