import type { Explanation } from './explain.js';

/** What the extractor finds in one article page. All strings are NFC-normalised with whitespace collapsed. */
export interface Extracted {
  /** Headline, without a site-name suffix where one can be recognised; '' when none found. */
  title: string;
  /** Author line(s) joined with ', ', or null. */
  byline: string | null;
  /** ISO 8601 publication time, or null. */
  publishedAt: string | null;
  /** ISO 8601 last-modified time, or null. */
  modifiedAt: string | null;
  /** BCP 47 language tag, or null. */
  lang: string | null;
  /** Canonical URL (absolute), or null. */
  canonicalUrl: string | null;
  /** Site name (og:site_name, publisher), or null. */
  siteName: string | null;
  /** Section / category, or null. */
  section: string | null;
  /** Lead image URL (absolute), or null. */
  image: string | null;
  /** Short description / standfirst, or null. */
  excerpt: string | null;
  /** The article body, one entry per paragraph (headings and list items are paragraphs too). */
  paragraphs: string[];
  /** paragraphs joined with a blank line ("\n\n"). */
  text: string;
  /** Why each element and block was kept or dropped; present only when `extract` was asked to explain. */
  explain?: Explanation;
}
