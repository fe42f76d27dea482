/**
 * The article extractor: a pure function from a page's HTML (and address) to its headline, metadata and body
 * paragraphs. Parsing uses htmlparser2; the body is found by text density, markup conventions and site rules.
 */
import { extractBody, paragraphsOfLdBody } from './body.js';
import { parseHtml, rawText, type Document } from './dom.js';
import { ExplainTrace } from './explain.js';
import { howToParts, withHowTo } from './howto.js';
import { buildMetadata, cleanByline } from './metadata.js';
import { findRule, selectOuter, type SiteRule } from './rules.js';
import { collectSignals } from './signals.js';
import { normalizeText } from './text.js';
import type { Extracted } from './types.js';

// The types and rule helpers callers need, so that they import from the extractor's entry point only.
export type { Extracted } from './types.js';
export type { Explanation, ExplainEntry } from './explain.js';
export { BUILTIN_RULES, findRule, siteRuleSchema, type SiteRule } from './rules.js';

/**
 * Identifies the extraction logic. Stored with every version so history can be re-extracted; it changes whenever
 * the same HTML could give a different result.
 */
export const EXTRACTOR_VERSION = 'palimpsest-extractor/2';

/** A JSON-LD articleBody shorter than this is a summary, not a fallback body. */
const LD_BODY_MIN = 500;

/** Options of `extract`. */
export interface ExtractOptions {
  /** Site rules supplied by the user; they take precedence over the built-in rules for the same host. */
  rules?: readonly SiteRule[];
  /**
   * Record why each element and text block was kept or dropped, and the chosen body container, in the result's
   * `explain` field (`palimpsest extract --explain`). Off by default: the trace costs time and memory.
   */
  explain?: boolean;
}

function matchTexts(doc: Document, selector: string): string[] {
  const texts = selectOuter(doc, [selector])
    .map((el) => normalizeText(rawText(el)))
    .filter((t) => t !== '');
  return [...new Set(texts)];
}

/**
 * Extracts the article of one page. `url` is the page's address (used to resolve relative links and to pick
 * the site rule; the canonical URL is used when it is null). Never throws on malformed HTML: a page without an
 * article gives an empty body.
 */
export function extract(html: string, url: string | null = null, options: ExtractOptions = {}): Extracted {
  const doc = parseHtml(html);
  const signals = collectSignals(doc);
  const meta = buildMetadata(signals, url);
  const rule = findRule(url ?? meta.canonicalUrl, options.rules);
  let title = meta.title;
  let byline = meta.byline;
  if (rule?.title) title = matchTexts(doc, rule.title)[0] ?? title;
  if (rule?.byline) {
    const names = matchTexts(doc, rule.byline).map(cleanByline).filter((n): n is string => n !== null);
    if (names.length > 0) byline = names.join(', ');
  }
  const trace = options.explain ? new ExplainTrace() : undefined;
  let paragraphs = extractBody(doc, { titles: [title, ...signals.h1s.slice(0, 1)], rule, excerpt: meta.excerpt, url: url ?? meta.canonicalUrl, ...(trace ? { trace } : {}) });
  // Pages rendered by script carry the story only in their JSON-LD: use it when the markup gave next to nothing.
  if (meta.ldBody && meta.ldBody.length >= LD_BODY_MIN && paragraphs.join(' ').length < 0.25 * meta.ldBody.length) {
    paragraphs = paragraphsOfLdBody(meta.ldBody);
    trace?.replaceBody('JSON-LD articleBody', paragraphs);
  }
  paragraphs = withHowTo(paragraphs, howToParts(signals.jsonld));
  // An empty body would record a failed check and no version: the page's own summary is the last resort.
  if (paragraphs.length === 0) {
    paragraphs = lastResort(meta.ldBody, meta.excerpt);
    if (paragraphs.length > 0) trace?.replaceBody('last resort: the JSON-LD articleBody or the page description', paragraphs);
  }
  return withoutNul({
    title,
    byline,
    publishedAt: meta.publishedAt,
    modifiedAt: meta.modifiedAt,
    lang: meta.lang,
    canonicalUrl: meta.canonicalUrl,
    siteName: meta.siteName,
    section: meta.section,
    image: meta.image,
    excerpt: meta.excerpt,
    paragraphs,
    text: paragraphs.join('\n\n'),
    ...(trace ? { explain: trace.result() } : {}),
  });
}

/** The body of a page whose markup gave none: its JSON-LD articleBody of any length, else its description. */
function lastResort(ldBody: string | null, excerpt: string | null): string[] {
  if (ldBody) {
    const ps = paragraphsOfLdBody(ldBody);
    if (ps.length > 0) return ps;
  }
  return excerpt ? [excerpt] : [];
}

/**
 * The result with NUL characters removed from every string. Browsers drop NUL from a page's text; a NUL may still
 * come from JSON-LD (`\u0000`) or raw bytes, and PostgreSQL cannot store it in text, so no extracted text keeps one.
 */
function withoutNul(e: Extracted): Extracted {
  const strip = <T>(v: T): T => (typeof v === 'string' && v.includes('\0') ? (v.replace(/\0/g, '') as T) : v);
  const out = Object.fromEntries(Object.entries(e).map(([k, v]) => [k, Array.isArray(v) ? v.map(strip) : strip(v)]));
  return out as unknown as Extracted;
}
