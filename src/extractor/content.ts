/** Chooses the element that holds the article body. */
import { commonAncestor, contains, isTag, type Element, type ParentNode } from './dom.js';
import { contentSignal } from './boilerplate.js';
import type { TextScores } from './scores.js';

/** Weight of junk against good text when judging a candidate: a container must earn its furniture. */
const JUNK_PENALTY = 1;

function net(scores: TextScores, el: ParentNode): number {
  const s = scores.get(el);
  return s ? s.good - JUNK_PENALTY * s.junk : -Infinity;
}

function good(scores: TextScores, el: ParentNode): number {
  return scores.get(el)?.good ?? 0;
}

// Scores reach from each block up to the document; everything scored is either inside `within` or above it.
function ancestorsOf(el: ParentNode): Set<ParentNode> {
  const out = new Set<ParentNode>();
  for (let n = el.parent; n; n = n.parent) out.add(n);
  return out;
}

/** The element with the most good text net of junk: the generic guess, needing no markup conventions. */
function bestByText(scores: TextScores, within: ParentNode): ParentNode {
  let best: ParentNode = within;
  let bestNet = net(scores, within);
  const above = ancestorsOf(within);
  for (const el of scores.keys()) {
    if (el === within || above.has(el)) continue;
    const n = net(scores, el);
    if (n > bestNet) {
      best = el;
      bestNet = n;
    }
  }
  return best;
}

/**
 * The element marked as the article body (schema.org articleBody, "article-body"-like names), or the common
 * ancestor of several such pieces when a template splits the story around ads; null when nothing is marked.
 */
function bestBySignal(scores: TextScores, within: ParentNode): ParentNode | null {
  const marked: Element[] = [];
  const above = ancestorsOf(within);
  for (const el of scores.keys()) {
    if (!isTag(el) || above.has(el)) continue;
    if (good(scores, el) > 0 && contentSignal(el) > 0) marked.push(el);
  }
  if (marked.length === 0) return null;
  // Among nested marks the innermost with (nearly) all the good text is the tightest container.
  let best = marked[0] as Element;
  for (const el of marked) {
    const g = good(scores, el);
    const bg = good(scores, best);
    const strength = contentSignal(el) - contentSignal(best);
    if (g > bg * 1.1 || (g >= bg * 0.9 && (strength > 0 || (strength === 0 && net(scores, el) > net(scores, best))))) best = el;
  }
  const bestGood = good(scores, best);
  const pieces = marked.filter((el) => !contains(el, best) && !contains(best, el) && good(scores, el) >= 0.15 * bestGood);
  if (pieces.length === 0) return best;
  // Pieces of one split body: keep only those that are not nested in one another.
  const outer = pieces.filter((el) => !pieces.some((o) => o !== el && contains(o, el)));
  return commonAncestor([best, ...outer]) ?? best;
}

/** The article container below `within`: the marked body when it holds enough of the text, else the generic guess. */
export function findContentRoot(scores: TextScores, within: ParentNode): ParentNode {
  const generic = bestByText(scores, within);
  const marked = bestBySignal(scores, within);
  if (!marked) return generic;
  const gm = good(scores, marked);
  const gg = good(scores, generic);
  if (contains(marked, generic) && gg >= 0.8 * gm) return generic;
  if (gm >= 0.3 * gg) return marked;
  return generic;
}
