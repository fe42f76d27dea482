/** Collects, in one pass over the untouched page, every piece of markup that states metadata. */
import { attr, isTag, rawText, type AnyNode, type Document, type Element } from './dom.js';
import { flattenNodes, parseJsonLd, type LdNode } from './jsonld.js';
import { normalizeText } from './text.js';

/** Metadata statements found in a page, before any choice between them. */
export interface PageSignals {
  /** `<meta>` contents by lower-cased name, property, itemprop or http-equiv, in document order. */
  metas: Map<string, string[]>;
  /** `<link>` hrefs by lower-cased rel token. */
  links: Map<string, string[]>;
  /** JSON-LD nodes of every block, flattened. */
  jsonld: LdNode[];
  /** `<html lang>` (or xml:lang). */
  htmlLang: string | null;
  /** `<base href>`. */
  baseHref: string | null;
  /** Text of `<title>`. */
  titleTag: string | null;
  /** Texts of the `<h1>` elements. */
  h1s: string[];
  /** Microdata: values of elements with an itemprop, by lower-cased itemprop (datetime, content or text). */
  itemprops: Map<string, string[]>;
  /** `datetime` of `<time>` elements marked as the publication time (pubdate attribute or a publish-like class). */
  pubTimes: string[];
  /** Texts of elements that look like a byline (rel=author links, byline or author classes). */
  bylines: string[];
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const k = key.toLowerCase();
  const list = map.get(k);
  if (list) list.push(value);
  else map.set(k, [value]);
}

const ITEMPROPS = new Set(['author', 'creator', 'headline', 'datepublished', 'datemodified', 'datecreated', 'articlesection']);

const BYLINE_NAME = /(^|[-_\s])(byline|by-line|author|authors|author-name|byline-name|contributor|writer)([-_\s]|$)/i;

function visitMeta(el: Element, s: PageSignals): void {
  const content = el.attribs.content;
  if (content === undefined) {
    if (el.attribs.charset === undefined && attr(el, 'itemprop') && el.attribs.datetime) push(s.itemprops, attr(el, 'itemprop'), el.attribs.datetime);
    return;
  }
  for (const key of ['name', 'property', 'itemprop', 'http-equiv']) {
    const v = el.attribs[key];
    if (v) for (const k of v.split(/\s+/)) if (k) push(s.metas, k, content);
  }
}

function visit(el: Element, s: PageSignals): void {
  switch (el.name) {
    case 'html':
      s.htmlLang ??= el.attribs.lang || el.attribs['xml:lang'] || null;
      break;
    case 'base':
      s.baseHref ??= el.attribs.href || null;
      break;
    case 'title':
      if (s.titleTag === null && el.parent && (!isTag(el.parent) || el.parent.name !== 'svg')) s.titleTag = normalizeText(rawText(el));
      break;
    case 'meta':
      visitMeta(el, s);
      return;
    case 'link': {
      const href = el.attribs.href;
      if (href) for (const rel of attr(el, 'rel').split(/\s+/)) if (rel) push(s.links, rel, href);
      return;
    }
    case 'script':
      if (/ld\+json/i.test(attr(el, 'type'))) for (const n of flattenNodes(parseJsonLd(rawText(el)))) s.jsonld.push(n);
      return;
    case 'h1':
      s.h1s.push(normalizeText(rawText(el)));
      break;
    case 'time':
      if ('pubdate' in el.attribs || /publish|posted|created/i.test(attr(el, 'class'))) if (el.attribs.datetime) s.pubTimes.push(el.attribs.datetime);
      break;
  }
  const itemprop = el.attribs.itemprop;
  if (itemprop && el.name !== 'meta') {
    for (const k of itemprop.split(/\s+/)) {
      // Only the properties metadata uses: reading the text of every itemprop would read the whole articleBody.
      if (!ITEMPROPS.has(k.toLowerCase())) continue;
      const v = el.attribs.datetime ?? el.attribs.content ?? (el.name === 'a' || el.name === 'link' ? undefined : normalizeText(rawText(el)));
      if (v !== undefined && v.length <= 300) push(s.itemprops, k, v);
    }
  }
  if (s.bylines.length < 8 && (attr(el, 'rel') === 'author' || BYLINE_NAME.test(attr(el, 'class')))) {
    const text = normalizeText(rawText(el));
    if (text && text.length <= 120) s.bylines.push(text);
  }
}

/** Gathers the metadata statements of `doc` (does not modify it). */
export function collectSignals(doc: Document): PageSignals {
  const s: PageSignals = {
    metas: new Map(),
    links: new Map(),
    jsonld: [],
    htmlLang: null,
    baseHref: null,
    titleTag: null,
    h1s: [],
    itemprops: new Map(),
    pubTimes: [],
    bylines: [],
  };
  const stack: AnyNode[] = [...doc.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (!isTag(node)) continue;
    visit(node, s);
    if (node.name === 'script' || node.name === 'style') continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as AnyNode);
  }
  return s;
}
