/** How much article-like text ("good") and furniture-like text ("junk") each element holds. */
import type { ParentNode } from './dom.js';
import { HEADING_TAGS, linkDensity, type Block } from './blocks.js';

/** Good and junk character weights of one element (its own blocks and all its descendants'). */
export interface TextScore {
  good: number;
  junk: number;
}

/** Scores per element; elements holding no text are absent. */
export type TextScores = Map<ParentNode, TextScore>;

const SENTENCE_END = /[.!?…。！？:;"'”’»)\]]$/u;

/** The good and junk weight of one block: long, sentence-like, link-poor text is good; link lists and scraps are junk. */
function blockValue(b: Block): TextScore {
  const len = b.size;
  if (b.teaser) return { good: 0, junk: len };
  if (HEADING_TAGS.has(b.tag)) return { good: 0, junk: len * 0.25 };
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
  const scores: TextScores = new Map();
  for (const b of blocks) {
    const v = blockValue(b);
    if (v.good === 0 && v.junk === 0) continue;
    for (let n: ParentNode | null = b.owner; n; n = n.parent) {
      const s = scores.get(n);
      if (s) {
        s.good += v.good;
        s.junk += v.junk;
      } else scores.set(n, { good: v.good, junk: v.junk });
    }
  }
  return scores;
}
