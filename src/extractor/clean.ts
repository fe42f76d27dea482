/** Removes what can never be article text, then page furniture, from a parsed page (mutates the tree). */
import { attr, detach, isTag, parseHtml, rawText, type AnyNode, type Element, type ParentNode } from './dom.js';
import { normalizeText } from './text.js';
import { JUNK_TAGS, contentSignal, furnitureReason, isHidden, looksLikeFurniture } from './boilerplate.js';
import type { TextScores } from './scores.js';

/**
 * Removes scripts, styles, media, form controls, comments and elements hidden by markup below `root`;
 * `onHidden` (explanations only) hears of each hidden element before it goes.
 */
export function removeJunk(root: ParentNode, onHidden?: (el: Element) => void): void {
  const stack: AnyNode[] = [...root.children];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (node.type === 'comment' || node.type === 'directive') {
      detach(node);
      continue;
    }
    if (!isTag(node)) continue;
    const inner = hiddenMarkup(node);
    if (inner) {
      replaceWith(node, inner);
      for (const child of inner) stack.push(child);
      continue;
    }
    if (JUNK_TAGS.has(node.name) || isHidden(node)) {
      if (onHidden && !JUNK_TAGS.has(node.name)) onHidden(node);
      detach(node);
      continue;
    }
    for (const child of node.children) stack.push(child);
  }
}

/** Text a `<noscript>` or template script must hold to be taken as the page's content rather than a notice. */
const MIN_HIDDEN_TEXT = 200;
const TEMPLATE_TYPES = /^text\/(template|html|x-template)$/i;

/**
 * The content of a `<noscript>` or `<script type="text/template">` holding real text (Blogger and some CMSs
 * render the post from such a template; others put the story in `<noscript>` for readers without scripts),
 * or null for the usual tracking pixels, notices and placeholder templates.
 */
function hiddenMarkup(el: Element): AnyNode[] | null {
  let nodes: AnyNode[];
  if (el.name === 'noscript') nodes = el.children;
  else if (el.name === 'script' && TEMPLATE_TYPES.test(attr(el, 'type'))) {
    const source = rawText(el);
    // Only a template of paragraphs is a post: plain notices, JSON, base64 and placeholder templates are not.
    if (source.length < MIN_HIDDEN_TEXT || !/^\s*</.test(source) || !/<p[\s>]/i.test(source) || /\{\{|<%|\$\{/.test(source)) return null;
    nodes = parseHtml(source).children;
  } else return null;
  // Text in elements only: a `<noscript>` whose markup arrived escaped, as text, is an ad or a widget's source.
  let text = 0;
  for (const n of nodes) if (isTag(n)) text += normalizeText(rawText(n)).length;
  return text >= MIN_HIDDEN_TEXT && !nodes.some((n) => !isTag(n) && /<\/?[a-z][^>]*>/i.test(rawText(n))) ? nodes : null;
}

/** Puts `nodes` in place of `el` in its parent. */
function replaceWith(el: Element, nodes: AnyNode[]): void {
  const parent = el.parent;
  if (!parent) return;
  const i = parent.children.indexOf(el);
  if (i < 0) return;
  const list = [...nodes];
  parent.children.splice(i, 1, ...list);
  list.forEach((n, k) => {
    n.parent = parent;
    n.prev = k > 0 ? (list[k - 1] as AnyNode) : el.prev;
    n.next = k + 1 < list.length ? (list[k + 1] as AnyNode) : el.next;
  });
  if (el.prev) el.prev.next = list[0] ?? el.next;
  if (el.next) el.next.prev = list[list.length - 1] ?? el.prev;
  el.parent = null;
  el.prev = null;
  el.next = null;
}

/**
 * Removes page furniture below `root` (navigation, share tools, related links, captions, ads...), sparing any
 * element that holds at least `keepShare` of the page's good text, an element marked as the article body, or
 * one of `keep` (and their ancestors):
 * a template that wraps the whole story in, say, a `<header>` must not lose the story.
 * `onRemove` (explanations only) hears of each element before it is removed.
 */
export function removeFurniture(root: ParentNode, scores: TextScores, keep: readonly Element[] = [], keepShare = 0.5, onRemove?: (el: Element) => void,
  pageKinds?: ReadonlySet<string>): void {
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
  // The set is closed under ancestors, so a walk can stop at the first element already in it (deep pages).
  for (const el of signalled) for (let n: ParentNode | null = el; n && !protectedEls.has(n); n = n.parent) protectedEls.add(n);

  const isCandidate = (node: Element): boolean =>
    !protectedEls.has(node) && looksLikeFurniture(node, pageKinds) && (total === 0 || (scores.get(node)?.good ?? 0) < keepShare * total);
  const spared = sparedGroups(root, isCandidate, scores, keepShare * total);
  const queue: AnyNode[] = [...root.children];
  while (queue.length > 0) {
    const node = queue.pop() as AnyNode;
    if (!isTag(node)) continue;
    if (!spared.has(node) && isCandidate(node)) {
      onRemove?.(node);
      detach(node);
      continue;
    }
    for (const child of node.children) queue.push(child);
  }
}

/** A run of same-named furniture must have this many members to be taken for the page's posts. */
const POST_NAME = /comment|repl(y|ies)|answer|antwort|kommentar|beitrag|forum|thread/i;
const MIN_GROUP = 3;

/**
 * The outermost furniture candidates that, named alike ("comment", "reply"), together hold at least `share` of the
 * page's good text: on a forum or a Q&A page the posts are the content, although each looks like a comment.
 */
function sparedGroups(root: ParentNode, isCandidate: (el: Element) => boolean, scores: TextScores, share: number): Set<Element> {
  const groups = new Map<string, Element[]>();
  const stack: AnyNode[] = [...root.children];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (!isTag(node)) continue;
    if (isCandidate(node)) {
      const reason = furnitureReason(node);
      // Only comment-like names: structural tags, roles and widgets are never the page's posts.
      if ((reason.startsWith('class') || reason.startsWith('id')) && POST_NAME.test(reason)) {
        const list = groups.get(reason);
        if (list) list.push(node);
        else groups.set(reason, [node]);
      }
      continue;
    }
    for (const child of node.children) stack.push(child);
  }
  const out = new Set<Element>();
  if (share <= 0) return out;
  for (const list of groups.values()) {
    if (list.length < MIN_GROUP) continue;
    const good = list.reduce((n, el) => n + (scores.get(el)?.good ?? 0), 0);
    if (good >= share) for (const el of list) out.add(el);
  }
  return out;
}
