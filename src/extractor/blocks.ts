/** Cuts a tree into text blocks: the runs of inline content between block-level boundaries, as a browser lays them out. */
import { isTag, isText, type AnyNode, type Element, type ParentNode } from './dom.js';
import { JUNK_TAGS } from './boilerplate.js';
import { normalizeText } from './text.js';

/** One visual paragraph of the page. */
export interface Block {
  /** Normalised text. */
  text: string;
  /** Characters of `text` that sit inside links. */
  linkChars: number;
  /** The nearest block-level ancestor (the element that owns this run of text). */
  owner: ParentNode;
  /** Tag of the owner ('p', 'h2', 'li', 'div', ...; 'root' for text directly in the document). */
  tag: string;
  /** Whether the block sits inside a list item. */
  inList: boolean;
  /** Whether the block sits inside a table cell. */
  inTable: boolean;
  /** Whether the block sits inside a blockquote. */
  inQuote: boolean;
  /** Set by `markTeasers`: the block is the summary of a link to another page. */
  teaser: boolean;
}

/** Tags that start a new block. Unknown tags and custom elements with inline content stay inline. */
export const BLOCK_TAGS = new Set([
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
  inQuote: number;
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
      owner,
      tag: isTag(owner) ? owner.name : 'root',
      inList: ctx.inList > 0,
      inTable: ctx.inTable > 0,
      inQuote: ctx.inQuote > 0,
      teaser: false,
    });
  }
  ctx.parts = [];
  ctx.linkParts = [];
}

function isBlockElement(el: Element): boolean {
  return BLOCK_TAGS.has(el.name) || (el.name.includes('-') && el.children.some((c) => isTag(c) && (BLOCK_TAGS.has(c.name) || c.name.includes('-'))));
}

function walk(node: AnyNode, ctx: Ctx): void {
  if (isText(node)) {
    if (ctx.brRun > 0 && node.data.trim() !== '') ctx.brRun = 0;
    ctx.parts.push(node.data);
    if (ctx.linkDepth > 0) ctx.linkParts.push(node.data);
    return;
  }
  if (!isTag(node)) return;
  const name = node.name;
  if (JUNK_TAGS.has(name)) return;
  if (name === 'br') {
    ctx.brRun++;
    // Two line breaks in a row are how many templates separate paragraphs; a single one is a line break inside one.
    if (ctx.brRun >= 2) flush(ctx);
    else ctx.parts.push('\n');
    return;
  }
  ctx.brRun = 0;
  if (name === 'td' || name === 'th') {
    // A table row reads as one line: its cells are words of it, unless a cell holds blocks of its own.
    ctx.parts.push(' ');
    ctx.inTable++;
    for (const child of node.children) walk(child, ctx);
    ctx.inTable--;
    ctx.parts.push(' ');
    return;
  }
  if (!isBlockElement(node)) {
    const isLink = name === 'a';
    if (isLink) ctx.linkDepth++;
    for (const child of node.children) walk(child, ctx);
    if (isLink) ctx.linkDepth--;
    return;
  }
  flush(ctx);
  const savedOwner = ctx.owner;
  ctx.owner = node;
  const list = name === 'li' || name === 'dd' || name === 'dt';
  const table = false;
  const quote = name === 'blockquote';
  if (list) ctx.inList++;
  if (table) ctx.inTable++;
  if (quote) ctx.inQuote++;
  for (const child of node.children) walk(child, ctx);
  flush(ctx);
  if (list) ctx.inList--;
  if (table) ctx.inTable--;
  if (quote) ctx.inQuote--;
  ctx.owner = savedOwner;
  ctx.brRun = 0;
}

/** The text blocks below `root` in document order. */
export function collectBlocks(root: ParentNode): Block[] {
  const ctx: Ctx = { blocks: [], parts: [], linkParts: [], owner: root, linkDepth: 0, brRun: 0, inList: 0, inTable: 0, inQuote: 0 };
  for (const child of root.children) walk(child, ctx);
  flush(ctx);
  return ctx.blocks;
}

/** Share of the block's characters that are link text, 0..1. */
export function linkDensity(b: Block): number {
  return b.text.length === 0 ? 0 : b.linkChars / b.text.length;
}
