/**
 * Feed parsing: RSS 2.0 (and 0.9x), RSS 1.0 (RDF), Atom 1.0 and JSON Feed 1.0/1.1 to a list of article links.
 * Pure functions of the document text and its URL. The XML formats go through cheerio's forgiving XML mode, because
 * real feeds are often not well-formed (stray `&`, bad encodings) and a strict parser would lose the whole feed.
 */
import { load, type CheerioAPI, type Cheerio } from 'cheerio';
import type { Element } from 'domhandler';
import { DiscoveryError, type DiscoveredLink } from './types.js';
import { childrenByLocalName, cleanText, isoDate, localName, plainTitle, resolveHttpUrl } from './xml.js';

/** The feed formats parseFeed recognises. */
export type FeedFormat = 'rss' | 'rdf' | 'atom' | 'json-feed';

/** A parsed feed: its format and its items, in document order. */
export interface ParsedFeed {
  format: FeedFormat;
  title?: string;
  items: DiscoveredLink[];
}

/** True when the text looks like JSON (a JSON Feed) rather than XML. */
export function looksLikeJson(text: string): boolean {
  return /^\s*\{/.test(stripBom(text));
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses XML leniently; the root element is the first element child of the document. */
export function loadXml(text: string): { $: CheerioAPI; root: Element | undefined } {
  const $ = load(stripBom(text), { xml: true });
  const root = $.root().children().toArray().find((n): n is Element => n.type === 'tag');
  return { $, root };
}

/**
 * Parses a feed of any supported format; relative links are resolved against `feedUrl` (and xml:base in Atom).
 * Items without a usable http(s) link are skipped. Throws DiscoveryError when the text is not a feed.
 */
export function parseFeed(text: string, feedUrl: string): ParsedFeed {
  if (looksLikeJson(text)) return parseJsonFeed(text, feedUrl);
  const { $, root } = loadXml(text);
  const name = root ? localName(root).toLowerCase() : '';
  if (root && name === 'rss') return parseRss($, root, feedUrl, 'rss');
  if (root && name === 'rdf') return parseRss($, root, feedUrl, 'rdf');
  if (root && name === 'feed') return parseAtom($, root, feedUrl);
  throw new DiscoveryError(`${feedUrl} is not a feed (${root ? `root element <${root.tagName}>` : 'no XML root element'})`);
}

/** RSS 2.0 and RSS 1.0 share <item><title><link>; they differ in where items sit and how dates are given. */
function parseRss($: CheerioAPI, root: Element, feedUrl: string, format: 'rss' | 'rdf'): ParsedFeed {
  const items: DiscoveredLink[] = [];
  const channel = childrenByLocalName($(root), 'channel').first();
  $('item').each((_, el) => {
    const item = $(el);
    const url = rssItemUrl(item, feedUrl);
    if (!url) return;
    const title = plainTitle(childText(item, 'title'));
    const publishedAt = isoDate(childText(item, 'pubDate')) ?? isoDate(childText(item, 'date')) ?? isoDate(childText(item, 'published'));
    items.push(compact({ url, title, publishedAt }));
  });
  return compact({ format, title: plainTitle(childText(channel, 'title')), items });
}

/**
 * The article URL of an RSS item: FeedBurner's origLink (the <link> is then a tracking redirect), else <link>,
 * else a permalink <guid>, else RDF's rdf:about.
 */
function rssItemUrl(item: Cheerio<Element>, feedUrl: string): string | undefined {
  const orig = resolveHttpUrl(childText(item, 'origLink'), feedUrl);
  if (orig) return orig;
  // Only the un-prefixed <link>: <atom:link rel="self"> and friends are not the article.
  const link = resolveHttpUrl(item.children().filter((_, el) => el.tagName === 'link').first().text(), feedUrl);
  if (link) return link;
  const guid = item.children().filter((_, el) => el.tagName === 'guid').first();
  if (guid.length > 0 && guid.attr('isPermaLink') !== 'false') {
    const g = resolveHttpUrl(guid.text(), undefined);
    if (g) return g;
  }
  return resolveHttpUrl(item.attr('rdf:about'), undefined);
}

function childText(parent: Cheerio<Element>, name: string): string | undefined {
  const c = childrenByLocalName(parent, name).first();
  return c.length > 0 ? c.text() : undefined;
}

function parseAtom($: CheerioAPI, root: Element, feedUrl: string): ParsedFeed {
  const feed = $(root);
  const feedBase = resolveHttpUrl(feed.attr('xml:base'), feedUrl) ?? feedUrl;
  const items: DiscoveredLink[] = [];
  childrenByLocalName(feed, 'entry').each((_, el) => {
    const entry = $(el);
    const base = resolveHttpUrl(entry.attr('xml:base'), feedBase) ?? feedBase;
    const url = atomEntryUrl($, entry, base);
    if (!url) return;
    const title = plainTitle(childText(entry, 'title'));
    const publishedAt = isoDate(childText(entry, 'published')) ?? isoDate(childText(entry, 'updated'));
    items.push(compact({ url, title, publishedAt }));
  });
  return compact({ format: 'atom' as const, title: plainTitle(childText(feed, 'title')), items });
}

/**
 * The article URL of an Atom entry: the rel="alternate" link (a missing rel means alternate), preferring an HTML
 * one when several are given; else the <id> when it is an http(s) URL. Enclosures, replies, self and edit links
 * are never the article.
 */
function atomEntryUrl($: CheerioAPI, entry: Cheerio<Element>, base: string): string | undefined {
  const alternates = childrenByLocalName(entry, 'link').toArray()
    .map((el) => $(el))
    .filter((l) => (l.attr('rel') ?? 'alternate').trim().toLowerCase() === 'alternate');
  const html = alternates.find((l) => /html/i.test(l.attr('type') ?? 'text/html'));
  for (const l of html ? [html, ...alternates] : alternates) {
    const u = resolveHttpUrl(l.attr('href'), base);
    if (u) return u;
  }
  return resolveHttpUrl(childText(entry, 'id'), undefined);
}

interface JsonFeedItem {
  url?: unknown;
  id?: unknown;
  title?: unknown;
  date_published?: unknown;
  date_modified?: unknown;
}

/** JSON Feed: `url` is the permalink; `external_url` points elsewhere (link blogs), so it is not used. */
function parseJsonFeed(text: string, feedUrl: string): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(stripBom(text));
  } catch (err) {
    throw new DiscoveryError(`${feedUrl} is not valid JSON: ${(err as Error).message}`);
  }
  const d = doc as { version?: unknown; items?: unknown; title?: unknown; home_page_url?: unknown };
  if (typeof d !== 'object' || d === null || !Array.isArray(d.items)) {
    throw new DiscoveryError(`${feedUrl} is JSON but not a JSON Feed (no items array)`);
  }
  const items: DiscoveredLink[] = [];
  for (const raw of d.items as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const it = raw as JsonFeedItem;
    const url = resolveHttpUrl(str(it.url), feedUrl) ?? resolveHttpUrl(str(it.id), undefined);
    if (!url) continue;
    items.push(compact({ url, title: plainTitle(str(it.title)), publishedAt: isoDate(str(it.date_published)) }));
  }
  return compact({ format: 'json-feed' as const, title: cleanText(str(d.title)), items });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Drops undefined fields so results compare cleanly and serialise without noise. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
