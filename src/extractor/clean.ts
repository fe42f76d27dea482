/** Removes what can never be article text, then page furniture, from a parsed page (mutates the tree). */
import { detach, isTag, type AnyNode, type Element, type ParentNode } from './dom.js';
import { JUNK_TAGS, contentSignal, isHidden, looksLikeFurniture } from './boilerplate.js';
import type { TextScores } from './scores.js';

/** Removes scripts, styles, media, form controls, comments and elements hidden by markup below `root`. */
export function removeJunk(root: ParentNode): void {
  const stack: AnyNode[] = [...root.children];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (node.type === 'comment' || node.type === 'directive') {
      detach(node);
      continue;
    }
    if (!isTag(node)) continue;
    if (JUNK_TAGS.has(node.name) || isHidden(node)) {
      detach(node);
      continue;
    }
    for (const child of node.children) stack.push(child);
  }
}

/**
 * Removes page furniture below `root` (navigation, share tools, related links, captions, ads...), sparing any
 * element that holds at least `keepShare` of the page's good text, an element marked as the article body, or
 * one of `keep` (and their ancestors):
 * a template that wraps the whole story in, say, a `<header>` must not lose the story.
 */
export function removeFurniture(root: ParentNode, scores: TextScores, keep: readonly Element[] = [], keepShare = 0.5): void {
  const total = scores.get(root)?.good ?? 0;
  const protectedEls = new Set<ParentNode>();
  const stack: AnyNode[] = [...root.children];
  const signalled: Element[] = [...keep];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (!isTag(node)) continue;
    if (contentSignal(node) > 0 && (scores.get(node)?.good ?? 0) > 0) signalled.push(node);
    for (const child of node.children) stack.push(child);
  }
  for (const el of signalled) for (let n: ParentNode | null = el; n; n = n.parent) protectedEls.add(n);

  const queue: AnyNode[] = [...root.children];
  while (queue.length > 0) {
    const node = queue.pop() as AnyNode;
    if (!isTag(node)) continue;
    if (!protectedEls.has(node) && looksLikeFurniture(node)) {
      const good = scores.get(node)?.good ?? 0;
      if (total === 0 || good < keepShare * total) {
        detach(node);
        continue;
      }
    }
    for (const child of node.children) queue.push(child);
  }
}
