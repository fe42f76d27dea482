/**
 * Discovery: pure parsers turning a source's documents (feeds, sitemaps, front pages) into article links, URL
 * canonicalisation and include/exclude patterns. No I/O here; the poller in src/sources fetches and stores.
 */
export * from './types.js';
export { parseFeed, type FeedFormat, type ParsedFeed } from './feeds.js';
export { parseSitemap, parseTextSitemap, pickChildSitemaps, sitemapText, isGzip, type ParsedSitemap } from './sitemaps.js';
export { extractPageLinks, selectorError, type LinkSpec } from './page.js';
export { canonicalUrl, canonicalMergeTarget, registrableDomain, TRACKING_PARAMS, type CanonicalOptions } from './canonical.js';
export { compileUrlPattern, compileUrlFilter, passesFilter, patternError, isUrlPatternSyntax, type UrlFilter, type UrlMatcher } from './patterns.js';
export { parseDocument, type FetchedDocument, type ParseDocumentOptions, type SourceDocumentKind } from './document.js';
