/** Small helpers over the htmlparser2/domhandler tree: the extractor works on it directly because it parses about three times faster than a full DOM. */
import { Element, isTag, isText, type AnyNode, type Document, type ParentNode } from 'domhandler';
import { parseLinear } from './parse.js';

// The node types and guards the extractor uses, re-exported so that no other module imports domhandler directly.
export type { AnyNode, Document, ParentNode };
export { Element, isTag, isText };

/**
 * Parses an HTML string into a domhandler document (entities decoded, tag and attribute names lower-cased), in
 * linear time however deep the markup nests; elements deeper than `MAX_TREE_DEPTH` (512) are attached at that depth.
 */
export function parseHtml(html: string): Document {
  return parseLinear(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
}

/** The value of attribute `name` on `el`, or '' when absent. */
export function attr(el: Element, name: string): string {
  return el.attribs[name] ?? '';
}

/** The first element below `root` in document order for which `pred` holds, or null. */
export function findFirst(root: ParentNode, pred: (el: Element) => boolean): Element | null {
  const stack: AnyNode[] = [...root.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (!isTag(node)) continue;
    if (pred(node)) return node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as AnyNode);
  }
  return null;
}

/** The concatenated raw text of every text node below `node` (no whitespace normalisation). */
export function rawText(node: AnyNode): string {
  if (isText(node)) return node.data;
  if (!isTag(node) && node.type !== 'root') return '';
  let out = '';
  const stack: AnyNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as AnyNode;
    if (isText(n)) out += n.data;
    else if (isTag(n) || n.type === 'root') {
      const kids = (n as ParentNode).children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as AnyNode);
    }
  }
  return out;
}

/** Removes `node` from its parent (a no-op for a detached node). */
export function detach(node: AnyNode): void {
  const parent = node.parent;
  if (!parent) return;
  const i = parent.children.indexOf(node as never);
  if (i >= 0) parent.children.splice(i, 1);
  if (node.prev) node.prev.next = node.next;
  if (node.next) node.next.prev = node.prev;
  node.parent = null;
  node.prev = null;
  node.next = null;
}

/** True when `anc` is `node` or one of its ancestors. */
export function contains(anc: AnyNode, node: AnyNode): boolean {
  for (let n: AnyNode | null = node; n; n = n.parent) if (n === anc) return true;
  return false;
}

/** The deepest node that contains every node of `nodes` (which must share a document), or null for none. */
export function commonAncestor(nodes: readonly AnyNode[]): ParentNode | null {
  const first = nodes[0];
  if (!first) return null;
  const chain: ParentNode[] = [];
  for (let n: ParentNode | null = isTag(first) ? first : first.parent; n; n = n.parent) chain.push(n);
  let best = 0;
  for (const node of nodes.slice(1)) {
    let idx = -1;
    for (let n: ParentNode | null = isTag(node) ? node : node.parent; n; n = n.parent) {
      idx = chain.indexOf(n);
      if (idx >= 0) break;
    }
    if (idx < 0) return null;
    best = Math.max(best, idx);
  }
  return chain[best] ?? null;
}

/**
 * `nodes` grouped by depth below the document (index 0 = the document), each ancestor chain walked once: the basis
 * of bottom-up passes that would cost nodes × depth if every node walked up to the document.
 */
function groupByDepth(nodes: readonly ParentNode[]): ParentNode[][] {
  const depth = new Map<ParentNode, number>();
  const buckets: ParentNode[][] = [];
  for (const node of nodes) {
    const chain: ParentNode[] = [];
    let n: ParentNode | null = node;
    while (n && !depth.has(n)) {
      chain.push(n);
      n = n.parent;
    }
    let d = n ? (depth.get(n) as number) : -1;
    for (let i = chain.length - 1; i >= 0; i--) depth.set(chain[i] as ParentNode, ++d);
    (buckets[d] ??= []).push(node);
  }
  return buckets;
}

/**
 * Adds every entry of `values` (keyed by element) into its ancestors' entries, each element passing its total up
 * once, deepest first: `merge(into, from)` adds a child's total into an existing entry, `copy(from)` starts one.
 * Costs the number of elements involved, where a walk from every entry up to the document costs entries × depth.
 */
export function sumUp<T>(values: Map<ParentNode, T>, merge: (into: T, from: T) => void, copy: (from: T) => T): void {
  const byDepth = groupByDepth([...values.keys()]);
  for (let d = byDepth.length - 1; d > 0; d--) {
    for (const n of byDepth[d] ?? []) {
      const parent = n.parent;
      if (!parent) continue;
      const from = values.get(n) as T;
      const into = values.get(parent);
      if (into !== undefined) merge(into, from);
      else {
        values.set(parent, copy(from));
        (byDepth[d - 1] ??= []).push(parent);
      }
    }
  }
}
