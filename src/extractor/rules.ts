/**
 * Site rules: per-domain CSS selectors that override the generic extractor where a template defeats it.
 * Built-in rules cover a few major outlets; users add their own per source (they take precedence).
 */
import { compile, selectAll } from 'css-select';
import { z } from 'zod';
import type { AnyNode, Document, Element } from './dom.js';

/** Selectors for one site. Every field is optional; absent fields leave the generic extractor in charge. */
export interface SiteRule {
  /** Host the rule applies to, with its subdomains: 'bbc.co.uk' matches www.bbc.co.uk and bbc.co.uk. */
  domain: string;
  /** Selectors of the article body, best first: the first that matches anything gives the body (all its matches, in document order). */
  body?: string[];
  /** Selector of the headline element (its text replaces the title from metadata). */
  title?: string;
  /** Selector of the byline element(s) (their texts, joined, replace the byline from metadata). */
  byline?: string;
  /** Selectors of elements to remove before anything is extracted. */
  drop?: string[];
}

const selector = z.string().min(1).refine(
  (s) => {
    try {
      compile(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'extractor: not a valid CSS selector' },
);

/** Validates a user-supplied rule (for configuration loaders): a zod schema of `SiteRule`. */
export const siteRuleSchema = z.object({
  domain: z.string().min(1).transform((d) => d.trim().toLowerCase().replace(/^\.+/, '')),
  body: z.array(selector).optional(),
  title: selector.optional(),
  byline: selector.optional(),
  drop: z.array(selector).optional(),
});

const BBC_BODY = [
  '[property="articleBody"]',
  '.story-body__inner',
  'article [data-component="text-block"], article [data-component="subheadline-block"], article [data-component="unordered-list-block"], article [data-component="ordered-list-block"]',
];
const BBC_DROP = [
  '[data-component="image-block"]', '[data-component="media-block"]', '[data-component="links-block"]', '[data-component="tag-list"]',
  '[data-component="byline-block"]', '[data-component="timestamp-block"]', '[data-component="headline-block"]',
  '.story-body__mini-info-list-and-share', '.media-with-caption', '.story-more', '.related-links',
];

/** Rules for outlets whose markup changes often; each covers the site's article template, old and new. */
export const BUILTIN_RULES: readonly SiteRule[] = [
  { domain: 'bbc.co.uk', body: BBC_BODY, drop: BBC_DROP },
  { domain: 'bbc.com', body: BBC_BODY, drop: BBC_DROP },
  {
    domain: 'theguardian.com',
    body: ['[itemprop="articleBody"]', '.content__article-body', '#maincontent .article-body-commercial-selector', '[data-gu-name="body"] .article-body-commercial-selector', '[data-gu-name="body"]'],
    drop: ['.element-rich-link', '.element-atom', '.submeta', '.ad-slot', '[data-component="rich-link"]', 'gu-island[name="RichLinkComponent"]', '.after-article', '[data-spacefinder-role="inline"]', '#sign-in-gate'],
  },
  {
    domain: 'nytimes.com',
    body: ['section[name="articleBody"]', '.story-body-text', '#story-body'],
    drop: ['[data-testid="inline-message"]', '[id^="story-ad-"]', '[data-testid="photoviewer-wrapper"]', '[data-testid="brand-bar"]', '.ad', '#NYT_BELOW_MAIN_CONTENT_REGION', '.bottom-of-article'],
  },
  {
    domain: 'reuters.com',
    body: ['.StandardArticleBody_body', '[class*="article-body__content"]', '[data-testid^="paragraph-"]', '.ArticleBodyWrapper'],
    drop: ['[class*="StandardArticleBody_trustBadge"]', '[class*="dianomi"]', '[class*="read-next"]', '[class*="RelatedCoverage"]', '[class*="toolbar"]'],
  },
  {
    domain: 'apnews.com',
    body: ['.RichTextStoryBody', '.RichTextBody', '.Article[data-key="article"]', 'div.Article'],
    drop: ['.Enhancement', '[data-key="hub-peek"]', '[class*="Component-signup"]', '.ad-placeholder', '.Advertisement', '.Page-below'],
  },
];

function hostMatches(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** The rule for `url`: the user rule with the longest matching domain, else the built-in one; null when none applies. */
export function findRule(url: string | null, userRules: readonly SiteRule[] = []): SiteRule | null {
  if (!url) return null;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  for (const list of [userRules, BUILTIN_RULES]) {
    let best: SiteRule | null = null;
    for (const r of list) if (hostMatches(host, r.domain.toLowerCase()) && (!best || r.domain.length > best.domain.length)) best = r;
    if (best) return best;
  }
  return null;
}

/** Every element of `doc` matched by any of `selectors`, outermost only, in document order. */
export function selectOuter(doc: Document, selectors: readonly string[]): Element[] {
  if (selectors.length === 0) return [];
  let found: Element[];
  try {
    found = selectAll<AnyNode, Element>(selectors.join(', '), doc);
  } catch (err) {
    throw new Error(`extractor: invalid CSS selector in site rule (${selectors.join(', ')}): ${(err as Error).message}`);
  }
  const set = new Set(found);
  return found.filter((el) => {
    for (let p = el.parent; p; p = p.parent) if (set.has(p as Element)) return false;
    return true;
  });
}

/** The elements of the first selector in `selectors` that matches anything (selectors are alternatives, best first). */
export function selectFirstMatching(doc: Document, selectors: readonly string[]): Element[] {
  for (const s of selectors) {
    const found = selectOuter(doc, [s]);
    if (found.length > 0) return found;
  }
  return [];
}
