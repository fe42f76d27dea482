/**
 * Dispatch from a fetched document to the right parser. Feed and sitemap sources accept either format (a "feed"
 * URL that serves a news sitemap still works): the format is read from the document itself, not from the source.
 */
import { looksLikeJson, parseFeed } from './feeds.js';
import { extractPageLinks, type LinkSpec } from './page.js';
import { parseSitemap, sitemapText } from './sitemaps.js';
import { DiscoveryError, type ParsedDocument } from './types.js';

/** The kinds of document a source polls. */
export type SourceDocumentKind = 'feed' | 'sitemap' | 'page';

/** A fetched document, as much of a FetchResult as discovery needs. */
export interface FetchedDocument {
  /** Final URL after redirects: relative links resolve against it. */
  url: string;
  body: Buffer;
  /** Charset-decoded text ('' when the fetcher did not decode the body, e.g. application/x-gzip). */
  text: string;
}

/** Options of parseDocument. */
export interface ParseDocumentOptions {
  /** How a page source finds its links (required for kind 'page'). */
  links?: LinkSpec;
  /** Largest unpacked size of a gzip'd sitemap. */
  maxBytes?: number;
}

/** Parses a fetched document of a feed, sitemap or page source into links (and child sitemaps for an index). */
export function parseDocument(kind: SourceDocumentKind, doc: FetchedDocument, opts: ParseDocumentOptions = {}): ParsedDocument {
  if (kind === 'page') {
    if (!opts.links) throw new DiscoveryError('a page source needs a links selector or pattern');
    return { format: 'html', links: extractPageLinks(doc.text || doc.body.toString('utf8'), doc.url, opts.links), sitemaps: [] };
  }
  const text = sitemapText(doc.body, doc.text, opts.maxBytes);
  if (looksLikeJson(text) || isFeedXml(text)) {
    const feed = parseFeed(text, doc.url);
    return { format: feed.format, links: feed.items, sitemaps: [] };
  }
  const sitemap = parseSitemap(text, doc.url);
  if (sitemap.kind === 'index') return { format: 'sitemap-index', links: [], sitemaps: sitemap.sitemaps };
  return { format: sitemap.kind === 'urlset' ? 'urlset' : 'text-sitemap', links: sitemap.links, sitemaps: [] };
}

/** True when the first element of the XML is a feed's root (read without parsing the whole document). */
function isFeedXml(text: string): boolean {
  const name = rootElementName(text);
  return name !== null && ['rss', 'rdf', 'feed'].includes(name.replace(/^.*:/, '').toLowerCase());
}

const PROLOG_ITEM = /^\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)/i;

/** The name of the first element of an XML text, skipping the declaration, comments and doctype; null if none. */
export function rootElementName(text: string): string | null {
  let rest = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let m = PROLOG_ITEM.exec(rest); m; m = PROLOG_ITEM.exec(rest)) rest = rest.slice(m[0].length);
  return /^\s*<([A-Za-z_][\w.:-]*)/.exec(rest)?.[1] ?? null;
}
