/** Finds the article body of a parsed page and returns it as paragraphs. */
import { attr, contains, detach, findFirst, isTag, parseHtml, type Document, type ParentNode } from './dom.js';
import { collectBlocks, linkDensity, HEADING_TAGS, type Block } from './blocks.js';
import { removeFurniture, removeJunk } from './clean.js';
import { furnitureReason, pageKinds } from './boilerplate.js';
import { describeElement, type ExplainTrace } from './explain.js';
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
  /** The page's address: a slideshow or gallery page ("/slideshow/") keeps elements so named. */
  url?: string | null;
  /** Collects every decision when an explanation was asked for (`extract(..., { explain: true })`). */
  trace?: ExplainTrace;
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

// Captions sit in boxes named for the picture they describe ("image top", "photo-wrap"); images are gone by now.
const MEDIA_NAME = /(^|[^a-z])(image|img|photo|picture|media|figure|caption)/i;

function inMediaBox(owner: ParentNode): boolean {
  for (let n: ParentNode | null = owner, depth = 0; n && isTag(n) && depth < 3; n = n.parent, depth++) if (MEDIA_NAME.test(attr(n, 'class'))) return true;
  return false;
}

/** A lead paragraph: sentence-like prose outside links and lists. */
function isLead(b: Block): boolean {
  return !b.teaser && !inMediaBox(b.owner) && !b.inList && b.size >= 100 && linkDensity(b) < 0.2 && !HEADING_TAGS.has(b.tag) && /[.!?…。！？"'”’“«»)]$/u.test(b.text);
}

/**
 * The standfirst printed just above the body container (in the same article, outside the container): a block
 * repeating the page's description, or else a lead (one paragraph, or a short list of points) separated from the
 * body only by headings or scraps (a date, a label). Templates often keep it apart from the body, yet it is the
 * story's lead.
 */
function findStandfirst(blocks: readonly Block[], first: Block | undefined, root: ParentNode, excerpt: string | null): Block[] {
  if (!first || !root.parent) return [];
  const scope = root.parent.parent?.parent ?? root.parent.parent ?? root.parent;
  const end = blocks.indexOf(first);
  const lead: Block[] = [];
  let between = 0;
  for (let i = end - 1; i >= 0 && i >= end - 12; i--) {
    const b = blocks[i] as Block;
    if (!contains(scope, b.owner)) break;
    if (excerpt && sameText(b.text, excerpt)) return [b];
    if (between < 0) continue;
    const last = lead[0];
    if (isLead(b) && (!last || last.owner.parent === b.owner.parent)) lead.unshift(b);
    else if (last && isLeadPoint(b) && last.owner.parent === b.owner.parent) lead.unshift(b);
    else if (!last && (HEADING_TAGS.has(b.tag) || b.size < 40) && ++between <= 3) continue;
    else if (!last && isLeadPoint(b)) lead.unshift(b);
    else between = -1;
  }
  // A run of points counts only when it holds a sentence of substance.
  return lead.some(isLead) || lead.reduce((n, b) => n + b.size, 0) >= 150 ? lead : [];
}

/** A point of a lead set as a list ("Die Impfpflicht sei ein falscher Ansatz." as the first of three bullets). */
function isLeadPoint(b: Block): boolean {
  return !b.teaser && !inMediaBox(b.owner) && b.inList && b.size >= 40 && linkDensity(b) < 0.2 && /[.!?…。！？"'”’“«»)]$/u.test(b.text);
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
  const trace = opts.trace;
  for (const el of selectOuter(doc, rule?.drop ?? [])) {
    trace?.removed(el, `site rule ${rule?.domain ?? ''}: drop selector`);
    detach(el);
  }
  const body: ParentNode = findFirst(doc, (el) => el.name === 'body') ?? doc;
  removeJunk(body, trace && ((el) => trace.removed(el, 'hidden by markup (hidden, aria-hidden, display:none)')));
  const containers = rule?.body ? selectFirstMatching(doc, rule.body) : [];
  removeFurniture(body, scoreElements(collectBlocks(body)), containers, undefined, trace && ((el) => trace.removed(el, `furniture: ${furnitureReason(el)}`)), pageKinds(opts.url));
  const blocks = collectBlocks(body);
  markTeasers(blocks, opts.titles);
  if (containers.length > 0) {
    const chosen = ruleBlocks(blocks, containers);
    if (chosen.reduce((n, b) => n + b.text.length, 0) >= MIN_RULE_TEXT) {
      if (!trace) return filterBlocks(chosen, { titles: opts.titles });
      const where = `outside the site rule's body (${rule?.domain ?? ''})`;
      return explained(trace, blocks, new Set(chosen), where, 'site rule', containers.map(describeElement).join(', '), (onDrop) => filterBlocks(chosen, { titles: opts.titles, onDrop }));
    }
  }
  const root = findContentRoot(scoreElements(blocks), body);
  const inRoot = root === body ? blocks : blocks.filter((b) => contains(root, b.owner));
  const lead = root === body ? [] : findStandfirst(blocks, inRoot[0], root, opts.excerpt ?? null);
  const candidates = lead.length > 0 ? [...lead, ...inRoot] : inRoot;
  if (!trace) return filterBlocks(candidates, { titles: opts.titles });
  return explained(trace, blocks, new Set(candidates), 'outside the body container', 'markup and text density', describeElement(root), (onDrop) => filterBlocks(candidates, { titles: opts.titles, onDrop }));
}

/** Runs the final filter with the trace listening, then records every block of the page with its fate. */
function explained(trace: ExplainTrace, all: readonly Block[], candidates: ReadonlySet<Block>, outside: string, method: string, container: string,
  filter: (onDrop: (b: Block, reason: string) => void) => string[]): string[] {
  trace.method = method;
  trace.container = container;
  for (const b of all) if (!candidates.has(b)) trace.dropBlock(b, outside);
  const paragraphs = filter((b, reason) => trace.dropBlock(b, reason));
  trace.blocks(all, 'kept: in the body container');
  return paragraphs;
}
