/** Finds the article body of a parsed page and returns it as paragraphs. */
import { contains, findFirst, type Document, type ParentNode } from './dom.js';
import { collectBlocks } from './blocks.js';
import { removeFurniture, removeJunk } from './clean.js';
import { findContentRoot } from './content.js';
import { filterBlocks } from './filter.js';
import { scoreElements } from './scores.js';
import { markTeasers } from './teasers.js';

/** Inputs that steer body extraction. */
export interface BodyOptions {
  /** The headline, dropped where the template repeats it inside the body. */
  title: string;
}

/** The article body of `doc` as paragraphs (mutates `doc`: furniture is removed from it). */
export function extractBody(doc: Document, opts: BodyOptions): string[] {
  const body: ParentNode = findFirst(doc, (el) => el.name === 'body') ?? doc;
  removeJunk(body);
  removeFurniture(body, scoreElements(collectBlocks(body)));
  const blocks = collectBlocks(body);
  markTeasers(blocks);
  const root = findContentRoot(scoreElements(blocks), body);
  const inRoot = root === body ? blocks : blocks.filter((b) => contains(root, b.owner));
  return filterBlocks(inRoot, { title: opts.title });
}
