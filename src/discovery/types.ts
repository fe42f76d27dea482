/** Shapes shared by the discovery parsers. */

/** One article link found in a feed, a sitemap or a front page. `url` is absolute but not yet canonicalised. */
export interface DiscoveredLink {
  url: string;
  title?: string;
  /** Publication time (ISO 8601) when the document gives one. */
  publishedAt?: string;
  /** Last modification time (ISO 8601) when the document gives one (a sitemap's <lastmod>). */
  lastModified?: string;
}

/** A child sitemap listed by a sitemap index. */
export interface ChildSitemap {
  url: string;
  lastModified?: string;
}

/** The document formats discovery understands. */
export type DocumentFormat = 'rss' | 'rdf' | 'atom' | 'json-feed' | 'urlset' | 'sitemap-index' | 'text-sitemap' | 'html';

/** What discovery found in one fetched document. */
export interface ParsedDocument {
  format: DocumentFormat;
  links: DiscoveredLink[];
  /** Child sitemaps (only for a sitemap index). */
  sitemaps: ChildSitemap[];
}

/** Thrown for a document that cannot be read as what it should be. The message starts with "discovery:". */
export class DiscoveryError extends Error {
  constructor(message: string) {
    super(`discovery: ${message}`);
    this.name = 'DiscoveryError';
  }
}
