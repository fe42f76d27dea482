/**
 * Front-page link discovery: the article links of an HTML page, chosen by a CSS selector, a URL pattern, or both
 * (the selector picks the part of the page, the pattern filters the canonicalised URLs). Links resolve against <base href> or
 * the page URL.
 */
import { load } from 'cheerio';
import type { DiscoveredLink } from './types.js';
import { canonicalUrl } from './canonical.js';
import { compileUrlPattern } from './patterns.js';
import { cleanText, resolveHttpUrl } from './xml.js';

/** How a page source finds its article links. At least one of the two should be given. */
export interface LinkSpec {
  /** CSS selector of the links, or of elements containing them (e.g. `main article h3`). Default `a[href]`. */
  selector?: string;
  /** URL pattern the resolved link must match (see patterns.ts). */
  pattern?: string;
}

/**
 * The links of `html` matched by `spec`, in document order, each once (first occurrence kept, with its text as
 * title). An element matched by the selector contributes its own href when it has one, else its descendant links.
 */
export function extractPageLinks(html: string, pageUrl: string, spec: LinkSpec): DiscoveredLink[] {
  const $ = load(html);
  const base = resolveHttpUrl($('base[href]').first().attr('href'), pageUrl) ?? pageUrl;
  const matches = spec.pattern ? compileUrlPattern(spec.pattern) : null;
  const out: DiscoveredLink[] = [];
  const seen = new Set<string>();
  $(spec.selector ?? 'a[href]').each((_, el) => {
    const node = $(el);
    const anchors = node.is('[href]') ? node : node.find('a[href]');
    anchors.each((__, a) => {
      const link = $(a);
      const url = resolveHttpUrl(link.attr('href'), base);
      if (!url) return;
      const key = canonicalUrl(url) ?? url;
      if (seen.has(key) || (matches && !matches(key))) return;
      seen.add(key);
      const title = cleanText(link.text()) ?? cleanText(link.attr('title'));
      out.push(title ? { url, title } : { url });
    });
  });
  return out;
}

/** Why `selector` is not a usable CSS selector, or null. */
export function selectorError(selector: string): string | null {
  try {
    load('<p></p>')(selector);
    return null;
  } catch (err) {
    return `invalid CSS selector: ${(err as Error).message}`;
  }
}
