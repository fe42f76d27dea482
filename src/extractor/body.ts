/** Finds the article body of a parsed page and returns it as paragraphs. */
import { contains, detach, findFirst, parseHtml, type Document, type ParentNode } from './dom.js';
import { collectBlocks, type Block } from './blocks.js';
import { removeFurniture, removeJunk } from './clean.js';
import { findContentRoot } from './content.js';
import { filterBlocks } from './filter.js';
import { selectFirstMatching, selectOuter, type SiteRule } from './rules.js';
import { scoreElements } from './scores.js';
import { markTeasers } from './teasers.js';
import { looseKey, normalizeText } from './text.js';

/** Inputs that steer body extraction. */
export interface BodyOptions {
  /** Headline texts (metadata title, page heading), dropped where the template repeats them inside the body. */
  titles: readonly string[];
  /** The site rule for the page, if any. */
  rule?: SiteRule | null;
  /** The page's description (og:description or meta description): shown above the body, it is the standfirst. */
  excerpt?: string | null;
}

/** A site rule's body must hold at least this many characters, else the rule is taken to be stale. */
const MIN_RULE_TEXT = 200;

function ruleBlocks(blocks: readonly Block[], containers: readonly ParentNode[]): Block[] {
  return blocks.filter((b) => containers.some((c) => contains(c, b.owner)));
}

function sameText(a: string, b: string): boolean {
  const x = looseKey(a);
  const y = looseKey(b);
  if (x.length < 40 || y.length < 40) return false;
  return x === y || (x.startsWith(y) && y.length >= 0.8 * x.length) || (y.startsWith(x) && x.length >= 0.8 * y.length);
}

/**
 * The standfirst printed just above the body container (in the same article, outside the container): a block
 * repeating the page's description. Templates often keep it apart from the body, yet it is the story's lead.
 */
function findStandfirst(blocks: readonly Block[], first: Block | undefined, root: ParentNode, excerpt: string | null): Block | null {
  if (!excerpt || !first || !root.parent) return null;
  const scope = root.parent.parent ?? root.parent;
  const end = blocks.indexOf(first);
  for (let i = end - 1; i >= 0 && i >= end - 12; i--) {
    const b = blocks[i] as Block;
    if (!contains(scope, b.owner)) break;
    if (sameText(b.text, excerpt)) return b;
  }
  return null;
}

/**
 * The paragraphs of a JSON-LD articleBody: plain text split at line breaks, or, when a CMS put HTML in it, the
 * blocks of that HTML.
 */
export function paragraphsOfLdBody(ldBody: string): string[] {
  if (/<\/?(p|div|br|h\d)\b/i.test(ldBody)) return collectBlocks(parseHtml(ldBody)).map((b) => b.text);
  return ldBody
    .split(/\n+/)
    .map(normalizeText)
    .filter((t) => t !== '');
}

/** The article body of `doc` as paragraphs (mutates `doc`: furniture is removed from it). */
export function extractBody(doc: Document, opts: BodyOptions): string[] {
  const rule = opts.rule ?? null;
  for (const el of selectOuter(doc, rule?.drop ?? [])) detach(el);
  const body: ParentNode = findFirst(doc, (el) => el.name === 'body') ?? doc;
  removeJunk(body);
  const containers = rule?.body ? selectFirstMatching(doc, rule.body) : [];
  removeFurniture(body, scoreElements(collectBlocks(body)), containers);
  const blocks = collectBlocks(body);
  markTeasers(blocks);
  if (containers.length > 0) {
    const chosen = ruleBlocks(blocks, containers);
    if (chosen.reduce((n, b) => n + b.text.length, 0) >= MIN_RULE_TEXT) return filterBlocks(chosen, { titles: opts.titles });
  }
  const root = findContentRoot(scoreElements(blocks), body);
  const inRoot = root === body ? blocks : blocks.filter((b) => contains(root, b.owner));
  const lead = root === body ? null : findStandfirst(blocks, inRoot[0], root, opts.excerpt ?? null);
  return filterBlocks(lead ? [lead, ...inRoot] : inRoot, { titles: opts.titles });
}
