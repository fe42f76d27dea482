/** A deliberately weak extractor for tests of re-extraction: every block of text on the page, furniture and all. */
import { load } from 'cheerio';
import type { Extracted } from '../../src/extractor/types.js';

/** Every block of text on the page, furniture and all: what a naive tracker compares. */
export function wholePage(html: string): Extracted {
  const $ = load(html);
  $('script, style').remove();
  const paragraphs = $('body').find('p, li, h1, h2, span, a').toArray().map((el) => $(el).text().replace(/\s+/g, ' ').trim()).filter(Boolean);
  return {
    title: $('title').text(), byline: null, publishedAt: null, modifiedAt: null, lang: null, canonicalUrl: null, siteName: null,
    section: null, image: null, excerpt: null, paragraphs, text: paragraphs.join('\n\n'),
  };
}
