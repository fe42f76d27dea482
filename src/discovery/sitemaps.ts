/**
 * Sitemap parsing (sitemaps.org 0.9): a <urlset> gives page URLs, with Google News `news:` tags (title,
 * publication date) when present; a <sitemapindex> gives child sitemap URLs; a plain-text sitemap is one URL per
 * line. Gzip'd sitemaps (`.xml.gz` served as a file, not as a Content-Encoding) are unpacked by sitemapText.
 */
import { gunzipSync } from 'node:zlib';
import { DiscoveryError, type ChildSitemap, type DiscoveredLink } from './types.js';
import { compact, loadXml } from './feeds.js';
import { childrenByLocalName, isoDate, localName, plainTitle, resolveHttpUrl } from './xml.js';

/** A parsed sitemap: page links for a urlset, child sitemaps for an index. */
export type ParsedSitemap =
  | { kind: 'urlset'; links: DiscoveredLink[] }
  | { kind: 'index'; sitemaps: ChildSitemap[] }
  | { kind: 'text'; links: DiscoveredLink[] };

/** True for a body starting with the gzip magic number. */
export function isGzip(body: Buffer): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/**
 * The text of a fetched sitemap: gunzipped (at most `maxBytes` unpacked) when the body is gzip data, else
 * `decodedText` (the fetcher's charset-decoded text) or, when the fetcher did not decode it, the body as UTF-8
 * (the sitemap protocol requires UTF-8).
 */
export function sitemapText(body: Buffer, decodedText: string, maxBytes = 50 * 1024 * 1024): string {
  if (isGzip(body)) {
    try {
      return gunzipSync(body, { maxOutputLength: maxBytes }).toString('utf8');
    } catch (err) {
      throw new DiscoveryError(`cannot gunzip the sitemap: ${(err as Error).message}`);
    }
  }
  return decodedText !== '' ? decodedText : body.toString('utf8');
}

/** True when the text starts like XML or HTML rather than a plain list of URLs. */
function looksLikeMarkup(text: string): boolean {
  return /^\s*(\uFEFF)?\s*</.test(text);
}

/** Parses a sitemap, a sitemap index or a text sitemap; throws DiscoveryError for anything else. */
export function parseSitemap(text: string, sitemapUrl: string): ParsedSitemap {
  if (!looksLikeMarkup(text)) return { kind: 'text', links: parseTextSitemap(text) };
  const { $, root } = loadXml(text);
  const name = root ? localName(root) : '';
  if (root && name === 'urlset') {
    const links: DiscoveredLink[] = [];
    childrenByLocalName($(root), 'url').each((_, el) => {
      const entry = $(el);
      const url = resolveHttpUrl(childrenByLocalName(entry, 'loc').first().text(), sitemapUrl);
      if (!url) return;
      const news = childrenByLocalName(entry, 'news').first();
      const title = plainTitle(childrenByLocalName(news, 'title').first().text());
      const publishedAt = isoDate(childrenByLocalName(news, 'publication_date').first().text());
      const lastModified = isoDate(childrenByLocalName(entry, 'lastmod').first().text());
      links.push(compact({ url, title, publishedAt, lastModified }));
    });
    return { kind: 'urlset', links };
  }
  if (root && name === 'sitemapindex') {
    const sitemaps: ChildSitemap[] = [];
    childrenByLocalName($(root), 'sitemap').each((_, el) => {
      const entry = $(el);
      const url = resolveHttpUrl(childrenByLocalName(entry, 'loc').first().text(), sitemapUrl);
      if (url) sitemaps.push(compact({ url, lastModified: isoDate(childrenByLocalName(entry, 'lastmod').first().text()) }));
    });
    return { kind: 'index', sitemaps };
  }
  throw new DiscoveryError(`${sitemapUrl} is not a sitemap (${root ? `root element <${root.tagName}>` : 'no XML root element'})`);
}

/** A text sitemap: one absolute http(s) URL per line; other lines are ignored. */
export function parseTextSitemap(text: string): DiscoveredLink[] {
  const links: DiscoveredLink[] = [];
  for (const line of text.split(/\r?\n/)) {
    const url = resolveHttpUrl(line, undefined);
    if (url) links.push({ url });
  }
  return links;
}

/**
 * The child sitemaps worth fetching this poll: the `limit` most recently modified (those without <lastmod> after
 * the dated ones, in document order). News sites list years of archive sitemaps; new articles are in the newest.
 */
export function pickChildSitemaps(sitemaps: ChildSitemap[], limit: number): ChildSitemap[] {
  const indexed = sitemaps.map((s, i) => ({ s, i, t: s.lastModified ? Date.parse(s.lastModified) : -Infinity }));
  indexed.sort((a, b) => (b.t - a.t) || (a.i - b.i));
  return indexed.slice(0, limit).map((x) => x.s);
}
