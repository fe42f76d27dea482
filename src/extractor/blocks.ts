/** Cuts a tree into text blocks: the runs of inline content between block-level boundaries, as a browser lays them out. */
import { isTag, isText, type AnyNode, type Element, type ParentNode } from './dom.js';
import { JUNK_TAGS } from './boilerplate.js';
import { effectiveLength, normalizeText } from './text.js';

/** One visual paragraph of the page. */
export interface Block {
  /** Normalised text. */
  text: string;
  /** Characters of `text` that sit inside links. */
  linkChars: number;
  /** Length of `text` in Latin-character equivalents (see `effectiveLength`). */
  size: number;
  /** The nearest block-level ancestor (the element that owns this run of text). */
  owner: ParentNode;
  /** Tag of the owner ('p', 'h2', 'li', 'div', ...; 'root' for text directly in the document). */
  tag: string;
  /** Whether the block sits inside a list item. */
  inList: boolean;
  /** Whether the block sits inside a table cell. */
  inTable: boolean;
  /** Set by `markTeasers`: the block is the summary of a link to another page. */
  teaser: boolean;
}

/** Tags that start a new block. Unknown tags and custom elements with inline content stay inline. */
const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'center', 'dd', 'details', 'dir', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr',
  'html', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody',
  'tfoot', 'thead', 'tr', 'ul', 'caption', 'listing', 'plaintext', 'xmp', 'noframes', 'frameset', 'optgroup',
]);

/** Heading tags. */
export const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

interface Ctx {
  blocks: Block[];
  parts: string[];
  linkParts: string[];
  owner: ParentNode;
  linkDepth: number;
  brRun: number;
  inList: number;
  inTable: number;
}

function flush(ctx: Ctx): void {
  if (ctx.parts.length === 0) return;
  const text = normalizeText(ctx.parts.join(''));
  if (text !== '') {
    const linkChars = ctx.linkParts.length > 0 ? Math.min(text.length, normalizeText(ctx.linkParts.join(' ')).length) : 0;
    const owner = ctx.owner;
    ctx.blocks.push({
      text,
      linkChars,
      size: effectiveLength(text),
      owner,
      tag: isTag(owner) ? owner.name : 'root',
      inList: ctx.inList > 0,
      inTable: ctx.inTable > 0,
      teaser: false,
    });
  }
  ctx.parts = [];
  ctx.linkParts = [];
}

function isBlockElement(el: Element): boolean {
  return BLOCK_TAGS.has(el.name) || (el.name.includes('-') && el.children.some((c) => isTag(c) && (BLOCK_TAGS.has(c.name) || c.name.includes('-'))));
}

/** Work items of the iterative walk: a node to enter, or the end of an element entered earlier. */
type Step = AnyNode | { end: Element; kind: 'link' | 'cell' | 'block'; savedOwner: ParentNode };

function enterBlock(node: Element, ctx: Ctx, stack: Step[]): void {
  flush(ctx);
  stack.push({ end: node, kind: 'block', savedOwner: ctx.owner });
  ctx.owner = node;
  if (node.name === 'li' || node.name === 'dd' || node.name === 'dt') ctx.inList++;
}

function leave(step: { end: Element; kind: 'link' | 'cell' | 'block'; savedOwner: ParentNode }, ctx: Ctx): void {
  const name = step.end.name;
  if (step.kind === 'link') {
    ctx.linkDepth--;
    return;
  }
  if (step.kind === 'cell') {
    ctx.inTable--;
    ctx.parts.push(' ');
    return;
  }
  flush(ctx);
  if (name === 'li' || name === 'dd' || name === 'dt') ctx.inList--;
  ctx.owner = step.savedOwner;
  ctx.brRun = 0;
}

function visitText(data: string, ctx: Ctx): void {
  if (ctx.brRun > 0 && data.trim() !== '') ctx.brRun = 0;
  ctx.parts.push(data);
  if (ctx.linkDepth > 0) ctx.linkParts.push(data);
}

// Iterative rather than recursive: broken pages nest thousands of unclosed tags deep.
function walk(root: ParentNode, ctx: Ctx): void {
  const stack: Step[] = [];
  for (let i = root.children.length - 1; i >= 0; i--) stack.push(root.children[i] as AnyNode);
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    if ('end' in step) {
      leave(step, ctx);
      continue;
    }
    if (isText(step)) {
      visitText(step.data, ctx);
      continue;
    }
    if (!isTag(step)) continue;
    const name = step.name;
    if (JUNK_TAGS.has(name)) continue;
    if (name === 'br') {
      ctx.brRun++;
      // Two line breaks in a row are how many templates separate paragraphs; a single one is a line break inside one.
      if (ctx.brRun >= 2) flush(ctx);
      else ctx.parts.push('\n');
      continue;
    }
    ctx.brRun = 0;
    if (name === 'td' || name === 'th') {
      // A table row reads as one line: its cells are words of it, unless a cell holds blocks of its own.
      ctx.parts.push(' ');
      ctx.inTable++;
      stack.push({ end: step, kind: 'cell', savedOwner: ctx.owner });
    } else if (!isBlockElement(step)) {
      if (name === 'a') {
        ctx.linkDepth++;
        stack.push({ end: step, kind: 'link', savedOwner: ctx.owner });
      }
    } else {
      enterBlock(step, ctx, stack);
    }
    for (let i = step.children.length - 1; i >= 0; i--) stack.push(step.children[i] as AnyNode);
  }
}

/** The text blocks below `root` in document order. */
export function collectBlocks(root: ParentNode): Block[] {
  const ctx: Ctx = { blocks: [], parts: [], linkParts: [], owner: root, linkDepth: 0, brRun: 0, inList: 0, inTable: 0 };
  walk(root, ctx);
  flush(ctx);
  return ctx.blocks;
}

/** Share of the block's characters that are link text, 0..1. */
export function linkDensity(b: Block): number {
  return b.text.length === 0 ? 0 : b.linkChars / b.text.length;
}
