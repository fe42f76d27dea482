/** Small helpers over cheerio's XML mode shared by the feed and sitemap parsers. */
import type { Cheerio } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';

/** An element's name without its namespace prefix ("news:title" -> "title"). */
export function localName(el: Element): string {
  const name = el.tagName;
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** Child elements of `parent` whose local name is `name`, whatever prefix their namespace got. */
export function childrenByLocalName(parent: Cheerio<AnyNode>, name: string): Cheerio<Element> {
  return parent.children().filter((_, el) => localName(el) === name);
}

/** Whitespace-collapsed text, or undefined when empty. */
export function cleanText(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.replace(/\s+/g, ' ').trim();
  return t === '' ? undefined : t;
}

/** A title as plain text: feeds often put HTML (escaped or in CDATA) in titles. */
export function plainTitle(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  // Inline tags vanish without a trace ("<b>2025</b>:"); block tags and line breaks separate words.
  const noInline = s.replace(/<\/?(?:a|abbr|b|code|em|i|mark|q|s|small|span|strong|sub|sup|u)\b[^>]*>/gi, '');
  return cleanText(noInline.replace(/<[^>]*>/g, ' ').replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, e: string) => ENTITIES[e] ?? _));
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

/** A date in any form Date.parse knows (RFC 822, RFC 3339, W3C datetime) as ISO 8601, or undefined. */
export function isoDate(s: string | undefined): string | undefined {
  const t = cleanText(s);
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** `href` resolved against `base` as an absolute http(s) URL, or undefined when it is not one. */
export function resolveHttpUrl(href: string | undefined, base: string | undefined): string | undefined {
  const h = href?.trim();
  if (!h) return undefined;
  let u: URL;
  try {
    u = new URL(h, base);
  } catch {
    return undefined;
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
}
